"""The follow-up ledger at scale: batched inserts, and dispatching a national round.

On SQLite and PostgreSQL: the ledger's batched insert keeps exactly the rows that are new
(past one INSERT's rows too) and two overlapping batches wait for each other instead of
deadlocking; one dispatch drains every batch of a round, stops when asked and sends each
message once from several threads; two units sharing one address each get their reminder.
The seed's 2 Aug 2023 reminder is due on 26 July 09:00 (see test_followup_delivery.py).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from time import sleep
from typing import Any

from followup_support import (
    BKK,
    IMPORTED_AT,
    REMINDER_MOMENT,
    meeting_reminders,
    seed_document,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup.dispatcher import dispatch
from tracker.followup.jobs import Options
from tracker.followup.ledger import BACKOFF, Envelope, enqueue_many, ledger_key
from tracker.models import Organization, OutboxMessage, OutboxStatus, Unit, UnitContact
from tracker.notify import Message, TemporaryFailure
from tracker.services.plan_import import import_plan
from tracker.services.units import add_unit

# --- the ledger's batched insert ----------------------------------------------------------------


def envelope(recipient: str, occurrence: str = "1/2023-08-02/1") -> Envelope:
    return Envelope(
        job="meeting-reminder",
        occurrence=occurrence,
        recipient=recipient,
        channel="email",
        subject="เรื่อง",
        text="ข้อความ",
        html=None,
        due_at=datetime(2023, 7, 26, 9, 0, tzinfo=BKK),
    )


def test_a_batched_insert_keeps_new_rows_once_and_names_only_those_it_inserted(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    with unit_of_work(session_factory) as session:
        assert enqueue_many(session, [(envelope("a@x.example"), False)], now) == {
            ledger_key(envelope("a@x.example"))
        }
    batch = [
        (envelope("a@x.example"), False),  # already in the ledger
        (envelope("b@x.example"), False),
        (envelope("b@x.example"), True),  # repeated in the batch: the first wins
        (envelope("c@x.example"), True),
    ] + [(envelope(f"n{i}@x.example"), False) for i in range(1200)]  # past one INSERT's rows
    with unit_of_work(session_factory) as session:
        inserted = enqueue_many(session, batch, now)

    assert ledger_key(envelope("a@x.example")) not in inserted
    assert len(inserted) == 2 + 1200
    with session_factory() as session:
        rows = {m.recipient: m for m in session.scalars(select(OutboxMessage))}
    assert len(rows) == 3 + 1200
    assert rows["b@x.example"].status is OutboxStatus.PENDING
    assert rows["c@x.example"].status is OutboxStatus.MISSED
    assert rows["n1199@x.example"].subject == "เรื่อง"
    with unit_of_work(session_factory) as session:
        assert enqueue_many(session, batch, now) == set()


def test_two_processes_inserting_overlapping_batches_wait_instead_of_deadlocking(
    session_factory: sessionmaker[Session],
) -> None:
    """A sweep inserts [9, 10] while another, a batch behind, already holds 9 and then
    needs 10. In the sweeps' common order the second waits behind the first; sorted per
    batch ("10/…" < "9/…") it would take 10 first and PostgreSQL would find a deadlock."""
    now = REMINDER_MOMENT
    nine = envelope("a@x.example", "9/2023-08-02/1")
    ten = envelope("a@x.example", "10/2023-08-02/1")
    first = session_factory()
    first.begin()
    assert enqueue_many(first, [(nine, False)], now) == {ledger_key(nine)}
    with ThreadPoolExecutor(1) as pool:

        def second_sweep() -> set[Any]:
            with unit_of_work(session_factory) as session:
                return enqueue_many(session, [(nine, False), (ten, False)], now)

        second = pool.submit(second_sweep)
        sleep(0.5)  # let the second block on 9, which the first has not committed
        assert enqueue_many(first, [(ten, False)], now) == {ledger_key(ten)}
        first.commit()
        first.close()
        assert second.result(timeout=60) == set()  # both were the first's: nothing new
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def queue_many(factory: sessionmaker[Session], count: int, now: datetime) -> None:
    with unit_of_work(factory) as session:
        batch = [(envelope(f"n{i}@x.example"), False) for i in range(count)]
        assert len(enqueue_many(session, batch, now)) == count


def statuses(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status.value: count for status, count in rows}


def test_one_dispatch_drains_a_national_round_not_just_one_batch(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 1203, now)
    delivered: list[str] = []
    # Every fifth address is refused for now: retried later, never again in this dispatch.
    refused = {f"n{i}@x.example" for i in range(0, 1203, 5)}

    def send(channel: str, address: str, message: Message) -> None:
        if address in refused:
            raise TemporaryFailure("421 try again later")
        delivered.append(address)

    first = dispatch(session_factory, now, send, worker="w", batch=500)

    assert (first.sent, first.retrying, first.failed) == (1203 - 241, 241, 0)
    assert len(delivered) == len(set(delivered)) == 962
    assert statuses(session_factory) == {"sent": 962, "pending": 241}
    again = dispatch(session_factory, now, send, worker="w", batch=500)
    assert (again.sent, again.retrying) == (0, 0)  # the refused wait for their backoff
    later = dispatch(session_factory, now + BACKOFF[0], lambda *_: None, worker="w", batch=500)
    assert later.sent == 241
    assert statuses(session_factory) == {"sent": 1203}


def test_a_dispatch_asked_to_stop_ends_after_the_current_message(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 20, now)
    delivered: list[str] = []

    result = dispatch(
        session_factory,
        now,
        lambda _channel, address, _message: delivered.append(address),
        worker="w",
        should_stop=lambda: len(delivered) >= 3,
    )

    assert result.sent == 3
    assert statuses(session_factory) == {"sent": 3, "pending": 17}  # the rest is kept


def test_a_dispatch_with_threads_sends_each_message_once_from_several_threads(
    session_factory: sessionmaker[Session],
) -> None:
    now = REMINDER_MOMENT
    queue_many(session_factory, 40, now)
    delivered: list[tuple[str, str]] = []
    lock = threading.Lock()

    def slow_send(_channel: str, address: str, _message: Message) -> None:
        sleep(0.02)  # a network round trip: the threads overlap while they wait
        with lock:
            delivered.append((address, threading.current_thread().name))

    result = dispatch(session_factory, now, slow_send, worker="w", batch=16, threads=4)

    assert result.sent == 40
    addresses = [address for address, _thread in delivered]
    assert sorted(addresses) == sorted(f"n{i}@x.example" for i in range(40))
    assert len({thread for _address, thread in delivered}) > 1
    assert statuses(session_factory) == {"sent": 40}


def test_two_units_sharing_one_address_each_get_their_own_reminder(
    session_factory: sessionmaker[Session],
) -> None:
    with unit_of_work(session_factory) as session:
        import_plan(session, seed_document(), now=IMPORTED_AT, actor="test")
    with unit_of_work(session_factory) as session:
        organization = session.scalars(select(Organization)).one()
        secretariat = session.scalars(
            select(Unit).where(Unit.merged_into_id.is_(None), Unit.all_units.is_(False))
        ).one()
        # A second unit with nothing of its own gets the every-unit group's steps (3 and 4).
        clerk_office = add_unit(session, organization, "กองคลัง")
        session.flush()
        for unit in (secretariat, clerk_office):
            session.add(UnitContact(unit_id=unit.id, channel="email", address="one@x.example"))

    result = meeting_reminders(session_factory, REMINDER_MOMENT, Options())

    queued = [i for i in result.items if not i["missed"]]
    assert sorted(i["to"] for i in queued) == sorted([secretariat.name, "กองคลัง"])
    assert {i["address"] for i in queued} == {"one@x.example"}
