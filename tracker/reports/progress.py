"""The meeting progress report ("รายงานผลการดำเนินการ"): built as data, then rendered.

``build_progress_report`` reads the plan's state for one meeting of a series (Core rows:
:class:`PlanState`, loaded for many series at once by the report job); ``render`` turns it
into text, Markdown, HTML (tracker.reports.progress_render) or JSON. The builder never sends
anything and the renderers never read the database.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schedules import DEFAULT_ZONE, format_date, format_span
from tracker.models import (
    Measure,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
    task_units,
)

FORMATS = ("txt", "md", "html", "json")


@dataclass
class StepState:
    id: int
    ref: str
    title: str
    units: list[str]
    period: str
    status: str
    percent: int
    last_note: str | None
    evidence_url: str | None
    last_update: str | None  # ISO instant of the last unit change
    overdue: bool


@dataclass
class MeasureState:
    title: str
    steps: list[StepState]


@dataclass
class UnitProgress:
    """How far one responsible unit's tasks are (the every-unit group under its own name)."""

    unit: str
    total: int
    done: int
    completion: float


@dataclass
class ProgressReport:
    organization: str
    series: str
    meeting: str  # ISO date
    previous_meeting: str | None
    next_meeting: str | None
    measures: list[MeasureState]
    newly_done: list[str] = field(default_factory=list)  # refs "#id (1.2)"
    newly_overdue: list[str] = field(default_factory=list)
    no_update: list[str] = field(default_factory=list)
    due_before_next: list[str] = field(default_factory=list)
    done: int = 0
    total: int = 0
    completion: float = 0.0  # mean percent of the tasks that are not cancelled
    by_unit: list[UnitProgress] = field(default_factory=list)  # in order of first appearance
    timezone: str = DEFAULT_ZONE  # the series' zone: where the meeting's days are days


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task as a progress report reads it: a Core row with its measure and its units'
    names (in unit id order, as ``Task.units``), not an ORM object, since a national report
    morning reads 200,000 of them."""

    id: int
    measure_id: int
    measure_title: str
    measure_position: int
    number: int
    title: str
    start_date: date | None
    end_date: date | None
    status: TaskStatus
    percent: int
    units: tuple[str, ...]

    def is_overdue(self, on: date) -> bool:
        """Task.is_overdue, the one rule, applied to this row."""
        return Task.is_overdue(self, on)  # type: ignore[arg-type]  # reads the same fields


@dataclass(frozen=True, slots=True)
class UnitEvent:
    """A change a unit made to a task (not an import's, not a merge's): what reports read."""

    at: datetime
    field: str
    after: str | None
    note: str | None
    evidence_url: str | None


@dataclass
class PlanState:
    """What progress reports read, loaded for many series at once: each series' tasks (with
    their measures and units) in report order, each task's changes made by units, each
    organization's name."""

    tasks: dict[int, list[TaskRow]]  # series id -> tasks
    events: dict[int, list[UnitEvent]]  # task id -> changes by units, oldest first
    organizations: dict[int, str]  # organization id -> name
    first_task_at: dict[int, datetime]  # series id -> when its first task came in

    @classmethod
    def load(cls, session: Session, series_ids: Collection[int]) -> PlanState:
        """Five Core queries whatever the number of series (keep ``series_ids`` to a few
        hundred: each is a bind parameter). The units and events are joined to the tasks by
        series, not listed by task id: a national sweep has too many of them."""
        in_series = Task.series_id.in_(series_ids)
        # On the session's connection: rows as the driver gives them, without the ORM's
        # result handling (half the time of a national morning's reading). What the
        # session holds unwritten is flushed first, as an ORM query would.
        session.flush()
        connection = session.connection()
        names: dict[int, list[str]] = {}
        for task_id, name in connection.execute(
            select(task_units.c.task_id, Unit.name)
            .join(Unit, Unit.id == task_units.c.unit_id)
            .join(Task, Task.id == task_units.c.task_id)
            .where(in_series)
            .order_by(task_units.c.task_id, Unit.id)
        ):
            names.setdefault(task_id, []).append(name)
        tasks: dict[int, list[TaskRow]] = {series_id: [] for series_id in series_ids}
        for row in connection.execute(
            select(
                Task.series_id,
                Task.id,
                Task.measure_id,
                Measure.title,
                Measure.position,
                Task.number,
                Task.title,
                Task.start_date,
                Task.end_date,
                Task.status,
                Task.percent,
            )
            .join(Measure, Measure.id == Task.measure_id)
            .join(Plan, Plan.id == Measure.plan_id)
            .where(in_series)
            .order_by(Task.series_id, Plan.fiscal_year, Measure.position, Task.number)
        ):
            series_id, fields = row[0], row[1:]
            assert series_id is not None  # selected by its series
            tasks[series_id].append(TaskRow(*fields, units=tuple(names.get(row.id, ()))))
        events: dict[int, list[UnitEvent]] = {}
        for task_id, at, what, after, note, evidence_url in connection.execute(
            select(
                TaskEvent.task_id,
                TaskEvent.at,
                TaskEvent.field,
                TaskEvent.after,
                TaskEvent.note,
                TaskEvent.evidence_url,
            )
            .join(Task, Task.id == TaskEvent.task_id)
            .where(in_series, TaskEvent.actor_unit_id.is_not(None))
            .order_by(TaskEvent.id)
        ):
            events.setdefault(task_id, []).append(UnitEvent(at, what, after, note, evidence_url))
        organizations = dict(
            connection.execute(
                select(Organization.id, Organization.name)
                .join(MeetingSeries, MeetingSeries.organization_id == Organization.id)
                .where(MeetingSeries.id.in_(series_ids))
            ).all()
        )
        first_task_at = {
            series_id: first
            for series_id, first in connection.execute(
                select(Task.series_id, func.min(Task.created_at))
                .where(in_series)
                .group_by(Task.series_id)
            )
            if series_id is not None
        }
        return cls(tasks, events, organizations, first_task_at)


