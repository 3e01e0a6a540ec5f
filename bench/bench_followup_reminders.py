"""Follow-up engine at national scale: planning meeting dues, the reminder sweeps, dispatch.

Run: .venv/bin/python bench/bench_followup_reminders.py [--orgs 8300] [--alert-orgs N]
     [--pg postgresql+psycopg://...] [--dispatch-threads N] [--send-latency-ms MS]
Steps (a), (b), (d), (c) and (h) of bench/bench_followup.py, which runs them with the others;
alone, on a database of their own (built as there). Prints the same rows of its table.

- (a) meeting dues are first planned on Tue 25 Jul 2023 06:00 (meeting_dues empty), then
  again on the 26th at 06:00, as the first sweep of each day does; earlier dues are then
  marked done, as the sweeps of earlier days would have left them, and the ledger gets the
  earlier rounds' reminders (one sent message per unit and meeting);
- (b) the idle reminder sweep runs at 08:45, (d) the floor query and (c) the peak sweep at
  09:30, when every organization's reminder for the meeting of Wed 2 Aug is due, after its
  hand-written pipeline (handwritten_rounds.py; CPU ratio and peak memory);
- (h) the reminders of that round are then dispatched through the ledger to a sender that
  discards them (after --send-latency-ms), on --dispatch-threads threads.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from followup_bench_data import (
    FIRST_PLAN_AT,
    IDLE_AT,
    PEAK_AT,
    PLAN_AT,
    analyze,
    ledger_history,
)
from followup_bench_support import Bench, Group, against_pipeline, main, measured, seconds
from handwritten_rounds import reminder_round
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from schedules.workdays import ThaiCalendar
from tracker.followup.dispatcher import dispatch
from tracker.followup.dues import plan_meeting_dues
from tracker.followup.jobs.meeting_reminders import meeting_reminders
from tracker.followup.jobs.sweep import LOOKBACK
from tracker.models import MeetingDue, UTCDateTime

FLOOR_SQL = """
SELECT d.id, t.id, u.id
FROM meeting_dues AS d
JOIN tasks AS t ON t.series_id = d.series_id
JOIN task_units AS tu ON tu.task_id = t.id
JOIN units AS g ON g.id = tu.unit_id
JOIN units AS u ON u.organization_id = g.organization_id
    AND u.merged_into_id IS NULL AND u.all_units = false
    AND (u.id = g.id OR g.all_units = true)
WHERE d.done_at IS NULL AND d.job = 'meeting-reminder'
    AND d.due_at <= :now AND d.due_at >= :since
    AND t.status IN ('not_started', 'in_progress')
    AND t.created_at <= d.due_at
    AND (t.start_date IS NULL OR t.start_date <= d.meeting_date)
"""


def plan(factory: sessionmaker[Session], moment: datetime) -> int:
    """Plan the meeting dues of every series at ``moment``, as the day's first sweep does."""
    with factory() as session, session.begin():
        return plan_meeting_dues(session, moment, ThaiCalendar())


def sender(latency: float) -> Callable[[str, str, Any], None]:
    """A transport that delivers nowhere, after ``latency`` seconds (a server's round trip)."""

    def send(_channel: str, _address: str, _message: Any) -> None:
        if latency:
            time.sleep(latency)

    return send


def planning(bench: Bench) -> None:
    factory, engine, statements, column = (
        bench.factory,
        bench.engine,
        bench.statements,
        bench.column,
    )

    # (a) planning: the first time (an empty meeting_dues: a new database, a national import),
    # then what the first sweep of each day pays, for every series.
    step = measured(column, "plan-first", statements, lambda: plan(factory, FIRST_PLAN_AT))
    analyze(engine)
    if step.result is not None:
        with factory() as session:
            dues = session.scalar(select(func.count()).select_from(MeetingDue))
        column.cells["plan-first"] += f"; {step.result:,} series, {dues:,} due rows"
    step = measured(column, "plan", statements, lambda: plan(factory, PLAN_AT))
    with factory() as session, session.begin():
        dues = session.scalar(select(func.count()).select_from(MeetingDue))
        # The sweeps before 06:00 today would have acted on everything already due.
        session.execute(
            update(MeetingDue)
            .where(MeetingDue.due_at < PLAN_AT, MeetingDue.done_at.is_(None))
            .values(done_at=MeetingDue.due_at)
        )
    history = ledger_history(engine)
    analyze(engine)
    if step.result is not None:
        column.cells["plan"] += f"; {step.result:,} series, {dues:,} due rows"
    print(f"[{column.name}] ledger: {history:,} messages of earlier rounds", file=sys.stderr)


def reminders(bench: Bench) -> None:
    factory, engine, statements, column = (
        bench.factory,
        bench.engine,
        bench.statements,
        bench.column,
    )
    options = bench.options
    dispatch_threads, send_latency = bench.args.dispatch_threads, bench.args.send_latency_ms / 1000

    # (b) the every-15-minutes sweep when nothing is due.
    step = measured(
        column,
        "idle",
        statements,
        lambda: meeting_reminders(factory=factory, now=IDLE_AT, options=options),
    )
    if step.result is not None:
        column.cells["idle"] += f"; {step.result.queued} queued"

    # (d) the floor: one hand-written query for every (due, task, unit) triple.
    floor_query = text(FLOOR_SQL).bindparams(
        bindparam("now", type_=UTCDateTime()), bindparam("since", type_=UTCDateTime())
    )

    def floor() -> int:
        with engine.connect() as connection:
            rows = connection.execute(
                floor_query, {"now": PEAK_AT, "since": PEAK_AT - LOOKBACK}
            ).all()
        return len(rows)

    step = measured(column, "floor", statements, floor)
    if step.result is not None:
        column.cells["floor"] = f"{seconds(step.wall)}, {step.result:,} rows"

    # (c) the peak: every organization's reminder round at once, after its hand-written
    # pipeline (issue 15: the same rows, text and ledger rows; its INSERT rolled back).
    against_pipeline(
        bench,
        "peak",
        "meeting-reminder",
        PEAK_AT,
        lambda: meeting_reminders(factory=factory, now=PEAK_AT, options=options),
        lambda: reminder_round(engine, PEAK_AT),
    )

    # (h) dispatch of that round through the ledger, to a sender that discards each message:
    # what the claim and outcome commits cost per message, without a transport's own time.
    step = measured(
        column,
        "dispatch",
        statements,
        lambda: dispatch(
            factory, PEAK_AT, sender(send_latency), worker="bench", threads=dispatch_threads
        ),
    )
    if step.result is not None:
        sent = step.result.sent
        column.cells["dispatch"] += f"; {sent:,} messages, {sent / step.wall:,.0f} /s"


PLANNING = Group(("plan-first", "plan"), planning)
REMINDERS = Group(("idle", "floor", "peak", "peak-pipeline", "dispatch"), reminders)


if __name__ == "__main__":
    main(__doc__.splitlines()[0], [PLANNING, REMINDERS], dispatch=True)
