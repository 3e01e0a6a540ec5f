"""Claims, leases and outcomes: how one dispatcher holds one outbox message while it sends it.

- :func:`claim` moves a row pending -> sending with a claim token of its own, the worker,
  the time and a lease (that time plus ``lease``), in one UPDATE committed before the send:
  a second dispatcher changes zero rows and moves on. That row is the record "before"; the
  attempt history (``outbox_attempts``) gets the attempt with its outcome, after.
- :func:`record` writes the outcome only while the row still holds that token (``WHERE
  claim_token = :token``), so a dispatcher whose lease ran out, and whose message another
  dispatcher took over, can never overwrite the newer outcome: its attempt is closed as
  superseded instead.
- :func:`recover_expired` puts a message whose lease ran out (the process died, or stalled
  longer than any send may take) back in the queue, to be sent again with the same
  idempotency key; its attempt is written as interrupted. Past :data:`MAX_INTERRUPTIONS`
  it is failed, so a message that kills its sender every time ends, not in a loop.
- :func:`defer` pushes a due message back without trying it (a circuit breaker is open).

Every function takes its engine and the time from the caller: ``clock()`` is read at the
moment of the claim or the outcome, not at the start of the dispatch.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    Table,
    and_,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from tracker.followup.ledger import BACKOFF, Envelope, enqueue_many, load_attachments
from tracker.models import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus, Unit
from tracker.notify import FALLBACK_CHANNEL, Message, PermanentFailure
from tracker.redact import mask_secrets

DEFAULT_LEASE = timedelta(minutes=15)
# A message interrupted this many times (its sender died each time, or stalled past its
# lease) is failed: a message that kills its sender must not loop forever. Interruptions are
# counted apart from failures, so crashes that have nothing to do with the message (a machine
# restarted during a round) do not use up its retries; the limit is high for that reason.
MAX_INTERRUPTIONS = 10

Clock = Callable[[], datetime]
# What recording an outcome did: a DispatchResult field.
Outcome = Literal["sent", "retrying", "failed", "superseded"]


@dataclass(frozen=True)
class Claim:
    """A message this dispatcher holds (status sending, its token): what it needs to send
    it, to record the outcome, and to fall back to e-mail."""

    id: int
    token: str
    channel: str
    recipient: str
    message: Message  # with the row's idempotency key
    attempts: int  # before this one (interrupted ones included)
    interruptions: int  # of those attempts, how many were interrupted
    worker: str
    started: datetime
    lease_until: datetime
    job: str
    occurrence: str
    due_at: datetime
    organization_id: int | None
    unit_id: int | None
    role: str | None


# The two statements of every message, built once: a claim and an outcome (plus the attempt's
# row). On the tables, with bound parameters, they skip the ORM's per-call statement building,
# which cost a third of a dispatch's CPU.
def _table(model: type[OutboxMessage] | type[OutboxAttempt]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # a declarative model's own table
    return table


_OUTBOX = _table(OutboxMessage)
_CLAIM = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("b_id"),
        _OUTBOX.c.status == bindparam("b_pending"),
        _OUTBOX.c.next_attempt_at <= bindparam("b_now"),
    )
    .values(
        status=bindparam("b_sending"),
        claimed_at=bindparam("b_started"),
        claimed_by=bindparam("b_worker"),
        claim_token=bindparam("b_token"),
        lease_until=bindparam("b_lease"),
    )
    .returning(
        _OUTBOX.c.channel,
        _OUTBOX.c.recipient,
        _OUTBOX.c.subject,
        _OUTBOX.c.body_text,
        _OUTBOX.c.body_html,
        _OUTBOX.c.idempotency_key,
        _OUTBOX.c.attempts,
        _OUTBOX.c.job,
        _OUTBOX.c.occurrence,
        _OUTBOX.c.due_at,
        _OUTBOX.c.organization_id,
        _OUTBOX.c.unit_id,
        _OUTBOX.c.role,
        _OUTBOX.c.interruptions,
        _OUTBOX.c.headers,
        _OUTBOX.c.attachments,
    )
)
_OUTCOME = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("b_id"),
        _OUTBOX.c.claim_token == bindparam("b_token"),
        _OUTBOX.c.status == bindparam("b_sending"),
    )
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        sent_at=bindparam("b_sent_at"),
        last_error=bindparam("b_error"),
        next_attempt_at=bindparam("b_retry_at"),
        claimed_by=None,
        claim_token=None,
        lease_until=None,
    )
)
_ATTEMPT = insert(_table(OutboxAttempt))


def claim(
    engine: Engine,
    message_id: int,
    now: datetime,
    *,
    worker: str,
    clock: Clock,
    lease: timedelta = DEFAULT_LEASE,
) -> Claim | None:
    """pending (and due at ``now``) -> sending, with a new token and a lease from
    ``clock()``, in one UPDATE … RETURNING that also reads what to send. None if another
    dispatcher has it, or it is no longer due."""
    token = str(uuid.uuid4())
    started = clock()
    with engine.begin() as connection:
        row = connection.execute(
            _CLAIM,
            {
                "b_id": message_id,
                "b_pending": OutboxStatus.PENDING.value,
                "b_now": now,
                "b_sending": OutboxStatus.SENDING.value,
                "b_started": started,
                "b_worker": worker,
                "b_token": token,
                "b_lease": started + lease,
            },
        ).first()
        if row is None:
            return None
        (channel, recipient, subject, text, html, key, attempts, *rest) = row
        job, occurrence, due_at, organization_id, unit_id, role, interruptions, headers = rest[:8]
        files = load_attachments(connection, rest[8])
    return Claim(
        id=message_id,
        token=token,
        channel=channel,
        recipient=recipient,
        message=Message(
            subject, text, html, headers=dict(headers or {}), key=key, attachments=files
        ),
        attempts=attempts,
        interruptions=interruptions,
        worker=worker,
        started=started,
        lease_until=started + lease,
        job=job,
        occurrence=occurrence,
        due_at=due_at,
        organization_id=organization_id,
        unit_id=unit_id,
        role=role,
    )


def record(engine: Engine, held: Claim, error: Exception | None, *, clock: Clock) -> Outcome:
    """The outcome of sending ``held`` (``error`` None: sent), written only while the row
    still holds its token; "superseded" when it no longer does (nothing written to the
    message then, and the attempt says what this late outcome was)."""
    finished = clock()
    attempts = held.attempts + 1
    failures = attempts - held.interruptions  # this one included, if it failed
    reason = None if error is None else mask_secrets(str(error))
    outcome: Outcome
    status, retry_at = OutboxStatus.FAILED, finished  # (only a pending row's retry time counts)
    if error is None:
        outcome, status = "sent", OutboxStatus.SENT
    elif isinstance(error, PermanentFailure) or failures > len(BACKOFF):
        outcome = "failed"
    else:
        outcome, status = "retrying", OutboxStatus.PENDING
        retry_at = finished + BACKOFF[failures - 1]
    with engine.begin() as connection:
        written = connection.execute(
            _OUTCOME,
            {
                "b_id": held.id,
                "b_token": held.token,
                "b_sending": OutboxStatus.SENDING.value,
                "b_status": status.value,
                "b_attempts": attempts,
                "b_sent_at": finished if error is None else None,
                "b_error": reason,
                "b_retry_at": retry_at,
            },
        )
        assert isinstance(written, CursorResult)  # what an UPDATE gives (its rowcount)
        if written.rowcount == 0:
            _supersede(connection, held, finished, _late(outcome, reason))
            return "superseded"
        if isinstance(error, PermanentFailure) and held.channel != FALLBACK_CHANNEL:
            reason = f"{reason}; {_fall_back_to_email(connection, held, finished)}"
            connection.execute(
                update(OutboxMessage).where(OutboxMessage.id == held.id).values(last_error=reason)
            )
        _write_attempt(connection, held, finished, AttemptOutcome(outcome), reason)
    return outcome


def _late(outcome: Outcome, reason: str | None) -> str:
    return "sent" if outcome == "sent" else f"{outcome} ({reason})"


def _write_attempt(
    connection: Connection,
    held: Claim | _Held,
    finished: datetime,
    outcome: AttemptOutcome,
    error: str | None,
) -> None:
    """The attempt ``held`` was, with its outcome, in the history."""
    connection.execute(
        _ATTEMPT,
        {
            "message_id": held.id,
            "claim_token": held.token,
            "worker": held.worker,
            "started_at": held.started,
            "lease_until": held.lease_until,
            "finished_at": finished,
            "outcome": outcome.value,
            "error": error,
        },
    )


def _supersede(connection: Connection, held: Claim, finished: datetime, late: str) -> None:
    """A late outcome: the attempt (written as interrupted when its lease was found ended)
    now says what it came to after all, and that it was not recorded."""
    error = (
        f"{late} after its lease had ended; the message had been taken over or changed "
        "meanwhile, so this outcome was not recorded"
    )
    changed = connection.execute(
        update(OutboxAttempt)
        .where(OutboxAttempt.claim_token == held.token)
        .values(finished_at=finished, outcome=AttemptOutcome.SUPERSEDED, error=error)
    )
    assert isinstance(changed, CursorResult)
    if changed.rowcount == 0:  # changed some other way than by recover_expired
        _write_attempt(connection, held, finished, AttemptOutcome.SUPERSEDED, error)


def _fall_back_to_email(connection: Connection, held: Claim, now: datetime) -> str:
    """Queue ``held`` to its unit's fallback e-mail contacts of the same role (its channel
    refused it for good: LINE's monthly quota used up, a user who blocked the account); the
    words that say so in its reason."""
    addresses = _fallback_addresses(connection, held)
    if not addresses:
        return "the unit has no fallback e-mail contact"
    envelopes = [
        Envelope(
            job=held.job,
            occurrence=held.occurrence,
            recipient=address,
            channel=FALLBACK_CHANNEL,
            subject=held.message.subject,
            text=held.message.text,
            html=held.message.html,
            due_at=held.due_at,
            organization_id=held.organization_id,
            unit_id=held.unit_id,
            role=held.role,
            fallback_of=held.id,
            headers=held.message.headers,
            attachments=held.message.attachments,
        )
        for address in addresses
    ]
    enqueue_many(connection, [(envelope, False) for envelope in envelopes], now)
    return f"queued by e-mail instead, to {', '.join(addresses)}"


def _fallback_addresses(connection: Connection, held: Claim) -> list[str]:
    if held.unit_id is None or held.role is None:
        return []
    with Session(bind=connection) as session:
        unit = session.get(Unit, held.unit_id)
        if unit is None:
            return []
        contacts = unit.contacts_of(held.role, fallback=True)
        return [c.address for c in contacts if c.channel == FALLBACK_CHANNEL]


def recover_expired(engine: Engine, *, clock: Clock, lease: timedelta = DEFAULT_LEASE) -> int:
    """Put every message whose lease has ended back in the queue (or fail it, at its
    :data:`MAX_INTERRUPTIONS`-th interruption), its attempt written as interrupted; how
    many. A row claimed without a lease (by a version before leases) holds one of
    ``lease`` from its claim."""
    at = clock()
    with engine.begin() as connection:
        expired = connection.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.claim_token,
                OutboxMessage.claimed_by,
                OutboxMessage.lease_until,
                OutboxMessage.attempts,
                OutboxMessage.interruptions,
                OutboxMessage.claimed_at,
            ).where(
                OutboxMessage.status == OutboxStatus.SENDING,
                or_(
                    OutboxMessage.lease_until < at,
                    and_(OutboxMessage.lease_until.is_(None), _claimed_before(at - lease)),
                ),
            )
        ).all()
        requeued = 0
        for message_id, token, worker, lease_until, attempts, interrupted, claimed_at in expired:
            ended = lease_until or (claimed_at + lease if claimed_at else at)
            held = _Held(
                id=message_id,
                # A claim made before claim tokens gets one for its attempt's row.
                token=token or str(uuid.uuid4()),
                had_token=token is not None,
                worker=worker or "?",
                started=claimed_at or ended,
                lease_until=ended,
                attempts=attempts,
                interruptions=interrupted,
            )
            requeued += _requeue_interrupted(connection, held, at)
    return requeued


@dataclass(frozen=True)
class _Held:
    """A claim as its row shows it, when its lease ended (the process that made it is gone):
    what its interrupted attempt is written with."""

    id: int
    token: str
    had_token: bool  # False: claimed by a version before claim tokens
    worker: str
    started: datetime
    lease_until: datetime
    attempts: int
    interruptions: int  # before this one


def _claimed_before(moment: datetime) -> ColumnElement[bool]:
    return or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < moment)


def _requeue_interrupted(connection: Connection, held: _Held, at: datetime) -> int:
    """Back to the queue (or failed, interrupted too often), its attempt written as
    interrupted; 1, or 0 if the row changed meanwhile (another dispatch recovered or
    recorded it)."""
    message_id = held.id
    what = (
        f"interrupted while sending (by {held.worker}; its lease ended "
        f"{held.lease_until:%Y-%m-%d %H:%M} UTC)"
    )
    values: dict[str, Any] = {
        "attempts": held.attempts + 1,
        "claimed_by": None,
        "claim_token": None,
        "lease_until": None,
        "interruptions": OutboxMessage.interruptions + 1,
    }
    if held.interruptions + 1 >= MAX_INTERRUPTIONS:
        values.update(
            status=OutboxStatus.FAILED,
            last_error=f"{what}; interrupted {held.interruptions + 1} times, so not resent "
            f"again on its own: `tracker outbox retry {message_id}` sends it again with the "
            "same key",
        )
    else:
        values.update(
            status=OutboxStatus.PENDING,
            next_attempt_at=at,
            last_error=f"{what}; sent again with the same idempotency key",
        )
    changed = connection.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claim_token == held.token
            if held.had_token
            else OutboxMessage.claim_token.is_(None),
        )
        .values(**values)
    )
    assert isinstance(changed, CursorResult)
    if changed.rowcount == 0:
        return 0
    _write_attempt(connection, held, at, AttemptOutcome.INTERRUPTED, what)
    return 1


def defer(engine: Engine, message_id: int, now: datetime, until: datetime, reason: str) -> bool:
    """Push a pending, due message back to ``until`` without trying it (no attempt counted);
    False when it was no longer pending and due."""
    with engine.begin() as connection:
        moved = connection.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=until, last_error=reason)
        )
        assert isinstance(moved, CursorResult)
        return bool(moved.rowcount)
