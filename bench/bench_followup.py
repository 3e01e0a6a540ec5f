"""Follow-up engine at national scale: planning meeting dues, sweeping reminders and alerts.

Run: .venv/bin/python bench/bench_followup.py [--orgs 8300] [--alert-orgs N]
     [--pg postgresql+psycopg://...] [--prefect] [--dispatch-threads N] [--send-latency-ms MS]
Builds N organizations (each: one FY2566 plan, one measure, 25 tasks, 5 units and an
every-unit group, one 1st/3rd/5th-Wednesday meeting series) with SQLAlchemy Core, on a
temporary SQLite file and, with --pg, on a scratch PostgreSQL database made and dropped here;
then times each follow-up step once. Prints a Markdown table; copy the numbers into
bench/README.md with the machine they ran on. Not a test: nothing here asserts a speed.

The moments, all Asia/Bangkok, FY2566:
- the peak reminder sweep is the moment every organization's reminder for the meeting of
  Wed 2 Aug 2023 is due: 2 working days before it. 1 Aug (Asalha Bucha), 31 Jul (a bridge
  holiday), the weekend and 28 Jul (the King's birthday) are not working days, so it is
  Wed 26 Jul 09:00; the sweep runs at 09:30. Earlier dues are marked done, as the sweeps
  of earlier days would have left them;
- meeting dues are first planned on Tue 25 Jul 06:00 (meeting_dues empty), then again on
  the 26th at 06:00, as the first sweep of each day does; the idle sweep runs at 08:45;
- the ledger holds the earlier rounds' reminders (one sent message per unit and meeting),
  since the sweeps count what earlier sweeps queued;
- the reminders of that round are then dispatched through the ledger to a sender that
  discards them, which times the ledger's part of sending (a claim and an outcome commit per
  message) without any transport;
- the progress reports for 2 Aug are due 1 working day before it, Thu 27 Jul 08:00; the
  day's planning runs at 06:00 and the report sweep at 08:30;
- the weekly overdue digests are due on Mon 31 Jul 08:00 and swept at 08:30, then again an
  hour later, as an hourly Prefect sweep would;
- deadline alerts peak on Sat 23 Sep 2023 09:30, when every open task ending with the fiscal
  year (30 Sep) gets its 7-days-left alert; each task's next alert moment is stored as the
  sweep of 08:30 would have left it, and the idle alert sweep runs at 08:45. --alert-orgs N
  makes only the first N organizations' tasks due in that round (default: all).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, bindparam, event, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from schedules import format_span
from schedules.workdays import ThaiCalendar
from tracker.db import open_database
from tracker.followup.dues import next_alert, plan_meeting_dues
from tracker.followup.jobs import Options
from tracker.followup.jobs.deadline_alerts import deadline_alerts
from tracker.followup.jobs.meeting_reminders import meeting_reminders
from tracker.followup.jobs.overdue_digests import overdue_digests
from tracker.followup.jobs.progress_reports import progress_reports
from tracker.followup.jobs.sweep import LOOKBACK
from tracker.followup.ledger import dispatch
from tracker.models import (
    Measure,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    Plan,
    Task,
    Unit,
    UnitContact,
    UTCDateTime,
    task_units,
)
from tracker.textkey import lookup_key

BKK = ZoneInfo("Asia/Bangkok")
FY_START, FY_END = date(2022, 10, 1), date(2023, 9, 30)  # FY2566
CREATED = datetime(2022, 10, 3, 3, 0, tzinfo=UTC)  # when the plans were imported
RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
PEAK_MEETING = date(2023, 8, 2)
REMINDER_DAY = date(2023, 7, 26)  # checked against the calendar in main()
FIRST_PLAN_AT = datetime(2023, 7, 25, 6, 0, tzinfo=BKK)
PLAN_AT = datetime(2023, 7, 26, 6, 0, tzinfo=BKK)
IDLE_AT = datetime(2023, 7, 26, 8, 45, tzinfo=BKK)
PEAK_AT = datetime(2023, 7, 26, 9, 30, tzinfo=BKK)
REPORT_PLAN_AT = datetime(2023, 7, 27, 6, 0, tzinfo=BKK)
REPORT_AT = datetime(2023, 7, 27, 8, 30, tzinfo=BKK)  # the 2 Aug report was due at 08:00
DIGESTS_AT = datetime(2023, 7, 31, 8, 30, tzinfo=BKK)  # a Monday; digests are due at 08:00
ALERTS_BEFORE = datetime(2023, 9, 23, 8, 30, tzinfo=BKK)  # the last alert sweep before the peak
ALERTS_IDLE_AT = datetime(2023, 9, 23, 8, 45, tzinfo=BKK)
ALERTS_PEAK_AT = datetime(2023, 9, 23, 9, 30, tzinfo=BKK)
ALERT_DAYS = (7, 1)
TASKS_PER_ORG = 25
UNIT_NAMES = (
    "สำนักปลัด",
    "กองคลัง",
    "กองช่าง",
    "กองการศึกษา ศาสนาและวัฒนธรรม",
    "กองสาธารณสุขและสิ่งแวดล้อม",
)
GROUP_NAME = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบล"
SERIES_NAME = "ประชุมหัวหน้าส่วนราชการ"
STEPS = (
    "จัดทำประกาศเจตนารมณ์การป้องกันการทุจริตและเผยแพร่บนเว็บไซต์หน่วยงาน",
    "ประชุมชี้แจงแนวทางการปฏิบัติงานตามคู่มือให้บุคลากรทุกระดับ",
    "เปิดเผยข้อมูลการจัดซื้อจัดจ้างรายเดือนบนเว็บไซต์",
    "ทบทวนคู่มือการปฏิบัติงานและมาตรฐานการให้บริการ",
    "สำรวจความพึงพอใจของผู้รับบริการและรายงานผล",
)
BATCH = 20_000
OPEN = ("not_started", "in_progress")

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


# --- the national database -----------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def task_dates(rng: random.Random, number: int) -> tuple[date | None, date | None]:
    """Periods as plans write them: whole-year steps, a few open-ended ones, the rest months."""
    if number in (3, 17):
        return date(2022, 10 + rng.randrange(3), 1), None  # "ตั้งแต่ ... เป็นต้นไป"
    if number in (1, 6, 11, 20, 24):
        return FY_START, FY_END  # the whole fiscal year
    first = rng.randrange(11)  # starting October 2022 .. August 2023
    year, month = (2022, 10 + first) if first < 3 else (2023, first - 2)
    span = rng.randrange(1, 5)
    last_year, last_month = divmod(month - 1 + span - 1, 12)
    end = min(month_end(year + last_year, last_month + 1), FY_END)
    return date(year, month, 1), end


def task_status(rng: random.Random) -> tuple[str, int]:
    draw = rng.random()
    if draw < 0.10:
        return "done", 100
    if draw < 0.13:
        return "cancelled", 0
    if draw < 0.60:
        return "in_progress", rng.randrange(10, 95, 5)
    return "not_started", 0


def organization_rows(
    index: int, rng: random.Random, contacts: bool, alert_due: bool
) -> dict[str, list[dict[str, Any]]]:
    """One organization's rows, with explicit ids so that no insert needs RETURNING.

    Each open task's next alert moment is the one the sweep of ALERTS_BEFORE left; when
    ``alert_due`` is false, the one the sweep of ALERTS_PEAK_AT left (its 09:00 alerts taken
    care of), so that the alert peak covers only some organizations.
    """
    org = index + 1
    name = f"องค์การบริหารส่วนตำบลทดสอบที่ {org}"
    rows: dict[str, list[dict[str, Any]]] = {
        "organizations": [{"id": org, "name": name, "key": lookup_key(name)}],
        "plans": [
            {
                "id": org,
                "organization_id": org,
                "fiscal_year": 2566,
                "title": f"มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปี 2566 {name}",
                "source": "bench",
                "assessment_id": None,
                "warnings": [],
            }
        ],
        "measures": [
            {"id": org, "plan_id": org, "position": 1, "title": "มาตรการเผยแพร่ข้อมูลต่อสาธารณะ"}
        ],
        "meeting_series": [
            {
                "id": org,
                "organization_id": org,
                "name": SERIES_NAME,
                "rrule": RULE,
                "text": "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน",
                "timezone": "Asia/Bangkok",
                "time_of_day": clock(9, 0),
                "place": "ห้องประชุมสภา",
                "holiday_policy": "flag",
                "reminder_days": 2,
                "reminder_time": clock(9, 0),
                "report_days": 1,
                "report_time": clock(8, 0),
                "dues_planned_on": None,
            }
        ],
        "units": [],
        "unit_contacts": [],
        "tasks": [],
        "task_units": [],
    }
    unit_ids = [index * 6 + k + 1 for k in range(5)]
    group_id = index * 6 + 6
    for k, (unit_id, unit_name) in enumerate(zip(unit_ids, UNIT_NAMES, strict=True)):
        rows["units"].append(
            {
                "id": unit_id,
                "organization_id": org,
                "name": unit_name,
                "key": lookup_key(unit_name),
                "all_units": False,
                "merged_into_id": None,
            }
        )
        if contacts:
            rows["unit_contacts"].append(
                {"unit_id": unit_id, "channel": "email", "address": f"u{k}@org{org}.go.th"}
            )
    rows["units"].append(
        {
            "id": group_id,
            "organization_id": org,
            "name": GROUP_NAME,
            "key": lookup_key(GROUP_NAME),
            "all_units": True,
            "merged_into_id": None,
        }
    )
    for number in range(1, TASKS_PER_ORG + 1):
        task_id = index * TASKS_PER_ORG + number
        start, end = task_dates(rng, number)
        status, percent = task_status(rng)
        planned = None
        if status in OPEN and end is not None:
            moment = SimpleNamespace(end_date=end, created_at=CREATED)
            last_sweep = ALERTS_BEFORE if alert_due else ALERTS_PEAK_AT
            planned = next_alert(moment, last_sweep, ALERT_DAYS)  # type: ignore[arg-type]
        rows["tasks"].append(
            {
                "id": task_id,
                "measure_id": org,
                "number": number,
                "title": f"{STEPS[number % len(STEPS)]} (ขั้นตอนที่ {number})",
                "period_text": format_span(start, end, "th"),
                "start_date": start,
                "end_date": end,
                "series_id": org,
                "status": status,
                "percent": percent,
                "created_at": CREATED,
                "updated_at": CREATED,
                "next_alert_at": planned,
            }
        )
        if number >= TASKS_PER_ORG - 1:  # the last two steps are every unit's
            owners = [group_id]
        else:
            owners = rng.sample(unit_ids, rng.randint(1, 2))
        rows["task_units"].extend({"task_id": task_id, "unit_id": u} for u in owners)
    return rows


TABLE_ORDER = (
    "organizations",
    "plans",
    "measures",
    "meeting_series",
    "units",
    "unit_contacts",
    "tasks",
    "task_units",
)


def build(
    engine: Engine,
    organizations: int,
    seed: int,
    *,
    contacts: bool = True,
    alert_orgs: int | None = None,
) -> dict[str, int]:
    """Insert the national database with Core executemany, BATCH rows at a time.

    Each unit gets one e-mail contact unless ``contacts`` is false (then messages fall back
    to the file channel). Only the first ``alert_orgs`` organizations (default: all) have
    alerts due at ALERTS_PEAK_AT.
    """
    alert_orgs = organizations if alert_orgs is None else alert_orgs
    tables = {
        "organizations": Organization.__table__,
        "plans": Plan.__table__,
        "measures": Measure.__table__,
        "meeting_series": MeetingSeries.__table__,
        "units": Unit.__table__,
        "unit_contacts": UnitContact.__table__,
        "tasks": Task.__table__,
        "task_units": task_units,
    }
    rng = random.Random(seed)
    counts = dict.fromkeys(TABLE_ORDER, 0)
    chunk = max(1, BATCH // TASKS_PER_ORG)  # organizations per round
    with engine.begin() as connection:
        for first in range(0, organizations, chunk):
            pending: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_ORDER}
            for index in range(first, min(first + chunk, organizations)):
                rows = organization_rows(index, rng, contacts, index < alert_orgs)
                for name, table_rows in rows.items():
                    pending[name].extend(table_rows)
            for name in TABLE_ORDER:
                if not pending[name]:
                    continue
                connection.execute(tables[name].insert(), pending[name])  # type: ignore[attr-defined]
                counts[name] += len(pending[name])
        if engine.dialect.name == "postgresql":
            for name in (*TABLE_ORDER[:-2], "tasks"):  # explicit ids: move the sequences on
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    analyze(engine)
    return counts


def analyze(engine: Engine) -> None:
    """Fresh planner statistics, as a database in service would have."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Statements:
    """Counts the statements an engine sends (an executemany is one)."""

    count: int = 0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


