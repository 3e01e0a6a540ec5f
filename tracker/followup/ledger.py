"""The outbox ledger: record a message before it is sent, claim it, record what happened.

Never twice: a row is unique per (job, occurrence, recipient, channel) and inserted with
"on conflict do nothing", so every second attempt to queue the same message is a no-op; a
dispatcher claims a row with a conditional UPDATE (pending -> sending) committed before the
send, so a second dispatcher changes zero rows and moves on. Never lost: a failed send stays
in the ledger, pending with backoff while it may still work, failed with the provider's
reason when it cannot; a send interrupted by a crash is marked failed rather than resent,
since it may have gone out (tracker.services.outbox.retry resends it on purpose).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, CursorResult, Engine, Table, select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.models import OutboxMessage, OutboxStatus
from tracker.notify import Message, PermanentFailure, TemporaryFailure

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
STALE_CLAIM = timedelta(minutes=15)


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


LedgerKey = tuple[str, str, str, str]  # (job, occurrence, recipient, channel): unique


def ledger_key(envelope: Envelope) -> LedgerKey:
    return (envelope.job, envelope.occurrence, envelope.recipient, envelope.channel)


def enqueue(session: Session, envelope: Envelope, now: datetime, *, missed: bool = False) -> bool:
    """Record one message in the ledger; False if it was already there (nothing changes then).

    ``missed`` records it as missed (its moment passed while nothing ran) instead of pending.
    """
    return bool(enqueue_many(session, [(envelope, missed)], now))


def enqueue_many(
    session: Session, items: list[tuple[Envelope, bool]], now: datetime
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
    statement = (
        _insert_outbox(session)
        .on_conflict_do_nothing(index_elements=["job", "occurrence", "recipient", "channel"])
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
        "job": envelope.job,
        "occurrence": envelope.occurrence,
        "recipient": envelope.recipient,
        "channel": envelope.channel,
        "organization_id": envelope.organization_id,
        "unit_id": envelope.unit_id,
        "subject": envelope.subject,
        "body_text": envelope.text,
        "body_html": envelope.html,
        "status": (OutboxStatus.MISSED if missed else OutboxStatus.PENDING).value,
        "last_error": missed_reason(envelope.job) if missed else None,
        "attempts": 0,
        "due_at": envelope.due_at,
        "next_attempt_at": now,
        "created_at": now,
    }


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


def _insert_outbox(session: Session) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the outbox in the session's dialect, which has "on conflict do nothing"."""
    table = OutboxMessage.__table__
    assert isinstance(table, Table)  # a declarative model's own table
    if session.get_bind().dialect.name == "postgresql":
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


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


Sender = Callable[[str, str, Message], None]  # (channel, address, message)
Outcome = Literal["sent", "retrying", "failed"]  # what a send did: a DispatchResult field


def dispatch(
    factory: sessionmaker[Session],
    now: datetime,
    send: Sender,
    *,
    worker: str,
    batch: int = 500,
    should_stop: Callable[[], bool] | None = None,
    threads: int = 1,
) -> DispatchResult:
    """Send every message that is pending and due at ``now``, each claim and each outcome
    its own commit, until none is left (or ``should_stop()`` says so, between messages).

    Due messages are read ``batch`` at a time and sent by ``threads`` threads at once (each
    message claimed, sent and recorded by one thread; ``send`` must be thread-safe then).
    The loop ends: every message it reads leaves the due set, sent, failed, claimed by
    another dispatcher, or retried no sooner than ``now`` plus a backoff.
    """
    result = DispatchResult()
    result.interrupted = _fail_stale_claims(factory, now)
    lock = threading.Lock()

    def send_one(message_id: int) -> None:
        if should_stop is not None and should_stop():
            return
        claimed = _claim(factory, message_id, now, worker)
        if claimed is not None:
            outcome = _deliver(factory, claimed, now, send)
            with lock:
                setattr(result, outcome, getattr(result, outcome) + 1)

    with ThreadPoolExecutor(threads, thread_name_prefix="dispatch") as pool:
        while True:
            due = _due_messages(factory, now, batch)
            list(pool.map(send_one, due))  # waits for the batch; re-raises a failure
            if len(due) < batch or (should_stop is not None and should_stop()):
                return result


def _due_messages(factory: sessionmaker[Session], now: datetime, batch: int) -> list[int]:
    with factory() as session:
        return list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(batch)
            )
        )


@dataclass(frozen=True)
class _Claimed:
    """A message this dispatcher holds (status sending): what it needs to send and record."""

    id: int
    channel: str
    recipient: str
    message: Message
    attempts: int  # before this one


def _claim(
    factory: sessionmaker[Session], message_id: int, now: datetime, worker: str
) -> _Claimed | None:
    """pending -> sending, committed before the send; None if another dispatcher has it.

    One UPDATE … RETURNING both claims the row and reads what to send."""
    with _connection(factory) as connection:
        row = connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=worker)
            .returning(
                OutboxMessage.channel,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.body_text,
                OutboxMessage.body_html,
                OutboxMessage.attempts,
            )
        ).first()
    if row is None:
        return None
    channel, recipient, subject, text, html, attempts = row
    return _Claimed(message_id, channel, recipient, Message(subject, text, html), attempts)


def _deliver(
    factory: sessionmaker[Session], claimed: _Claimed, now: datetime, send: Sender
) -> Outcome:
    """Send a claimed message and record the outcome: "sent", "retrying" or "failed"."""
    error: Exception | None = None
    try:
        send(claimed.channel, claimed.recipient, claimed.message)
    except (TemporaryFailure, PermanentFailure) as failure:
        error = failure
    except Exception as unexpected:  # a bug in a transport: visible, and retried like a failure
        error = TemporaryFailure(f"{type(unexpected).__name__}: {unexpected}")
    return _record(factory, claimed, now, error)


def _record(
    factory: sessionmaker[Session], claimed: _Claimed, now: datetime, error: Exception | None
) -> Outcome:
    """The outcome, in one UPDATE committed after the send; its name in DispatchResult."""
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "claimed_by": None}
    if error is None:
        values.update(status=OutboxStatus.SENT, sent_at=now, last_error=None)
        outcome: Outcome = "sent"
    elif isinstance(error, PermanentFailure) or attempts > len(BACKOFF):
        values.update(status=OutboxStatus.FAILED, last_error=str(error))
        outcome = "failed"
    else:
        values.update(
            status=OutboxStatus.PENDING,
            last_error=str(error),
            next_attempt_at=now + BACKOFF[attempts - 1],
        )
        outcome = "retrying"
    with _connection(factory) as connection:
        connection.execute(
            update(OutboxMessage).where(OutboxMessage.id == claimed.id).values(**values)
        )
    return outcome


def _connection(factory: sessionmaker[Session]) -> AbstractContextManager[Connection]:
    """A Core transaction on the factory's engine: a dispatcher's two commits per message
    need no ORM session, and skipping it saves about a third of the CPU per message."""
    engine: Engine = factory.kw["bind"]  # open_database's sessionmaker(engine)
    return engine.begin()


def _fail_stale_claims(factory: sessionmaker[Session], now: datetime) -> int:
    with factory() as session, session.begin():
        stale = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_at < now - STALE_CLAIM,
            )
            .values(
                status=OutboxStatus.FAILED,
                last_error="interrupted while sending; it may have gone out, so it is not "
                "resent automatically: `tracker outbox retry ID` resends it",
            )
        )
        assert isinstance(stale, CursorResult)  # what an UPDATE gives (its rowcount)
        return stale.rowcount
