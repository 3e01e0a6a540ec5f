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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from schedules.workdays import ThaiCalendar
from tracker.followup import content
from tracker.followup.dues import (
    ALERT_ZONE,
    OPEN,
    alert_moments,
    due_alert_tasks,
    due_meeting_rows,
    next_alert,
    plan_alerts,
    plan_meeting_dues,
)
from tracker.followup.ledger import Envelope, Sender, dispatch, enqueue, known
from tracker.followup.progress import build_progress_report, render, subject
from tracker.models import (
    Measure,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
)

LOOKBACK = timedelta(days=35)
LOOKAHEAD = timedelta(days=40)  # reminders are due at most a few weeks before a meeting
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
    pairs = [_address(c.channel, c.address, fallback) for c in contacts]
    if options.force_channel or not pairs:
        return [("file", fallback)]
    return pairs


def series_recipients(
    series: MeetingSeries, fallback: str, options: Options
) -> list[tuple[str, str]]:
    pairs = [_address(r.channel, r.address, fallback) for r in series.recipients]
    if options.force_channel or not pairs:
        return [("file", fallback)]
    return pairs


def _address(channel: str, address: str, message_path: str) -> tuple[str, str]:
    """A file contact names a folder: each message gets its own file inside it."""
    if channel == "file":
        return channel, f"{address.rstrip('/')}/{message_path}"
    return channel, address


def _slug(text: str) -> str:
    """A file-name-safe form of a Thai or English name."""
    return re.sub(r"[^\w\u0e00-\u0e7f]+", "-", text).strip("-")[:60]


# --- sweeping planned dues ------------------------------------------------------------------


@contextmanager
def _sweep(factory: sessionmaker[Session], options: Options) -> Iterator[Session]:
    """One transaction for one sweep; a dry run does all the work and keeps none of it."""
    with factory() as session:
        yield session
        if options.dry_run:
            session.rollback()
        else:
            session.commit()


@dataclass
class _Context:
    """Everything the due rows of one sweep need, each loaded in one query."""

    series: dict[int, MeetingSeries]
    organizations: dict[int, Organization]
    tasks: dict[int, list[Task]]  # series id -> open tasks
    units: dict[int, list[Unit]]  # organization id -> units (not groups, not merged)
    last_update: dict[int, datetime]  # task id -> its last change by a unit

    @classmethod
    def load(cls, session: Session, series_ids: set[int]) -> _Context:
        series = {
            s.id: s
            for s in session.scalars(
                select(MeetingSeries)
                .where(MeetingSeries.id.in_(series_ids))
                .options(selectinload(MeetingSeries.recipients))
            )
        }
        organization_ids = {s.organization_id for s in series.values()}
        organizations = {
            o.id: o
            for o in session.scalars(
                select(Organization).where(Organization.id.in_(organization_ids))
            )
        }
        tasks: dict[int, list[Task]] = {}
        for task in session.scalars(
            select(Task)
            .where(Task.series_id.in_(series_ids), Task.status.in_(OPEN))
            .options(selectinload(Task.units), selectinload(Task.measure))
            .order_by(Task.id)
        ):
            tasks.setdefault(task.series_id, []).append(task)  # type: ignore[arg-type]
        units = _units_by_organization(session, organization_ids)
        task_ids = [t.id for ts in tasks.values() for t in ts]
        last_update = (
            dict(
                session.execute(
                    # A join, not an IN list of task ids: nationally that list would pass
                    # PostgreSQL's 65,535 bind-parameter limit.
                    select(TaskEvent.task_id, func.max(TaskEvent.at))
                    .join(Task, Task.id == TaskEvent.task_id)
                    .where(
                        Task.series_id.in_(series_ids),
                        Task.status.in_(OPEN),
                        TaskEvent.actor_unit_id.is_not(None),
                    )
                    .group_by(TaskEvent.task_id)
                ).all()
            )
            if task_ids
            else {}
        )
        return cls(series, organizations, tasks, units, last_update)


def _handled_before(session: Session, job: str, now: datetime) -> int:
    """Messages that earlier sweeps queued for dues now in the window: reported as "already"."""
    handled = session.execute(
        select(MeetingDue.series_id, MeetingDue.meeting_date).where(
            MeetingDue.done_at.is_not(None),
            MeetingDue.job == job,
            MeetingDue.due_at <= now,
            MeetingDue.due_at >= now - LOOKBACK,
        )
    ).all()
    if not handled:
        return 0
    occurrences = [f"{series_id}/{day}" for series_id, day in handled]
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.job == job, OutboxMessage.occurrence.in_(occurrences))
        )
        or 0
    )


# --- meeting reminders ----------------------------------------------------------------------


