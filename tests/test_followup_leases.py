"""Claims, leases and outcomes (tracker.followup.claims), on SQLite and PostgreSQL.

A claim is stamped with the time it is made and holds a token of its own; an outcome is
written only while the row still holds that token, so a dispatcher whose lease ran out can
never overwrite what a later dispatcher recorded. A message whose lease ended goes back to
the queue with its idempotency key (the same for every attempt), and each interruption
counts as an attempt, so a message that kills its sender every time ends failed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from followup_support import BKK
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup import claims
from tracker.followup.claims import DEFAULT_LEASE, MAX_INTERRUPTIONS
from tracker.followup.dispatcher import dispatch
from tracker.followup.ledger import BACKOFF, Envelope, enqueue_many, idempotency_key
from tracker.models import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus
from tracker.notify import Message, TemporaryFailure

T0 = datetime(2023, 7, 26, 9, 0, tzinfo=BKK)


def queue_one(factory: sessionmaker[Session], recipient: str = "a@x.example") -> int:
    envelope = Envelope(
        job="meeting-reminder",
        occurrence="1/2023-08-02",
        recipient=recipient,
        channel="email",
        subject="เรื่อง",
        text="ข้อความ",
        html=None,
        due_at=T0,
    )
    with unit_of_work(factory) as session:
        enqueue_many(session, [(envelope, False)], T0)
        return session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.recipient == recipient)
        ).one()


def row(factory: sessionmaker[Session], message_id: int) -> OutboxMessage:
    with factory() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        return found


def attempts(factory: sessionmaker[Session], message_id: int) -> list[OutboxAttempt]:
    with factory() as session:
        return list(
            session.scalars(
                select(OutboxAttempt)
                .where(OutboxAttempt.message_id == message_id)
                .order_by(OutboxAttempt.id)
            )
        )


def engine(factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    return factory.kw["bind"]


def interrupt(
    factory: sessionmaker[Session], message_id: int, at: datetime, times: int
) -> datetime:
    """Claim the message at ``at`` and let the claim's lease end, ``times`` over, as a sender
    killed mid-send would; the moment after the last lease ended."""
    db = engine(factory)
    for _ in range(times):
        held = claims.claim(db, message_id, at, worker="doomed", clock=lambda moment=at: moment)
        assert held is not None, "requeued after each interruption"
        at = at + DEFAULT_LEASE + timedelta(seconds=1)
        assert claims.recover_expired(db, clock=lambda moment=at: moment) == 1
    return at


def test_the_key_is_a_uuid_of_the_ledger_key_the_same_in_every_process(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    stored = row(session_factory, message_id)
    key = ("meeting-reminder", "1/2023-08-02", "a@x.example", "email")
    assert stored.idempotency_key == idempotency_key(key)
    assert uuid.UUID(stored.idempotency_key).version == 5
    assert idempotency_key(key) != idempotency_key((*key[:3], "line"))


def test_a_claim_is_stamped_by_the_clock_at_the_claim_not_by_the_dispatch_start(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    claimed_at = T0 + timedelta(minutes=40)  # a long dispatch reached this message late

    held = claims.claim(
        engine(session_factory), message_id, T0, worker="w1", clock=lambda: claimed_at
    )

    assert held is not None
    assert held.message.key == row(session_factory, message_id).idempotency_key
    stored = row(session_factory, message_id)
    assert stored.status is OutboxStatus.SENDING
    assert (stored.claimed_at, stored.lease_until) == (claimed_at, claimed_at + DEFAULT_LEASE)
    assert (stored.claim_token, stored.claimed_by) == (held.token, "w1")
    assert attempts(session_factory, message_id) == []  # written with its outcome, after
    # Its lease runs 15 minutes from the claim (to T0 + 55), not from the dispatch's start:
    # another dispatcher finding it at T0 + 20, or T0 + 54, leaves it alone.
    db = engine(session_factory)
    for later in (T0 + timedelta(minutes=20), T0 + timedelta(minutes=54)):
        assert claims.recover_expired(db, clock=lambda at=later: at) == 0
    assert claims.recover_expired(db, clock=lambda: T0 + timedelta(minutes=56)) == 1
    (interrupted,) = attempts(session_factory, message_id)
    assert (interrupted.worker, interrupted.outcome) == ("w1", AttemptOutcome.INTERRUPTED)
    assert (interrupted.started_at, interrupted.lease_until) == (
        claimed_at,
        claimed_at + DEFAULT_LEASE,
    )
    again = T0 + timedelta(minutes=56)
    assert claims.claim(db, message_id, again, worker="w2", clock=lambda: again) is not None


def test_a_late_outcome_of_a_stale_dispatcher_never_overwrites_the_newer_one(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    db = engine(session_factory)
    stale = claims.claim(db, message_id, T0, worker="stalled", clock=lambda: T0)
    assert stale is not None
    after_lease = T0 + DEFAULT_LEASE + timedelta(seconds=1)
    assert claims.recover_expired(db, clock=lambda: after_lease) == 1
    fresh = claims.claim(db, message_id, after_lease, worker="fresh", clock=lambda: after_lease)
    assert fresh is not None
    assert fresh.token != stale.token
    assert fresh.message.key == stale.message.key  # the same message, the same key
    assert claims.record(db, fresh, None, clock=lambda: after_lease) == "sent"

    late = claims.record(db, stale, TemporaryFailure("timed out"), clock=lambda: after_lease)

    assert late == "superseded"
    stored = row(session_factory, message_id)
    assert (stored.status, stored.sent_at, stored.last_error) == (
        OutboxStatus.SENT,
        after_lease,
        None,
    )
    assert (stored.attempts, stored.interruptions) == (2, 1)
    history = attempts(session_factory, message_id)
    assert [(a.worker, a.outcome) for a in history] == [
        ("stalled", AttemptOutcome.SUPERSEDED),
        ("fresh", AttemptOutcome.SENT),
    ]
    assert history[0].error
    assert "after its lease had ended" in history[0].error


def test_a_second_claim_of_a_held_message_changes_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    db = engine(session_factory)
    first = claims.claim(db, message_id, T0, worker="a", clock=lambda: T0)
    assert first is not None
    assert claims.claim(db, message_id, T0, worker="b", clock=lambda: T0) is None
    assert claims.recover_expired(db, clock=lambda: T0 + DEFAULT_LEASE) == 0  # not yet over
    assert row(session_factory, message_id).claimed_by == "a"
    assert claims.record(db, first, None, clock=lambda: T0) == "sent"
    assert len(attempts(session_factory, message_id)) == 1


def test_a_message_that_kills_its_sender_every_time_ends_failed_not_in_a_loop(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)

    interrupt(session_factory, message_id, T0, MAX_INTERRUPTIONS)

    stored = row(session_factory, message_id)
    assert stored.status is OutboxStatus.FAILED
    assert stored.interruptions == MAX_INTERRUPTIONS
    assert stored.attempts == MAX_INTERRUPTIONS
    assert stored.last_error
    assert f"tracker outbox retry {message_id}" in stored.last_error
    outcomes = {a.outcome for a in attempts(session_factory, message_id)}
    assert outcomes == {AttemptOutcome.INTERRUPTED}


def test_a_claim_left_by_a_version_without_leases_comes_back_after_the_old_rule(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    with unit_of_work(session_factory) as session:
        stored = session.get(OutboxMessage, message_id)
        assert stored is not None
        stored.status, stored.claimed_at, stored.claimed_by = OutboxStatus.SENDING, T0, "old"
    db = engine(session_factory)

    assert claims.recover_expired(db, clock=lambda: T0 + timedelta(minutes=14)) == 0
    assert claims.recover_expired(db, clock=lambda: T0 + timedelta(minutes=16)) == 1
    assert row(session_factory, message_id).status is OutboxStatus.PENDING


def test_an_outcome_is_recorded_once_the_database_answers_again(
    session_factory: sessionmaker[Session], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    message_id = queue_one(session_factory)
    real_record = claims.record
    refusals = iter([True, True])

    def flaky_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        if next(refusals, False):
            raise OperationalError("UPDATE outbox", {}, Exception("server closed the connection"))
        return real_record(*args, **kwargs)

    monkeypatch.setattr(claims, "record", flaky_record)
    monkeypatch.setattr("tracker.followup.dispatcher.RECORD_RETRY_WAITS", (0.01, 0.01, 0.01))
    sent: list[Message] = []

    result = dispatch(session_factory, T0, lambda _c, _a, m: sent.append(m), worker="w")

    assert result.sent == 1
    assert len(sent) == 1  # sent once; only the write of its outcome was tried three times
    assert row(session_factory, message_id).status is OutboxStatus.SENT


def test_interruptions_do_not_use_up_the_retries_of_temporary_failures(
    session_factory: sessionmaker[Session],
) -> None:
    message_id = queue_one(session_factory)
    db = engine(session_factory)
    # Three crashes that had nothing to do with the message.
    moment = interrupt(session_factory, message_id, T0, 3)

    held = claims.claim(db, message_id, moment, worker="w", clock=lambda at=moment: at)
    assert held is not None
    outcome = claims.record(db, held, TemporaryFailure("421 busy"), clock=lambda: moment)

    assert outcome == "retrying"  # its first failure: the first wait of the backoff
    stored = row(session_factory, message_id)
    assert (stored.attempts, stored.interruptions) == (4, 3)
    assert stored.next_attempt_at == moment + BACKOFF[0]


def test_a_retried_message_starts_its_retries_and_interruptions_anew_with_its_key(
    session_factory: sessionmaker[Session],
) -> None:
    from tracker.services.outbox import retry

    message_id = queue_one(session_factory)
    moment = interrupt(session_factory, message_id, T0, MAX_INTERRUPTIONS)
    key = row(session_factory, message_id).idempotency_key
    assert row(session_factory, message_id).status is OutboxStatus.FAILED

    with unit_of_work(session_factory) as session:
        retry(session, message_id, moment)

    again = row(session_factory, message_id)
    assert (again.status, again.attempts, again.interruptions) == (OutboxStatus.PENDING, 0, 0)
    assert again.idempotency_key == key
    assert len(attempts(session_factory, message_id)) == MAX_INTERRUPTIONS  # history kept
    interrupt(session_factory, message_id, moment, 1)
    assert row(session_factory, message_id).status is OutboxStatus.PENDING  # not failed at once
