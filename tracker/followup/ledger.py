"""The outbox ledger: every message recorded before it is sent.

Never twice: a row is unique per (job, occurrence, recipient, channel) and inserted with
"on conflict do nothing", so every second attempt to queue the same message is a no-op. Each
row carries an idempotency key derived from that ledger key (:func:`idempotency_key`), which
every attempt hands to the receiver, so a copy sent again after a crash is recognisable as
the same message. Claiming, leases and outcomes are tracker.followup.claims; sending is
tracker.followup.dispatcher.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from tracker.models import MessageFile, OutboxMessage, OutboxStatus
from tracker.notify import Attachment, Message

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# Waits between attempts; after the last one a message is failed for good.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)

Sender = Callable[[str, str, Message], None]  # (channel, address, message)


@dataclass(frozen=True, kw_only=True)
class Envelope:
    """One message to one recipient, as a job decides it: not yet in the ledger. Built by
    keyword only: eight fields of mostly str, where a swapped pair would still type-check."""

    job: str
    occurrence: str
    recipient: str
    channel: str
    subject: str
    text: str
    html: str | None
    due_at: datetime
    organization_id: int | None = None
    unit_id: int | None = None
    role: str | None = None  # the unit contact role it goes to ("unit", "head")
    fallback_of: int | None = None  # the row this one stands in for (an e-mail fallback)
    # Rendered with the text, kept with it, sent with every attempt: the Link to the unit's
    # page and the X-Tracker-Tasks ids a unit message lists (tracker.followup.jobs.recipients).
    headers: Mapping[str, str] = field(default_factory=dict)
    # Files it carries (a progress report's PDF): stored once by SHA-256 in message_files.
    attachments: tuple[Attachment, ...] = ()


LedgerKey = tuple[str, str, str, str]  # (job, occurrence, recipient, channel): unique


def ledger_key(envelope: Envelope) -> LedgerKey:
    return (envelope.job, envelope.occurrence, envelope.recipient, envelope.channel)


# Fixed for good: changing it would give every future row of an old occurrence a new key.
_KEY_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4f0b-9a57-1d1b3b6c2e40")


def idempotency_key(key: LedgerKey) -> str:
    """The idempotency key of the ledger row ``key``: a UUID (version 5) of its four parts,
    so it is the same for every attempt and every process, and a UUID where a receiver
    insists on one (LINE's ``X-Line-Retry-Key``)."""
    return str(uuid.uuid5(_KEY_NAMESPACE, "\x1f".join(key)))


def enqueue(session: Session, envelope: Envelope, now: datetime, *, missed: bool = False) -> bool:
    """Record one message in the ledger; False if it was already there (nothing changes then).

    ``missed`` records it as missed (its moment passed while nothing ran) instead of pending.
    """
    return bool(enqueue_many(session, [(envelope, missed)], now))


def enqueue_many(
    session: Session | Connection, items: list[tuple[Envelope, bool]], now: datetime
) -> set[LedgerKey]:
    """Record many (envelope, missed) messages, a multi-row INSERT per chunk; returns the
    keys of the rows this call inserted. A key already in the ledger, or repeated in
    ``items`` (the first wins), changes nothing and is not returned.
    """
    rows: dict[LedgerKey, dict[str, Any]] = {}
    for envelope, missed in items:
        rows.setdefault(ledger_key(envelope), _row(envelope, now, missed))
    if not rows:
        return set()
    _store_files(session, [a for envelope, _ in items for a in envelope.attachments], now)
    statement = (
        _insert_outbox(_dialect_name(session))
        # No conflict target: the idempotency key (uuid5 of the ledger key) is unique too, and
        # PostgreSQL skips a row only on its arbiter indexes — a second process inserting the
        # same message at the same moment otherwise meets the key's index first and fails.
        .on_conflict_do_nothing()
        # RETURNING, not rowcount: it names which rows are new, and PostgreSQL reports -1
        # rows for an insert that returns them.
        .returning(
            OutboxMessage.job,
            OutboxMessage.occurrence,
            OutboxMessage.recipient,
            OutboxMessage.channel,
        )
    )
    # One compiled statement, executed for many rows: SQLAlchemy sends them as multi-row
    # INSERTs ("insertmanyvalues"), batched under each database's bind-parameter limit.
    # In the order given, not sorted per batch: every sweep lists its messages in one global
    # order (dues by due moment and id, then units and contacts by id), so a second process
    # inserting the same rows only ever waits behind the first. Sorting each batch would cut
    # that order at batch boundaries that differ between processes, and can deadlock.
    result = session.execute(statement, list(rows.values()))
    inserted: set[LedgerKey] = {
        (job, occurrence, recipient, channel) for job, occurrence, recipient, channel in result
    }
    return inserted


def _row(envelope: Envelope, now: datetime, missed: bool) -> dict[str, Any]:
    return {
        "idempotency_key": idempotency_key(ledger_key(envelope)),
        "role": envelope.role,
        "fallback_of": envelope.fallback_of,
        "interruptions": 0,
        "job": envelope.job,
        "occurrence": envelope.occurrence,
        "recipient": envelope.recipient,
        "channel": envelope.channel,
        "organization_id": envelope.organization_id,
        "unit_id": envelope.unit_id,
        "subject": envelope.subject,
        "body_text": envelope.text,
        "body_html": envelope.html,
        "headers": dict(envelope.headers) or None,
        "attachments": [_file_entry(a) for a in envelope.attachments] or None,
        "status": (OutboxStatus.MISSED if missed else OutboxStatus.PENDING).value,
        "last_error": missed_reason(envelope.job) if missed else None,
        "attempts": 0,
        "due_at": envelope.due_at,
        "next_attempt_at": now,
        "created_at": now,
    }


def _file_entry(attachment: Attachment) -> dict[str, str]:
    return {
        "sha256": hashlib.sha256(attachment.content).hexdigest(),
        "filename": attachment.filename,
        "media_type": attachment.media_type,
    }


def _store_files(session: Session | Connection, files: list[Attachment], now: datetime) -> None:
    """Each file's content once (by SHA-256), before the rows naming it: a file already
    stored (the same report to another recipient, a second sweep) changes nothing."""
    unique = {hashlib.sha256(f.content).hexdigest(): f for f in files}
    if not unique:
        return
    statement = _insert_into(_dialect_name(session), MessageFile.__table__)
    statement = statement.on_conflict_do_nothing(index_elements=["sha256"])
    session.execute(
        statement,
        [
            {
                "sha256": digest,
                "media_type": f.media_type,
                "size": len(f.content),
                "content": f.content,
                "created_at": now,
            }
            for digest, f in unique.items()
        ],
    )


def load_attachments(
    session: Session | Connection, entries: list[dict[str, str]] | None
) -> tuple[Attachment, ...]:
    """The files an outbox row names, with their content, in its order."""
    if not entries:
        return ()
    table = MessageFile.__table__
    assert isinstance(table, Table)
    digests = [entry["sha256"] for entry in entries]
    rows = session.execute(
        select(table.c.sha256, table.c.content).where(table.c.sha256.in_(digests))
    )
    found: dict[str, bytes] = {row[0]: row[1] for row in rows}
    missing = [d for d in digests if d not in found]
    if missing:
        raise LookupError(f"message file {missing[0]} is not in message_files")
    return tuple(
        Attachment(entry["filename"], entry["media_type"], bytes(found[entry["sha256"]]))
        for entry in entries
    )


# Why a message was recorded missed, by its job: it came due while nothing ran, and by the
# time a sweep found it, what it was for had passed (README, "After downtime").
MISSED_REASONS = {
    "meeting-reminder": "due while nothing ran; the meeting had passed",
    "progress-report": "due while nothing ran; the meeting had passed",
    "deadline-alert": "due while nothing ran; the deadline had passed",
}


def missed_reason(job: str) -> str:
    """The reason stored with a missed message of ``job``."""
    return MISSED_REASONS.get(job, "due while nothing ran; no longer useful")


def _dialect_name(bind: Session | Connection) -> str:
    return (bind.get_bind() if isinstance(bind, Session) else bind).dialect.name


def _insert_outbox(dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the outbox in ``dialect``, which has "on conflict do nothing"."""
    return _insert_into(dialect, OutboxMessage.__table__)


def _insert_into(dialect: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into a model's ``table`` in ``dialect``, which has "on conflict do nothing"."""
    assert isinstance(table, Table)  # a declarative model's own table
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def known_keys(session: Session, keys: Collection[LedgerKey]) -> set[LedgerKey]:
    """Which of ``keys`` the ledger already holds, in one query per 500 occurrences."""
    wanted = set(keys)
    occurrences = sorted({occurrence for _job, occurrence, _r, _c in wanted})
    jobs = sorted({job for job, _o, _r, _c in wanted})
    found: set[LedgerKey] = set()
    for start in range(0, len(occurrences), 500):
        rows = session.execute(
            select(
                OutboxMessage.job,
                OutboxMessage.occurrence,
                OutboxMessage.recipient,
                OutboxMessage.channel,
            ).where(
                OutboxMessage.job.in_(jobs),
                OutboxMessage.occurrence.in_(occurrences[start : start + 500]),
            )
        )
        found.update(key for key in (tuple(row) for row in rows) if key in wanted)
    return found
