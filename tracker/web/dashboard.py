"""What the secretariat's pages show, assembled from the services (reads only).

The dashboard: a plan's completion by measure and by unit, its overdue tasks, the units that
have not updated their open tasks since their series' last meeting, and the next meetings
with the open tasks each will follow up. Beside it, what the other pages list that no
service lists scoped to one organization yet: the state of each unit's link and the
organization's outbox.

Every function takes the organization (or its id) and reads nothing of another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from schedules.meetings import MeetingDay
from schedules.workdays import ThaiCalendar
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    OPEN_STATUSES,
    AccessToken,
    Measure,
    MeetingSeries,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Plan,
    Task,
    TaskEvent,
    TokenKind,
    Unit,
)
from tracker.reports.progress import completion_of
from tracker.services import meetings as meeting_service
from tracker.services.tasks import TaskQuery, is_responsible, list_tasks
from tracker.services.units import list_units

COMING_MEETINGS = 5

# --- plans and tasks ---------------------------------------------------------------------------


def organization_plans(session: Session, organization_id: int) -> list[Plan]:
    """The organization's plans, the latest fiscal year first."""
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.organization_id == organization_id)
            .order_by(Plan.fiscal_year.desc(), Plan.id.desc())
        )
    )


def chosen_plan(session: Session, organization_id: int, plan_id: int | None) -> Plan | None:
    """The plan asked for (NotFound when it is not one of the organization's), else its
    latest plan (None when it has none yet)."""
    plans = organization_plans(session, organization_id)
    if plan_id is None:
        return plans[0] if plans else None
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise NotFound(f"no plan with id {plan_id}", what="plan")


def organization_tasks(
    session: Session,
    organization_id: int,
    today: date,
    *,
    plan: Plan | None = None,
    unit: Unit | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> list[Task]:
    """The tasks ``tracker tasks`` would list with the same filters, limited to the
    organization: of ``plan``, else of every plan it has (latest fiscal year first)."""
    plans = [plan] if plan is not None else organization_plans(session, organization_id)
    found: list[Task] = []
    for each in plans:
        query = TaskQuery(as_of=today, plan_id=each.id, unit=unit, status=status, overdue=overdue)
        found += list_tasks(session, query)
    return found


def owned_task(session: Session, organization_id: int, task_id: int) -> Task:
    """The task, if the organization holds it; else NotFound (never a refusal: another
    organization's task stays unknown)."""
    task = session.get(Task, task_id)
    if task is None or task.measure.plan.organization_id != organization_id:
        raise NotFound(f"no task with id {task_id}", what="task")
    return task


def owned_unit(session: Session, organization_id: int, unit_id: int) -> Unit:
    """The organization's unit (not merged away), else NotFound."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.organization_id != organization_id or unit.merged_into_id is not None:
        raise NotFound(f"no unit with id {unit_id}", what="unit")
    return unit


def owned_series(session: Session, organization_id: int, series_id: int) -> MeetingSeries:
    """The organization's meeting series, else NotFound."""
    series = session.get(MeetingSeries, series_id)
    if series is None or series.organization_id != organization_id:
        raise NotFound(f"no meeting series with id {series_id}", what="series")
    return series


# --- completion ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """How far a set of tasks is, by the progress report's rule
    (:func:`tracker.reports.progress.completion_of`)."""

    done: int
    total: int
    mean: float

    @classmethod
    def of(cls, tasks: Iterable[Task]) -> Completion:
        total, done, mean = completion_of(list(tasks))
        return cls(done, total, mean)


@dataclass(frozen=True)
class MeasureProgress:
    measure: Measure
    completion: Completion


@dataclass(frozen=True)
class UnitProgress:
    """A unit's tasks: those it is named on and, for a real unit, the every-unit group's."""

    unit: Unit
    completion: Completion
    overdue: int


def by_measure(tasks: Sequence[Task]) -> list[MeasureProgress]:
    """Completion of each measure the tasks belong to, in plan order."""
    groups: dict[int, list[Task]] = {}
    measures: dict[int, Measure] = {}
    for task in tasks:
        groups.setdefault(task.measure_id, []).append(task)
        measures[task.measure_id] = task.measure
    ordered = sorted(measures.values(), key=lambda m: (m.plan_id, m.position))
    return [MeasureProgress(m, Completion.of(groups[m.id])) for m in ordered]


def by_unit(units: Sequence[Unit], tasks: Sequence[Task], today: date) -> list[UnitProgress]:
    """Completion of each unit's tasks (as :func:`tracker.services.tasks.is_responsible`
    decides), in the order of ``units``; units with no task are left out."""
    rows = []
    for unit in units:
        mine = [t for t in tasks if is_responsible(t, unit)]
        if mine:
            overdue = sum(1 for t in mine if t.is_overdue(today))
            rows.append(UnitProgress(unit, Completion.of(mine), overdue))
    return rows


# --- who has not updated -------------------------------------------------------------------------


@dataclass(frozen=True)
class SilentUnit:
    unit: Unit
    tasks: list[Task]  # its open tasks of the series it did not update


@dataclass(frozen=True)
class SeriesSilence:
    """The units with open, started tasks of ``series`` none of which they updated since
    the series' last meeting (held before today; None: since the plan began)."""

    series: MeetingSeries
    last_meeting: MeetingDay | None
    units: list[SilentUnit]


