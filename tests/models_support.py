"""Helpers shared by the data-model tests (tests/test_models_*.py).

The ``ids`` fixture (defined as ``ids_fixture``) commits one organization with a plan, a
measure and a meeting series; the functions write tasks straight to the database and count
rows. A test module imports ``ids_fixture`` and its tests request ``ids``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.models import Measure, MeetingSeries, Organization, Plan, Task
from tracker.textkey import lookup_key

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Ids:
    organization: int
    plan: int
    measure: int
    series: int


@pytest.fixture(name="ids")  # imported as ids_fixture, requested as ids
def ids_fixture(session_factory: sessionmaker[Session]) -> Ids:
    """One organization with a plan, a measure and a meeting series, committed."""
    with unit_of_work(session_factory) as session:
        organization = Organization(name="อบต. ทดสอบ", key=lookup_key("อบต. ทดสอบ"))
        plan = Plan(organization=organization, fiscal_year=2570, title="แผนทดสอบ")
        measure = Measure(plan=plan, position=1, title="มาตรการทดสอบ")
        session.add_all([organization, plan, measure])
        session.flush()
        series = MeetingSeries(
            organization_id=organization.id,
            name="ประชุมหัวหน้าส่วนราชการ",
            rrule="FREQ=WEEKLY;BYDAY=WE",
        )
        session.add(series)
        session.flush()
        return Ids(organization.id, plan.id, measure.id, series.id)


def new_task(measure_id: int, number: int = 1, **values: object) -> Task:
    values.setdefault("title", f"ขั้นตอนที่ {number}")
    values.setdefault("created_at", NOW)
    values.setdefault("updated_at", NOW)
    return Task(measure_id=measure_id, number=number, **values)


def add_task(factory: sessionmaker[Session], measure_id: int, **values: object) -> int:
    with unit_of_work(factory) as session:
        task = new_task(measure_id, **values)
        session.add(task)
        session.flush()
        return task.id


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))