@dataclass
class Results:
    """One backend's cells, by measurement key."""

    name: str
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class Step:
    """What one measured call did: its result (None if it failed), wall and client CPU time."""

    result: Any
    wall: float
    cpu: float
    statements: int


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def measured(column: Results, key: str, statements: Statements, func: Callable[[], Any]) -> Step:
    """Run ``func`` once; note its wall time, this process's CPU time and statement count.

    A failure is a finding at this scale: it is shown in the table, and the run goes on.
    """
    gc.collect()
    before = statements.count
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = func()
    except Exception as error:
        wall = time.perf_counter() - wall
        reason = " ".join(str(error).split())[:150]
        column.cells[key] = (
            f"**failed** after {seconds(wall)}, {statements.count - before:,} statements: "
            f"{type(error).__name__}: {reason}"
        )
        print(f"[{column.name}] {key}: {column.cells[key]}", file=sys.stderr)
        return Step(None, wall, 0.0, statements.count - before)
    step = Step(
        result,
        time.perf_counter() - wall,
        time.process_time() - cpu,
        statements.count - before,
    )
    column.cells[key] = (
        f"{seconds(step.wall)} (CPU {seconds(step.cpu)}), {step.statements:,} statements"
    )
    print(f"[{column.name}] {key}: {column.cells[key]}", file=sys.stderr)
    return step


