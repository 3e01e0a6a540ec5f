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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, contains_eager, selectinload, sessionmaker

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
from tracker.followup.ledger import (
    Envelope,
    LedgerKey,
    Sender,
    dispatch,
    enqueue_many,
    known_keys,
    ledger_key,
)
from tracker.followup.progress import PlanState, build_progress_report, render, subject
from tracker.models import (
    Measure,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
)

LOOKBACK = timedelta(days=35)
DIGEST_TIME = time(8, 0)
DEFAULT_TIMEZONE = "Asia/Bangkok"
SWEEP_CHUNK = 500  # dues whose tasks, units and updates are loaded together
RECORD_BATCH = 500  # messages written to the ledger per multi-row INSERT

_T = TypeVar("_T")


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
        series = _series_with_recipients(session, series_ids)
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


def _queued_between(session: Session, job: str, first: datetime, last: datetime) -> int:
    """Messages of ``job`` the ledger holds for due moments from ``first`` to ``last``.

    A message carries its due's moment as ``due_at``, so this is one count over the ledger's
    (job, due_at) index, whatever the number of organizations: how a sweep reports what
    earlier sweeps queued ("already").
    """
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.job == job,
                OutboxMessage.due_at >= first,
                OutboxMessage.due_at <= last,
            )
        )
        or 0
    )


def _mark_done(session: Session, dues: list[MeetingDue], now: datetime) -> None:
    """Set done_at on many dues in one executemany (the ORM would send one UPDATE each)."""
    if dues:
        session.execute(update(MeetingDue), [{"id": due.id, "done_at": now} for due in dues])


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
        result.already += _queued_between(session, "meeting-reminder", now - LOOKBACK, now)
        recorder = _Recorder(session, now, options, result)
        dues = due_meeting_rows(session, "meeting-reminder", now, LOOKBACK)
        for chunk in _chunks(dues, SWEEP_CHUNK):
            context = _Context.load(session, {d.series_id for d in chunk})
            for due in chunk:
                _remind(context, due, now, options, recorder)
            recorder.flush()
            _mark_done(session, chunk, now)
    return result


