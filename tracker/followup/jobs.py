"""The follow-up jobs, written once and run by anything: the CLI, APScheduler, Prefect, a test.

Each job takes a session factory and ``now`` (aware) and returns a JobResult. The queueing
jobs decide what is due from meeting dates and deadlines (never from the clock's hour) and
record each message in the outbox ledger, which makes running a job twice, or in two
processes at once, harmless; ``dispatch`` then sends what is queued.

Due times, all in the series' or organization's timezone:
- meeting reminder: ``reminder_days`` working days before each meeting, at ``reminder_time``;
- progress report: ``report_days`` working days before, at ``report_time``;
- deadline alerts: 09:00 on each of TRACKER_DEADLINE_ALERT_DAYS days before a task's end, and
  09:00 the day after it (overdue);
- overdue digest: Mondays at 08:00.

After downtime, an item found late is still sent once while it is useful (before its meeting,
before its deadline); one whose moment has passed is recorded as ``missed``, visible in
`tracker outbox`, and never sent. Items older than LOOKBACK are not looked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schedules.meetings import MeetingDay
from schedules.workdays import ThaiCalendar
from tracker.followup import content
from tracker.followup.ledger import Envelope, Sender, dispatch, enqueue, known
from tracker.followup.progress import build_progress_report, render, subject
from tracker.models import (
    MeetingSeries,
    Organization,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
)
from tracker.services.meetings import series_meetings

LOOKBACK = timedelta(days=35)
LOOKAHEAD = timedelta(days=40)  # reminders are due at most a few weeks before a meeting
ALERT_TIME = time(9, 0)
DIGEST_TIME = time(8, 0)
DEFAULT_TIMEZONE = "Asia/Bangkok"


@dataclass
class JobResult:
    job: str
    queued: int = 0
    already: int = 0  # found in the ledger: queued by an earlier run
    missed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    items: list[dict[str, object]] = field(default_factory=list)  # what was queued or missed

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Options:
    """What jobs need besides the database: language, holidays, alert days, fallback."""

    lang: str = "th"
    calendar: ThaiCalendar = field(default_factory=ThaiCalendar)
    alert_days: tuple[int, ...] = (7, 1)
    force_channel: str | None = None  # "file" sends everything to files (simulate, dry runs)
    dry_run: bool = False  # decide and report, record nothing


# --- recipients ---------------------------------------------------------------------------


def unit_recipients(
    unit: Unit, role: str, fallback: str, options: Options
) -> list[tuple[str, str]]:
    """(channel, address) pairs for a unit: its contacts of ``role`` (heads fall back to the
    unit's own), or a file named ``fallback`` when it has none: nothing is ever dropped."""
    contacts = [c for c in unit.contacts if c.role == role]
    if not contacts and role == "head":
        contacts = [c for c in unit.contacts if c.role == "unit"]
    pairs = [(c.channel, c.address) for c in contacts]
    if options.force_channel or not pairs:
        return [("file", fallback)]
    return pairs


def series_recipients(
    series: MeetingSeries, fallback: str, options: Options
) -> list[tuple[str, str]]:
    pairs = [(r.channel, r.address) for r in series.recipients]
    if options.force_channel or not pairs:
        return [("file", fallback)]
    return pairs


def _slug(text: str) -> str:
    """A file-name-safe form of a Thai or English name."""
    return re.sub(r"[^\w\u0e00-\u0e7f]+", "-", text).strip("-")[:60]


# --- meetings -------------------------------------------------------------------------------


def _meetings_around(series: MeetingSeries, now: datetime, options: Options) -> list[MeetingDay]:
    zone = ZoneInfo(series.timezone)
    today = now.astimezone(zone).date()
    held = series_meetings(series, today - LOOKBACK, today + LOOKAHEAD, calendar=options.calendar)
    return [m for m in held if not m.cancelled]


def _due(day: date, days_before: int, at: time, zone: str, options: Options) -> datetime:
    return datetime.combine(
        options.calendar.add_working_days(day, -days_before), at, ZoneInfo(zone)
    )


def _neighbours(
    meetings: list[MeetingDay], index: int
) -> tuple[MeetingDay | None, MeetingDay | None]:
    previous = meetings[index - 1] if index > 0 else None
    following = meetings[index + 1] if index + 1 < len(meetings) else None
    return previous, following


def _all_series(session: Session) -> list[MeetingSeries]:
    return list(session.scalars(select(MeetingSeries).order_by(MeetingSeries.id)))


# --- meeting reminders ----------------------------------------------------------------------


def meeting_reminders(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue one digest per responsible unit before each meeting (see the module docstring)."""
    options = options or Options()
    result = JobResult("meeting-reminders")
    with factory() as session, session.begin():
        for series in _all_series(session):
            meetings = _meetings_around(series, now, options)
            for index, meeting in enumerate(meetings):
                due = _due(
                    meeting.date,
                    series.reminder_days,
                    series.reminder_time,
                    series.timezone,
                    options,
                )
                if due > now or due < now - LOOKBACK:
                    continue
                previous, following = _neighbours(meetings, index)
                _remind(session, series, meeting, previous, following, due, now, options, result)
    return result


def _remind(
    session: Session,
    series: MeetingSeries,
    meeting: MeetingDay,
    previous: MeetingDay | None,
    following: MeetingDay | None,
    due: datetime,
    now: datetime,
    options: Options,
    result: JobResult,
) -> None:
    missed = now >= meeting.start
    tasks = [t for t in _open_tasks(session, series, meeting.date) if t.created_at <= due]
    today = now.astimezone(ZoneInfo(series.timezone)).date()
    updated = _updated_since(session, [t.id for t in tasks], previous.start if previous else None)
    organization = session.get(Organization, series.organization_id)
    assert organization is not None
    for unit in _org_units(session, series.organization_id):
        mine = [t for t in tasks if _responsible(t, unit)]
        if not mine:
            continue  # a unit with nothing open gets nothing
        groups = _reminder_groups(mine, today, following, updated, options.lang)
        subject_, text, html = content.reminder(
            options.lang, unit.name, series.name, meeting.start, groups
        )
        fallback = f"{_slug(organization.name)}/{meeting.date}/reminder-{_slug(unit.name)}"
        for channel, address in unit_recipients(unit, "unit", fallback, options):
            envelope = Envelope(
                "meeting-reminder",
                f"{series.id}/{meeting.date}",
                address,
                channel,
                subject_,
                text,
                html,
                due,
                organization.id,
                unit.id,
            )
            _record(session, envelope, now, missed, result, unit.name, options)


def _record(
    session: Session,
    envelope: Envelope,
    now: datetime,
    missed: bool,
    result: JobResult,
    who: str,
    options: Options,
) -> None:
    if options.dry_run:
        new = (envelope.recipient, envelope.channel) not in known(
            session, envelope.job, envelope.occurrence
        )
    else:
        new = enqueue(session, envelope, now, missed=missed)
    if new:
        if missed:
            result.missed += 1
        else:
            result.queued += 1
        local_due = envelope.due_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
        result.items.append(
            {
                "due": local_due.isoformat(),
                "job": envelope.job,
                "to": who,
                "channel": envelope.channel,
                "address": envelope.recipient,
                "subject": envelope.subject,
                "missed": missed,
            }
        )
    else:
        result.already += 1


def _imported_after(session: Session, series: MeetingSeries, due: datetime) -> bool:
    """True when every task of the series came in after ``due``: nothing was due then."""
    first = session.scalar(
        select(Task.created_at).where(Task.series_id == series.id).order_by(Task.created_at)
    )
    return first is None or first > due


def _open_tasks(session: Session, series: MeetingSeries, meeting: date) -> list[Task]:
    tasks = session.scalars(
        select(Task)
        .where(
            Task.series_id == series.id,
            Task.status.in_([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]),
        )
        .order_by(Task.id)
    )
    return [t for t in tasks if t.start_date is None or t.start_date <= meeting]


def _org_units(session: Session, organization_id: int) -> list[Unit]:
    return list(
        session.scalars(
            select(Unit)
            .where(
                Unit.organization_id == organization_id,
                Unit.merged_into_id.is_(None),
                Unit.all_units.is_(False),
            )
            .order_by(Unit.id)
        )
    )


def _responsible(task: Task, unit: Unit) -> bool:
    return any(u.id == unit.id or u.all_units for u in task.units)


def _updated_since(session: Session, task_ids: list[int], since: datetime | None) -> set[int]:
    if not task_ids:
        return set()
    statement = select(TaskEvent.task_id).where(
        TaskEvent.task_id.in_(task_ids), TaskEvent.actor_unit_id.is_not(None)
    )
    if since is not None:
        statement = statement.where(TaskEvent.at > since)
    return set(session.scalars(statement))


def task_line(task: Task) -> content.TaskLine:
    return content.TaskLine(
        id=task.id,
        ref=f"{task.measure.position}.{task.number}",
        title=task.title,
        start=task.start_date,
        end=task.end_date,
        percent=task.percent,
        status=task.status.value,
    )


def _reminder_groups(
    tasks: list[Task], today: date, following: MeetingDay | None, updated: set[int], lang: str
) -> list[tuple[str, list[content.TaskLine]]]:
    overdue, due_soon, stale, other = [], [], [], []
    for task in tasks:
        line = task_line(task)
        if task.is_overdue(today):
            overdue.append(line)
        elif task.end_date and following and task.end_date < following.date:
            due_soon.append(line)
        elif task.status is TaskStatus.IN_PROGRESS and task.id not in updated:
            stale.append(line)
        else:
            other.append(line)
    th = lang == "th"
    return [
        ("เกินกำหนด" if th else "Overdue", overdue),
        ("ครบกำหนดก่อนการประชุมครั้งถัดไป" if th else "Due before the next meeting", due_soon),
        ("ยังไม่มีความคืบหน้าตั้งแต่การประชุมครั้งก่อน" if th else "No update since the last meeting", stale),
        ("งานอื่นที่ยังดำเนินการอยู่" if th else "Other open tasks", other),
    ]


# --- progress reports ------------------------------------------------------------------------


def progress_reports(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue each meeting's progress report to the series' recipients."""
    options = options or Options()
    result = JobResult("progress-reports")
    with factory() as session, session.begin():
        for series in _all_series(session):
            meetings = _meetings_around(series, now, options)
            for index, meeting in enumerate(meetings):
                due = _due(
                    meeting.date, series.report_days, series.report_time, series.timezone, options
                )
                if due > now or due < now - LOOKBACK:
                    continue
                previous, following = _neighbours(meetings, index)
                _report(session, series, meeting, previous, following, due, now, options, result)
    return result


def _report(
    session: Session,
    series: MeetingSeries,
    meeting: MeetingDay,
    previous: MeetingDay | None,
    following: MeetingDay | None,
    due: datetime,
    now: datetime,
    options: Options,
    result: JobResult,
) -> None:
    report = build_progress_report(
        session,
        series,
        meeting.date,
        previous=previous.start if previous else None,
        next_meeting=following.date if following else None,
        lang=options.lang,
    )
    if report.total == 0 or _imported_after(session, series, due):
        return
    title = subject(report, options.lang)
    text, html = render(report, "txt", options.lang), render(report, "html", options.lang)
    fallback = f"{_slug(report.organization)}/{meeting.date}/progress-report"
    for channel, address in series_recipients(series, fallback, options):
        envelope = Envelope(
            "progress-report",
            f"{series.id}/{meeting.date}",
            address,
            channel,
            title,
            text,
            html,
            due,
            series.organization_id,
            None,
        )
        _record(session, envelope, now, now >= meeting.start, result, series.name, options)


# --- deadline alerts and the weekly overdue digest --------------------------------------------


def deadline_alerts(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue the "n days left" and "overdue" alerts of every open task with an end date."""
    options = options or Options()
    result = JobResult("deadline-alerts")
    with factory() as session, session.begin():
        tasks = session.scalars(
            select(Task)
            .where(
                Task.end_date.is_not(None),
                Task.status.in_([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]),
                Task.end_date >= (now - LOOKBACK).date() - timedelta(days=1),
            )
            .order_by(Task.id)
        )
        for task in tasks:
            _alert_task(session, task, now, options, result)
    return result


def _alert_task(
    session: Session, task: Task, now: datetime, options: Options, result: JobResult
) -> None:
    assert task.end_date is not None
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    deadline_over = datetime.combine(task.end_date + timedelta(days=1), time(0, 0), zone)
    moments = [(f"{days}d", task.end_date - timedelta(days=days)) for days in options.alert_days]
    moments.append(("overdue", task.end_date + timedelta(days=1)))
    for kind, day in moments:
        due = datetime.combine(day, ALERT_TIME, zone)
        if due > now or due < now - LOOKBACK or due < task.created_at:
            continue
        missed = kind != "overdue" and now >= deadline_over
        organization_id = task.measure.plan.organization_id
        for unit in _task_units(session, task):
            subject_, text, html = content.deadline_alert(
                options.lang, unit.name, task_line(task), kind
            )
            fallback = f"alerts/{day}/{kind}-{task.id}-{_slug(unit.name)}"
            for channel, address in unit_recipients(unit, "unit", fallback, options):
                envelope = Envelope(
                    "deadline-alert",
                    f"{task.id}/{task.end_date}/{kind}",
                    address,
                    channel,
                    subject_,
                    text,
                    html,
                    due,
                    organization_id,
                    unit.id,
                )
                _record(session, envelope, now, missed, result, unit.name, options)


def _task_units(session: Session, task: Task) -> list[Unit]:
    if any(u.all_units for u in task.units):
        return _org_units(session, task.measure.plan.organization_id)
    return [u for u in task.units if u.merged_into_id is None]


def overdue_digests(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue this week's overdue digest (Monday 08:00) for every unit with overdue tasks."""
    options = options or Options()
    result = JobResult("overdue-digests")
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(monday, DIGEST_TIME, zone)
    if due > now:
        due = datetime.combine(monday - timedelta(days=7), DIGEST_TIME, zone)
    week = f"{due.isocalendar().year}-W{due.isocalendar().week:02d}"
    with factory() as session, session.begin():
        overdue = list(
            session.scalars(
                select(Task)
                .where(
                    Task.end_date < due.date(),
                    Task.status.in_([TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]),
                )
                .order_by(Task.id)
            )
        )
        by_unit: dict[int, tuple[Unit, list[Task]]] = {}
        for task in overdue:
            for unit in _task_units(session, task):
                by_unit.setdefault(unit.id, (unit, []))[1].append(task)
        for unit, tasks in by_unit.values():
            subject_, text, html = content.overdue_digest(
                options.lang, unit.name, [task_line(t) for t in tasks], week
            )
            fallback = f"digests/{week}/overdue-{_slug(unit.name)}"
            for channel, address in unit_recipients(unit, "head", fallback, options):
                envelope = Envelope(
                    "overdue-digest",
                    f"{unit.id}/{week}",
                    address,
                    channel,
                    subject_,
                    text,
                    html,
                    due,
                    unit.organization_id,
                    unit.id,
                )
                _record(session, envelope, now, False, result, unit.name, options)
    return result


# --- dispatch and the catalogue -------------------------------------------------------------------


def dispatch_outbox(
    factory: sessionmaker[Session], now: datetime, send: Sender, *, worker: str
) -> JobResult:
    """Send what is queued and due; see tracker.followup.ledger.dispatch."""
    outcome = dispatch(factory, now, send, worker=worker)
    return JobResult(
        "dispatch",
        sent=outcome.sent,
        retrying=outcome.retrying,
        failed=outcome.failed + outcome.interrupted,
    )


QueueJob = Callable[[sessionmaker[Session], datetime, Options], JobResult]

QUEUE_JOBS: dict[str, QueueJob] = {
    "meeting-reminders": meeting_reminders,
    "progress-reports": progress_reports,
    "deadline-alerts": deadline_alerts,
    "overdue-digests": overdue_digests,
}
