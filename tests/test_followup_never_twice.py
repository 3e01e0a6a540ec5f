"""Follow-up delivery never sends twice: repeated runs, parallel dispatchers and schedulers.

Like test_followup_delivery.py, every test imports the seed report into its own database (on
SQLite and, with TRACKER_TEST_DATABASE_URL, PostgreSQL), runs the real queueing jobs and
dispatcher at explicit moments and delivers to an aiosmtpd SMTP server on 127.0.0.1; nothing
is mocked. Running the jobs again, two dispatchers or schedulers at once, a dispatch on several
threads or a send interrupted by a crash must never queue or send a message twice. The seed's
2 Aug 2023 reminder is due on 26 July 09:00 (see test_followup_delivery.py for why).
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from followup_support import (
    REMINDER_MOMENT,
    SECRETARY_MAIL,
    UNIT_MAIL,
    Seed,
    SmtpServer,
    add_contact,
    add_recipient,
    dispatch_outbox,
    outbox,
    queue_all,
    run_all,
    seed_fixture,  # noqa: F401
    smtp_fixture,  # noqa: F401
    snapshot,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup.delivery import make_sender
from tracker.followup.jobs import JobResult
from tracker.models import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus


def add_desks(factory: sessionmaker[Session], unit_id: int, count: int) -> list[str]:
    """``count`` e-mail contacts for one unit (desk0@…, desk1@…): their addresses."""
    addresses = [f"desk{n}@phrae-pao.example" for n in range(count)]
    for address in addresses:
        add_contact(factory, unit_id, "email", address)
    return addresses


# --- never twice ---------------------------------------------------------------------------------


def test_running_every_job_twice_at_the_same_moment_sends_nothing_twice(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())
    run_all(session_factory, REMINDER_MOMENT, send)
    mails, rows = len(smtp.mails), snapshot(session_factory)
    assert mails == 2

    queued, dispatched = run_all(session_factory, REMINDER_MOMENT, send)

    assert len(smtp.mails) == mails
    assert snapshot(session_factory) == rows
    assert sum(r.queued + r.missed for r in queued) == 0
    assert dispatched.sent == 0

    later = REMINDER_MOMENT + timedelta(hours=1)
    queued, dispatched = run_all(session_factory, later, send)

    assert len(smtp.mails) == mails
    assert snapshot(session_factory) == rows
    assert sum(r.queued + r.missed for r in queued) == 0
    assert dispatched.sent == 0


def test_each_job_reports_what_it_queued_and_what_it_found_missed(
    session_factory: sessionmaker[Session], seed: Seed
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)

    first = {r.job: r for r in queue_all(session_factory, REMINDER_MOMENT)}

    # Reminders: 2 Aug queued; 5 and 19 July (inside LOOKBACK, meetings held) missed.
    reminders = first["meeting-reminders"]
    assert (reminders.queued, reminders.missed) == (1, 2)
    assert sorted((i["address"], i["missed"]) for i in reminders.items) == [
        (UNIT_MAIL, False),
        (UNIT_MAIL, True),
        (UNIT_MAIL, True),
    ]
    reports = first["progress-reports"]
    assert (reports.queued, reports.missed) == (0, 2)
    assert {i["address"] for i in reports.items} == {SECRETARY_MAIL}
    digests = first["overdue-digests"]
    assert (digests.queued, digests.missed) == (1, 0)
    assert sum(r.queued + r.missed for r in first.values()) == len(outbox(session_factory))

    again = queue_all(session_factory, REMINDER_MOMENT)
    assert sum(r.queued + r.missed for r in again) == 0
    assert [i for r in again for i in r.items] == []


def test_two_dispatchers_at_once_deliver_every_message_exactly_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 8)
    queue_all(session_factory, REMINDER_MOMENT)
    pending = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    assert len(pending) == 2 * len(addresses)  # the 2 Aug reminder and the digest, each
    settings = smtp.settings(tmp_path / "outbox")
    start = threading.Barrier(2)

    def dispatcher(worker: str) -> JobResult:
        send = make_sender(settings.notify())
        start.wait()
        return dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker=worker)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(dispatcher, w) for w in ("one", "two")]]

    assert sum(r.sent for r in results) == len(pending)
    assert sum(r.failed + r.retrying for r in results) == 0
    assert len(smtp.mails) == len(pending)
    delivered = [(m.recipients, m.subject) for m in smtp.mails]
    assert len(set(delivered)) == len(delivered)
    assert {m.recipients[0] for m in smtp.mails} == set(addresses)
    for row in outbox(session_factory):
        if row.id in {p.id for p in pending}:
            assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_a_dispatch_on_four_threads_mails_each_address_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 12)
    settings = smtp.settings(tmp_path / "outbox").replace(dispatch_threads=4)
    queue_all(session_factory, REMINDER_MOMENT)

    result = dispatch_outbox(
        session_factory,
        REMINDER_MOMENT,
        make_sender(settings.notify()),
        worker="test",
        threads=settings.dispatch_threads,
    )

    # Each desk: the 2 Aug reminder and this week's overdue digest (the July reminders and
    # reports were missed).
    assert (result.sent, result.failed, result.retrying) == (2 * len(addresses), 0, 0)
    for address in addresses:
        subjects = sorted(m.subject for m in smtp.to(address))
        assert len(subjects) == 2, address
        assert subjects[0].startswith("[ITA] ขอรายงานความคืบหน้าก่อน"), subjects  # ข before ง
        assert subjects[1].startswith("[ITA] งานเกินกำหนดของ"), subjects


def test_two_schedulers_at_once_queue_each_message_once_and_send_it_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 3)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    settings = smtp.settings(tmp_path / "outbox")
    start = threading.Barrier(2)

    def scheduler(worker: str) -> tuple[list[JobResult], JobResult]:
        send = make_sender(settings.notify())
        start.wait()
        return run_all(session_factory, REMINDER_MOMENT, send, worker=worker)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(scheduler, w) for w in ("a", "b")]
        errors = [repr(f.exception())[:300] for f in futures if f.exception() is not None]
    # Whatever happened to either scheduler, nothing may be queued or sent twice...
    rows = outbox(session_factory)
    keys = [(m.job, m.occurrence, m.recipient, m.channel) for m in rows]
    # Per address: the reminders of 5 and 19 July missed, that of 2 Aug and the digest sent;
    # the reports of 5 and 19 July missed, to the one secretary.
    assert len(keys) == len(set(keys)) == 4 * len(addresses) + 2
    delivered = [(m.recipients, m.subject) for m in smtp.mails]
    assert len(set(delivered)) == len(delivered)
    assert smtp.to(SECRETARY_MAIL) == []
    # ...and the second scheduler is a no-op, not a crash.
    assert errors == []
    results = [f.result() for f in futures]
    assert len(smtp.mails) == 2 * len(addresses)
    assert sum(d.sent for _, d in results) == 2 * len(addresses)
    queued = [r for jobs, _ in results for r in jobs]
    assert sum(r.queued for r in queued) == 2 * len(addresses)
    assert sum(r.missed for r in queued) == 2 * len(addresses) + 2


# --- a claim whose lease ran out -------------------------------------------------------------


def test_a_send_interrupted_by_a_crash_is_sent_again_with_the_same_key_once_its_lease_ends(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    queue_all(session_factory, REMINDER_MOMENT)
    pending = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    crashed, in_flight = pending  # the reminder, the digest
    now = REMINDER_MOMENT + timedelta(minutes=30)
    with unit_of_work(session_factory) as session:
        # What a dispatcher killed mid-send leaves: its claim (token, worker, time, lease) on
        # the row. One lease ended 5 minutes ago, one ends in 15 minutes.
        for row_id, claimed in ((crashed.id, now - timedelta(minutes=20)), (in_flight.id, now)):
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            token = str(uuid.uuid4())
            row.status, row.claimed_by, row.claim_token = OutboxStatus.SENDING, "dead:1", token
            row.claimed_at, row.lease_until = claimed, claimed + timedelta(minutes=15)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    result = dispatch_outbox(session_factory, now, send, worker="test")

    rows = {m.id: m for m in outbox(session_factory)}
    assert (result.sent, result.failed, result.interrupted) == (1, 0, 1)
    again = rows[crashed.id]
    assert (again.status, again.interruptions, again.attempts) == (OutboxStatus.SENT, 1, 2)
    assert rows[in_flight.id].status is OutboxStatus.SENDING  # its lease holds: not touched
    (mail,) = smtp.mails
    # The From of the tests' settings is ita-tracker@localhost: the key at its domain.
    assert mail.message["Message-ID"] == f"<{again.idempotency_key}@localhost>"
    with session_factory() as session:
        history = session.scalars(
            select(OutboxAttempt)
            .where(OutboxAttempt.message_id == crashed.id)
            .order_by(OutboxAttempt.id)
        ).all()
        assert [(a.worker, a.outcome) for a in history] == [
            ("dead:1", AttemptOutcome.INTERRUPTED),
            ("test", AttemptOutcome.SENT),
        ]

    dispatch_outbox(session_factory, now + timedelta(minutes=16), send, worker="test")
    rows = {m.id: m for m in outbox(session_factory)}
    assert rows[in_flight.id].status is OutboxStatus.SENT
    assert rows[in_flight.id].interruptions == 1
    assert len(smtp.mails) == 2  # each once here: the dead worker's copies never left
