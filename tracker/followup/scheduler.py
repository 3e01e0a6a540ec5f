"""The embedded scheduler: APScheduler in the `tracker run` process, no server to install.

The jobs of tracker.followup.catalogue, with their stable ids, stored in the same database
(SQLAlchemyJobStore, table ``apscheduler_jobs``) with ``replace_existing``, ``coalesce`` (one
run after downtime, not one per missed tick), ``max_instances=1`` and a misfire grace of a
working day, so a laptop that slept still catches up once. Catching up is safe because the
jobs decide what is due from meeting dates and record every message in the outbox ledger:
a reminder is sent at most once, or recorded as missed when its meeting has passed.

Only this module and the CLI import apscheduler. One `tracker run` per database: a second
process is harmless to the ledger (it sends nothing twice) but would run the sweeps twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tracker.followup.catalogue import JOBS, Job

log = logging.getLogger("tracker.scheduler")

MISFIRE_GRACE_SECONDS = 8 * 3600


def trigger_for(item: Job, timezone: str, start: datetime | None = None) -> Any:
    """The APScheduler trigger of a job; interval triggers count from ``start`` (default: now)."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    kind, _, spec = item.trigger.partition(":")
    if kind == "interval":
        minutes = int(spec)
        first = start + timedelta(minutes=minutes) if start else None
        return IntervalTrigger(minutes=minutes, timezone=timezone, start_date=first)
    minute, hour, day, month, day_of_week = spec.split()
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=timezone
    )


def next_runs(timezone: str, now: datetime) -> dict[str, datetime | None]:
    """When each catalogued job would next fire after ``now``."""
    return {
        item.id: trigger_for(item, timezone, start=now).get_next_fire_time(None, now)
        for item in JOBS
    }


# Set by SIGTERM/SIGINT in run_forever: a dispatch in progress ends after its current message
# (the queued rest stays pending for the next run) instead of draining the whole outbox first.
_STOPPING = threading.Event()


def run_catalogued(job_id: str) -> None:
    """The callable APScheduler stores by reference: one job, at the real (or frozen) now."""
    from tracker.config import current_time, load_settings
    from tracker.followup.catalogue import job
    from tracker.followup.runner import run_job
    from tracker.i18n import JOB_COUNT, counts_line, t

    settings = load_settings()
    result = run_job(
        job_id,
        settings,
        current_time(settings),
        worker=_worker_name(),
        should_stop=_STOPPING.is_set,
    )
    counts = {key: getattr(result, key) for key in JOB_COUNT}
    if any(counts.values()):  # a sweep with nothing to do says nothing (it runs every minute)
        done = counts_line(counts, settings.lang, only_some=True)
        log.info("%s: %s", t(settings.lang, *job(job_id).name), done)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_scheduler(database_url: str, timezone: str, *, start_now: bool = False) -> Any:
    """A background scheduler holding every catalogued job (its loop runs in its own thread;
    run_forever's main thread only waits, so a signal never lands inside APScheduler)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=database_url)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone=timezone,
    )
    first = datetime.now(UTC) + timedelta(seconds=1) if start_now else None
    for item in JOBS:
        options: dict[str, Any] = {}
        if first is not None:
            options["next_run_time"] = first
        scheduler.add_job(
            "tracker.followup.scheduler:run_catalogued",
            trigger=trigger_for(item, timezone),
            args=[item.id],
            id=item.id,
            name=item.description[1],
            replace_existing=True,
            **options,
        )
    return scheduler


# How often the waiting main thread looks whether it was asked to stop.
POLL_SECONDS = 0.2


def run_forever(
    database_url: str,
    timezone: str,
    *,
    seconds: float | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run the catalogue until SIGTERM/SIGINT (or for ``seconds``), finishing the current job.

    On start every job runs once, in catalogue order (dispatch last), so whatever came due
    while nothing ran is caught up at once; then the triggers take over.

    The signal handler only records the signal. Python runs a handler in the main thread
    between two bytecodes, possibly while that thread holds a lock (a Condition inside
    APScheduler's wake-up, a connection pool's mutex, a stream's buffer): a handler that shut
    the scheduler down or logged from there could wait on that lock forever. The main thread
    instead polls for the request, then stops the scheduler from ordinary code.
    """
    stopping = _STOPPING
    stopping.clear()
    signals: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        signals.append(signum)  # no lock taken: see the docstring
        stopping.set()  # read by a dispatch in progress (Event.set: no thread waits on it)

    # Handlers before anything else (and before saying we are ready): a SIGTERM at any point
    # from here on ends the run cleanly.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if on_ready is not None:
        on_ready()
    scheduler = build_scheduler(database_url, timezone, start_now=False)
    for item in JOBS:
        if signals:
            break
        run_catalogued(item.id)
    if not signals:
        _say_when_running(scheduler)
        scheduler.start()
        _wait_until_asked(signals, seconds)
        scheduler.shutdown(wait=True)
    if signals:
        log.info("signal %s: finished the current job, stopped", signals[0])


def _wait_until_asked(signals: list[int], seconds: float | None) -> None:
    """Sleep in short steps until a signal was recorded or ``seconds`` (if given) passed."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while not signals and (deadline is None or time.monotonic() < deadline):
        time.sleep(POLL_SECONDS)


def _say_when_running(scheduler: Any) -> None:
    """Log one line once the triggers have taken over (APScheduler's own lines are quiet)."""
    from apscheduler.events import EVENT_SCHEDULER_STARTED

    from tracker.config import load_settings
    from tracker.i18n import t

    lang = load_settings().lang
    words = t(lang, "ตัวจัดตารางงานทำงานตามกำหนดแล้ว", "scheduler running: jobs follow their triggers")
    scheduler.add_listener(lambda _event: log.info(words), EVENT_SCHEDULER_STARTED)