def ledger_history(engine: Engine) -> int:
    """The ledger as the earlier reminder rounds left it: one message sent to each unit.

    build() gives series, organization and units ids in step: series n belongs to
    organization n, whose units are 6(n-1)+1 .. 6(n-1)+5.
    """
    body = "\n".join(
        f"#{n} ({n}.1) {STEPS[n % len(STEPS)]} [ต.ค. 2565 – ก.ย. 2566, 0%]" for n in range(8)
    )
    outbox = OutboxMessage.__table__
    written = 0
    with engine.begin() as connection:
        dues = connection.execute(
            select(MeetingDue.series_id, MeetingDue.meeting_date, MeetingDue.due_at).where(
                MeetingDue.job == "meeting-reminder", MeetingDue.done_at.is_not(None)
            )
        ).all()
        rows: list[dict[str, Any]] = []
        for series_id, meeting_date, due_at in dues:
            for k, unit in enumerate(UNIT_NAMES):
                rows.append(
                    {
                        "job": "meeting-reminder",
                        "occurrence": f"{series_id}/{meeting_date}/{(series_id - 1) * 6 + k + 1}",
                        "recipient": f"u{k}@org{series_id}.go.th",
                        "channel": "email",
                        "organization_id": series_id,
                        "unit_id": (series_id - 1) * 6 + k + 1,
                        "subject": f"[ITA] ขอรายงานความคืบหน้าก่อน{SERIES_NAME} ({unit})",
                        "body_text": body,
                        "body_html": None,
                        "status": "sent",
                        "attempts": 1,
                        "due_at": due_at,
                        "next_attempt_at": due_at,
                        "created_at": due_at,
                        "sent_at": due_at,
                    }
                )
            if len(rows) >= BATCH:
                connection.execute(outbox.insert(), rows)  # type: ignore[attr-defined]
                written, rows = written + len(rows), []
        if rows:
            connection.execute(outbox.insert(), rows)  # type: ignore[attr-defined]
            written += len(rows)
    return written


