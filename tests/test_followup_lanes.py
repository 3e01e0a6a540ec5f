"""Destinations side by side (tracker.followup.dispatcher): a server that stalls or fails
ties up its own lane only, and its circuit breaker stops trying it after a few temporary
failures in a row, deferring the rest of its messages untried instead of letting each wait
out its own timeout. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from followup_support import BKK
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup.dispatcher import BreakerPolicy, dispatch
from tracker.followup.ledger import Envelope, enqueue_many
from tracker.models import OutboxMessage, OutboxStatus
from tracker.notify import Message, PermanentFailure, TemporaryFailure

T0 = datetime(2023, 7, 26, 9, 0, tzinfo=BKK)


def queue(factory: sessionmaker[Session], pairs: list[tuple[str, str]]) -> None:
    """One message to each (channel, address), due at T0, in the order given."""
    with unit_of_work(factory) as session:
        enqueue_many(
            session,
            [
                (
                    Envelope(
                        job="deadline-alert",
                        occurrence=f"{number}/7",
                        recipient=address,
                        channel=channel,
                        subject="s",
                        text="t",
                        html=None,
                        due_at=T0 + timedelta(seconds=number),
                    ),
                    False,
                )
                for number, (channel, address) in enumerate(pairs)
            ],
            T0,
        )


def rows(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class LaneSender:
    """A sender whose lane is the part of the address before "/": "mail/desk1" goes to the
    lane "mail". ``behaviour`` maps a lane to what a send there does."""

    def __init__(self, behaviour: dict[str, object]) -> None:
        self.behaviour = behaviour
        self.tried: list[str] = []
        self.lock = threading.Lock()

    def lane(self, _channel: str, address: str) -> str:
        return address.split("/")[0]

    def __call__(self, _channel: str, address: str, _message: Message) -> None:
        with self.lock:
            self.tried.append(address)
        action = self.behaviour.get(self.lane("", address))
        if isinstance(action, threading.Event):
            assert action.wait(30), "the stalled lane was never released"
        elif isinstance(action, Exception):
            raise action


def test_a_failing_lane_opens_its_circuit_after_three_and_the_rest_wait_untried(
    session_factory: sessionmaker[Session],
) -> None:
    queue(session_factory, [("email", f"mail/desk{n}") for n in range(10)])
    queue_more = [("webhook", f"hooks/h{n}") for n in range(4)]
    queue(session_factory, queue_more)
    send = LaneSender({"mail": TemporaryFailure("cannot reach mail.example:25: timed out")})

    result = dispatch(
        session_factory,
        T0 + timedelta(minutes=1),
        send,
        worker="w",
        breaker=BreakerPolicy(failures=3, cooldown=timedelta(minutes=5)),
    )

    assert [a for a in send.tried if a.startswith("mail/")] == [
        "mail/desk0",
        "mail/desk1",
        "mail/desk2",
    ]
    assert (result.retrying, result.deferred, result.sent) == (3, 7, 4)
    mail = [r for r in rows(session_factory) if r.channel == "email"]
    tried, untried = mail[:3], mail[3:]
    assert {(r.status, r.attempts) for r in tried} == {(OutboxStatus.PENDING, 1)}
    for r in untried:
        assert (r.status, r.attempts) == (OutboxStatus.PENDING, 0)
        assert r.last_error
        assert r.last_error.startswith("not tried: mail failed 3 times in a row")
        assert r.next_attempt_at == T0 + timedelta(minutes=6)
    assert all(
        r.status is OutboxStatus.SENT for r in rows(session_factory) if r.channel == "webhook"
    )


def test_a_refusal_is_no_sign_of_a_server_down_and_keeps_the_circuit_closed(
    session_factory: sessionmaker[Session],
) -> None:
    queue(session_factory, [("email", f"mail/desk{n}") for n in range(6)])
    send = LaneSender({"mail": PermanentFailure("550 no such mailbox")})

    result = dispatch(session_factory, T0, send, worker="w")

    assert len(send.tried) == 6
    assert (result.failed, result.deferred) == (6, 0)


def test_a_stalled_lane_holds_up_no_other_lane(session_factory: sessionmaker[Session]) -> None:
    queue(session_factory, [("email", "mail/desk0"), ("email", "mail/desk1")])
    queue(session_factory, [("file", f"files/f{n}") for n in range(5)])
    queue(session_factory, [("webhook", f"hooks/h{n}") for n in range(5)])
    stalled = threading.Event()
    send = LaneSender({"mail": stalled})
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(dispatch(session_factory, T0, send, worker="w", threads=1))
    )

    worker.start()
    try:
        # The mail lane waits on its first message; files and webhooks go out meanwhile.
        deadline = datetime.now() + timedelta(seconds=20)
        others = {f"files/f{n}" for n in range(5)} | {f"hooks/h{n}" for n in range(5)}

        def sent() -> set[str]:
            return {r.recipient for r in rows(session_factory) if r.status is OutboxStatus.SENT}

        while not others <= sent() and datetime.now() < deadline:
            stalled.wait(0.05)
        assert others <= sent(), send.tried
        assert "mail/desk1" not in send.tried  # one at a time on its lane: still stuck
    finally:
        stalled.set()
        worker.join(30)
    assert not worker.is_alive()
    assert {r.status for r in rows(session_factory)} == {OutboxStatus.SENT}


def test_a_database_lost_while_claiming_stops_the_dispatch_and_leaves_the_rest_pending(
    session_factory: sessionmaker[Session], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from sqlalchemy.exc import OperationalError

    from tracker.followup import claims

    queue(session_factory, [("email", f"mail/desk{n}") for n in range(100)])
    real_claim = claims.claim
    calls: list[int] = []

    def claim_until_the_database_goes(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) > 3:
            raise OperationalError("UPDATE outbox", {}, Exception("the database went away"))
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(claims, "claim", claim_until_the_database_goes)
    send = LaneSender({})

    with pytest.raises(OperationalError):
        dispatch(session_factory, T0, send, worker="w", threads=2)

    # The claims after the first failure stop at once: no hundred failing round trips.
    assert len(calls) <= 3 + 2
    statuses = [r.status for r in rows(session_factory)]
    assert statuses.count(OutboxStatus.SENT) == 3
    assert statuses.count(OutboxStatus.PENDING) == 97
