"""Prefect flows: thin adapters over tracker's follow-up jobs.

The jobs are written once in ``tracker.followup`` and run through
``tracker.followup.runner.run_job`` (the path `tracker remind`, `tracker jobs run` and the
embedded scheduler share); these flows only turn primitive parameters into a clock, a
database and a worker name, and log what happened. Everything they do is in
:func:`run_jobs`, a plain function that tests call without a Prefect server.

One flow run per sweep, never one per organization or per message: a flow run costs a
fraction of a second even when it does nothing, and every job already covers every
organization in one pass. Running a flow twice, or a retry of one, is harmless: what is due
is decided from meeting dates and every message goes through the outbox ledger.

The flows are ``async`` for one reason: Prefect's engine for a sync flow waits for its
heartbeat thread (it sleeps in one-second steps) before the run ends, about 1 s per run; the
async engine does not wait (bench/bench_followup_prefect.py measures both). The jobs
themselves are sync (SQLAlchemy sync sessions) and run in a worker thread
(``asyncio.to_thread``), so the event loop stays free for Prefect's own work. Calling a flow
returns a coroutine: ``asyncio.run(followup_sweep(now=...))``; a process worker awaits it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger
from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.catalogue import DELIVERING, QUEUEING

REMINDER_JOBS = ("meeting-reminders",)


def parse_now(now: str | None, settings: Any) -> datetime:
    """The moment a flow acts at: ``now`` (ISO, with an offset) or the clock of the edge.

    Without ``now`` it is TRACKER_NOW when set (demos, replays), else the current UTC time:
    the clock is read here, never in the jobs.
    """
    from schedules import InstantError, parse_instant
    from tracker.config import current_time
    from tracker.errors import InvalidInput

    if now is None:
        return current_time(settings)
    try:
        return parse_instant(now)
    except InstantError as error:
        raise InvalidInput(f"now: {error}") from None


@contextmanager
def open_factory(settings: Any) -> Iterator[sessionmaker[Session]]:
    """The database of ``settings`` for one flow run, its connections closed afterwards."""
    from tracker.config import database_url
    from tracker.db import open_database

    factory = open_database(database_url(settings, None))
    try:
        yield factory
    finally:
        factory.kw["bind"].dispose()


def run_jobs(
    job_ids: Iterable[str],
    now: datetime,
    *,
    settings: Any,
    factory: sessionmaker[Session],
    worker: str,
    dry_run: bool = False,
) -> dict[str, dict[str, object]]:
    """Run the queueing jobs ``job_ids`` in order at ``now``, then the delivering ones (the
    dispatcher) of the catalogue.

    Returns each job's result as a dict, keyed by job id, in the order run. With ``dry_run``
    the jobs report what they would queue and nothing is recorded or sent.
    """
    from tracker.followup.runner import run_job

    results: dict[str, dict[str, object]] = {}
    for job_id in (*job_ids, *DELIVERING):
        result = run_job(job_id, settings, now, worker=worker, dry_run=dry_run, factory=factory)
        results[job_id] = result.as_dict()
    return results


def _flow_worker() -> str:
    """Who claimed a message, as the ledger shows it: this flow run on this host."""
    from prefect.runtime import flow_run

    return f"prefect:{flow_run.id or '-'}@{socket.gethostname()}:{os.getpid()}"


def summary(result: dict[str, object]) -> str:
    """One job's result as a log line's tail: its non-zero counts as ``name=value``, in the
    result's order (``queued=8, missed=8``), or "nothing to do"."""
    counts = [
        f"{name}={value}"
        for name, value in result.items()
        if name not in ("job", "items") and isinstance(value, int) and value
    ]
    return ", ".join(counts) or "nothing to do"


def _sweep(
    job_ids: tuple[str, ...],
    now: str | None,
    dry_run: bool,
    worker: str,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> dict[str, dict[str, object]]:
    """A flow's whole body, sync: settings, clock, database, the jobs, the log lines."""
    from tracker.config import load_settings

    settings = load_settings()
    moment = parse_now(now, settings)
    with open_factory(settings) as factory:
        results = run_jobs(
            job_ids, moment, settings=settings, factory=factory, worker=worker, dry_run=dry_run
        )
    logger.info("at %s%s", moment.isoformat(), " (dry run)" if dry_run else "")
    for job_id, result in results.items():
        logger.info("%s: %s", job_id, summary(result))
        items = result.get("items")  # a list (JobResult.items), in a result typed as objects
        for item in items if isinstance(items, list) else []:
            logger.info("  %s", item)
    return results


async def _run_in_flow(
    job_ids: Iterable[str], now: str | None, dry_run: bool
) -> dict[str, dict[str, object]]:
    # Read in the flow run's own context; the thread gets them as arguments.
    logger, worker = get_run_logger(), _flow_worker()
    return await asyncio.to_thread(_sweep, tuple(job_ids), now, dry_run, worker, logger)


@flow(name="followup-sweep", log_prints=False)
async def followup_sweep(
    now: str | None = None, dry_run: bool = False
) -> dict[str, dict[str, object]]:
    """Queue every reminder, report, alert and digest due at ``now``, then send the outbox.

    ``now``: ISO date and time with an offset; default: the current time. ``dry_run``: show
    what would be queued, record and send nothing.
    """
    return await _run_in_flow(QUEUEING, now, dry_run)


@flow(name="meeting-reminders", log_prints=False)
async def meeting_reminders_flow(now: str | None = None) -> dict[str, dict[str, object]]:
    """Queue the reminders due at ``now`` to each unit before its meetings, then send them."""
    return await _run_in_flow(REMINDER_JOBS, now, False)