def _remind(
    context: _Context, due: MeetingDue, now: datetime, options: Options, recorder: _Recorder
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
    lines = {t.id: task_line(t) for t in tasks}  # once per task, not once per unit
    for unit, mine in _tasks_by_unit(tasks, context.units.get(organization.id, [])):
        groups = _reminder_groups(mine, lines, today, due.next_date, updated, options.lang)
        _to_unit(
            recorder,
            unit,
            "unit",
            "meeting-reminder",
            # The unit is part of what the digest is about: two units sharing one address
            # (a small office's one clerk) each get their own.
            f"{series.id}/{due.meeting_date}/{unit.id}",
            content.reminder(options.lang, unit.name, series.name, start, groups),
            due.due_at,
            missed,
            f"{_slug(organization.name)}/{due.meeting_date}/reminder-{_slug(unit.name)}",
        )


def _to_unit(
    recorder: _Recorder,
    unit: Unit,
    role: str,
    job: str,
    occurrence: str,
    message: tuple[str, str, str | None],
    due: datetime,
    missed: bool,
    fallback: str,
) -> None:
    """Record one (subject, text, html) message to each of a unit's contacts of ``role``
    (or to the file ``fallback`` when it has none)."""
    subject_, text, html = message
    for channel, address in unit_recipients(unit, role, fallback, recorder.options):
        envelope = Envelope(
            job,
            occurrence,
            address,
            channel,
            subject_,
            text,
            html,
            due,
            unit.organization_id,
            unit.id,
        )
        recorder.add(envelope, missed, unit.name)


class _Recorder:
    """Writes a sweep's messages to the ledger a batch at a time and counts the outcome.

    Each message is new (queued, or missed when its moment has passed) or already in the
    ledger; the ledger's unique key decides, so a second run or process changes nothing.
    A dry run asks the ledger the same question and writes nothing.
    """

    def __init__(
        self, session: Session, now: datetime, options: Options, result: JobResult
    ) -> None:
        self.session, self.now, self.options, self.result = session, now, options, result
        self.pending: list[tuple[Envelope, bool, str]] = []

    def add(self, envelope: Envelope, missed: bool, who: str) -> None:
        self.pending.append((envelope, missed, who))
        if len(self.pending) >= RECORD_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        new = self._new_keys()
        for envelope, missed, who in self.pending:
            key = ledger_key(envelope)
            if key in new:
                new.discard(key)  # a repeat of the key in this batch is "already"
                self._count_new(envelope, missed, who)
            else:
                self.result.already += 1
        self.pending.clear()

    def _new_keys(self) -> set[LedgerKey]:
        items = [(envelope, missed) for envelope, missed, _who in self.pending]
        if not self.options.dry_run:
            return enqueue_many(self.session, items, self.now)
        keys = {ledger_key(envelope) for envelope, _missed in items}
        return keys - known_keys(self.session, keys)

    def _count_new(self, envelope: Envelope, missed: bool, who: str) -> None:
        if missed:
            self.result.missed += 1
        else:
            self.result.queued += 1
        local_due = envelope.due_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
        self.result.items.append(
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


def _tasks_by_unit(tasks: list[Task], units: list[Unit]) -> list[tuple[Unit, list[Task]]]:
    """Each of ``units`` with the tasks it is responsible for, in the given orders; the tasks
    of the every-unit group go to every unit, and a unit with none is left out."""
    mine: dict[int, list[Task]] = {unit.id: [] for unit in units}
    for task in tasks:
        if any(u.all_units for u in task.units):
            targets: Iterable[int] = mine
        else:
            targets = [u.id for u in task.units if u.id in mine]
        for unit_id in targets:
            mine[unit_id].append(task)
    return [(unit, mine[unit.id]) for unit in units if mine[unit.id]]


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
    tasks: list[Task],
    lines: dict[int, content.TaskLine],
    today: date,
    following: date | None,
    updated: set[int],
    lang: str,
) -> list[tuple[str, list[content.TaskLine]]]:
    overdue, due_soon, stale, other = [], [], [], []
    for task in tasks:
        line = lines[task.id]
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
        result.already += _queued_between(session, "progress-report", now - LOOKBACK, now)
        recorder = _Recorder(session, now, options, result)
        dues = due_meeting_rows(session, "progress-report", now, LOOKBACK)
        for chunk in _chunks(dues, SWEEP_CHUNK):
            series_ids = {d.series_id for d in chunk}
            series = _series_with_recipients(session, series_ids)
            state = PlanState.load(session, series_ids)
            for due in chunk:
                _report(session, series[due.series_id], state, due, now, options, recorder)
            recorder.flush()
            _mark_done(session, chunk, now)
    return result


def _series_with_recipients(session: Session, series_ids: set[int]) -> dict[int, MeetingSeries]:
    return {
        s.id: s
        for s in session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.id.in_(series_ids))
            .options(selectinload(MeetingSeries.recipients))
        )
    }


def _report(
    session: Session,
    series: MeetingSeries,
    state: PlanState,
    due: MeetingDue,
    now: datetime,
    options: Options,
    recorder: _Recorder,
) -> None:
    tasks = state.tasks.get(series.id, [])
    if not tasks or min(t.created_at for t in tasks) > due.due_at:
        return  # nothing to report, or every task came in after the report was due
    report = build_progress_report(
        session,
        series,
        due.meeting_date,
        previous=due.previous_start,
        next_meeting=due.next_date,
        lang=options.lang,
        state=state,
    )
    if report.total == 0:
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
        recorder.add(envelope, now >= due.meeting_start, series.name)


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
        recorder = _Recorder(session, now, options, result)
        for task in tasks:
            _alert_task(task, now, options, recorder, groups)
        recorder.flush()
        if tasks:  # each task's following moment, in one executemany
            following = [
                {"id": t.id, "next_alert_at": next_alert(t, now, options.alert_days)} for t in tasks
            ]
            session.execute(update(Task), following)
    return result


def _alert_task(
    task: Task,
    now: datetime,
    options: Options,
    recorder: _Recorder,
    units_of: dict[int, list[Unit]],
) -> None:
    assert task.end_date is not None
    deadline_over = datetime.combine(task.end_date + timedelta(days=1), time(0, 0), ALERT_ZONE)
    line = task_line(task)
    for kind, day, due in alert_moments(task, options.alert_days):
        if due > now or due < now - LOOKBACK or due < task.created_at:
            continue
        missed = kind != "overdue" and now >= deadline_over
        for unit in _task_units(task, units_of):
            _to_unit(
                recorder,
                unit,
                "unit",
                "deadline-alert",
                f"{task.id}/{task.end_date}/{kind}",
                content.deadline_alert(options.lang, unit.name, line, kind),
                due,
                missed,
                f"alerts/{day}/{kind}-{task.id}-{_slug(unit.name)}",
            )


