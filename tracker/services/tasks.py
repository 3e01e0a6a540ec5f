"""Tasks: listing with filters, and the changes units make (done, progress, reopen).

Every change writes TaskEvents in the same transaction as the change itself, so the audit log
and the task can never disagree. Only a unit responsible for a task may change it: a unit
named on the task, or any unit of the organization when the task belongs to the every-unit
group.

A change reads the task with ``get_task(session, id, for_update=True)`` first: two commands
changing one task at the same moment then run one after the other, each starting from what
the other left, instead of both starting from the same old state (a lost update).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.db import lock_for_update
from tracker.errors import InvalidInput, NotFound, Refused
from tracker.models import (
    OPEN_STATUSES,
    Measure,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
    task_units,
)


@dataclass(frozen=True)
class TaskQuery:
    """What ``tracker tasks`` filters on. ``as_of`` is the Bangkok date "overdue" is judged on."""

    as_of: date
    plan_id: int | None = None
    unit: Unit | None = None
    status: str | None = None  # a TaskStatus value
    overdue: bool = False
    due_before: date | None = None  # ends before this day (the day itself not included)


def list_tasks(session: Session, query: TaskQuery) -> list[Task]:
    """Tasks matching ``query``, in plan, measure and step order."""
    statement = _task_select()
    if query.plan_id is not None:
        statement = statement.where(Measure.plan_id == query.plan_id)
    if query.unit is not None:
        statement = statement.where(_responsible(query.unit))
    if query.status is not None:
        statement = statement.where(Task.status == TaskStatus(query.status))
    if query.due_before is not None:
        statement = statement.where(Task.end_date < query.due_before)
    if query.overdue:
        statement = statement.where(
            Task.end_date < query.as_of,
            Task.status.in_(OPEN_STATUSES),
        )
    return list(session.scalars(statement))


def _task_select() -> Select[Task]:
    return (
        select(Task)
        .join(Task.measure)
        .join(Measure.plan)
        .options(selectinload(Task.units), selectinload(Task.measure), selectinload(Task.series))
        .order_by(Plan.id, Measure.position, Task.number)
    )


def _responsible(unit: Unit) -> ColumnElement[bool]:
    named = select(task_units.c.task_id).where(task_units.c.unit_id == unit.id)
    via_group = (
        select(task_units.c.task_id)
        .join(Unit, Unit.id == task_units.c.unit_id)
        .where(Unit.all_units.is_(True), Unit.organization_id == unit.organization_id)
    )
    return or_(Task.id.in_(named), Task.id.in_(via_group))


def get_task(session: Session, task_id: int, *, for_update: bool = False) -> Task:
    """The task with this id, or NotFound.

    With ``for_update`` the task is read fresh under a lock held until the session's
    transaction ends (see :func:`tracker.db.lock_for_update`): a concurrent change of the same
    task waits, then sees this one's result. Read it so before changing it.
    """
    if for_update:
        lock_for_update(session)
    task = session.get(Task, task_id, with_for_update=for_update, populate_existing=for_update)
    if task is None:
        raise NotFound(f"no task with id {task_id}", what="task")
    return task


def is_responsible(task: Task, unit: Unit) -> bool:
    """Whether ``unit`` may change ``task``."""
    if unit.organization_id != task.measure.plan.organization_id:
        return False
    return any(u.id == unit.id or u.all_units for u in task.units)


def _require_responsible(task: Task, unit: Unit) -> None:
    if not is_responsible(task, unit):
        owners = ", ".join(u.name for u in task.units) or "no unit"
        raise Refused(f"unit {unit.name!r} is not responsible for task {task.id} ({owners} is)")


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a responsible unit, optionally a named person within it."""

    unit: Unit
    user: str | None = None

    @property
    def label(self) -> str:
        return f"{self.user} ({self.unit.name})" if self.user else self.unit.name


def _record(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    field: str,
    before: object,
    after: object,
    *,
    note: str | None = None,
    evidence_url: str | None = None,
) -> TaskEvent:
    event = TaskEvent(
        task=task,
        at=now,
        actor=actor.label,
        actor_unit_id=actor.unit.id,
        field=field,
        before=None if before is None else str(before),
        after=None if after is None else str(after),
        note=note,
        evidence_url=evidence_url,
    )
    session.add(event)
    task.updated_at = now
    return event


def _change(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    changes: dict[str, object],
    **extra: str | None,
) -> list[TaskEvent]:
    """Apply ``changes`` (field -> new value) and write one event per field that changed.

    ``task`` must have been read with ``get_task(..., for_update=True)`` in this transaction,
    so the events' ``before`` values are what the database holds, not a stale copy.

    The note and evidence go on the first event only, so the log shows them once. They and
    the actor's name are checked first (see :func:`checked_extras`): nothing is written
    when one is refused.
    """
    actor = checked_actor(actor)
    extra = checked_extras(**extra)
    events: list[TaskEvent] = []
    for field, new in changes.items():
        old = getattr(task, field)
        if old == new:
            continue
        setattr(task, field, new)
        events.append(_record(session, task, actor, now, field, _text(old), _text(new), **extra))
        extra = {}
    if not events and (extra.get("note") or extra.get("evidence_url")):
        events.append(_record(session, task, actor, now, "note", None, None, **extra))
    session.flush()
    return events


