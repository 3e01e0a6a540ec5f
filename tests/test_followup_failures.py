"""Follow-up delivery when sending fails: an SMTP server down, then up; broken addresses.

Like test_followup_delivery.py, every test imports the seed report into its own database (on
SQLite and, with TRACKER_TEST_DATABASE_URL, PostgreSQL), runs the real queueing jobs and
dispatcher at explicit moments and delivers to an aiosmtpd SMTP server on 127.0.0.1 (or to a
port where nothing listens yet); nothing is mocked. A temporary failure is retried after the
ledger's BACKOFF, then failed and listed for a retry by hand; a permanent one fails at once.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from followup_support import (
    HOLIDAY_MEETING,
    REMINDER_MOMENT,
    UNIT_MAIL,
    Seed,
    SmtpServer,
    add_contact,
    dispatch_outbox,
    free_port,
    outbox,
    queue_all,
    run_all,
    seed_fixture,  # noqa: F401
    smtp_fixture,  # noqa: F401
    task_ids_in,
    the,
)
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup.delivery import make_sender
from tracker.followup.ledger import BACKOFF
from tracker.models import Organization, OutboxStatus
from tracker.notify import Message, PermanentFailure
from tracker.notify.smtp import SmtpTransport
from tracker.services.units import add_unit


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A server on a free port that is not started yet: nothing listens there."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


# --- SMTP down, then up --------------------------------------------------------------------------


def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(
    session_factory: sessionmaker[Session], seed: Seed, smtp_down: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    send = make_sender(smtp_down.settings(tmp_path / "outbox").notify())

    _, first = run_all(session_factory, REMINDER_MOMENT, send)

    waiting = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    assert len(waiting) == 2
    assert first.retrying == 2
    assert first.sent == 0
    for row in waiting:
        assert row.attempts == 1
        assert row.last_error
        assert str(smtp_down.port) in row.last_error
        assert row.next_attempt_at == REMINDER_MOMENT + BACKOFF[0]
        assert row.sent_at is None

    too_early = dispatch_outbox(
        session_factory, REMINDER_MOMENT + timedelta(seconds=30), send, worker="test"
    )
    assert too_early.sent + too_early.retrying + too_early.failed == 0

    smtp_down.start()
    back = REMINDER_MOMENT + timedelta(minutes=2)
    second = dispatch_outbox(session_factory, back, send, worker="test")

    assert second.sent == 2
    for row in outbox(session_factory):
        if row.id in {w.id for w in waiting}:
            assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 2, back)
            assert row.last_error is None
    assert sorted(m.subject for m in smtp_down.mails) == sorted(w.subject for w in waiting)


def test_a_message_that_keeps_failing_is_failed_listed_and_can_be_retried_by_hand(
    cli: Any,
    session_factory: sessionmaker[Session],
    seed: Seed,
    smtp_down: SmtpServer,
    tmp_path: Path,
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    send = make_sender(smtp_down.settings(tmp_path / "outbox").notify())
    queue_all(session_factory, REMINDER_MOMENT)
    (reminder,) = the(outbox(session_factory), "meeting-reminder", HOLIDAY_MEETING.isoformat())
    assert reminder.status is OutboxStatus.PENDING

    moment = REMINDER_MOMENT
    for attempt in range(1, len(BACKOFF) + 2):
        dispatch_outbox(session_factory, moment, send, worker="test")
        row = next(m for m in outbox(session_factory) if m.id == reminder.id)
        assert row.attempts == attempt
        if attempt <= len(BACKOFF):
            assert row.status is OutboxStatus.PENDING
            assert row.next_attempt_at == moment + BACKOFF[attempt - 1]
            idle = dispatch_outbox(
                session_factory, row.next_attempt_at - timedelta(seconds=1), send, worker="test"
            )
            assert idle.sent + idle.retrying + idle.failed == 0
            moment = row.next_attempt_at
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == len(BACKOFF) + 1
    assert row.last_error
    assert "127.0.0.1" in row.last_error
    assert smtp_down.mails == []

    settle = moment + timedelta(hours=1)
    cli.env(
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=str(smtp_down.port),
        TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"),
        TRACKER_NOW=settle.isoformat(),
    )
    failed = cli.ok("outbox", "--failed", "--json").json()
    listed = {r["id"]: r for r in failed}
    assert reminder.id in listed
    assert all(r["status"] == "failed" for r in failed)
    assert listed[reminder.id]["attempts"] == len(BACKOFF) + 1
    assert listed[reminder.id]["last_error"] == row.last_error
    assert listed[reminder.id]["recipient"] == UNIT_MAIL

    cli.ok("outbox", "retry", str(reminder.id))
    retried = next(m for m in outbox(session_factory) if m.id == reminder.id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)

    smtp_down.start()
    result = cli.ok("jobs", "run", "dispatch", "--now", settle.isoformat(), "--json").json()

    assert result["sent"] == 1
    assert [m.subject for m in smtp_down.mails] == [reminder.subject]
    done = next(m for m in outbox(session_factory) if m.id == reminder.id)
    assert done.status is OutboxStatus.SENT
    assert reminder.id not in {r["id"] for r in cli.ok("outbox", "--failed", "--json").json()}


# --- a broken address ----------------------------------------------------------------------------


def test_a_broken_address_fails_at_once_while_the_next_unit_gets_its_mail(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    with unit_of_work(session_factory) as session:
        organization = session.get(Organization, seed.organization_id)
        assert organization is not None
        finance_id = add_unit(session, organization, "กองคลัง").id
    add_contact(session_factory, seed.unit_id, "email", "not-an-email")
    add_contact(session_factory, finance_id, "email", "finance@phrae-pao.example")
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    run_all(session_factory, REMINDER_MOMENT, send)

    rows = [m for m in outbox(session_factory) if m.status is not OutboxStatus.MISSED]
    broken = [m for m in rows if m.recipient == "not-an-email"]
    assert {m.job for m in broken} == {"meeting-reminder", "overdue-digest"}
    for row in broken:
        assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
        assert row.last_error
        assert "not-an-email" in row.last_error
    # Only steps 3 and 4 ("every unit") are the finance division's, and none is overdue.
    (good,) = [m for m in rows if m.unit_id == finance_id]
    assert good.status is OutboxStatus.SENT
    assert [m.recipients for m in smtp.mails] == [("finance@phrae-pao.example",)]
    text = smtp.mails[0].part("text/plain").get_content()
    assert task_ids_in(text) == {seed.task_ids[3], seed.task_ids[4]}
    assert "กองคลัง" in text

    dispatch_outbox(session_factory, REMINDER_MOMENT + timedelta(days=1), send, worker="test")
    for row in outbox(session_factory):
        if row.recipient == "not-an-email" and row.status is not OutboxStatus.MISSED:
            assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert len(smtp.mails) == 1


def test_a_reply_line_too_long_for_smtplib_is_a_refusal_not_a_crash_of_the_transport() -> None:
    """smtplib words this refusal itself, with a text reason (500, "Line too long.") where a
    server's reply is bytes: the transport reports the code and reason, as for any reply."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def greet_too_long() -> None:
        connection, _address = listener.accept()
        with connection:
            connection.sendall(b"220 " + b"x" * 9000 + b"\r\n")  # smtplib reads 8192 at most
            connection.recv(1024)  # until the client hangs up

    server = threading.Thread(target=greet_too_long, daemon=True)
    server.start()
    transport = SmtpTransport("127.0.0.1", port, "ita-tracker@localhost", timeout=10)
    try:
        with pytest.raises(PermanentFailure, match=r"^500 Line too long\.$"):
            transport.send(UNIT_MAIL, Message("subject", "text"))
    finally:
        server.join(timeout=10)
        listener.close()
