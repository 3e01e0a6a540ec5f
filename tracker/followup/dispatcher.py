"""Dispatch: send every pending, due message, each claimed, sent and recorded on its own
(tracker.followup.claims), destinations side by side so that none holds up another.

Each message belongs to a *lane*, the server it goes to (``smtp:mail.example.go.th:25``,
``http:hooks.example.com``, ``line:api.line.me``, ``file``), which its transport names
(``lane(address)``). Lanes run at once (up to :data:`LANES_AT_ONCE`), each sending at most
``threads`` messages at a time, so a stalled mail server ties up its own lane only: files,
webhooks and LINE messages go out beside it. A circuit breaker per lane stops trying a
server after ``breaker.failures`` temporary failures in a row: the rest of that lane is
deferred to after the cool-down without being tried (no attempt counted), instead of each
message waiting out its own timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unreachable
from tracker.followup import claims
from tracker.followup.claims import DEFAULT_LEASE, Claim, Clock
from tracker.followup.ledger import Sender
from tracker.models import OutboxMessage, OutboxStatus
from tracker.notify import DeliveryFailure, PermanentFailure, TemporaryFailure

log = logging.getLogger("tracker.dispatch")

# How long to wait between tries at recording the outcome of a send while the database is
# unavailable (a restart): a message sent must not be left "sending" for want of a write.
RECORD_RETRY_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)

# Lanes sending at the same time; a dispatch with more destinations works through them in
# turn. With ``threads`` per lane that bounds the threads (and database connections) in use.
LANES_AT_ONCE = 8


@dataclass(frozen=True)
class BreakerPolicy:
    """When a lane's circuit opens: ``failures`` temporary failures in a row; then its
    remaining messages wait ``cooldown`` untried."""

    failures: int = 3
    cooldown: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How a dispatch sends, from the settings: messages at once per lane, how long a claim
    holds a message before another dispatcher may take it over, and the breaker."""

    threads: int = 1
    lease: timedelta = DEFAULT_LEASE
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0  # leases that had run out, put back in the queue first
    deferred: int = 0  # not tried: their lane's circuit was open
    superseded: int = 0  # outcomes that came after their lease had passed to another


def dispatch(
    factory: sessionmaker[Session],
    now: datetime,
    send: Sender,
    *,
    worker: str,
    batch: int = 500,
    should_stop: Callable[[], bool] | None = None,
    threads: int = 1,
    clock: Clock | None = None,
    lease: timedelta = DEFAULT_LEASE,
    breaker: BreakerPolicy | None = None,
) -> DispatchResult:
    """Send every message that is pending and due at ``now``, until none is left (or
    ``should_stop()`` says so, checked before each claim).

    First every message whose lease ended is put back in the queue. Then the due messages
    are read ``batch`` rows at a time, grouped by lane and sent lane by lane, at most
    ``threads`` at once within a lane (``send`` must be thread-safe; it may have a
    ``lane(channel, address)`` method, else the channel is the lane). ``clock()`` stamps
    claims and outcomes (default: ``now``, a frozen clock). The loop ends: every message
    read leaves the due set (sent, failed, claimed by another dispatcher, retried or
    deferred no sooner than ``now``), and a message is never tried twice in one dispatch.
    """
    engine: Engine = factory.kw["bind"]  # open_database's sessionmaker(engine)
    tick = clock or (lambda: now)
    run = _Run(
        engine=engine,
        now=now,
        send=send,
        lane_of=_lane_function(send),
        worker=worker,
        threads=threads,
        clock=tick,
        lease=lease,
        breaker=breaker or BreakerPolicy(),
        should_stop=should_stop or (lambda: False),
    )
    run.result.interrupted = claims.recover_expired(engine, clock=tick, lease=lease)
    tried: set[int] = set()
    while not run.should_stop():
        due = [m for m in _due_messages(engine, now, batch) if m[0] not in tried]
        if not due:
            break
        tried.update(message_id for message_id, _c, _r in due)
        run.send_lanes(due)
    return run.result


def _lane_function(send: Sender) -> Callable[[str, str], str]:
    lane = getattr(send, "lane", None)
    if callable(lane):
        return lane  # type: ignore[no-any-return]
    return lambda channel, _address: channel


def _due_messages(engine: Engine, now: datetime, batch: int) -> list[tuple[int, str, str]]:
    """Every (id, channel, recipient) pending and due at ``now``, in due order, read in
    keyset pages of ``batch``."""
    found: list[tuple[int, str, str]] = []
    after: tuple[datetime, int] | None = None
    while True:
        statement = (
            select(
                OutboxMessage.due_at,
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.recipient,
            )
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(batch)
        )
        if after is not None:
            statement = statement.where(tuple_(OutboxMessage.due_at, OutboxMessage.id) > after)
        with engine.connect() as connection:
            rows = connection.execute(statement).all()
        found.extend((row.id, row.channel, row.recipient) for row in rows)
        if len(rows) < batch:
            return found
        after = (rows[-1][0], rows[-1][1])