def silent_units(
    session: Session,
    units: Sequence[Unit],
    tasks: Sequence[Task],
    today: date,
    calendar: ThaiCalendar | None = None,
) -> list[SeriesSilence]:
    """For each series following up some of ``tasks``, the units that made no change to
    any of their open, started tasks of it after its last meeting started ("updated" is a
    TaskEvent made by the unit, or by a unit since merged into it). Every-unit groups are
    not asked: their tasks are every real unit's."""
    followed: dict[int, list[Task]] = {}
    series_of: dict[int, MeetingSeries] = {}
    for task in tasks:
        started = task.start_date is None or task.start_date <= today
        if task.series is not None and task.status in OPEN_STATUSES and started:
            followed.setdefault(task.series.id, []).append(task)
            series_of[task.series.id] = task.series
    real_units = [u for u in units if not u.all_units]
    current = _current_unit_ids(session, real_units)
    found = []
    for series_id in sorted(followed):
        series = series_of[series_id]
        last = meeting_service.last_meeting_before(series, today, calendar)
        open_tasks = followed[series_id]
        updated = _updated_by(session, open_tasks, last.start if last else None, current)
        silent = []
        for unit in real_units:
            mine = [t for t in open_tasks if is_responsible(t, unit)]
            if mine and not any((t.id, unit.id) in updated for t in mine):
                silent.append(SilentUnit(unit, mine))
        found.append(SeriesSilence(series, last, silent))
    return found


def _current_unit_ids(session: Session, units: Sequence[Unit]) -> dict[int, int]:
    """Each of these units' id, and the id of every unit merged into one of them, mapped to
    the unit it is now part of."""
    current = {u.id: u.id for u in units}
    frontier = set(current)
    while frontier:
        rows = session.execute(
            select(Unit.id, Unit.merged_into_id).where(Unit.merged_into_id.in_(frontier))
        ).all()
        frontier = set()
        for unit_id, into in rows:
            if unit_id not in current and into is not None:
                current[unit_id] = current[into]
                frontier.add(unit_id)
    return current


def _updated_by(
    session: Session, tasks: Sequence[Task], since: datetime | None, current: dict[int, int]
) -> set[tuple[int, int]]:
    """(task id, unit id) of every change a unit made to one of ``tasks`` after ``since``."""
    if not tasks:
        return set()
    statement = select(TaskEvent.task_id, TaskEvent.actor_unit_id).where(
        TaskEvent.task_id.in_([t.id for t in tasks]), TaskEvent.actor_unit_id.is_not(None)
    )
    if since is not None:
        statement = statement.where(TaskEvent.at > since)
    return {
        (task_id, current[unit_id])
        for task_id, unit_id in session.execute(statement.distinct()).all()
        if unit_id in current
    }


# --- the next meetings -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComingMeeting:
    """A meeting to come, with the open tasks its series follows up (none when cancelled)
    and how many of them will be overdue on its day."""

    series: MeetingSeries
    meeting: MeetingDay
    tasks: list[Task] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.is_overdue(self.meeting.date))


def coming_meetings(
    session: Session,
    organization: Organization,
    today: date,
    count: int = COMING_MEETINGS,
    calendar: ThaiCalendar | None = None,
) -> list[ComingMeeting]:
    """The organization's next ``count`` meetings from today on (cancelled ones shown too),
    each held one with the open tasks of its series, in plan order."""
    upcoming = meeting_service.next_meetings(session, organization, today, count, calendar=calendar)
    open_tasks = series_open_tasks(session, {series.id for series, _ in upcoming})
    return [
        ComingMeeting(series, meeting, [] if meeting.cancelled else open_tasks.get(series.id, []))
        for series, meeting in upcoming
    ]


