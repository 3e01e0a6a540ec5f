"""The append-only audit log (task_events) against a real database (SQLite and PostgreSQL).

New events can be appended; changing or deleting one is refused by the ORM and, for raw SQL on
a plain connection without the application's set-up, by the database's own triggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from models_support import NOW, Ids, add_task, count, ids_fixture  # noqa: F401
from sqlalchemy import Engine, create_engine, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.models import AuditLogIsAppendOnly, Task, TaskEvent

# --- helpers --------------------------------------------------------------------------------


def add_event(factory: sessionmaker[Session], task_id: int) -> int:
    with unit_of_work(factory) as session:
        event = TaskEvent(
            task_id=task_id,
            at=NOW,
            actor="test",
            field="status",
            before="not_started",
            after="in_progress",
        )
        session.add(event)
        session.flush()
        return event.id


def event_row(factory: sessionmaker[Session], event_id: int) -> tuple[object, ...]:
    with factory() as session:
        event = session.get(TaskEvent, event_id)
        assert event is not None
        return (event.task_id, event.at, event.actor, event.field, event.before, event.after)


@contextmanager
def plain_engine(url: str) -> Iterator[Engine]:
    """An engine without any of the application's set-up: just SQLAlchemy and the driver."""
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


# --- the append-only audit log --------------------------------------------------------------


@pytest.fixture
def event_id(session_factory: sessionmaker[Session], ids: Ids) -> int:
    return add_event(session_factory, add_task(session_factory, ids.measure))


def test_a_new_task_event_can_be_appended(session_factory, ids, event_id):
    task_id = event_row(session_factory, event_id)[0]
    second = add_event(session_factory, task_id)
    assert second != event_id
    with session_factory() as session:
        task = session.get(Task, task_id)
        assert [e.id for e in task.events] == [event_id, second]


def test_changing_a_task_event_through_the_orm_raises_and_changes_nothing(
    session_factory, event_id
):
    before = event_row(session_factory, event_id)
    with pytest.raises(AuditLogIsAppendOnly), unit_of_work(session_factory) as session:
        session.get(TaskEvent, event_id).after = "done"
    assert event_row(session_factory, event_id) == before


def test_changing_the_time_of_a_task_event_through_the_orm_raises(session_factory, event_id):
    before = event_row(session_factory, event_id)
    with pytest.raises(AuditLogIsAppendOnly), unit_of_work(session_factory) as session:
        session.get(TaskEvent, event_id).at = NOW + timedelta(days=1)
    assert event_row(session_factory, event_id) == before


def test_deleting_a_task_event_through_the_orm_raises_and_keeps_it(session_factory, event_id):
    before = event_row(session_factory, event_id)
    with pytest.raises(AuditLogIsAppendOnly), unit_of_work(session_factory) as session:
        session.delete(session.get(TaskEvent, event_id))
    assert count(session_factory, TaskEvent) == 1
    assert event_row(session_factory, event_id) == before


def test_an_orm_bulk_update_of_task_events_is_refused_by_the_database(session_factory, event_id):
    before = event_row(session_factory, event_id)
    with (
        pytest.raises(DBAPIError, match="append-only"),
        unit_of_work(session_factory) as session,
    ):
        session.execute(update(TaskEvent).values(actor="someone else"))
    assert event_row(session_factory, event_id) == before


def test_a_raw_sql_update_of_task_events_fails_on_a_plain_connection(
    session_factory, database_url, event_id
):
    before = event_row(session_factory, event_id)
    with plain_engine(database_url) as engine:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(
                text("UPDATE task_events SET actor = 'rewritten', after = 'done' WHERE id = :id"),
                {"id": event_id},
            )
        with engine.connect() as connection:
            actor = connection.execute(
                text("SELECT actor FROM task_events WHERE id = :id"), {"id": event_id}
            ).scalar_one()
    assert actor == "test"
    assert event_row(session_factory, event_id) == before


def test_a_raw_sql_delete_from_task_events_fails_on_a_plain_connection(
    session_factory, database_url, event_id
):
    before = event_row(session_factory, event_id)
    with plain_engine(database_url) as engine:
        for statement in ("DELETE FROM task_events WHERE id = :id", "DELETE FROM task_events"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement), {"id": event_id})
        with engine.connect() as connection:
            remaining = connection.execute(text("SELECT count(*) FROM task_events")).scalar_one()
    assert remaining == 1
    assert event_row(session_factory, event_id) == before


def test_truncating_task_events_fails_where_the_backend_has_truncate(
    session_factory, database_url, backend, event_id
):
    # PostgreSQL's TRUNCATE skips row triggers, so the migration adds a statement trigger;
    # SQLite has no TRUNCATE, and its DELETE-all shortcut is disabled by the triggers. CASCADE:
    # evidence files refer to events, and without it PostgreSQL refuses the TRUNCATE for that
    # reason before the trigger is reached.
    statement = (
        "TRUNCATE task_events CASCADE" if backend == "postgresql" else "DELETE FROM task_events"
    )
    with (
        plain_engine(database_url) as engine,
        pytest.raises(DBAPIError, match="append-only"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement))
    assert count(session_factory, TaskEvent) == 1
