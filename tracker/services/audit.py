"""The audit log of an organization: its tasks' events, filtered and paged, newest first.

Every change to a task is a :class:`~tracker.models.TaskEvent` (append-only); this module only
reads them. An event belongs to the organization of its task's plan, so one organization's
log never shows another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from schedules import DEFAULT_ZONE
from tracker.errors import InvalidInput
from tracker.models import Measure, Plan, Task, TaskEvent, Unit

PAGE_SIZE = 50
MAX_ACTOR_TEXT = 300


@dataclass(frozen=True)
class AuditQuery:
    """What to look for. ``unit_id``: events that unit made (its own, and those of the units
    merged into it, made before the merge); ``actor``: text the actor's label contains (any
    case); ``start``/``end``: local days, both included; ``page``: 1-based."""

    organization_id: int
    unit_id: int | None = None
    task_id: int | None = None
    actor: str | None = None
    field: str | None = None
    start: date | None = None
    end: date | None = None
    page: int = 1
    page_size: int = PAGE_SIZE
    zone: str = DEFAULT_ZONE


@dataclass(frozen=True)
class AuditPage:
    """One page of the log: its events, newest first, and how many match in all."""

    events: list[TaskEvent]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def audit_page(session: Session, query: AuditQuery) -> AuditPage:
    """The events matching ``query``, one page of them, newest first (each with its task and
    the task's measure loaded). A page past the last is empty; a page below 1, a start after
    the end or an overlong actor text is InvalidInput."""
    if query.page < 1:
        raise InvalidInput(f"page must be 1 or more, not {query.page}", what="page")
    if query.start and query.end and query.start > query.end:
        raise InvalidInput(
            f"the first day {query.start.isoformat()} is after the last {query.end.isoformat()}"
        )
    conditions = _conditions(session, query)
    total = session.scalar(
        select(func.count(TaskEvent.id))
        .join(Task, Task.id == TaskEvent.task_id)
        .join(Measure, Measure.id == Task.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(*conditions)
    )
    events = session.scalars(
        select(TaskEvent)
        .join(TaskEvent.task)
        .join(Task.measure)
        .join(Measure.plan)
        .where(*conditions)
        .options(
            contains_eager(TaskEvent.task).contains_eager(Task.measure),
            selectinload(TaskEvent.files),
        )
        .order_by(TaskEvent.at.desc(), TaskEvent.id.desc())
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
    )
    return AuditPage(list(events), int(total or 0), query.page, query.page_size)


def _conditions(session: Session, query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Plan.organization_id == query.organization_id]
    if query.unit_id is not None:
        conditions.append(TaskEvent.actor_unit_id.in_(unit_and_merged(session, query.unit_id)))
    if query.task_id is not None:
        conditions.append(TaskEvent.task_id == query.task_id)
    if query.actor and query.actor.strip():
        text = query.actor.strip()
        if len(text) > MAX_ACTOR_TEXT:
            raise InvalidInput(f"the actor to look for is longer than {MAX_ACTOR_TEXT} characters")
        conditions.append(func.lower(TaskEvent.actor).contains(text.lower(), autoescape=True))
    if query.field:
        conditions.append(TaskEvent.field == query.field)
    zone = ZoneInfo(query.zone)
    if query.start is not None:
        conditions.append(TaskEvent.at >= datetime.combine(query.start, time(0), zone))
    if query.end is not None:
        after = query.end + timedelta(days=1)
        conditions.append(TaskEvent.at < datetime.combine(after, time(0), zone))
    return conditions


def unit_and_merged(session: Session, unit_id: int) -> set[int]:
    """The unit's id and the ids of every unit merged into it, directly or through another
    merged unit: past events name the unit that made them, which may since have merged."""
    found = {unit_id}
    frontier = {unit_id}
    while frontier:
        merged = set(session.scalars(select(Unit.id).where(Unit.merged_into_id.in_(frontier))))
        frontier = merged - found
        found |= frontier
    return found


def logged_fields(session: Session, organization_id: int) -> list[str]:
    """Every field the organization's log has events of, in name order (for a picker)."""
    return list(
        session.scalars(
            select(TaskEvent.field)
            .join(Task, Task.id == TaskEvent.task_id)
            .join(Measure, Measure.id == Task.measure_id)
            .join(Plan, Plan.id == Measure.plan_id)
            .where(Plan.organization_id == organization_id)
            .distinct()
            .order_by(TaskEvent.field)
        )
    )
