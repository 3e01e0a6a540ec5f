"""Replaying a period on a virtual clock through the real jobs, ledger and file channel.

The plans are copied (as plan documents) into a scratch SQLite database, so a simulation never
touches the real ledger and never mails anyone: every channel is delivered to files. The clock
visits every moment something is due (reminders, reports, alerts, Monday digests), runs the
queueing jobs and the dispatcher there, and records what went out. Same plans, same period:
same timeline and same files.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker.followup.dues import ALERT_TIME
from tracker.followup.jobs import DIGEST_TIME, QUEUE_JOBS, dispatch_outbox
from tracker.followup.runner import options_from

ZONE = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class Event:
    due: str
    job: str
    to: str
    subject: str
    file: str


def simulate(
    documents: list[dict[str, Any]], start: date, end: date, outbox: Path, settings: Any
) -> list[Event]:
    """The timeline of everything the jobs would send from ``start`` to ``end`` (local days)."""
    from tracker.db import open_database, unit_of_work
    from tracker.followup.delivery import make_sender
    from tracker.services.plans import import_plan

    options = options_from(settings, force_file=True)
    send = make_sender(settings, outbox_dir=outbox, force_file=True)
    began = datetime.combine(start, time(0, 0), ZONE)
    with tempfile.TemporaryDirectory(prefix="ita-simulate-") as scratch:
        factory = open_database(f"sqlite:///{scratch}/simulation.db")
        with unit_of_work(factory) as session:
            for document in documents:
                import_plan(session, document, now=began, actor="simulate")
        events: list[Event] = []
        for moment in due_moments(factory, start, end, options):
            queued = []
            for job in QUEUE_JOBS.values():
                queued += job(factory, moment, options).items
            dispatch_outbox(factory, moment, send, worker="simulate")
            events += sorted(
                (
                    Event(i["due"], i["job"], i["to"], i["subject"], str(i["address"]))
                    for i in queued
                ),
                key=lambda e: (e.due, e.job, e.to),
            )
        factory.kw["bind"].dispose()
    return events


def due_moments(factory: Any, start: date, end: date, options: Any) -> list[datetime]:
    """Every moment from ``start`` to ``end`` at which some job has something due."""
    from tracker.models import MeetingSeries, Task, TaskStatus
    from tracker.services.meetings import series_meetings

    first = datetime.combine(start, time(0, 0), ZONE)
    last = datetime.combine(end, time(23, 59), ZONE)
    moments: set[datetime] = set()
    calendar = options.calendar
    with factory() as session:
        for series in session.scalars(select(MeetingSeries)):
            zone = ZoneInfo(series.timezone)
            meetings = series_meetings(series, start, end + timedelta(days=40), calendar=calendar)
            for meeting in (m for m in meetings if not m.cancelled):
                for days, at in (
                    (series.reminder_days, series.reminder_time),
                    (series.report_days, series.report_time),
                ):
                    day = calendar.add_working_days(meeting.date, -days)
                    moments.add(datetime.combine(day, at, zone))
        tasks = session.scalars(
            select(Task).where(Task.end_date.is_not(None), Task.status != TaskStatus.CANCELLED)
        )
        for task in tasks:
            assert task.end_date is not None
            for days in options.alert_days:
                moments.add(
                    datetime.combine(task.end_date - timedelta(days=days), ALERT_TIME, ZONE)
                )
            moments.add(datetime.combine(task.end_date + timedelta(days=1), ALERT_TIME, ZONE))
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    while monday <= end:
        moments.add(datetime.combine(monday, DIGEST_TIME, ZONE))
        monday += timedelta(days=7)
    return sorted(m for m in moments if first <= m <= last)
