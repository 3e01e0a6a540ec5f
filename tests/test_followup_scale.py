"""The follow-up sweeps at scale: one pass over due rows, batched writes, shared calendars.

The national case (8,300 organizations) is measured in bench/bench_followup.py; these tests
check the shape that makes it possible, on SQLite and PostgreSQL: a sweep sends the same
number of statements whatever the number of organizations (no loop per organization), the
ledger's batched insert keeps exactly the rows that are new, and series that share a rule
share a calendar computation without sharing each other's changes.

The seed report is imported once per organization, renamed; its calendar facts (the meeting
of Wed 2 Aug 2023, its reminder due Wed 26 Jul 09:00 because 28 and 31 Jul and 1 Aug are
holidays) are checked against the `holidays` package in test_followup_delivery.py.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import sleep
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from conftest import SEED_EXPECTED, SEED_REPORT, fresh_database_url
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from schedules.workdays import ThaiCalendar
from tracker.db import open_database, unit_of_work
from tracker.followup import dues as dues_module
from tracker.followup.dues import plan_meeting_dues
from tracker.followup.jobs import Options
from tracker.followup.jobs import deadline_alerts as alerts_job
from tracker.followup.jobs import meeting_reminders as reminders_job
from tracker.followup.jobs import overdue_digests as digests_job
from tracker.followup.jobs import progress_reports as reports_job
from tracker.followup.jobs import sweep as sweep_module
from tracker.followup.ledger import BACKOFF, Envelope, dispatch, enqueue_many, ledger_key
from tracker.importers import read_source
from tracker.models import (
    HolidayPolicy,
    Meeting,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Unit,
    UnitContact,
)
from tracker.notify import Message, TemporaryFailure
from tracker.services.plan_import import import_plan
from tracker.services.units import add_unit

BKK = ZoneInfo("Asia/Bangkok")
MEETINGS_FY2566 = [date.fromisoformat(d) for d in SEED_EXPECTED["meetings_fy2566"]]
IMPORTED_AT = datetime(2022, 10, 1, 0, 0, tzinfo=BKK)
HOLIDAY_MEETING = date(2023, 8, 2)
MEETING_BEFORE, MEETING_AFTER = date(2023, 7, 19), date(2023, 8, 16)
REMINDER_MOMENT = datetime(2023, 7, 26, 9, 30, tzinfo=BKK)  # the 2 Aug reminder is due
REPORT_MOMENT = datetime(2023, 7, 27, 9, 30, tzinfo=BKK)  # the 2 Aug report was due at 08:00
PLANNED_AT = datetime(2023, 7, 26, 6, 0, tzinfo=BKK)
DIGEST_MOMENT = datetime(2023, 7, 31, 8, 30, tzinfo=BKK)  # a Monday: digests due at 08:00
# Step 1.1 ends on 30 Nov 2022: its 7-days-left (23 Nov) and 1-day-left (29 Nov 09:00) alerts.
ALERT_MOMENT = datetime(2022, 11, 29, 10, 0, tzinfo=BKK)

_T = TypeVar("_T")


# --- databases with N copies of the seed ------------------------------------------------------


# The jobs take keyword arguments; these shorthands keep the rounds below readable.
def meeting_reminders(factory: Any, now: datetime, options: Options) -> Any:
    return reminders_job.meeting_reminders(factory=factory, now=now, options=options)


def progress_reports(factory: Any, now: datetime, options: Options) -> Any:
    return reports_job.progress_reports(factory=factory, now=now, options=options)


def deadline_alerts(factory: Any, now: datetime, options: Options) -> Any:
    return alerts_job.deadline_alerts(factory=factory, now=now, options=options)


def overdue_digests(factory: Any, now: datetime, options: Options) -> Any:
    return digests_job.overdue_digests(factory=factory, now=now, options=options)


@pytest.fixture
def second_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """Another fresh, migrated database of the same backend as ``database_url``."""
    yield from fresh_database_url(backend, request, tmp_path / "second.db")


def seed_document() -> dict[str, Any]:
    return read_source(SEED_REPORT, merge_similar_units=True).document


def seeded(url: str, organizations: int) -> sessionmaker[Session]:
    """A database holding the seed plan ``organizations`` times, under distinct names."""
    factory = open_database(url)
    document = seed_document()
    for number in range(organizations):
        copied = copy.deepcopy(document)
        copied["organization"]["name"] = f"{document['organization']['name']} สาขา {number + 1}"
        with unit_of_work(factory) as session:
            import_plan(session, copied, now=IMPORTED_AT, actor="test")
    return factory


def counting(
    factory: sessionmaker[Session], run: Callable[[sessionmaker[Session]], _T]
) -> tuple[int, _T]:
    """How many statements ``run(factory)`` sends to the database (an executemany is one),
    and its result."""
    engine = factory.kw["bind"]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = run(factory)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen), result


def organization_ids(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(Organization.id).order_by(Organization.id)))


def series_of(factory: sessionmaker[Session], organization_id: int) -> int:
    with factory() as session:
        return session.scalars(
            select(MeetingSeries.id).where(MeetingSeries.organization_id == organization_id)
        ).one()


def dues_of(factory: sessionmaker[Session], series_id: int, job: str) -> dict[date, MeetingDue]:
    with factory() as session:
        rows = session.scalars(
            select(MeetingDue).where(MeetingDue.series_id == series_id, MeetingDue.job == job)
        )
        return {due.meeting_date: due for due in rows}


def plan(factory: sessionmaker[Session], now: datetime) -> int:
    with unit_of_work(factory) as session:
        return plan_meeting_dues(session, now, ThaiCalendar())


# --- one pass, whatever the number of organizations ---------------------------------------------


def test_every_sweep_sends_as_many_statements_for_seven_organizations_as_for_two(
    database_url: str, second_database_url: str
) -> None:
    small, large = seeded(database_url, 2), seeded(second_database_url, 7)
    options = Options()
    steps: list[tuple[str, Callable[[sessionmaker[Session]], Any]]] = [
        ("plan, first time", lambda f: plan(f, PLANNED_AT)),
        ("plan, next day", lambda f: plan(f, PLANNED_AT + timedelta(days=1))),
        ("reminders", lambda f: meeting_reminders(f, REMINDER_MOMENT, options)),
        ("reminders again", lambda f: meeting_reminders(f, REMINDER_MOMENT, options)),
        ("reports", lambda f: progress_reports(f, REPORT_MOMENT, options)),
        ("alerts", lambda f: deadline_alerts(f, ALERT_MOMENT, options)),
        ("digests", lambda f: overdue_digests(f, DIGEST_MOMENT, options)),
    ]
    for name, step in steps:
        small_count, small_result = counting(small, step)
        large_count, large_result = counting(large, step)
        assert small_count == large_count, name
        if name.startswith("plan"):
            assert (small_result, large_result) == (2, 7), name  # every series planned once
        elif name != "reminders again":  # ...and every round had work in every organization
            assert small_result.queued * 7 == large_result.queued * 2 > 0, name
    # ...while the work done did grow with the organizations: per organization, the 2 Aug
    # reminder queued and the 5 and 19 July ones missed (meetings already held).
    for factory, organizations in ((small, 2), (large, 7)):
        with factory() as session:
            reminders = session.scalars(
                select(OutboxMessage).where(OutboxMessage.job == "meeting-reminder")
            ).all()
        assert len(reminders) == 3 * organizations
        assert sum(m.status is OutboxStatus.PENDING for m in reminders) == organizations
        assert {m.organization_id for m in reminders} == set(organization_ids(factory))
        factory.kw["bind"].dispose()


def test_a_second_sweep_reports_what_the_first_queued_as_already_there(
    database_url: str,
) -> None:
    factory = seeded(database_url, 3)
    first = meeting_reminders(factory, REMINDER_MOMENT, Options())
    assert (first.queued, first.missed) == (3, 6)

    second = meeting_reminders(factory, REMINDER_MOMENT + timedelta(minutes=15), Options())

    assert (second.queued, second.missed, second.items) == (0, 0, [])
    assert second.already == 9  # one count over the ledger's (job, due_at) index
    factory.kw["bind"].dispose()


def test_a_weeks_overdue_digests_are_one_round_that_later_sweeps_only_count(
    database_url: str, second_database_url: str
) -> None:
    monday = DIGEST_MOMENT  # the week of the 2 Aug meeting
    later = monday + timedelta(days=2, hours=5)  # an hourly Prefect sweep on Wednesday
    for url, organizations in ((database_url, 2), (second_database_url, 7)):
        factory = seeded(url, organizations)
        # Each copy's secretariat has overdue work (the every-unit steps are its own too).
        first = overdue_digests(factory, monday, Options())
        assert (first.queued, first.already) == (organizations, 0)

        statements, again = counting(factory, lambda f: overdue_digests(f, later, Options()))

        assert (again.queued, again.missed, again.already) == (0, 0, organizations)
        assert statements == 1  # one count over the ledger's (job, due_at) index
        factory.kw["bind"].dispose()


def test_a_plan_imported_after_mondays_moment_waits_for_the_next_mondays_digest(
    database_url: str,
) -> None:
    """The round is due at 08:00; a plan imported at 08:15, before any sweep ran, is not in
    it (like every job, nothing is due before its plan existed) but is a week later."""
    factory = seeded(database_url, 1)
    late = seed_document()
    late["organization"]["name"] = "องค์การบริหารส่วนจังหวัดที่นำเข้าสาย"
    with unit_of_work(factory) as session:
        import_plan(session, late, now=DIGEST_MOMENT.replace(minute=15), actor="test")

    this_week = overdue_digests(factory, DIGEST_MOMENT, Options())
    next_week = overdue_digests(factory, DIGEST_MOMENT + timedelta(days=7), Options())

    assert this_week.queued == 1  # the plan imported on 1 Oct 2022 only
    assert next_week.queued == 2
    with factory() as session:
        late_org = session.scalars(
            select(Organization.id).where(Organization.name == late["organization"]["name"])
        ).one()
        weeks = session.scalars(
            select(OutboxMessage.occurrence).where(
                OutboxMessage.job == "overdue-digest", OutboxMessage.organization_id == late_org
            )
        ).all()
    assert [week.rsplit("/", 1)[1] for week in weeks] == ["2023-W32"]  # 7 Aug, not 31 Jul
    factory.kw["bind"].dispose()


# --- the ledger's batched insert ----------------------------------------------------------------


def envelope(recipient: str, occurrence: str = "1/2023-08-02/1") -> Envelope:
    return Envelope(
        job="meeting-reminder",
        occurrence=occurrence,
        recipient=recipient,
        channel="email",
        subject="เรื่อง",
        text="ข้อความ",
        html=None,
        due_at=datetime(2023, 7, 26, 9, 0, tzinfo=BKK),
    )


def test_a_batched_insert_keeps_new_rows_once_and_names_only_those_it_inserted(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    with unit_of_work(session_factory) as session:
        assert enqueue_many(session, [(envelope("a@x.example"), False)], now) == {
            ledger_key(envelope("a@x.example"))
        }
    batch = [
        (envelope("a@x.example"), False),  # already in the ledger
        (envelope("b@x.example"), False),
        (envelope("b@x.example"), True),  # repeated in the batch: the first wins
        (envelope("c@x.example"), True),
    ] + [(envelope(f"n{i}@x.example"), False) for i in range(1200)]  # past one INSERT's rows
    with unit_of_work(session_factory) as session:
        inserted = enqueue_many(session, batch, now)

    assert ledger_key(envelope("a@x.example")) not in inserted
    assert len(inserted) == 2 + 1200
    with session_factory() as session:
        rows = {m.recipient: m for m in session.scalars(select(OutboxMessage))}
    assert len(rows) == 3 + 1200
    assert rows["b@x.example"].status is OutboxStatus.PENDING
    assert rows["c@x.example"].status is OutboxStatus.MISSED
    assert rows["n1199@x.example"].subject == "เรื่อง"
    with unit_of_work(session_factory) as session:
        assert enqueue_many(session, batch, now) == set()


def test_two_processes_inserting_overlapping_batches_wait_instead_of_deadlocking(
    session_factory: sessionmaker[Session],
) -> None:
    """A sweep inserts [9, 10] while another, a batch behind, already holds 9 and then
    needs 10. In the sweeps' common order the second waits behind the first; sorted per
    batch ("10/…" < "9/…") it would take 10 first and PostgreSQL would find a deadlock."""
    now = REMINDER_MOMENT
    nine = envelope("a@x.example", "9/2023-08-02/1")
    ten = envelope("a@x.example", "10/2023-08-02/1")
    first = session_factory()
    first.begin()
    assert enqueue_many(first, [(nine, False)], now) == {ledger_key(nine)}
    with ThreadPoolExecutor(1) as pool:

        def second_sweep() -> set[Any]:
            with unit_of_work(session_factory) as session:
                return enqueue_many(session, [(nine, False), (ten, False)], now)

        second = pool.submit(second_sweep)
        sleep(0.5)  # let the second block on 9, which the first has not committed
        assert enqueue_many(first, [(ten, False)], now) == {ledger_key(ten)}
        first.commit()
        first.close()
        assert second.result(timeout=60) == set()  # both were the first's: nothing new
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def queue_many(factory: sessionmaker[Session], count: int, now: datetime) -> None:
    with unit_of_work(factory) as session:
        batch = [(envelope(f"n{i}@x.example"), False) for i in range(count)]
        assert len(enqueue_many(session, batch, now)) == count


def statuses(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status.value: count for status, count in rows}


def test_one_dispatch_drains_a_national_round_not_just_one_batch(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 1203, now)
    delivered: list[str] = []
    # Every fifth address is refused for now: retried later, never again in this dispatch.
    refused = {f"n{i}@x.example" for i in range(0, 1203, 5)}

    def send(channel: str, address: str, message: Message) -> None:
        if address in refused:
            raise TemporaryFailure("421 try again later")
        delivered.append(address)

    first = dispatch(session_factory, now, send, worker="w", batch=500)

    assert (first.sent, first.retrying, first.failed) == (1203 - 241, 241, 0)
    assert len(delivered) == len(set(delivered)) == 962
    assert statuses(session_factory) == {"sent": 962, "pending": 241}
    again = dispatch(session_factory, now, send, worker="w", batch=500)
    assert (again.sent, again.retrying) == (0, 0)  # the refused wait for their backoff
    later = dispatch(session_factory, now + BACKOFF[0], lambda *_: None, worker="w", batch=500)
    assert later.sent == 241
    assert statuses(session_factory) == {"sent": 1203}


def test_a_dispatch_asked_to_stop_ends_after_the_current_message(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 20, now)
    delivered: list[str] = []

    result = dispatch(
        session_factory,
        now,
        lambda _channel, address, _message: delivered.append(address),
        worker="w",
        should_stop=lambda: len(delivered) >= 3,
    )

    assert result.sent == 3
    assert statuses(session_factory) == {"sent": 3, "pending": 17}  # the rest is kept


def test_a_dispatch_with_threads_sends_each_message_once_from_several_threads(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 40, now)
    delivered: list[tuple[str, str]] = []
    lock = threading.Lock()

    def slow_send(_channel: str, address: str, _message: Message) -> None:
        sleep(0.02)  # a network round trip: the threads overlap while they wait
        with lock:
            delivered.append((address, threading.current_thread().name))

    result = dispatch(session_factory, now, slow_send, worker="w", batch=16, threads=4)

    assert result.sent == 40
    addresses = [address for address, _thread in delivered]
    assert sorted(addresses) == sorted(f"n{i}@x.example" for i in range(40))
    assert len({thread for _address, thread in delivered}) > 1
    assert statuses(session_factory) == {"sent": 40}


def test_two_units_sharing_one_address_each_get_their_own_reminder(
    session_factory: sessionmaker[Session],
) -> None:
    with unit_of_work(session_factory) as session:
        import_plan(session, seed_document(), now=IMPORTED_AT, actor="test")
    with unit_of_work(session_factory) as session:
        organization = session.scalars(select(Organization)).one()
        secretariat = session.scalars(
            select(Unit).where(Unit.merged_into_id.is_(None), Unit.all_units.is_(False))
        ).one()
        # A second unit with nothing of its own gets the every-unit group's steps (3 and 4).
        clerk_office = add_unit(session, organization, "กองคลัง")
        session.flush()
        for unit in (secretariat, clerk_office):
            session.add(UnitContact(unit_id=unit.id, channel="email", address="one@x.example"))

    result = meeting_reminders(session_factory, REMINDER_MOMENT, Options())

    queued = [i for i in result.items if not i["missed"]]
    assert sorted(i["to"] for i in queued) == sorted([secretariat.name, "กองคลัง"])
    assert {i["address"] for i in queued} == {"one@x.example"}


# --- shared calendars --------------------------------------------------------------------------


def test_series_with_one_rule_share_a_calendar_but_not_each_others_changes(
    database_url: str,
) -> None:
    factory = seeded(database_url, 7)
    plain, cancelled, slower, early_report, afternoon, moving, tokyo = (
        series_of(factory, o) for o in organization_ids(factory)
    )
    with unit_of_work(factory) as session:
        session.add(Meeting(series_id=cancelled, date=HOLIDAY_MEETING, cancelled=True))
        changes: dict[int, dict[str, Any]] = {
            slower: {"reminder_days": 5},
            early_report: {"report_days": 3},
            afternoon: {"time_of_day": time(13, 30)},
            moving: {"holiday_policy": HolidayPolicy.MOVE},
            tokyo: {"timezone": "Asia/Tokyo"},
        }
        for series_id, values in changes.items():
            series = session.get(MeetingSeries, series_id)
            assert series is not None
            for name, value in values.items():
                setattr(series, name, value)

    assert plan(factory, PLANNED_AT - timedelta(days=7)) == 7

    # The plain series: 2 Aug is held (policy "flag"), between 19 Jul and 16 Aug; its
    # reminder is due 2 working days before (28, 31 Jul and 1 Aug are holidays): 26 Jul.
    reminders = dues_of(factory, plain, "meeting-reminder")
    assert reminders[MEETING_BEFORE].next_date == HOLIDAY_MEETING
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 9, 0, tzinfo=BKK)
    reports = dues_of(factory, plain, "progress-report")
    assert reports[HOLIDAY_MEETING].due_at == datetime(2023, 7, 27, 8, 0, tzinfo=BKK)
    # Cancelled 2 Aug: no due for it, and 19 Jul is followed by 16 Aug.
    reminders = dues_of(factory, cancelled, "meeting-reminder")
    assert HOLIDAY_MEETING not in reminders
    assert reminders[MEETING_BEFORE].next_date == MEETING_AFTER
    assert dues_of(factory, cancelled, "progress-report").keys() == reminders.keys()
    # Reminding 5 working days ahead: 27, 26, 25, 24 and (past the weekend) 21 Jul.
    reminders = dues_of(factory, slower, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 21, 9, 0, tzinfo=BKK)
    # Reporting 3 working days ahead: 27, 26 and 25 Jul.
    reports = dues_of(factory, early_report, "progress-report")
    assert reports[HOLIDAY_MEETING].due_at == datetime(2023, 7, 25, 8, 0, tzinfo=BKK)
    # Meeting at 13:30: the meeting moves, its reminder does not.
    reminders = dues_of(factory, afternoon, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 13, 30, tzinfo=BKK)
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    # Policy "move": 2 Aug (a holiday) is held on Thu 3 Aug; 2 working days before it are
    # 27 and 26 Jul, as 2 Aug is a holiday too.
    reminders = dues_of(factory, moving, "meeting-reminder")
    assert HOLIDAY_MEETING not in reminders
    assert reminders[date(2023, 8, 3)].rule_date == HOLIDAY_MEETING
    assert reminders[date(2023, 8, 3)].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert reminders[MEETING_BEFORE].next_date == date(2023, 8, 3)
    # A series in Tokyo: the same days, at 09:00 Tokyo time (07:00 in Bangkok).
    tokyo_zone = ZoneInfo("Asia/Tokyo")
    reminders = dues_of(factory, tokyo, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 9, 0, tzinfo=tokyo_zone)
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=tokyo_zone)
    factory.kw["bind"].dispose()


def test_a_series_changed_after_planning_is_planned_again_and_only_it(
    database_url: str,
) -> None:
    factory = seeded(database_url, 2)
    first, second = (series_of(factory, o) for o in organization_ids(factory))
    assert plan(factory, PLANNED_AT) == 2
    assert plan(factory, PLANNED_AT + timedelta(hours=3)) == 0  # once a day

    with unit_of_work(factory) as session:
        session.add(Meeting(series_id=second, date=HOLIDAY_MEETING, cancelled=True))
        series = session.get(MeetingSeries, second)
        assert series is not None
        series.dues_planned_on = None  # what a change to a series does

    assert plan(factory, PLANNED_AT + timedelta(hours=4)) == 1
    assert HOLIDAY_MEETING in dues_of(factory, first, "meeting-reminder")
    assert HOLIDAY_MEETING not in dues_of(factory, second, "meeting-reminder")
    assert HOLIDAY_MEETING not in dues_of(factory, second, "progress-report")
    with factory() as session:
        per_series = dict(
            session.execute(
                select(MeetingDue.series_id, func.count()).group_by(MeetingDue.series_id)
            ).all()
        )
    assert per_series[first] == per_series[second] + 2
    factory.kw["bind"].dispose()


def test_the_held_meetings_of_the_seed_in_the_planned_window_are_the_expected_ones(
    database_url: str,
) -> None:
    factory = seeded(database_url, 1)
    plan(factory, PLANNED_AT)
    (organization,) = organization_ids(factory)
    planned = sorted(dues_of(factory, series_of(factory, organization), "meeting-reminder"))
    # The window is 35 days back and 60 ahead of 26 Jul 2023, and FY2566 ends on 30 Sep.
    window = [d for d in MEETINGS_FY2566 if date(2023, 6, 21) <= d <= date(2023, 9, 24)]
    assert planned == window
    factory.kw["bind"].dispose()


# --- chunk boundaries and dry runs -------------------------------------------------------------


def run_rounds(factory: sessionmaker[Session], options: Options) -> list[list[tuple[Any, ...]]]:
    """Every follow-up round of the seed at its moment; what each one reported."""
    rounds = [
        meeting_reminders(factory, REMINDER_MOMENT, options),
        progress_reports(factory, REPORT_MOMENT, options),
        deadline_alerts(factory, ALERT_MOMENT, options),
        overdue_digests(factory, DIGEST_MOMENT, options),
    ]
    return [
        sorted(
            (r.queued, r.missed, r.already, i["job"], i["address"], i["subject"], i["missed"])
            for i in r.items
        )
        for r in rounds
    ]


def ledger_rows(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with factory() as session:
        return sorted(
            (m.job, m.occurrence, m.recipient, m.channel, m.status.value, m.subject, m.body_text)
            for m in session.scalars(select(OutboxMessage))
        )


def test_tiny_chunks_give_the_same_messages_as_one_chunk(
    database_url: str, second_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, chunked = seeded(database_url, 5), seeded(second_database_url, 5)
    expected = run_rounds(whole, Options())
    assert all(expected)  # every round queued something

    # Every chunk and batch boundary falls inside a round: 2 series, 2 dues, 3 messages.
    monkeypatch.setattr(dues_module, "PLAN_CHUNK", 2)
    monkeypatch.setattr(sweep_module, "SWEEP_CHUNK", 2)
    monkeypatch.setattr(sweep_module, "RECORD_BATCH", 3)
    assert run_rounds(chunked, Options()) == expected
    assert ledger_rows(chunked) == ledger_rows(whole)
    for factory in (whole, chunked):
        factory.kw["bind"].dispose()


def test_a_dry_run_reports_what_the_run_then_queues_and_writes_nothing(database_url: str) -> None:
    factory = seeded(database_url, 3)

    dry = run_rounds(factory, Options(dry_run=True))

    assert ledger_rows(factory) == []
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(MeetingDue)) == 0
    assert run_rounds(factory, Options()) == dry
    assert len(ledger_rows(factory)) == sum(len(items) for items in dry) > 0
    # A dry run after the real one finds everything there.
    again = run_rounds(factory, Options(dry_run=True))
    assert again == [[], [], [], []]
    factory.kw["bind"].dispose()