def meeting_reminders(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue one digest per responsible unit before each meeting (see the module docstring).

    One indexed query finds the due meetings of every organization; one query each loads
    their tasks, units and last updates.
    """
    options = options or Options()
    result = JobResult("meeting-reminders")
    with _sweep(factory, options) as session:
        plan_meeting_dues(session, now, options.calendar)
        result.already += _handled_before(session, "meeting-reminder", now)
        dues = due_meeting_rows(session, "meeting-reminder", now, LOOKBACK)
        context = _Context.load(session, {d.series_id for d in dues})
        for due in dues:
            _remind(session, context, due, now, options, result)
            due.done_at = now
    return result


def _remind(
    session: Session,
    context: _Context,
    due: MeetingDue,
    now: datetime,
    options: Options,
    result: JobResult,
) -> None:
    series = context.series[due.series_id]
    organization = context.organizations[series.organization_id]
    missed = now >= due.meeting_start
    tasks = [
        t
        for t in context.tasks.get(series.id, [])
        if t.created_at <= due.due_at and (t.start_date is None or t.start_date <= due.meeting_date)
    ]
    today = now.astimezone(ZoneInfo(series.timezone)).date()
    updated = {
        t.id
        for t in tasks
        if t.id in context.last_update
        and (due.previous_start is None or context.last_update[t.id] > due.previous_start)
    }
    start = due.meeting_start.astimezone(ZoneInfo(series.timezone))
    for unit in context.units.get(organization.id, []):
        mine = [t for t in tasks if _responsible(t, unit)]
        if not mine:
            continue  # a unit with nothing open gets nothing
        groups = _reminder_groups(mine, today, due.next_date, updated, options.lang)
        subject_, text, html = content.reminder(options.lang, unit.name, series.name, start, groups)
        fallback = f"{_slug(organization.name)}/{due.meeting_date}/reminder-{_slug(unit.name)}"
        for channel, address in unit_recipients(unit, "unit", fallback, options):
            envelope = Envelope(
                "meeting-reminder",
                f"{series.id}/{due.meeting_date}",
                address,
                channel,
                subject_,
                text,
                html,
                due.due_at,
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


def _units_by_organization(session: Session, organization_ids: set[int]) -> dict[int, list[Unit]]:
    """The real units (not every-unit groups, not merged ones) of organizations, one query."""
    units: dict[int, list[Unit]] = {}
    for unit in session.scalars(
        select(Unit)
        .where(
            Unit.organization_id.in_(organization_ids),
            Unit.merged_into_id.is_(None),
            Unit.all_units.is_(False),
        )
        .options(selectinload(Unit.contacts))
        .order_by(Unit.id)
    ):
        units.setdefault(unit.organization_id, []).append(unit)
    return units


def _responsible(task: Task, unit: Unit) -> bool:
    return any(u.id == unit.id or u.all_units for u in task.units)


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
    tasks: list[Task], today: date, following: date | None, updated: set[int], lang: str
) -> list[tuple[str, list[content.TaskLine]]]:
    overdue, due_soon, stale, other = [], [], [], []
    for task in tasks:
        line = task_line(task)
        if task.is_overdue(today):
            overdue.append(line)
        elif task.end_date and following and task.end_date < following:
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
    with _sweep(factory, options) as session:
        plan_meeting_dues(session, now, options.calendar)
        result.already += _handled_before(session, "progress-report", now)
        for due in due_meeting_rows(session, "progress-report", now, LOOKBACK):
            _report(session, due, now, options, result)
            due.done_at = now
    return result


def _report(
    session: Session, due: MeetingDue, now: datetime, options: Options, result: JobResult
) -> None:
    series = due.series
    report = build_progress_report(
        session,
        series,
        due.meeting_date,
        previous=due.previous_start,
        next_meeting=due.next_date,
        lang=options.lang,
    )
    if report.total == 0 or _imported_after(session, series, due.due_at):
        return
    title = subject(report, options.lang)
    text, html = render(report, "txt", options.lang), render(report, "html", options.lang)
    fallback = f"{_slug(report.organization)}/{due.meeting_date}/progress-report"
    for channel, address in series_recipients(series, fallback, options):
        envelope = Envelope(
            "progress-report",
            f"{series.id}/{due.meeting_date}",
            address,
            channel,
            title,
            text,
            html,
            due.due_at,
            series.organization_id,
            None,
        )
        _record(session, envelope, now, now >= due.meeting_start, result, series.name, options)


# --- deadline alerts and the weekly overdue digest --------------------------------------------


def deadline_alerts(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue the "n days left" and "overdue" alerts whose moment has come.

    Reads only tasks whose stored next alert moment has passed (an indexed column), then
    stores each one's following moment.
    """
    options = options or Options()
    result = JobResult("deadline-alerts")
    with _sweep(factory, options) as session:
        plan_alerts(session, options.alert_days)
        tasks = due_alert_tasks(session, now)
        groups = _units_by_organization(session, {t.measure.plan.organization_id for t in tasks})
        for task in tasks:
            _alert_task(session, task, now, options, result, groups)
            task.next_alert_at = next_alert(task, now, options.alert_days)
    return result


def _alert_task(
    session: Session,
    task: Task,
    now: datetime,
    options: Options,
    result: JobResult,
    units_of: dict[int, list[Unit]],
) -> None:
    assert task.end_date is not None
    deadline_over = datetime.combine(task.end_date + timedelta(days=1), time(0, 0), ALERT_ZONE)
    organization_id = task.measure.plan.organization_id
    for kind, day, due in alert_moments(task, options.alert_days):
        if due > now or due < now - LOOKBACK or due < task.created_at:
            continue
        missed = kind != "overdue" and now >= deadline_over
        for unit in _task_units(task, units_of):
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


def _task_units(task: Task, units_of: dict[int, list[Unit]]) -> list[Unit]:
    """The units a task's messages go to: every unit for the every-unit group."""
    if any(u.all_units for u in task.units):
        return units_of.get(task.measure.plan.organization_id, [])
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
                .where(Task.end_date < due.date(), Task.status.in_(OPEN))
                .options(
                    selectinload(Task.units).selectinload(Unit.contacts),
                    selectinload(Task.measure).selectinload(Measure.plan),
                )
                .order_by(Task.id)
            )
        )
        units_of = _units_by_organization(
            session, {t.measure.plan.organization_id for t in overdue}
        )
        by_unit: dict[int, tuple[Unit, list[Task]]] = {}
        for task in overdue:
            for unit in _task_units(task, units_of):
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
