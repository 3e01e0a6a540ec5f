"""Dispatch: send everything queued and due, retry what failed (tracker.followup.ledger).

Every minute from the embedded scheduler, after every sweep on Prefect. A national round is
sent in one run, ``threads`` messages at once; a dry run sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.ledger import Sender, dispatch

JOB = "dispatch"


def dispatch_outbox(
    *,
    factory: sessionmaker[Session],
    now: datetime,
    options: Options,
    send: Callable[[], Sender],
    worker: str,
    should_stop: Callable[[], bool] | None = None,
    threads: int = 1,
) -> JobResult:
    """Send everything queued and due (until ``should_stop()``, checked between messages),
    ``threads`` at once; ``send()`` makes the sender for this run."""
    if options.dry_run:
        return JobResult(JOB)
    outcome = dispatch(
        factory, now, send(), worker=worker, should_stop=should_stop, threads=threads
    )
    return JobResult(
        JOB,
        sent=outcome.sent,
        retrying=outcome.retrying,
        failed=outcome.failed + outcome.interrupted,
    )
