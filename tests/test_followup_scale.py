"""The follow-up sweeps at scale: one pass over due rows, whatever the number of organizations.

The national case (8,300 organizations) is measured in bench/bench_followup.py; these tests
check the shape that makes it possible, on SQLite and PostgreSQL: a sweep sends the same
number of statements whatever the number of organizations (no loop per organization), a
second sweep only counts what the first queued, and tiny chunks or a dry run change nothing
in what a round reports. The ledger's batched insert is tested in
test_followup_ledger_batches.py, shared calendars in test_followup_shared_calendars.py.

The seed report is imported once per organization, renamed; its calendar facts (the meeting
of Wed 2 Aug 2023, its reminder due Wed 26 Jul 09:00 because 28 and 31 Jul and 1 Aug are
holidays) are checked against the `holidays` package in test_followup_delivery.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from followup_support import (
    BKK,
    PLANNED_AT,
    REMINDER_MOMENT,
    deadline_alerts,
    meeting_reminders,
    organization_ids,
    overdue_digests,
    plan,
    progress_reports,
    seed_document,
    seeded,
)
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup import dues as dues_module
from tracker.followup.jobs import Options
from tracker.followup.jobs import sweep as sweep_module
from tracker.models import MeetingDue, Organization, OutboxMessage, OutboxStatus
from tracker.services.plan_import import import_plan

REPORT_MOMENT = datetime(2023, 7, 27, 9, 30, tzinfo=BKK)  # the 2 Aug report was due at 08:00
DIGEST_MOMENT = datetime(2023, 7, 31, 8, 30, tzinfo=BKK)  # a Monday: digests due at 08:00
# Step 1.1 ends on 30 Nov 2022: its 7-days-left (23 Nov) and 1-day-left (29 Nov 09:00) alerts.
ALERT_MOMENT = datetime(2022, 11, 29, 10, 0, tzinfo=BKK)

_T = TypeVar("_T")


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
