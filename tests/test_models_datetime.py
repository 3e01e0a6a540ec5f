"""The UTC datetime type against a real database (SQLite and PostgreSQL).

Naive datetimes are refused; aware ones read back as the same instant in UTC, whatever the zone
they were written in or the connection's session time zone, and compare by instant in queries.
Checked by writing and reading rows, not by inspecting the classes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from models_support import BANGKOK, add_task, count, ids_fixture, new_task  # noqa: F401
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import sessionmaker

from tracker.db import unit_of_work
from tracker.models import Task

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
