"""Running a catalogued job by id: what `tracker jobs run`, the scheduler and flows share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.jobs import QUEUE_JOBS, JobResult, Options, dispatch_outbox


@cache
def _factory(url: str) -> sessionmaker[Session]:
    from tracker.db import open_database

    return open_database(url)


def options_from(settings: Any, *, force_file: bool = False) -> Options:
    from schedules.workdays import ThaiCalendar

    return Options(
        lang=settings.lang,
        calendar=ThaiCalendar(language="th" if settings.lang == "th" else "en_US"),
        alert_days=settings.alert_days(),
        force_channel="file" if force_file else None,
    )


def run_job(
    job_id: str,
    settings: Any,
    now: datetime,
    *,
    worker: str,
    dry_run: bool = False,
    factory: sessionmaker[Session] | None = None,
    outbox_dir: Path | None = None,
    force_file: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> JobResult:
    """Run one catalogued job at ``now``. ``dry_run`` shows what would be queued and records
    and sends nothing; ``should_stop`` lets a dispatch end between two messages."""
    from tracker.config import database_url
    from tracker.followup.delivery import make_sender
    from tracker.followup.scheduler import entry

    entry(job_id)  # an unknown id is a clear NotFound
    factory = factory or _factory(database_url(settings, None))
    options = options_from(settings, force_file=force_file)
    if job_id == "dispatch":
        if dry_run:
            return JobResult("dispatch")
        send = make_sender(settings, outbox_dir=outbox_dir, force_file=force_file)
        return dispatch_outbox(
            factory,
            now,
            send,
            worker=worker,
            should_stop=should_stop,
            threads=settings.dispatch_threads,
        )
    if dry_run:
        options = replace(options, dry_run=True)
    return QUEUE_JOBS[job_id](factory, now, options)