def build_progress_report(
    session: Session,
    series: MeetingSeries,
    meeting: date,
    *,
    previous: datetime | None,
    next_meeting: date | None,
    lang: str = "th",
    state: PlanState | None = None,
) -> ProgressReport:
    """The state, for ``meeting``, of every task followed up by ``series``.

    ``previous`` is when the previous meeting started: "since the previous meeting" means
    after it. Overdue is judged on the meeting day. ``state``, loaded for many series at
    once, saves the queries; without it the series' own state is loaded.
    """
    if state is None:
        state = PlanState.load(session, [series.id])
    tasks = state.tasks.get(series.id, [])
    report = ProgressReport(
        organization=state.organizations[series.organization_id],
        series=series.name,
        meeting=meeting.isoformat(),
        previous_meeting=previous.date().isoformat() if previous else None,
        next_meeting=next_meeting.isoformat() if next_meeting else None,
        measures=[],
        timezone=series.timezone,
    )
    by_measure: dict[int, MeasureState] = {}
    for task in tasks:
        events = state.events.get(task.id, ())
        step = _step(task, events, meeting, lang)
        by_measure.setdefault(task.measure_id, MeasureState(task.measure_title, [])).steps.append(
            step
        )
        _changes(report, task, step, events, meeting, previous, next_meeting)
    report.measures = list(by_measure.values())
    report.total, report.done, report.completion = completion_of(tasks)
    report.by_unit = _by_unit(tasks)
    return report


def _by_unit(tasks: Collection[TaskRow]) -> list[UnitProgress]:
    """Each unit's completion (:func:`completion_of`), units with no counted task left out."""
    grouped: dict[str, list[TaskRow]] = {}
    for task in tasks:
        for unit in task.units:
            grouped.setdefault(unit, []).append(task)
    rows = [UnitProgress(name, *completion_of(own)) for name, own in grouped.items()]
    return [row for row in rows if row.total]


class Counted(Protocol):
    """What :func:`completion_of` reads of a task (a Task, a TaskRow)."""

    @property
    def status(self) -> TaskStatus: ...

    @property
    def percent(self) -> int: ...


def completion_of(tasks: Collection[Counted]) -> tuple[int, int, float]:
    """How far ``tasks`` are, by the rule every completion figure follows (the report, the
    dashboard, the API): (tasks counted, of them done, mean percent rounded to one decimal).
    Cancelled tasks count for nothing; no task counted is 0 %."""
    counted = [t for t in tasks if t.status is not TaskStatus.CANCELLED]
    done = sum(1 for t in counted if t.status is TaskStatus.DONE)
    mean = round(sum(t.percent for t in counted) / len(counted), 1) if counted else 0.0
    return len(counted), done, mean


def step_label(step: StepState) -> str:
    """How the report's lists (newly done, no update …) name a step: "#12 (1.3)"."""
    return f"#{step.id} ({step.ref})"


@lru_cache(maxsize=4096)
def _period(start: date | None, end: date | None, lang: str) -> str:
    """format_span, remembered: a national morning formats the same few hundred spans
    200,000 times."""
    return format_span(start, end, lang)  # type: ignore[arg-type]


def _step(task: TaskRow, events: Sequence[UnitEvent], meeting: date, lang: str) -> StepState:
    noted = [e for e in events if e.note or e.evidence_url]
    return StepState(
        id=task.id,
        ref=f"{task.measure_position}.{task.number}",
        title=task.title,
        units=list(task.units),
        period=_period(task.start_date, task.end_date, lang),
        status=task.status.value,
        percent=task.percent,
        last_note=next((e.note for e in reversed(noted) if e.note), None),
        evidence_url=next((e.evidence_url for e in reversed(noted) if e.evidence_url), None),
        last_update=events[-1].at.isoformat() if events else None,
        overdue=task.is_overdue(meeting),
    )


def _changes(
    report: ProgressReport,
    task: TaskRow,
    state: StepState,
    events: Sequence[UnitEvent],
    meeting: date,
    previous: datetime | None,
    next_meeting: date | None,
) -> None:
    label = step_label(state)
    since = [e for e in events if previous is None or e.at > previous]
    if any(e.field == "status" and e.after == TaskStatus.DONE.value for e in since):
        report.newly_done.append(label)
    previous_day = previous.date() if previous else None
    if state.overdue and task.end_date and (previous_day is None or task.end_date >= previous_day):
        report.newly_overdue.append(label)
    started = task.start_date is None or task.start_date <= meeting
    if not task.status.is_closed and started and not since:
        report.no_update.append(label)
    if (
        not task.status.is_closed
        and task.end_date
        and next_meeting
        and meeting <= task.end_date < next_meeting
    ):
        report.due_before_next.append(label)


# --- rendering ----------------------------------------------------------------------------


def render(report: ProgressReport, fmt: str, lang: str = "th") -> str:
    """The report as txt, md, html or json (tracker.reports.progress_render writes the first
    three)."""
    from tracker.reports import progress_render

    if fmt == "json":
        return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"
    writers = {
        "txt": progress_render.render_text,
        "md": progress_render.render_markdown,
        "html": progress_render.render_html,
    }
    return writers[fmt](report, lang)


def subject(report: ProgressReport, lang: str) -> str:
    meeting = format_date(date.fromisoformat(report.meeting), lang)  # type: ignore[arg-type]
    if lang == "th":
        return f"[ITA] รายงานผลการดำเนินการ สำหรับ{report.series} {meeting}"
    return f"[ITA] Progress report for {report.series}, {meeting}"