def _task_units(task: Task, units_of: dict[int, list[Unit]]) -> list[Unit]:
    """The units a task's messages go to: every unit for the every-unit group."""
    if any(u.all_units for u in task.units):
        return units_of.get(task.measure.plan.organization_id, [])
    return [u for u in task.units if u.merged_into_id is None]


def overdue_digests(
    factory: sessionmaker[Session], now: datetime, options: Options | None = None
) -> JobResult:
    """Queue this week's overdue digest (Monday 08:00) for every unit with overdue tasks.

    A week's digests are one round, written in one transaction: once the ledger holds any
    digest of this week's moment, later sweeps of the week (hourly on Prefect) count them
    as already there with one indexed query instead of rebuilding every digest to find so.
    Work that becomes overdue, or a plan imported, after Monday's round is in the next
    Monday's digest (each task's own overdue alert goes out the day after its end).
    """
    options = options or Options()
    result = JobResult("overdue-digests")
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(monday, DIGEST_TIME, zone)
    if due > now:
        due = datetime.combine(monday - timedelta(days=7), DIGEST_TIME, zone)
    week = f"{due.isocalendar().year}-W{due.isocalendar().week:02d}"
    with _sweep(factory, options) as session:
        result.already = _queued_between(session, "overdue-digest", due, due)
        if result.already:
            return result
        recorder = _Recorder(session, now, options, result)
        overdue = (Task.end_date < due.date(), Task.status.in_(OPEN))
        organizations = session.scalars(
            select(Plan.organization_id)
            .distinct()
            .join(Measure, Measure.plan_id == Plan.id)
            .join(Task, Task.measure_id == Measure.id)
            .where(*overdue)
            .order_by(Plan.organization_id)
        ).all()
        # A few hundred organizations at a time: bounded memory and bind parameters.
        for chunk in _chunks(list(organizations), SWEEP_CHUNK):
            _digest(session, chunk, overdue, due, week, options, recorder)
            recorder.flush()
    return result


def _digest(
    session: Session,
    organization_ids: list[int],
    overdue: tuple[Any, ...],
    due: datetime,
    week: str,
    options: Options,
    recorder: _Recorder,
) -> None:
    """The week's digest for every unit of ``organization_ids`` with overdue tasks."""
    tasks_overdue = session.scalars(
        select(Task)
        .join(Task.measure)
        .join(Measure.plan)
        .where(Plan.organization_id.in_(organization_ids), *overdue)
        .options(
            selectinload(Task.units).selectinload(Unit.contacts),
            contains_eager(Task.measure).contains_eager(Measure.plan),
        )
        .order_by(Task.id)
    ).all()
    units_of = _units_by_organization(session, set(organization_ids))
    by_unit: dict[int, tuple[Unit, list[Task]]] = {}
    for task in tasks_overdue:
        for unit in _task_units(task, units_of):
            by_unit.setdefault(unit.id, (unit, []))[1].append(task)
    for unit, tasks in by_unit.values():
        _to_unit(
            recorder,
            unit,
            "head",
            "overdue-digest",
            f"{unit.id}/{week}",
            content.overdue_digest(options.lang, unit.name, [task_line(t) for t in tasks], week),
            due,
            False,
            f"digests/{week}/overdue-{_slug(unit.name)}",
        )


# --- dispatch and the catalogue -------------------------------------------------------------------


def dispatch_outbox(
    factory: sessionmaker[Session],
    now: datetime,
    send: Sender,
    *,
    worker: str,
    should_stop: Callable[[], bool] | None = None,
    threads: int = 1,
) -> JobResult:
    """Send everything queued and due (until ``should_stop()``, checked between messages),
    ``threads`` messages at once; see tracker.followup.ledger.dispatch."""
    outcome = dispatch(factory, now, send, worker=worker, should_stop=should_stop, threads=threads)
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