def measured_round(
    column: Results,
    key: str,
    statements: Statements,
    factory: sessionmaker[Session],
    job: str,
    run: Callable[[], Any],
) -> None:
    """``measured`` for a job that queues messages: the cell also says how many rows of
    ``job`` it added to the ledger, and how many a second."""
    before = outbox_count(factory, job)
    step = measured(column, key, statements, run)
    if step.result is not None:
        queued = outbox_count(factory, job) - before
        column.cells[key] += f"; {queued:,} rows queued, {queued / step.wall:,.0f} messages/s"


def outbox_count(factory: sessionmaker[Session], job: str) -> int:
    with factory() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.job == job)
        )


def sender(latency: float) -> Callable[[str, str, Any], None]:
    """A transport that delivers nowhere, after ``latency`` seconds (a server's round trip)."""

    def send(_channel: str, _address: str, _message: Any) -> None:
        if latency:
            time.sleep(latency)

    return send


def bench_database(
    url: str,
    organizations: int,
    alert_orgs: int,
    seed: int,
    column: Results,
    dispatch_threads: int = 1,
    send_latency: float = 0.0,
) -> None:
    factory = open_database(url)
    engine: Engine = factory.kw["bind"]
    statements = Statements()
    statements.attach(engine)
    options = Options(alert_days=ALERT_DAYS)

    step = measured(
        column,
        "build",
        statements,
        lambda: build(engine, organizations, seed, alert_orgs=alert_orgs),
    )
    if step.result is None:
        return
    counts = step.result
    column.cells["build"] = (
        f"{seconds(step.wall)} ({counts['tasks']:,} tasks, "
        f"{counts['task_units']:,} task-unit links, {counts['units']:,} units)"
    )

    # (a) planning: the first time (an empty meeting_dues: a new database, a national import),
    # then what the first sweep of each day pays, for every series.
    def plan(moment: datetime) -> int:
        with factory() as session, session.begin():
            return plan_meeting_dues(session, moment, ThaiCalendar())

    step = measured(column, "plan-first", statements, lambda: plan(FIRST_PLAN_AT))
    analyze(engine)
    if step.result is not None:
        with factory() as session:
            dues = session.scalar(select(func.count()).select_from(MeetingDue))
        column.cells["plan-first"] += f"; {step.result:,} series, {dues:,} due rows"
    step = measured(column, "plan", statements, lambda: plan(PLAN_AT))
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

    # (c) the peak: every organization's reminder round at once.
    measured_round(
        column,
        "peak",
        statements,
        factory,
        "meeting-reminder",
        lambda: meeting_reminders(factory=factory, now=PEAK_AT, options=options),
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

    # (f) the next morning: every organization's progress report for 2 Aug at once, after
    # the day's planning (timed on its own, as the first sweep of each day pays it).
    measured(column, "plan-report-day", statements, lambda: plan(REPORT_PLAN_AT))
    measured_round(
        column,
        "reports",
        statements,
        factory,
        "progress-report",
        lambda: progress_reports(factory=factory, now=REPORT_AT, options=options),
    )

    # (g) Monday's overdue digests to every unit's head, then a later sweep of the week.
    measured_round(
        column,
        "digests",
        statements,
        factory,
        "overdue-digest",
        lambda: overdue_digests(factory=factory, now=DIGESTS_AT, options=options),
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

    # (e) deadline alerts: nothing due at 08:45, then the 7-days-left round of 30 Sep.
    step = measured(
        column,
        "alerts-idle",
        statements,
        lambda: deadline_alerts(factory=factory, now=ALERTS_IDLE_AT, options=options),
    )
    if step.result is not None:
        column.cells["alerts-idle"] += f"; {step.result.queued} queued"
    measured_round(
        column,
        "alerts-peak",
        statements,
        factory,
        "deadline-alert",
        lambda: deadline_alerts(factory=factory, now=ALERTS_PEAK_AT, options=options),
    )
    engine.dispose()


@dataclass
class Scratch:
    """A PostgreSQL database made for one run and dropped after it."""

    admin_url: str
    name: str = field(default_factory=lambda: f"tracker_bench_{uuid.uuid4().hex[:8]}")

    def __enter__(self) -> str:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return make_url(self.admin_url).set(database=self.name).render_as_string(False)

    def __exit__(self, *_exc: object) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


# --- Prefect ---------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def bench_prefect(tmp: Path, seed: int, runs: int) -> list[tuple[str, str]]:
    """One flow run of flows.flows.followup_sweep against the same plain functions."""
    database = tmp / "prefect-tiny.db"
    url = f"sqlite:///{database}"
    # Before Prefect is first imported: no telemetry, a throwaway home, time to start.
    os.environ.update(
        {
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "TRACKER_DATABASE_URL": url,
            "TRACKER_OUTBOX_DIR": str(tmp / "outbox"),
        }
    )
    for name in ("PREFECT_API_URL", "TRACKER_NOW"):
        os.environ.pop(name, None)
    factory = open_database(url)
    build(factory.kw["bind"], 3, seed, contacts=False)
    factory.kw["bind"].dispose()
    started = time.perf_counter()
    try:
        from flows import flows
    except ImportError as error:
        print(f"note: --prefect skipped: flows.flows cannot be imported ({error})")
        return [("Prefect", f"skipped: flows.flows missing ({error})")]
    if not hasattr(flows, "followup_sweep"):
        print("note: --prefect skipped: flows.flows has no followup_sweep")
        return [("Prefect", "skipped: flows.flows.followup_sweep missing")]
    imported = time.perf_counter() - started
    from tracker.config import load_settings
    from tracker.followup.catalogue import QUEUEING

    moment = PEAK_AT.isoformat()

    def plain() -> None:  # what the flow body does, without Prefect
        settings = load_settings()
        with flows.open_factory(settings) as tiny:
            flows.run_jobs(
                QUEUEING,
                flows.parse_now(moment, settings),
                settings=settings,
                factory=tiny,
                worker="bench",
            )

    plain()  # queue and send what is due once: every measured run below is the same no-op
    plain_times = []
    for _ in range(runs):
        started = time.perf_counter()
        plain()
        plain_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    flows.followup_sweep(now=moment)
    first = time.perf_counter() - started
    flow_times = []
    for _ in range(runs):
        started = time.perf_counter()
        flows.followup_sweep(now=moment)
        flow_times.append(time.perf_counter() - started)
    plain_median, flow_median = median(plain_times), median(flow_times)
    return [
        ("Prefect: `import flows.flows` (imports prefect)", seconds(imported)),
        (
            "Prefect: first `followup_sweep` flow run (starts the temporary server)",
            seconds(first),
        ),
        (f"Prefect: `followup_sweep` flow run, warm (median of {runs})", seconds(flow_median)),
        (f"Prefect: the same jobs as plain functions (median of {runs})", seconds(plain_median)),
        ("Prefect: overhead of one flow run", seconds(flow_median - plain_median)),
    ]


# --- the table -------------------------------------------------------------------------------


LABELS = {
    "build": "build: {orgs} organizations with Core executemany",
    "plan-first": "(a) plan meeting dues of every series, first time (empty table)",
    "plan": "(a) plan meeting dues of every series, the next day (once a day)",
    "idle": "(b) `meeting_reminders`, nothing due (every 15 min)",
    "floor": "(d) floor: one SQL query for every (due, task, unit)",
    "peak": "(c) `meeting_reminders`, every organization due",
    "dispatch": "(h) dispatch of that round (claim, send, record: 2 commits each)",
    "plan-report-day": "(a) plan meeting dues of every series, the day after",
    "reports": "(f) `progress_reports`, every organization's report due",
    "digests": "(g) `overdue_digests`, Monday's round for every unit with overdue work",
    "digests-again": "(g) `overdue_digests`, a later sweep of the same week",
    "alerts-idle": "(e) `deadline_alerts`, nothing due",
    "alerts-peak": "(e) `deadline_alerts`, 7-days-left round of 30 Sep{subset}",
}


def table(
    columns: list[Results], extra: list[tuple[str, str]], orgs: int, alert_orgs: int
) -> Iterator[str]:
    subset = f" (tasks of {alert_orgs:,} organizations)" if alert_orgs < orgs else ""
    yield "| measurement | " + " | ".join(c.name for c in columns) + " |"
    yield "|---|" + "---|" * len(columns)
    for key, label in LABELS.items():
        cells = [c.cells.get(key, "—") for c in columns]
        yield f"| {label.format(orgs=f'{orgs:,}', subset=subset)} | " + " | ".join(cells) + " |"
    for label, value in extra:
        yield f"| {label} | {value} |" + " — |" * (len(columns) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=8300, help="organizations (default 8,300)")
    parser.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is made there")
    parser.add_argument(
        "--alert-orgs",
        type=int,
        help="organizations whose tasks' alerts are due at the alert peak (default: all)",
    )
    parser.add_argument(
        "--dispatch-threads", type=int, default=1, help="threads of the dispatch step (h)"
    )
    parser.add_argument(
        "--send-latency-ms", type=float, default=0.0, help="each send's wait in step (h)"
    )
    parser.add_argument("--prefect", action="store_true", help="also time a Prefect flow run")
    parser.add_argument("--prefect-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2566)
    args = parser.parse_args()
    alert_orgs = args.orgs if args.alert_orgs is None else min(args.alert_orgs, args.orgs)

    calendar = ThaiCalendar()
    reminder_day = calendar.add_working_days(PEAK_MEETING, -2)
    if reminder_day != REMINDER_DAY:  # the moments above are worked out from this
        sys.exit(f"the calendar puts the reminder on {reminder_day}, not {REMINDER_DAY}")
    off = calendar.holidays_between(reminder_day, PEAK_MEETING)
    print(
        f"reminder for {PEAK_MEETING} due {reminder_day} 09:00 (days off in between: "
        + ", ".join(f"{d} {n}" for d, n in off.items())
        + ")",
        file=sys.stderr,
    )
    started = time.perf_counter()
    columns: list[Results] = []
    extra: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_column = Results(f"SQLite {sqlite3.sqlite_version}")
        bench_database(
            f"sqlite:///{tmp}/national.db",
            args.orgs,
            alert_orgs,
            args.seed,
            sqlite_column,
            args.dispatch_threads,
            args.send_latency_ms / 1000,
        )
        columns.append(sqlite_column)
        if args.pg:
            pg_column = Results("PostgreSQL")
            with Scratch(args.pg) as url:
                from sqlalchemy import create_engine

                probe = create_engine(url)
                with probe.connect() as connection:
                    version = connection.execute(text("SHOW server_version")).scalar()
                probe.dispose()
                pg_column.name = f"PostgreSQL {str(version).split()[0]}"
                bench_database(
                    url,
                    args.orgs,
                    alert_orgs,
                    args.seed,
                    pg_column,
                    args.dispatch_threads,
                    args.send_latency_ms / 1000,
                )
            columns.append(pg_column)
        if args.prefect:
            extra = bench_prefect(Path(tmp), args.seed, args.prefect_runs)
    print("\n".join(table(columns, extra, args.orgs, alert_orgs)))
    if alert_orgs < args.orgs:
        print(
            f"\nnote: the deadline-alert peak covers the tasks of {alert_orgs:,} of "
            f"{args.orgs:,} organizations, not all."
        )
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "orgs": args.orgs,
                "alert_orgs": alert_orgs,
                "total_s": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
