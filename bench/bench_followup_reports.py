"""Follow-up engine at national scale: progress reports and the weekly overdue digests.

Run: .venv/bin/python bench/bench_followup_reports.py [--orgs 8300] [--alert-orgs N]
     [--pg postgresql+psycopg://...]
Steps (f) and (g) of bench/bench_followup.py, which runs them with the others; alone, on a
database of their own (built as there), after the planning steps (a) that the reports need
(those rows are printed too).

- (f) the progress reports for Wed 2 Aug 2023 are due 1 working day before it, Thu 27 Jul
  08:00; the day's planning runs at 06:00 and the report sweep at 08:30, after the same
  round's hand-written pipeline (bench/handwritten_reports.py: one query, plain string
  formatting, one multi-row insert, rolled back), whose every row is checked against the
  job's;
- (g) the weekly overdue digests are due on Mon 31 Jul 08:00 and swept at 08:30, then again
  an hour later, as an hourly Prefect sweep would.
"""

from __future__ import annotations

from datetime import timedelta

from bench_followup_reminders import PLANNING, plan
from followup_bench_data import DIGESTS_AT, REPORT_AT, REPORT_PLAN_AT
from followup_bench_support import Bench, Group, against_pipeline, main, measured
from handwritten_reports import report_round
from handwritten_rounds import digest_round

from tracker.followup.jobs.overdue_digests import overdue_digests
from tracker.followup.jobs.progress_reports import progress_reports
from tracker.followup.timing import digest_moment


def reports(bench: Bench) -> None:
    factory, statements, column, options = (
        bench.factory,
        bench.statements,
        bench.column,
        bench.options,
    )

    # (f) the next morning: every organization's progress report for 2 Aug at once, after
    # the day's planning (timed on its own, as the first sweep of each day pays it).
    # Then the round against its hand-written pipeline (issue 15: bench/handwritten_reports.py),
    # which runs first, in a child process, its INSERT rolled back.
    measured(column, "plan-report-day", statements, lambda: plan(factory, REPORT_PLAN_AT))
    against_pipeline(
        bench,
        "reports",
        "progress-report",
        REPORT_AT,
        lambda: progress_reports(factory=factory, now=REPORT_AT, options=options),
        lambda: report_round(bench.engine, REPORT_AT),
    )


def digests(bench: Bench) -> None:
    factory, statements, column, options = (
        bench.factory,
        bench.statements,
        bench.column,
        bench.options,
    )

    # (g) Monday's overdue digests to every unit's head, after their hand-written pipeline
    # (issue 15), then a later sweep of the week.
    against_pipeline(
        bench,
        "digests",
        "overdue-digest",
        DIGESTS_AT,
        lambda: overdue_digests(factory=factory, now=DIGESTS_AT, options=options),
        lambda: digest_round(bench.engine, digest_moment(DIGESTS_AT, options.zone), DIGESTS_AT),
    )
    step = measured(
        column,
        "digests-again",
        statements,
        lambda: overdue_digests(
            factory=factory, now=DIGESTS_AT + timedelta(hours=1), options=options
        ),
    )
    if step.result is not None:
        column.cells["digests-again"] += f"; {step.result.already:,} already there"


REPORTS = Group(("plan-report-day", "reports", "reports-pipeline"), reports)
DIGESTS = Group(("digests", "digests-pipeline", "digests-again"), digests)


if __name__ == "__main__":
    main(__doc__.splitlines()[0], [PLANNING, REPORTS, DIGESTS])
