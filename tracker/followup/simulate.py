"""Replaying a period on a virtual clock through the real jobs, ledger and file channel.

The plans are copied (as plan documents) into a scratch SQLite database, so a simulation never
touches the real ledger and never mails anyone: every channel is delivered to files. The clock
visits every moment a catalogued job names (tracker.followup.catalogue); at each it runs, in
catalogue order, the jobs that named it, and records what they queued. Same plans, same
period: same timeline and same files.

What makes it cheap (a fiscal year is about a hundred moments):
- a moment costs only the jobs that named it: a job's ``moments`` are every moment at which
  it may have something due, and in a simulation nothing changes the plans between two
  moments, so a job run at a moment it did not name would find nothing new;
- the dispatcher runs once, after the last moment, and writes every queued message to its
  file: a file says the same whenever it is written, and no job reads whether a message was
  sent, so one dispatch writes what a dispatch after every moment would have;
- the scratch database's schema is made in one step (:func:`scratch_database`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.followup.catalogue import JOBS, Job, JobRun
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.runner import options_from


@dataclass(frozen=True)
class Event:
    """One message a simulation recorded: when it was due, its kind, to whom, its file, and
    whether it was recorded as missed (due while nothing ran and no longer useful: never
    sent, so no file)."""

    due: str
    job: str
    to: str
    subject: str
    file: str
    missed: bool = False


def simulate(
    documents: list[dict[str, Any]], start: date, end: date, outbox: Path, settings: Settings
) -> list[Event]:
    """The timeline of everything the jobs would send from ``start`` to ``end`` (local days)."""
    from tracker.db import unit_of_work
    from tracker.followup.delivery import make_sender
    from tracker.services.plan_import import import_plan

    # No PDFs: a simulated year would print one per meeting, and Chromium stamps each with
    # its moment, so two simulations would no longer write the same files.
    options = options_from(settings, force_file=True, links=False, pdfs=False)
    send = make_sender(settings.notify(outbox_dir=outbox), force_file=True)
    began = datetime.combine(start, time(0, 0), options.zone)
    with tempfile.TemporaryDirectory(prefix="ita-simulate-") as scratch:
        factory = scratch_database(Path(scratch) / "simulation.db")
        with unit_of_work(factory) as session:
            for document in documents:
                import_plan(session, document, now=began, actor="simulate")
        events: list[Event] = []
        run: JobRun | None = None
        for moment, jobs in due_moments(factory, start, end, options):
            run = JobRun(factory, moment, options, worker="simulate", sender=lambda: send)
            events += _events(job.run(run) for job in jobs)
        if run is not None and any(not event.missed for event in events):
            for job in JOBS:
                if job.moments is None:  # the dispatcher: everything queued, to its file
                    job.run(run)
        factory.kw["bind"].dispose()
    return events


def _events(results: Iterable[JobResult]) -> list[Event]:
    """What one moment's jobs queued or found missed, in timeline order."""
    return sorted(
        (
            Event(
                due=str(i["due"]),
                job=str(i["job"]),
                to=str(i["to"]),
                subject=str(i["subject"]),
                file=str(i["address"]),
                missed=bool(i["missed"]),
            )
            for result in results
            for i in result.items
        ),
        key=lambda e: (e.due, e.job, e.to),
    )


def scratch_database(path: Path) -> sessionmaker[Session]:
    """A new SQLite database at ``path`` whose schema is made from the models in one
    ``create_all``, not by replaying every migration (a third of a simulation's time): it
    lives for one simulation, so its upgrade path is never needed, and the models are the
    schema the migrations are checked against (tests/test_migrations.py). Synchronous
    writes are off: nothing of it has to survive a crash."""
    from sqlalchemy import event

    from tracker.db import make_engine
    from tracker.models import Base

    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _unsynchronized)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _unsynchronized(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def due_moments(
    factory: sessionmaker[Session], start: date, end: date, options: Options
) -> list[tuple[datetime, tuple[Job, ...]]]:
    """Every moment from ``start`` to ``end`` (local days) at which some job names work,
    with the queueing jobs that name it, in catalogue order."""
    first = datetime.combine(start, time(0, 0), options.zone)
    last = datetime.combine(end, time(23, 59), options.zone)
    with factory() as session:
        named = {
            job.id: {m for m in job.moments(session, start, end, options) if first <= m <= last}
            for job in JOBS
            if job.moments is not None
        }
    moments = sorted(set().union(*named.values()))
    return [(m, tuple(job for job in JOBS if m in named.get(job.id, ()))) for m in moments]