@dataclass
class _Lane:
    """One destination's messages in this dispatch and its circuit: consecutive temporary
    failures, and whether it has opened."""

    name: str
    messages: list[int] = field(default_factory=list)
    failures_in_a_row: int = 0
    open: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, error: Exception | None, policy: BreakerPolicy) -> None:
        """Count a send's outcome toward the circuit: a temporary failure adds one, anything
        else (sent, or refused for good: the server answered) resets the count."""
        with self.lock:
            if isinstance(error, TemporaryFailure):
                self.failures_in_a_row += 1
                self.open = self.open or self.failures_in_a_row >= policy.failures
            else:
                self.failures_in_a_row = 0


@dataclass
class _Run:
    engine: Engine
    now: datetime
    send: Sender
    lane_of: Callable[[str, str], str]
    worker: str
    threads: int
    clock: Clock
    lease: timedelta
    breaker: BreakerPolicy
    should_stop: Callable[[], bool]
    result: DispatchResult = field(default_factory=DispatchResult)
    counting: threading.Lock = field(default_factory=threading.Lock)
    broken: threading.Event = field(default_factory=threading.Event)  # a lane raised

    def send_lanes(self, due: list[tuple[int, str, str]]) -> None:
        """Send ``due`` lane by lane, the lanes side by side; returns when all are done."""
        lanes = self._lanes(due)
        with ThreadPoolExecutor(min(LANES_AT_ONCE, len(lanes)), "lane") as pool:
            self._wait_all(pool, [pool.submit(self._send_lane, lane) for lane in lanes])

    def _wait_all(self, pool: ThreadPoolExecutor, started: list[Future[None]]) -> None:
        """Wait for every one of ``started``; the first failure of the dispatcher itself (the
        database gone while claiming, say) stops the rest, unstarted ones cancelled, and is
        raised: the messages left are still pending, for the next dispatch."""
        try:
            for done in started:
                done.result()
        except BaseException:
            self.broken.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise

    def _lanes(self, due: list[tuple[int, str, str]]) -> list[_Lane]:
        lanes: dict[str, _Lane] = {}
        for message_id, channel, recipient in due:
            name = self._lane_name(channel, recipient)
            lanes.setdefault(name, _Lane(name)).messages.append(message_id)
        return list(lanes.values())

    def _lane_name(self, channel: str, recipient: str) -> str:
        try:
            return self.lane_of(channel, recipient)
        except DeliveryFailure:  # e.g. a channel not configured: its send will say so
            return channel

    def _send_lane(self, lane: _Lane) -> None:
        with ThreadPoolExecutor(self.threads, f"send-{lane.name[:20]}") as pool:
            self._wait_all(
                pool,
                [pool.submit(self._send_one, lane, message_id) for message_id in lane.messages],
            )

    def _send_one(self, lane: _Lane, message_id: int) -> None:
        if self.should_stop() or self.broken.is_set():
            return
        try:
            self._claim_send_record(lane, message_id)
        except BaseException:
            self.broken.set()  # the other threads take no new message
            raise

    def _claim_send_record(self, lane: _Lane, message_id: int) -> None:
        if lane.open:
            self._defer(lane, message_id)
            return
        held = claims.claim(
            self.engine,
            message_id,
            self.now,
            worker=self.worker,
            clock=self.clock,
            lease=self.lease,
        )
        if held is None:
            return
        error = self._deliver(held)
        lane.note(error, self.breaker)
        self._count(self._record(held, error))

    def _record(self, held: Claim, error: Exception | None) -> claims.Outcome:
        """Record the outcome, trying again while the database is unavailable (about a
        minute in all); past that the claim's lease will bring the message back."""
        for wait in (*RECORD_RETRY_WAITS, None):
            try:
                return claims.record(self.engine, held, error, clock=self.clock)
            except Exception as failure:
                reason = unreachable(failure)
                if wait is None or reason is None:
                    raise
                log.warning(
                    "message %s: database unavailable, its outcome not recorded yet (%s)",
                    held.id,
                    reason,
                )
                time.sleep(wait)
        raise AssertionError("unreachable: the last wait re-raises")

    def _deliver(self, held: Claim) -> Exception | None:
        try:
            self.send(held.channel, held.recipient, held.message)
        except (TemporaryFailure, PermanentFailure) as failure:
            return failure
        except Exception as unexpected:  # a bug in a transport: visible, retried like a failure
            return TemporaryFailure(f"{type(unexpected).__name__}: {unexpected}")
        return None

    def _defer(self, lane: _Lane, message_id: int) -> None:
        until = self.clock() + self.breaker.cooldown
        reason = (
            f"not tried: {lane.name} failed {lane.failures_in_a_row} times in a row; "
            f"tried again after {until:%Y-%m-%d %H:%M} UTC"
        )
        if claims.defer(self.engine, message_id, self.now, until, reason):
            self._count("deferred")

    def _count(self, outcome: str) -> None:
        with self.counting:
            setattr(self.result, outcome, getattr(self.result, outcome) + 1)
