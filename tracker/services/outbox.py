"""The outbox as people handle it: listing what was queued, sent, failed or missed (and what
a crash interrupted), one message with its attempts, and queueing failed or missed messages
again (one, or all that match, in one transaction), with the same idempotency key.

Sending is the ledger's (tracker.followup.ledger); this module only reads rows and puts
them back in the queue, which the next dispatch then sends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from tracker.errors import NotFound, Refused
from tracker.models import OutboxAttempt, OutboxMessage, OutboxStatus

RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.MISSED)


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    limit: int = 50,
    interrupted_by: datetime | None = None,
) -> list[OutboxMessage]:
    """The newest ``limit`` messages, of ``status`` when given, newest first. With
    ``interrupted_by``, only those a crash interrupted: sent again after a lease ran out, or
    still sending with a lease that ended before that moment (the next dispatch sends them
    again)."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        statement = statement.where(OutboxMessage.status == OutboxStatus(status))
    if interrupted_by is not None:
        statement = statement.where(
            or_(
                OutboxMessage.interruptions > 0,
                and_(
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.lease_until < interrupted_by,
                ),
            )
        )
    return list(session.scalars(statement))


def message_with_attempts(
    session: Session, message_id: int
) -> tuple[OutboxMessage, list[OutboxAttempt]]:
    """One message and every attempt at sending it, oldest first."""
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"no outbox message with id {message_id}", what="message")
    attempts = session.scalars(
        select(OutboxAttempt)
        .where(OutboxAttempt.message_id == message_id)
        .order_by(OutboxAttempt.id)
    )
    return row, list(attempts)


def retry(session: Session, message_id: int, now: datetime) -> OutboxMessage:
    """Put one failed (or missed) message back in the queue, sent at the next dispatch with
    the same idempotency key, its retries counted anew (the attempts stay in its history)."""
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"no outbox message with id {message_id}", what="message")
    if row.status not in RETRYABLE:
        raise Refused(
            f"message {message_id} is {row.status.value}; only failed or missed "
            "messages can be retried"
        )
    row.status, row.next_attempt_at = OutboxStatus.PENDING, now
    row.attempts = row.interruptions = 0  # its retries and its interruptions start anew
    return row


def retry_all(
    session: Session,
    now: datetime,
    *,
    status: str = OutboxStatus.FAILED.value,
    job: str | None = None,
    since: datetime | None = None,
) -> int:
    """Put every message of ``status`` (failed or missed) back in the queue, of one ``job``
    (its kind, as the ledger names it) and due at or after ``since`` when given: one UPDATE,
    so a hundred failures are one command and one transaction. Returns how many."""
    wanted = OutboxStatus(status)
    if wanted not in RETRYABLE:
        raise Refused(f"only failed or missed messages can be retried, not {status}")
    statement = update(OutboxMessage).where(OutboxMessage.status == wanted)
    if job is not None:
        statement = statement.where(OutboxMessage.job == job)
    if since is not None:
        statement = statement.where(OutboxMessage.due_at >= since)
    result = session.execute(
        statement.values(
            status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0, interruptions=0
        )
    )
    assert isinstance(result, CursorResult)  # what an UPDATE gives (its rowcount)
    return int(result.rowcount)
