"""Derived overdue state (``Task.is_overdue``) of tasks read back from a real database.

Overdue is computed from the date asked about, the task's end date and its status, never
stored; every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from models_support import NOW, add_task, ids_fixture  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.models import Task, TaskStatus
from tracker.plandoc import read_plan_document
from tracker.services.plan_import import import_plan

DEMO_PLAN = Path(__file__).resolve().parent.parent / "examples" / "demo-plan.yaml"


# --- Task.is_overdue ------------------------------------------------------------------------


END = date(2026, 11, 30)


def stored_task(factory: sessionmaker[Session], measure_id: int, **values: object) -> Task:
    """A task written to the database and read back in a fresh session."""
    task_id = add_task(factory, measure_id, **values)
    with factory() as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task


def test_a_task_is_overdue_the_day_after_its_end(session_factory, ids):
    task = stored_task(session_factory, ids.measure, end_date=END)
    assert task.status is TaskStatus.NOT_STARTED
    assert task.is_overdue(END + timedelta(days=1))


def test_a_task_is_not_overdue_on_its_end_day(session_factory, ids):
    task = stored_task(session_factory, ids.measure, end_date=END)
    assert not task.is_overdue(END)


def test_a_task_is_not_overdue_before_its_end(session_factory, ids):
    task = stored_task(session_factory, ids.measure, start_date=date(2026, 11, 1), end_date=END)
    assert not task.is_overdue(date(2026, 11, 1))
    assert not task.is_overdue(date(2026, 10, 1))


def test_an_in_progress_task_past_its_end_is_overdue(session_factory, ids):
    task = stored_task(
        session_factory, ids.measure, end_date=END, status=TaskStatus.IN_PROGRESS, percent=60
    )
    assert task.is_overdue(date(2027, 1, 15))


def test_an_open_ended_task_is_never_overdue(session_factory, ids):
    task = stored_task(session_factory, ids.measure, start_date=date(2026, 11, 1))
    assert task.end_date is None
    assert not task.is_overdue(date(2026, 11, 2))
    assert not task.is_overdue(date(2099, 12, 31))


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.CANCELLED])
def test_a_done_or_cancelled_task_is_never_overdue(session_factory, ids, status):
    task = stored_task(session_factory, ids.measure, end_date=END, status=status)
    assert task.status is status
    assert not task.is_overdue(END + timedelta(days=1))
    assert not task.is_overdue(date(2099, 12, 31))


def test_overdue_follows_the_date_asked_about_not_a_stored_flag(session_factory, ids):
    task = stored_task(session_factory, ids.measure, end_date=END)
    assert [task.is_overdue(END + timedelta(days=d)) for d in (-1, 0, 1, 2)] == [
        False,
        False,
        True,
        True,
    ]


def test_in_the_imported_demo_plan_only_the_open_task_past_its_end_is_overdue(session_factory):
    with unit_of_work(session_factory) as session:
        import_plan(session, read_plan_document(DEMO_PLAN), now=NOW, actor="test")
    with session_factory() as session:
        tasks = session.scalars(select(Task)).all()
        overdue = sorted(
            (t.measure.position, t.number) for t in tasks if t.is_overdue(date(2026, 12, 1))
        )
    assert len(tasks) == 8
    # 1.1 ended 31 Oct but is done; 1.2 ended 30 Nov and is in progress; 1.3 is open-ended.
    assert overdue == [(1, 2)]
