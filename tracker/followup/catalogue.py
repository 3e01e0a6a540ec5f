"""The follow-up jobs, each once: its id, the kind of message it queues, what it does, when the
embedded scheduler runs it, how to run it, and when it may have something due.

Everything that runs jobs iterates this table: the runner (`tracker jobs run`, `tracker
remind`, the embedded scheduler, the Prefect flows) and `tracker simulate`, which visits the
moments each job names. A new job is one module in tracker/followup/jobs/ and one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import NotFound
from tracker.followup.dispatcher import DeliveryPolicy
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
from tracker.i18n import t


@dataclass(frozen=True)
class JobRun:
    """One run of a job: everything a catalogued job may need, made by the runner."""

    factory: sessionmaker[Session]
    now: datetime
    options: Options
    worker: str  # who claims messages, as the ledger shows it
    sender: Callable[[], Sender]  # makes the sender (dispatch only asks for it)
    should_stop: Callable[[], bool] | None = None
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    clock: Callable[[], datetime] | None = None  # the time of each claim (default: now)


Moments = Callable[[Session, date, date, Options], set[datetime]]


Words = tuple[str, str]  # (Thai, English)


@dataclass(frozen=True, kw_only=True)
class Job:
    """A catalogued job. ``kind`` is the ledger's name for the messages it queues (None: it
    queues none, it delivers); ``name``, ``description`` and ``kind_words`` are what people
    read in Thai and English; ``trigger`` is "interval:MINUTES" or "cron:<crontab fields>";
    ``moments`` gives every moment from one day to another at which it may have something
    due (None: it has work at any moment, and runs after the others)."""

    id: str
    kind: str | None
    name: Words
    description: Words
    kind_words: Words | None  # what one of its messages is called
    trigger: str
    run: Callable[[JobRun], JobResult]
    moments: Moments | None = None


JOBS = (
    Job(
        id=meeting_reminders.JOB,
        kind=REMINDER,
        name=("เตือนก่อนประชุม", "meeting reminders"),
        description=(
            "สรุปงานถึงแต่ละหน่วยงานก่อนการประชุมแต่ละครั้ง",
            "digest to each unit before each meeting",
        ),
        kind_words=("เตือนก่อนประชุม", "meeting reminder"),
        trigger="interval:15",
        run=lambda r: meeting_reminders.meeting_reminders(
            factory=r.factory, now=r.now, options=r.options
        ),
        moments=meeting_reminders.moments,
    ),
    Job(
        id=progress_reports.JOB,
        kind=REPORT,
        name=("รายงานความคืบหน้า", "progress reports"),
        description=(
            "รายงานความคืบหน้าถึงฝ่ายเลขานุการก่อนการประชุมแต่ละครั้ง",
            "progress report to the secretariat before each meeting",
        ),
        kind_words=("รายงานความคืบหน้า", "progress report"),
        trigger="interval:15",
        run=lambda r: progress_reports.progress_reports(
            factory=r.factory, now=r.now, options=r.options
        ),
        moments=progress_reports.moments,
    ),
    Job(
        id=deadline_alerts.JOB,
        kind=deadline_alerts.KIND,
        name=("เตือนกำหนดเสร็จ", "deadline alerts"),
        description=(
            "เตือนก่อนวันสิ้นสุดของขั้นตอน n วัน และเมื่อเกินกำหนด",
            "alerts n days before a task's end and once overdue",
        ),
        kind_words=("เตือนกำหนดเสร็จ", "deadline alert"),
        trigger="interval:30",
        run=lambda r: deadline_alerts.deadline_alerts(
            factory=r.factory, now=r.now, options=r.options
        ),
        moments=deadline_alerts.moments,
    ),
    Job(
        id=overdue_digests.JOB,
        kind=overdue_digests.KIND,
        name=("สรุปงานเกินกำหนด", "overdue digests"),
        description=(
            "สรุปงานเกินกำหนดรายสัปดาห์ถึงหัวหน้าหน่วยงาน",
            "weekly overdue digest to each unit's head",
        ),
        kind_words=("สรุปงานเกินกำหนด", "overdue digest"),
        trigger="cron:5 8 * * mon",
        run=lambda r: overdue_digests.overdue_digests(
            factory=r.factory, now=r.now, options=r.options
        ),
        moments=overdue_digests.moments,
    ),
    Job(
        id=dispatch.JOB,
        kind=None,
        name=("ส่งข้อความ", "dispatch"),
        description=("ส่งข้อความที่รอส่ง และส่งซ้ำที่ไม่สำเร็จ", "send what is queued, retry what failed"),
        kind_words=None,
        trigger="interval:1",
        run=lambda r: dispatch.dispatch_outbox(
            factory=r.factory,
            now=r.now,
            options=r.options,
            send=r.sender,
            worker=r.worker,
            should_stop=r.should_stop,
            delivery=r.delivery,
            clock=r.clock,
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


def kind_label(kind: str, lang: str) -> str:
    """What a message of ``kind`` is called in ``lang``; the kind itself when unknown."""
    for entry in JOBS:
        if entry.kind == kind and entry.kind_words is not None:
            return t(lang, *entry.kind_words)
    return kind