def _text(value: object) -> object:
    return value.value if isinstance(value, TaskStatus) else value


MAX_NOTE_LENGTH = 5000


def checked_actor(actor: Actor) -> Actor:
    """The actor with the person's name as stored (a clean name), or InvalidInput."""
    from tracker.inputs import TextProblem, clean_name

    if actor.user is None:
        return actor
    try:
        return Actor(actor.unit, clean_name(actor.user))
    except TextProblem as problem:
        raise InvalidInput(f"the name of who acts {problem}") from None


def checked_extras(
    *, note: str | None = None, evidence_url: str | None = None
) -> dict[str, str | None]:
    """The note (text, at most MAX_NOTE_LENGTH characters; blank is none) and the evidence
    (an http or https link) as they will be stored; else InvalidInput saying why."""
    from tracker.inputs import TextProblem, check_text, check_web_url

    try:
        note = check_text(note).strip() or None if note is not None else None
    except TextProblem as problem:
        raise InvalidInput(f"the note {problem}") from None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(
            f"the note is {len(note):,} characters long; keep it to {MAX_NOTE_LENGTH:,}"
        )
    if evidence_url is not None:
        try:
            evidence_url = check_web_url(evidence_url)
        except TextProblem as problem:
            shown = evidence_url if len(evidence_url) <= 60 else evidence_url[:59] + "…"
            raise InvalidInput(f"evidence {shown!r} {problem}") from None
    return {"note": note, "evidence_url": evidence_url}


def mark_done(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    evidence_url: str | None = None,
) -> list[TaskEvent]:
    """Mark a task done (100 percent). Marking a done task done again changes nothing."""
    _require_responsible(task, actor.unit)
    if task.status is TaskStatus.CANCELLED:
        raise Refused(f"task {task.id} is cancelled; reopen it before marking it done")
    if task.status is TaskStatus.DONE and not (note or evidence_url):
        return []
    return _change(
        session,
        task,
        actor,
        now,
        {"status": TaskStatus.DONE, "percent": 100},
        note=note,
        evidence_url=evidence_url,
    )


def set_progress(
    session: Session,
    task: Task,
    actor: Actor,
    percent: int,
    now: datetime,
    *,
    note: str | None = None,
    evidence_url: str | None = None,
) -> list[TaskEvent]:
    """Report progress. 100 means done; above 0 starts a not-started task.

    A closed task (done, cancelled) is refused: reopen it first, so that un-doing work is
    always an explicit, noted decision.
    """
    if not 0 <= percent <= 100:
        raise InvalidInput(f"percent must be between 0 and 100, not {percent}")
    _require_responsible(task, actor.unit)
    if task.status.is_closed:
        raise Refused(f"task {task.id} is {task.status.value}; reopen it to report progress")
    if percent == 100:
        status = TaskStatus.DONE
    elif percent > 0:
        status = TaskStatus.IN_PROGRESS
    else:
        status = task.status
    return _change(
        session,
        task,
        actor,
        now,
        {"percent": percent, "status": status},
        note=note,
        evidence_url=evidence_url,
    )


def reopen(
    session: Session, task: Task, actor: Actor, now: datetime, *, note: str
) -> list[TaskEvent]:
    """Reopen a done or cancelled task, with a note saying why.

    The percent goes back to what it was before the task was marked done (from the audit
    log), since "done" set it to 100; a task with no such history restarts at 0.
    """
    _require_responsible(task, actor.unit)
    if not note or not note.strip():
        raise InvalidInput("reopening a task needs a note saying why", what="note")
    if not task.status.is_closed:
        raise Refused(f"task {task.id} is {task.status.value}, not done or cancelled")
    percent = task.percent
    if task.status is TaskStatus.DONE:
        percent = _percent_before_done(history(session, task))
    return _change(
        session,
        task,
        actor,
        now,
        {"status": TaskStatus.IN_PROGRESS, "percent": percent},
        note=note,
    )


def add_note(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    *,
    note: str,
    evidence_url: str | None = None,
) -> list[TaskEvent]:
    """Write a note (and an evidence link) on a task without changing it, whatever its
    status: one audit entry. A blank note is refused."""
    _require_responsible(task, actor.unit)
    if not checked_extras(note=note)["note"]:
        raise InvalidInput("a note needs some text", what="note")
    return _change(session, task, actor, now, {}, note=note, evidence_url=evidence_url)


def _percent_before_done(events: list[TaskEvent]) -> int:
    for event in reversed(events):
        if event.field == "percent" and event.after == "100" and event.before is not None:
            return int(event.before) if int(event.before) < 100 else 0
    return 0


def history(session: Session, task: Task) -> list[TaskEvent]:
    """The task's audit log, oldest first."""
    return list(
        session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)
        )
    )
