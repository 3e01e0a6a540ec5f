"""The follow-up jobs, each once: its id, the kind of message it queues, what it does, when the
embedded scheduler runs it, how to run it, and when it may have something due.

Everything that runs jobs iterates this table: the runner (`tracker jobs run`, `tracker
remind`, the embedded scheduler, the Prefect flows) and `tracker simulate`, which visits the
moments each job names. A new job is one module in tracker/followup/jobs/ and one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import NotFound
from tracker.followup.jobs import (
    deadline_alerts,
    dispatch,
    meeting_reminders,
    overdue_digests,
    progress_reports,
)
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.ledger import Sender
from tracker.followup.timing import REMINDER, REPORT


@dataclass(frozen=True)
class JobRun:
    """One run of a job: everything a catalogued job may need, made by the runner."""

    factory: sessionmaker[Session]
    now: datetime
    options: Options
    worker: str  # who claims messages, as the ledger shows it
    sender: Callable[[], Sender]  # makes the sender (dispatch only asks for it)
    should_stop: Callable[[], bool] | None = None
    threads: int = 1


Moments = Callable[[Session, date, date, Options], set[datetime]]


@dataclass(frozen=True)
class Job:
    """A catalogued job. ``kind`` is the ledger's name for the messages it queues (None: it
    queues none, it delivers); ``trigger`` is "interval:MINUTES" or "cron:<crontab fields>";
    ``moments`` gives every moment from one day to another at which it may have something
    due (None: it has work at any moment, and runs after the others)."""

    id: str
    kind: str | None
    description: str
    trigger: str
    run: Callable[[JobRun], JobResult]
    moments: Moments | None = None


JOBS = (
    Job(
        meeting_reminders.JOB,
        REMINDER,
        "digest to each unit before each meeting",
        "interval:15",
        lambda r: meeting_reminders.meeting_reminders(
            factory=r.factory, now=r.now, options=r.options
        ),
        meeting_reminders.moments,
    ),
    Job(
        progress_reports.JOB,
        REPORT,
        "progress report to the secretariat before each meeting",
        "interval:15",
        lambda r: progress_reports.progress_reports(
            factory=r.factory, now=r.now, options=r.options
        ),
        progress_reports.moments,
    ),
    Job(
        deadline_alerts.JOB,
        deadline_alerts.KIND,
        "alerts n days before a task's end and once overdue",
        "interval:30",
        lambda r: deadline_alerts.deadline_alerts(factory=r.factory, now=r.now, options=r.options),
        deadline_alerts.moments,
    ),
    Job(
        overdue_digests.JOB,
        overdue_digests.KIND,
        "weekly overdue digest to each unit's head",
        "cron:5 8 * * mon",
        lambda r: overdue_digests.overdue_digests(factory=r.factory, now=r.now, options=r.options),
        overdue_digests.moments,
    ),
    Job(
        dispatch.JOB,
        None,
        "send what is queued, retry what failed",
        "interval:1",
        lambda r: dispatch.dispatch_outbox(
            factory=r.factory,
            now=r.now,
            options=r.options,
            send=r.sender,
            worker=r.worker,
            should_stop=r.should_stop,
            threads=r.threads,
        ),
    ),
)
QUEUEING = tuple(job.id for job in JOBS if job.kind is not None)
DELIVERING = tuple(job.id for job in JOBS if job.kind is None)


def job(job_id: str) -> Job:
    """The catalogued job ``job_id``, or NotFound naming every id."""
    for entry in JOBS:
        if entry.id == job_id:
            return entry
    raise NotFound(f"no job {job_id!r} (jobs: {', '.join(entry.id for entry in JOBS)})")
