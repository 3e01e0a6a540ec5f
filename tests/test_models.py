"""The data model against a real database (SQLite and PostgreSQL).

Constraints, the UTC datetime type, derived overdue state and the append-only audit log are
checked by writing and reading rows, not by inspecting the classes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.models import (
    AuditLogIsAppendOnly,
    Measure,
    Meeting,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
)
from tracker.plandoc import read_plan_document
from tracker.services.plan_import import import_plan
from tracker.textkey import lookup_key

DEMO_PLAN = Path(__file__).resolve().parent.parent / "examples" / "demo-plan.yaml"
BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BANGKOK)


# --- helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ids:
    organization: int
    plan: int
    measure: int
    series: int


@pytest.fixture
def ids(session_factory: sessionmaker[Session]) -> Ids:
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


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


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


# --- UTCDateTime ----------------------------------------------------------------------------


def test_a_naive_datetime_is_refused_and_nothing_is_written(session_factory, ids):
    naive = datetime(2026, 11, 25, 10, 0)
    with (
        pytest.raises((ValueError, StatementError), match="naive datetime"),
        unit_of_work(session_factory) as session,
    ):
        session.add(new_task(ids.measure, created_at=naive, updated_at=naive))
    assert count(session_factory, Task) == 0


def test_a_naive_datetime_is_refused_in_a_query_too(session_factory, ids):
    add_task(session_factory, ids.measure)
    with (
        pytest.raises((ValueError, StatementError), match="naive datetime"),
        session_factory() as session,
    ):
        session.scalars(select(Task).where(Task.created_at < datetime(2030, 1, 1))).all()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=BANGKOK),
        datetime(2026, 11, 24, 22, 30, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
    ],
    ids=["bangkok", "new-york-previous-day", "plus-0545-new-year", "utc"],
)
def test_an_aware_datetime_reads_back_as_the_same_instant_in_utc(session_factory, ids, moment):
    task_id = add_task(session_factory, ids.measure, created_at=moment, updated_at=moment)
    with session_factory() as session:
        stored = session.get(Task, task_id).created_at
    assert stored == moment
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored.tzinfo == UTC
    assert stored.replace(tzinfo=None) == moment.astimezone(UTC).replace(tzinfo=None)


def test_an_instant_survives_a_connection_whose_session_time_zone_is_not_utc(
    session_factory, database_url, backend, ids
):
    # PostgreSQL hands timestamptz back in the session's TimeZone; SQLite has no such setting.
    url = make_url(database_url)
    if backend == "postgresql":  # keep the test's own search_path option, add the zone
        options = f"{url.query.get('options', '')} -c timezone=Asia/Bangkok".strip()
        url = url.update_query_dict({"options": options})
    moment = datetime(2026, 11, 24, 22, 30, tzinfo=ZoneInfo("America/New_York"))
    engine = create_engine(url)
    try:
        bangkok_factory = sessionmaker(engine, expire_on_commit=False)
        task_id = add_task(bangkok_factory, ids.measure, created_at=moment, updated_at=moment)
        with bangkok_factory() as session:
            read_in_bangkok = session.get(Task, task_id).created_at
    finally:
        engine.dispose()
    with session_factory() as session:
        read_elsewhere = session.get(Task, task_id).created_at
    assert read_in_bangkok == read_elsewhere == moment
    assert read_in_bangkok.utcoffset() == timedelta(0)
    assert read_in_bangkok.tzinfo == UTC


def test_instants_written_in_different_zones_compare_by_instant_in_queries(session_factory, ids):
    # 09:00 in Bangkok is 02:00 UTC, earlier than 05:00 UTC although "09" > "05" as text.
    add_task(
        session_factory, ids.measure, number=1, created_at=datetime(2026, 11, 25, 9, tzinfo=BANGKOK)
    )
    add_task(
        session_factory, ids.measure, number=2, created_at=datetime(2026, 11, 25, 5, tzinfo=UTC)
    )
    with session_factory() as session:
        ordered = session.scalars(select(Task.number).order_by(Task.created_at)).all()
        before_four_utc = session.scalars(
            select(Task.number).where(Task.created_at < datetime(2026, 11, 25, 4, tzinfo=UTC))
        ).all()
        # The same bound written in Bangkok time: 11:00+07:00 == 04:00Z.
        before_eleven_bangkok = session.scalars(
            select(Task.number).where(Task.created_at < datetime(2026, 11, 25, 11, tzinfo=BANGKOK))
        ).all()
    assert ordered == [1, 2]
    assert before_four_utc == [1]
    assert before_eleven_bangkok == [1]


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
    # SQLite has no TRUNCATE, and its DELETE-all shortcut is disabled by the triggers.
    statement = "TRUNCATE task_events" if backend == "postgresql" else "DELETE FROM task_events"
    with (
        plain_engine(database_url) as engine,
        pytest.raises(DBAPIError, match="append-only"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement))
    assert count(session_factory, TaskEvent) == 1
