"""The embedded scheduler: APScheduler in the `tracker run` process, no server to install.

The jobs of tracker.followup.catalogue, with their stable ids, held in memory: they come from
the catalogue at each start, and the outbox ledger is the only memory. Nothing is stored in
(or read back from) a job table, so nobody who can write to the database can make
`tracker run` execute code, and two `tracker run` starting together share nothing but the
ledger, which makes the second harmless (it sends nothing twice; it runs the sweeps twice).
On start every job runs once (the catch-up), then the triggers take over with ``coalesce``
and ``max_instances=1``; catching up is safe because the jobs decide what is due from
meeting dates and record every message in the ledger.

A database that is down or restarting never ends the run: the job says so in one log line
and tries again (the catch-up with a backoff, a scheduled job at its next run). Only what
cannot heal ends it with one clear line: a schema newer than this version, bad settings.

Only this module and the CLI import apscheduler.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from tracker.db import unreachable
from tracker.followup.catalogue import JOBS, Job

log = logging.getLogger("tracker.scheduler")

MISFIRE_GRACE_SECONDS = 8 * 3600
# Waits between two tries of the start-up catch-up while the database is unavailable.
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 1.0, 60.0


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
# A scheduled job's error that cannot heal by waiting, kept for run_forever to raise.
_fatal: list[BaseException] = []


def _fatal_errors() -> tuple[type[BaseException], ...]:
    """What ends the run (the CLI says it in one line): a database written by a newer
    version, settings that are wrong. Waiting would not mend either."""
    from tracker.errors import InvalidInput, SchemaTooNew

    return (SchemaTooNew, InvalidInput)


def run_catalogued(job_id: str) -> None:
    """The callable a trigger runs: one job, at the real (or frozen) now. A database that is
    unavailable is one log line (the next run tries again); what cannot heal stops the
    scheduler (see :func:`_fatal_errors`); any other error is logged with its traceback."""
    try:
        _run_once(job_id)
    except _fatal_errors() as error:
        _fatal.append(error)
        _STOPPING.set()
    except Exception as error:
        reason = unreachable(error)
        if reason is None:
            log.exception("%s failed", job_id)
        else:
            log.warning(
                "%s: database unavailable (%s); tried again at its next run", job_id, reason
            )


def _run_once(job_id: str) -> None:
    """Run one job now and log what it did (a sweep with nothing to do says nothing)."""
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


def retry_while_unavailable(
    action: Callable[[], object], what: str, stopped: Callable[[], bool]
) -> bool:
    """Run ``action`` until it works, waiting (1 s, doubling to 60 s) while the database is
    unavailable, each failed try one log line; False if ``stopped()`` came first. Other
    errors are raised."""
    delay = RETRY_FIRST_SECONDS
    while not stopped():
        try:
            action()
            return True
        except Exception as error:
            reason = unreachable(error)
            if reason is None:
                raise
            log.warning("%s: database unavailable (%s); trying again in %g s", what, reason, delay)
            _sleep_unless(stopped, delay)
            delay = min(delay * 2, RETRY_MAX_SECONDS)
    return False


def _sleep_unless(stopped: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stopped() and time.monotonic() < deadline:
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_scheduler(timezone: str) -> Any:
    """A background scheduler holding every catalogued job in memory (its loop runs in its
    own thread; run_forever's main thread only waits, so a signal never lands inside
    APScheduler)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone=timezone,
    )
    for item in JOBS:
        scheduler.add_job(
            run_catalogued,
            trigger=trigger_for(item, timezone),
            args=[item.id],
            id=item.id,
            name=item.description[1],
        )
    return scheduler


# How often the waiting main thread looks whether it was asked to stop.
POLL_SECONDS = 0.2


def run_forever(
    timezone: str,
    *,
    seconds: float | None = None,
    on_ready: Callable[[], None] | None = None,
    prepare: Callable[[], object] | None = None,
) -> None:
    """Run the catalogue until SIGTERM/SIGINT (or for ``seconds`` after the catch-up),
    finishing the current job.

    ``prepare`` (opening and migrating the database) runs first, and is tried again while
    the database is unavailable (for at most ``seconds``, if given: then DatabaseUnavailable
    is raised). Then every job runs once, in catalogue order (dispatch
    last), so whatever came due while nothing ran is caught up at once, each job tried again
    with a backoff while the database is unavailable; then the triggers take over. A
    SchemaTooNew or InvalidInput from a job ends the run: it is raised here, after the
    scheduler has stopped.

    The signal handler only records the signal. Python runs a handler in the main thread
    between two bytecodes, possibly while that thread holds a lock (a Condition inside
    APScheduler's wake-up, a connection pool's mutex, a stream's buffer): a handler that shut
    the scheduler down or logged from there could wait on that lock forever. The main thread
    instead polls for the request, then stops the scheduler from ordinary code.
    """
    _fatal.clear()
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
    if prepare is not None and not retry_while_unavailable(
        prepare, "database", _until(stopping.is_set, seconds)
    ):
        if signals:
            return
        from tracker.errors import DatabaseUnavailable

        raise DatabaseUnavailable(f"the database did not answer within {seconds:g} s")
    if on_ready is not None:
        on_ready()
    _catch_up(stopping.is_set)
    if not stopping.is_set():
        scheduler = build_scheduler(timezone)
        _say_when_running(scheduler)
        scheduler.start()
        _wait_until_asked(stopping.is_set, seconds)
        scheduler.shutdown(wait=True)
    if _fatal:
        raise _fatal[0]
    if signals:
        log.info("signal %s: finished the current job, stopped", signals[0])


def wait_for_signal(seconds: float | None = None) -> None:
    """Wait for SIGTERM or SIGINT (or ``seconds``, if given), without a scheduler: what
    `tracker serve --no-scheduler` does while the web app serves."""
    stopping = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        stopping.set()  # no lock taken, nothing logged: see run_forever

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _wait_until_asked(stopping.is_set, seconds)


def _until(stopped: Callable[[], bool], seconds: float | None) -> Callable[[], bool]:
    """``stopped``, or true as well once ``seconds`` (if given) have passed from now."""
    if seconds is None:
        return stopped
    deadline = time.monotonic() + seconds
    return lambda: stopped() or time.monotonic() >= deadline


def _catch_up(stopped: Callable[[], bool]) -> None:
    """Every job once, in catalogue order, each retried while the database is unavailable;
    a job that fails otherwise is logged and the next one runs."""
    for item in JOBS:
        try:
            retry_while_unavailable(partial(_run_once, item.id), item.id, stopped)
        except _fatal_errors():
            raise
        except Exception:
            log.exception("%s failed", item.id)


def _wait_until_asked(stopped: Callable[[], bool], seconds: float | None) -> None:
    """Sleep in short steps until asked to stop (a signal, a fatal error) or ``seconds``
    (if given) passed."""
    done = _until(stopped, seconds)
    while not done():
        time.sleep(POLL_SECONDS)


def _say_when_running(scheduler: Any) -> None:
    """Log one line once the triggers have taken over (APScheduler's own lines are quiet)."""
    from apscheduler.events import EVENT_SCHEDULER_STARTED

    from tracker.config import load_settings
    from tracker.i18n import t

    lang = load_settings().lang
    words = t(lang, "ตัวจัดตารางงานทำงานตามกำหนดแล้ว", "scheduler running: jobs follow their triggers")
    scheduler.add_listener(lambda _event: log.info(words), EVENT_SCHEDULER_STARTED)
