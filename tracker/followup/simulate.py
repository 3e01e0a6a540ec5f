"""Replaying a period on a virtual clock through the real jobs, ledger and file channel.

The plans are copied (as plan documents) into a scratch SQLite database, so a simulation never
touches the real ledger and never mails anyone: every channel is delivered to files. The clock
visits every moment a catalogued job names (tracker.followup.catalogue), runs every job there
in catalogue order (the dispatcher last), and records what went out. Same plans, same period:
same timeline and same files.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.followup.catalogue import JOBS, JobRun
from tracker.followup.jobs.base import Options
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
    from tracker.db import open_database, unit_of_work
    from tracker.followup.delivery import make_sender
    from tracker.services.plan_import import import_plan

    # No PDFs: a simulated year would print one per meeting, and Chromium stamps each with
    # its moment, so two simulations would no longer write the same files.
    options = options_from(settings, force_file=True, links=False, pdfs=False)
    send = make_sender(settings.notify(outbox_dir=outbox), force_file=True)
    began = datetime.combine(start, time(0, 0), options.zone)
    with tempfile.TemporaryDirectory(prefix="ita-simulate-") as scratch:
        factory = open_database(f"sqlite:///{scratch}/simulation.db")
        with unit_of_work(factory) as session:
            for document in documents:
                import_plan(session, document, now=began, actor="simulate")
        events: list[Event] = []
        for moment in due_moments(factory, start, end, options):
            run = JobRun(factory, moment, options, worker="simulate", sender=lambda: send)
            queued = [item for job in JOBS for item in job.run(run).items]
            events += sorted(
                (
                    Event(
                        due=str(i["due"]),
                        job=str(i["job"]),
                        to=str(i["to"]),
                        subject=str(i["subject"]),
                        file=str(i["address"]),
                        missed=bool(i["missed"]),
                    )
                    for i in queued
                ),
                key=lambda e: (e.due, e.job, e.to),
            )
        factory.kw["bind"].dispose()
    return events


def due_moments(
    factory: sessionmaker[Session], start: date, end: date, options: Options
) -> list[datetime]:
    """Every moment from ``start`` to ``end`` (local days) at which some job names work."""
    first = datetime.combine(start, time(0, 0), options.zone)
    last = datetime.combine(end, time(23, 59), options.zone)
    with factory() as session:
        moments = {
            moment
            for job in JOBS
            if job.moments is not None
            for moment in job.moments(session, start, end, options)
        }
    return sorted(m for m in moments if first <= m <= last)
