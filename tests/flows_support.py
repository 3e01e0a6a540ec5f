"""Shared parts of the Prefect tests (tests/test_deployment_schedules.py, tests/test_flows.py):
the demo plan imported on 25 Nov 2026, the series it meets in, and the schedules built from it.

Importing this module also switches off Prefect's telemetry before Prefect is first imported.
The `demo_factory` fixture is imported by name into the test modules that use it.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import DEMO_PLAN
from sqlalchemy.orm import Session, sessionmaker

from flows.deploy import SchedulePlan, build_schedules
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


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BKK)  # type: ignore[misc]


def import_demo(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        import_plan(session, read_plan_document(DEMO_PLAN), now=IMPORTED_AT, actor="test")


@pytest.fixture(name="demo_factory")
def demo_factory_fixture(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    import_demo(session_factory)
    return session_factory


def plan_of(factory: sessionmaker[Session], now: datetime, horizon_days: int) -> SchedulePlan:
    with factory() as session:
        return build_schedules(session, now, horizon_days)
