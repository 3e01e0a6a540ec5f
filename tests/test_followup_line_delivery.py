"""LINE through the whole engine: a reminder queued for a unit's LINE contact reaches the
(local fake) Messaging API with the ledger row's idempotency key as ``X-Line-Retry-Key``;
when LINE's monthly quota is used up, the message is failed for LINE and sent instead to the
unit's fallback e-mail contact, which gets nothing otherwise."""

from __future__ import annotations

from pathlib import Path

from followup_support import (
    REMINDER_MOMENT,
    Seed,
    SmtpServer,
    add_contact,
    dispatch_outbox,
    outbox,
    queue_all,
    seed_fixture,  # noqa: F401
    smtp_fixture,  # noqa: F401
)
from line_fake import LineApi, line_api_fixture  # noqa: F401
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.db import unit_of_work
from tracker.followup.delivery import make_sender
from tracker.models import OutboxMessage, OutboxStatus, UnitContact

LINE_USER = "U" + "4f" * 16
FALLBACK_MAIL = "saraban@phrae-pao.example"


def line_settings(smtp: SmtpServer, line_api: LineApi, outbox_dir: Path) -> Settings:
    base = smtp.settings(outbox_dir)
    return base.replace(
        channel_settings={"line": {"token": line_api.token, "api_url": line_api.url}}
    )


def add_fallback(factory: sessionmaker[Session], unit_id: int, address: str) -> None:
    with unit_of_work(factory) as session:
        session.add(UnitContact(unit_id=unit_id, channel="email", address=address, fallback=True))


def queue_for_line(
    factory: sessionmaker[Session], unit_id: int, *, fallback: str | None
) -> list[OutboxMessage]:
    """The seed's unit reached by LINE (and ``fallback`` as its fallback e-mail): what the
    sweeps queue at REMINDER_MOMENT for sending."""
    add_contact(factory, unit_id, "line", LINE_USER)
    if fallback is not None:
        add_fallback(factory, unit_id, fallback)
    queue_all(factory, REMINDER_MOMENT)
    return [m for m in outbox(factory) if m.status is OutboxStatus.PENDING]


def test_a_reminder_reaches_line_with_its_ledger_key_and_the_fallback_mail_gets_nothing(
    session_factory: sessionmaker[Session],
    seed: Seed,
    smtp: SmtpServer,
    line_api: LineApi,
    tmp_path: Path,
) -> None:
    queued = queue_for_line(session_factory, seed.unit_id, fallback=FALLBACK_MAIL)
    # Every pending message goes to LINE: a fallback contact is no recipient of its own.
    assert queued
    assert {(m.channel, m.recipient) for m in queued} == {("line", LINE_USER)}

    send = make_sender(line_settings(smtp, line_api, tmp_path).notify())
    result = dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")

    assert (result.sent, result.failed) == (len(queued), 0)
    pushes = line_api.pushes_to(LINE_USER)
    assert sorted(p.retry_key or "" for p in pushes) == sorted(m.idempotency_key for m in queued)
    for message in queued:
        (push,) = [p for p in pushes if p.retry_key == message.idempotency_key]
        assert "".join(push.texts) == f"{message.subject}\n\n{message.body_text}"
    assert smtp.mails == []


def test_a_used_up_line_quota_sends_the_message_by_fallback_mail_in_the_same_dispatch(
    session_factory: sessionmaker[Session],
    seed: Seed,
    smtp: SmtpServer,
    line_api: LineApi,
    tmp_path: Path,
) -> None:
    queued = queue_for_line(session_factory, seed.unit_id, fallback=FALLBACK_MAIL)
    line_api.quota_exhausted = True
    send = make_sender(line_settings(smtp, line_api, tmp_path).notify())

    result = dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")

    assert (result.failed, result.sent) == (len(queued), len(queued))
    rows = outbox(session_factory)
    by_line = {m.id: m for m in rows if m.id in {q.id for q in queued}}
    by_mail = [m for m in rows if m.channel == "email"]
    for row in by_line.values():
        assert row.status is OutboxStatus.FAILED
        assert row.last_error
        assert "monthly limit" in row.last_error
        assert f"queued by e-mail instead, to {FALLBACK_MAIL}" in row.last_error
    assert sorted(m.fallback_of or 0 for m in by_mail) == sorted(by_line)
    for mail_row in by_mail:
        original = by_line[mail_row.fallback_of or 0]
        assert (mail_row.status, mail_row.recipient) == (OutboxStatus.SENT, FALLBACK_MAIL)
        assert (mail_row.job, mail_row.occurrence) == (original.job, original.occurrence)
        assert mail_row.subject == original.subject
        assert mail_row.idempotency_key != original.idempotency_key  # its own ledger row
    assert sorted(m.subject for m in smtp.to(FALLBACK_MAIL)) == sorted(
        m.subject for m in by_line.values()
    )
    assert line_api.pushes_to(LINE_USER) == []  # refused: nothing delivered by LINE

    again = dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")
    assert (again.sent, again.failed) == (0, 0)
    assert len(smtp.to(FALLBACK_MAIL)) == len(queued)


def test_without_a_fallback_contact_the_refusal_says_so_and_nothing_else_is_queued(
    session_factory: sessionmaker[Session],
    seed: Seed,
    smtp: SmtpServer,
    line_api: LineApi,
    tmp_path: Path,
) -> None:
    queued = {m.id for m in queue_for_line(session_factory, seed.unit_id, fallback=None)}
    before = len(outbox(session_factory))
    line_api.quota_exhausted = True
    send = make_sender(line_settings(smtp, line_api, tmp_path).notify())

    dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")

    rows = outbox(session_factory)
    assert len(rows) == before
    failed = [m for m in rows if m.id in queued]
    assert failed
    for row in failed:
        assert row.status is OutboxStatus.FAILED
        assert row.last_error
        assert row.last_error.endswith("the unit has no fallback e-mail contact")
    assert smtp.mails == []
