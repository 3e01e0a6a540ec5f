"""Running a catalogued job by id: what `tracker jobs run`, `tracker remind`, the embedded
scheduler and the Prefect flows share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.followup.catalogue import JobRun, job
from tracker.followup.dispatcher import BreakerPolicy, DeliveryPolicy
from tracker.followup.jobs.base import JobResult, Options, UnitLinks


@cache
def _factory(url: str) -> sessionmaker[Session]:
    from tracker.db import open_database

    return open_database(url)


def options_from(
    settings: Settings,
    *,
    force_file: bool = False,
    dry_run: bool = False,
    links: bool = True,
    pdfs: bool = True,
) -> Options:
    """The jobs' options from the settings: language, holidays in it, alert days, zone, and
    the unit links messages carry when TRACKER_PUBLIC_URL is set (``links=False``: none, as
    in a simulation, whose scratch database's links would be derived from the real key)."""
    from schedules.workdays import ThaiCalendar

    return Options(
        lang=settings.lang,
        calendar=ThaiCalendar(language="th" if settings.lang == "th" else "en_US"),
        alert_days=settings.alert_days(),
        zone=ZoneInfo(settings.timezone),
        links=unit_links(settings) if links else None,
        force_file=force_file,
        dry_run=dry_run,
        printing=settings.printing() if pdfs and settings.report_pdf_in_mail else None,
    )


def unit_links(settings: Settings) -> UnitLinks | None:
    """What unit messages need to carry their unit's link; None without TRACKER_PUBLIC_URL
    (then the server's key is not even read: a machine that only sends reminders by file
    needs none)."""
    if not settings.public_url:
        return None
    return UnitLinks(settings.public_link, settings.secret_key_bytes(), settings.link_days)


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """How dispatches send, from TRACKER_DISPATCH_THREADS, _SEND_LEASE_MINUTES and
    _BREAKER_FAILURES / _BREAKER_COOLDOWN_MINUTES."""
    return DeliveryPolicy(
        threads=settings.dispatch_threads,
        lease=timedelta(minutes=settings.send_lease_minutes),
        breaker=BreakerPolicy(
            failures=settings.breaker_failures,
            cooldown=timedelta(minutes=settings.breaker_cooldown_minutes),
        ),
    )


def run_job(
    job_id: str,
    settings: Settings,
    now: datetime,
    *,
    worker: str,
    dry_run: bool = False,
    factory: sessionmaker[Session] | None = None,
    outbox_dir: Path | None = None,
    force_file: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> JobResult:
    """Run one catalogued job at ``now`` (an unknown id is NotFound). ``dry_run`` shows what
    would be queued and records and sends nothing; ``force_file`` delivers everything to
    files (in ``outbox_dir``, else TRACKER_OUTBOX_DIR); ``should_stop`` lets a dispatch end
    between two messages."""
    from tracker.config import current_time, database_url
    from tracker.followup.delivery import make_sender

    entry = job(job_id)
    run = JobRun(
        factory=factory or _factory(database_url(settings, None)),
        now=now,
        options=options_from(settings, force_file=force_file, dry_run=dry_run),
        worker=worker,
        sender=lambda: make_sender(settings.notify(outbox_dir=outbox_dir), force_file=force_file),
        should_stop=should_stop,
        delivery=delivery_policy(settings),
        # Each claim is stamped with the time it is made (TRACKER_NOW's frozen one, if set),
        # so a lease is counted from the claim, not from the start of a long dispatch.
        clock=lambda: current_time(settings) if settings.now is None else now,
    )
    return entry.run(run)
