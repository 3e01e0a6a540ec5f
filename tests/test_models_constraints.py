"""The data model's CHECK and UNIQUE constraints against a real database (SQLite and PostgreSQL).

They are checked by writing rows and reading them back, not by inspecting the classes: a row
that breaks a constraint is refused and nothing of it is written.
"""

from __future__ import annotations

from datetime import UTC, date

import pytest
from models_support import NOW, add_task, count, ids_fixture, new_task  # noqa: F401
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tracker.db import unit_of_work
from tracker.models import Measure, Meeting, Organization, Task, Unit
from tracker.textkey import lookup_key

# --- CHECK and UNIQUE constraints -----------------------------------------------------------


@pytest.mark.parametrize("percent", [-1, 101, 1000])
def test_the_database_refuses_a_task_percent_outside_0_to_100(session_factory, ids, percent):
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(new_task(ids.measure, percent=percent))
    assert count(session_factory, Task) == 0


@pytest.mark.parametrize("percent", [0, 100])
def test_the_database_accepts_a_task_percent_at_either_end_of_the_range(
    session_factory, ids, percent
):
    task_id = add_task(session_factory, ids.measure, percent=percent)
    with session_factory() as session:
        assert session.get(Task, task_id).percent == percent


def test_the_database_refuses_a_task_that_starts_after_it_ends(session_factory, ids):
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(new_task(ids.measure, start_date=date(2026, 12, 2), end_date=date(2026, 12, 1)))
    assert count(session_factory, Task) == 0


def test_the_database_accepts_a_task_that_starts_and_ends_on_the_same_day(session_factory, ids):
    day = date(2026, 12, 1)
    task_id = add_task(session_factory, ids.measure, start_date=day, end_date=day)
    with session_factory() as session:
        task = session.get(Task, task_id)
        assert (task.start_date, task.end_date) == (day, day)


def test_the_database_accepts_a_task_with_only_one_end_of_its_period(session_factory, ids):
    add_task(session_factory, ids.measure, number=1, start_date=date(2026, 12, 2))
    add_task(session_factory, ids.measure, number=2, end_date=date(2026, 12, 1))
    assert count(session_factory, Task) == 2


def test_the_database_refuses_two_tasks_with_the_same_number_in_one_measure(session_factory, ids):
    add_task(session_factory, ids.measure, number=1)
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(new_task(ids.measure, number=1, title="อีกขั้นตอนหนึ่ง"))
    with session_factory() as session:
        titles = session.scalars(select(Task.title)).all()
    assert titles == ["ขั้นตอนที่ 1"]


def test_two_measures_may_each_have_a_task_numbered_one(session_factory, ids):
    with unit_of_work(session_factory) as session:
        other = Measure(plan_id=ids.plan, position=2, title="มาตรการที่สอง")
        session.add(other)
        session.flush()
        session.add_all([new_task(ids.measure, number=1), new_task(other.id, number=1)])
    assert count(session_factory, Task) == 2


def test_the_database_refuses_two_units_with_the_same_key_in_one_organization(session_factory, ids):
    with unit_of_work(session_factory) as session:
        session.add(Unit(organization_id=ids.organization, name="กองคลัง", key=lookup_key("กองคลัง")))
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        # The same unit written with a stray space: a different name, the same key.
        session.add(
            Unit(organization_id=ids.organization, name="กอง คลัง", key=lookup_key("กอง คลัง"))
        )
    with session_factory() as session:
        assert session.scalars(select(Unit.name)).all() == ["กองคลัง"]


def test_two_organizations_may_each_have_a_unit_with_the_same_key(session_factory, ids):
    with unit_of_work(session_factory) as session:
        other = Organization(name="อบต. อื่น", key=lookup_key("อบต. อื่น"))
        session.add(other)
        session.flush()
        session.add_all(
            [
                Unit(organization_id=ids.organization, name="กองคลัง", key=lookup_key("กองคลัง")),
                Unit(organization_id=other.id, name="กองคลัง", key=lookup_key("กองคลัง")),
            ]
        )
    assert count(session_factory, Unit) == 2


def test_the_database_refuses_a_meeting_that_is_both_cancelled_and_moved(session_factory, ids):
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(
            Meeting(
                series_id=ids.series,
                date=date(2026, 12, 30),
                cancelled=True,
                moved_to=date(2027, 1, 6),
            )
        )
    assert count(session_factory, Meeting) == 0


@pytest.mark.parametrize(
    ("cancelled", "moved_to"),
    [(True, None), (False, date(2027, 1, 6)), (False, None)],
    ids=["cancelled", "moved", "annotated"],
)
def test_the_database_accepts_a_meeting_that_is_cancelled_or_moved_but_not_both(
    session_factory, ids, cancelled, moved_to
):
    with unit_of_work(session_factory) as session:
        session.add(
            Meeting(
                series_id=ids.series,
                date=date(2026, 12, 30),
                cancelled=cancelled,
                moved_to=moved_to,
                note="หมายเหตุ",
            )
        )
    with session_factory() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert (meeting.cancelled, meeting.moved_to) == (cancelled, moved_to)


def test_the_database_refuses_a_task_status_outside_the_enum(session_factory, ids):
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.execute(
            text(
                "INSERT INTO tasks (measure_id, number, title, status, percent, created_at,"
                " updated_at) VALUES (:measure, 1, 'x', 'overdue', 0, :now, :now)"
            ),
            {"measure": ids.measure, "now": NOW.astimezone(UTC)},
        )
    assert count(session_factory, Task) == 0
