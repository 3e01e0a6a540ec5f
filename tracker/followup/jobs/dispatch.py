"""Dispatch: send everything queued and due, retry what failed (tracker.followup.ledger).

Every minute from the embedded scheduler, after every sweep on Prefect. A national round is
sent in one run, ``threads`` messages at once; a dry run sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.dispatcher import DeliveryPolicy, dispatch
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.ledger import Sender

JOB = "dispatch"


def dispatch_outbox(
    *,
    factory: sessionmaker[Session],
    now: datetime,
    options: Options,
    send: Callable[[], Sender],
    worker: str,
    should_stop: Callable[[], bool] | None = None,
    delivery: DeliveryPolicy | None = None,
    clock: Callable[[], datetime] | None = None,
) -> JobResult:
    """Send everything queued and due (until ``should_stop()``, checked between messages)
    as ``delivery`` says; ``send()`` makes the sender for this run, ``clock()`` stamps each
    claim. Messages deferred by an open circuit count as retrying."""
    if options.dry_run:
        return JobResult(JOB)
    policy = delivery or DeliveryPolicy()
    outcome = dispatch(
        factory,
        now,
        send(),
        worker=worker,
        should_stop=should_stop,
        threads=policy.threads,
        clock=clock,
        lease=policy.lease,
        breaker=policy.breaker,
    )
    return JobResult(
        JOB,
        sent=outcome.sent,
        retrying=outcome.retrying + outcome.deferred,
        failed=outcome.failed,
        interrupted=outcome.interrupted,
    )