def series_open_tasks(session: Session, series_ids: set[int]) -> dict[int, list[Task]]:
    """The open tasks each series follows up, in plan, measure and step order."""
    if not series_ids:
        return {}
    found: dict[int, list[Task]] = {}
    for task in session.scalars(
        select(Task)
        .join(Task.measure)
        .join(Measure.plan)
        .where(Task.series_id.in_(series_ids), Task.status.in_(OPEN_STATUSES))
        .options(selectinload(Task.units), selectinload(Task.measure))
        .order_by(Plan.fiscal_year, Measure.position, Task.number)
    ):
        assert task.series_id is not None  # selected by its series
        found.setdefault(task.series_id, []).append(task)
    return found


# --- the dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    plans: list[Plan]
    plan: Plan | None
    overall: Completion
    measures: list[MeasureProgress]
    units: list[UnitProgress]
    overdue: list[Task]
    silence: list[SeriesSilence]
    coming: list[ComingMeeting]


def dashboard(
    session: Session,
    organization: Organization,
    today: date,
    *,
    plan_id: int | None = None,
    calendar: ThaiCalendar | None = None,
) -> Dashboard:
    """The plan at a glance on ``today`` (a local date): ``plan_id``'s, else the latest."""
    plans = organization_plans(session, organization.id)
    plan = chosen_plan(session, organization.id, plan_id)
    tasks = organization_tasks(session, organization.id, today, plan=plan) if plan else []
    units = list_units(session, organization)
    return Dashboard(
        plans=plans,
        plan=plan,
        overall=Completion.of(tasks),
        measures=by_measure(tasks),
        units=by_unit(units, tasks, today),
        overdue=[t for t in tasks if t.is_overdue(today)],
        silence=silent_units(session, units, tasks, today, calendar),
        coming=coming_meetings(session, organization, today, calendar=calendar),
    )


# --- unit links ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    """Where a unit's link stands: ``usable`` until ``expires_at``, else revoked (when
    ``revoked_at``) or expired; ``last_used_at`` is when it last opened the unit's page."""

    usable: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def link_states(session: Session, organization_id: int, now: datetime) -> dict[int, LinkState]:
    """Each unit's link state (by unit id; a unit that never had a link is absent): its
    usable link if it has one, else its newest."""
    states: dict[int, LinkState] = {}
    for token in session.scalars(
        select(AccessToken)
        .where(
            AccessToken.kind == TokenKind.UNIT_LINK,
            AccessToken.organization_id == organization_id,
        )
        .order_by(AccessToken.id)
    ):
        assert token.unit_id is not None  # a unit link always names its unit
        state = LinkState(token.usable(now), token.expires_at, token.revoked_at, token.last_used_at)
        kept = states.get(token.unit_id)
        if kept is None or state.usable or not kept.usable:
            states[token.unit_id] = state
    return states


# --- the outbox --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def organization_outbox(
    session: Session,
    organization_id: int,
    *,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> OutboxPage:
    """The organization's outbox messages (of ``status`` when given), newest first, a page
    at a time. (``tracker.services.outbox.list_messages`` lists every organization's.)"""
    conditions = [OutboxMessage.organization_id == organization_id]
    if status is not None:
        conditions.append(OutboxMessage.status == outbox_status(status))
    total = session.scalar(select(func.count(OutboxMessage.id)).where(*conditions))
    rows = session.scalars(
        select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return OutboxPage(list(rows), int(total or 0), page, page_size)


def require_own_message(session: Session, organization_id: int, message_id: int) -> None:
    """Returns when the outbox message is the organization's; else NotFound."""
    found = session.scalar(
        select(OutboxMessage.organization_id).where(OutboxMessage.id == message_id)
    )
    if found != organization_id:
        raise NotFound(f"no outbox message with id {message_id}", what="message")


def retryable_messages(session: Session, organization_id: int, status: str) -> list[int]:
    """The ids of the organization's messages of ``status`` (failed or missed), oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.organization_id == organization_id,
                OutboxMessage.status == outbox_status(status),
            )
            .order_by(OutboxMessage.id)
        )
    )


def outbox_status(text: str) -> OutboxStatus:
    """The outbox status named ``text``, else InvalidInput listing them."""
    try:
        return OutboxStatus(text)
    except ValueError:
        known = ", ".join(s.value for s in OutboxStatus)
        raise InvalidInput(f"status {text!r} is not one of {known}", what="status") from None
