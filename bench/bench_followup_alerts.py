"""Follow-up engine at national scale: the deadline-alert sweeps.

Run: .venv/bin/python bench/bench_followup_alerts.py [--orgs 8300] [--alert-orgs N]
     [--pg postgresql+psycopg://...]
Step (e) of bench/bench_followup.py, which runs it with the others; alone, on a database of
its own (built as there).

Deadline alerts peak on Sat 23 Sep 2023 09:30, when every open task ending with the fiscal
year (30 Sep) gets its 7-days-left alert; each task's next alert moment is stored as the
sweep of 08:30 would have left it, and the idle alert sweep runs at 08:45. --alert-orgs N
makes only the first N organizations' tasks due in that round (default: all).
"""

from __future__ import annotations

from followup_bench_data import ALERTS_IDLE_AT, ALERTS_PEAK_AT
from followup_bench_support import Bench, Group, against_pipeline, main, measured
from handwritten_rounds import alert_round

from tracker.followup.jobs.deadline_alerts import deadline_alerts


def alerts(bench: Bench) -> None:
    factory, statements, column, options = (
        bench.factory,
        bench.statements,
        bench.column,
        bench.options,
    )

    # (e) deadline alerts: nothing due at 08:45, then the 7-days-left round of 30 Sep, after
    # its hand-written pipeline (issue 15).
    step = measured(
        column,
        "alerts-idle",
        statements,
        lambda: deadline_alerts(factory=factory, now=ALERTS_IDLE_AT, options=options),
    )
    if step.result is not None:
        column.cells["alerts-idle"] += f"; {step.result.queued} queued"
    against_pipeline(
        bench,
        "alerts-peak",
        "deadline-alert",
        ALERTS_PEAK_AT,
        lambda: deadline_alerts(factory=factory, now=ALERTS_PEAK_AT, options=options),
        lambda: alert_round(bench.engine, ALERTS_PEAK_AT, options.alert_days, options.zone),
    )


ALERTS = Group(("alerts-idle", "alerts-peak", "alerts-peak-pipeline"), alerts)


if __name__ == "__main__":
    main(__doc__.splitlines()[0], [ALERTS])
