"""Shared parts of the Prefect tests (tests/test_deployment_schedules.py, tests/test_flows.py,
tests/test_prefect_office.py): the demo plan imported on 25 Nov 2026 (as its own organization
or renamed, for a second one), the series it meets in, the schedules built from it, the
reminders due for its 16 Dec meeting, and what the outbox holds afterwards.

Importing this module also switches off Prefect's telemetry before Prefect is first imported.
The `demo_factory` fixture is imported by name into the test modules that use it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import DEMO_PLAN
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.deploy import SchedulePlan, build_schedules
from tracker.models import OutboxMessage
from tracker.plandoc import read_plan_document
from tracker.services.plan_import import import_plan

# Prefect reads these when it is first imported (flows.flows imports it): no telemetry on a
# closed network.
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

BANGKOK = "Asia/Bangkok"  # the zone the deployments are written in
BKK = ZoneInfo(BANGKOK)
IMPORTED_AT = datetime(2026, 11, 25, 10, 0, tzinfo=BKK)  # a Wednesday, before all below
SERIES = "ประชุมหัวหน้าส่วนราชการ"
ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"  # the demo plan's
SECOND_ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรืองเหนือ"  # the same plan, renamed
# Units with open tasks on 16 Dec 2026: สำนักปลัด (tasks 1.2, 1.4, 2.2), กองคลัง (1.3, 1.4,
# 2.1), กองช่าง (2.1), and every unit through the all-units task 2.4 (in progress since Oct),
# so the education division too although its own task 2.3 starts in January.
UNITS_REMINDED = {
    "สำนักปลัด",
    "กองคลัง",
    "กองช่าง",
    "กองการศึกษา-ศาสนาและวัฒนธรรม",  # as the file name writes it
}
SUBJECT_16_DEC = f"[ITA] ขอรายงานความคืบหน้าก่อน{SERIES} 16 ธ.ค. 2569 09:30 น."


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BKK)  # type: ignore[misc]


def import_demo(factory: sessionmaker[Session], organization: str | None = None) -> None:
    """The demo plan, imported on IMPORTED_AT; under the name ``organization`` when given (a
    second organization with the same units, series and tasks)."""
    document = read_plan_document(DEMO_PLAN)
    if organization is not None:
        document["organization"]["name"] = organization
    with factory() as session, session.begin():
        import_plan(session, document, now=IMPORTED_AT, actor="test")


@pytest.fixture(name="demo_factory")
def demo_factory_fixture(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    import_demo(session_factory)
    return session_factory


def plan_of(factory: sessionmaker[Session], now: datetime, horizon_days: int) -> SchedulePlan:
    with factory() as session:
        return build_schedules(session, now, horizon_days)


# --- what the outbox holds -------------------------------------------------------------------


def reminder_files_for_16_december(organization: str = ORGANIZATION) -> set[str]:
    """The files the file channel writes for the 16 Dec reminders of ``organization``."""
    return {f"{organization}/2026-12-16/reminder-{unit}.txt" for unit in UNITS_REMINDED}


def outbox_files(outbox: Path) -> dict[str, str]:
    """Every file the file channel wrote, by path under ``outbox``: its text."""
    if not outbox.exists():
        return {}
    return {
        str(p.relative_to(outbox)): p.read_text(encoding="utf-8")
        for p in sorted(outbox.rglob("*.txt"))
    }


def written_at(outbox: Path) -> dict[str, int]:
    """When each outbox file was last written (a rewrite changes it)."""
    return {str(p.relative_to(outbox)): p.stat().st_mtime_ns for p in outbox.rglob("*.txt")}


def ledger(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    """The outbox ledger's rows in id order: id, job, occurrence, recipient, status,
    attempts."""
    with factory() as session:
        rows = session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.job,
                OutboxMessage.occurrence,
                OutboxMessage.recipient,
                OutboxMessage.status,
                OutboxMessage.attempts,
            ).order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]
