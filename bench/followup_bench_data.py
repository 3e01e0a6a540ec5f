"""The national database of the follow-up benchmarks, and the moments they run at.

Shared by bench/bench_followup.py and its groups (bench_followup_*.py): N organizations, each
with one FY2566 plan, one measure, 25 tasks, 5 units with an e-mail contact and an every-unit
group, and one 1st/3rd/5th-Wednesday meeting series, inserted with SQLAlchemy Core; and the
ledger's earlier reminder rounds. The moments are explained in bench/bench_followup.py.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select, text

from schedules import format_span
from tracker.followup.dues import next_alert
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
    task_units,
)
from tracker.textkey import lookup_key

BKK = ZoneInfo("Asia/Bangkok")
FY_START, FY_END = date(2022, 10, 1), date(2023, 9, 30)  # FY2566
CREATED = datetime(2022, 10, 3, 3, 0, tzinfo=UTC)  # when the plans were imported
RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
PEAK_MEETING = date(2023, 8, 2)
REMINDER_DAY = date(2023, 7, 26)  # checked against the calendar by check_calendar()
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
