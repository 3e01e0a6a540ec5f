"""The meeting progress report ("รายงานผลการดำเนินการ"): built as data, rendered by templates.

``build_progress_report`` reads the plan's state for one meeting of a series; ``render`` turns
it into text, Markdown, HTML or JSON. The builder never sends anything and the renderers never
read the database.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from schedules import DEFAULT_ZONE, format_date, format_span
from tracker.models import (
    Measure,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
)
from tracker.reports.render import render as render_template

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


@dataclass
class PlanState:
    """What progress reports read, loaded for many series at once: each series' tasks (with
    their measures and units) in report order, each task's events, each organization's name.
    """

    tasks: dict[int, list[Task]]  # series id -> tasks
    events: dict[int, list[TaskEvent]]  # task id -> events, oldest first
    organizations: dict[int, str]  # organization id -> name

    @classmethod
    def load(cls, session: Session, series_ids: Collection[int]) -> PlanState:
        """A fixed handful of queries whatever the number of series (keep ``series_ids`` to a
        few hundred: each is a bind parameter)."""
        tasks: dict[int, list[Task]] = {series_id: [] for series_id in series_ids}
        for task in session.scalars(
            select(Task)
            .join(Task.measure)
            .join(Measure.plan)
            .where(Task.series_id.in_(series_ids))
            .options(contains_eager(Task.measure), selectinload(Task.units))
            .order_by(Task.series_id, Plan.fiscal_year, Measure.position, Task.number)
        ):
            assert task.series_id is not None  # selected by its series
            tasks[task.series_id].append(task)
        events: dict[int, list[TaskEvent]] = {}
        for event in session.scalars(
            # A join, not an IN list of task ids: a national sweep has too many of them.
            select(TaskEvent)
            .join(Task, Task.id == TaskEvent.task_id)
            .where(Task.series_id.in_(series_ids))
            .order_by(TaskEvent.id)
        ):
            events.setdefault(event.task_id, []).append(event)
        organizations = dict(
            session.execute(
                select(Organization.id, Organization.name)
                .join(MeetingSeries, MeetingSeries.organization_id == Organization.id)
                .where(MeetingSeries.id.in_(series_ids))
            ).all()
        )
        return cls(tasks, events, organizations)


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
        events = state.events.get(task.id, [])
        step = _step(task, events, meeting, lang)
        by_measure.setdefault(task.measure_id, MeasureState(task.measure.title, [])).steps.append(
            step
        )
        _changes(report, task, step, events, meeting, previous, next_meeting)
    report.measures = list(by_measure.values())
    report.total, report.done, report.completion = completion_of(tasks)
    report.by_unit = _by_unit(tasks)
    return report


def _by_unit(tasks: Collection[Task]) -> list[UnitProgress]:
    """Each unit's completion (:func:`completion_of`), units with no counted task left out."""
    grouped: dict[str, list[Task]] = {}
    for task in tasks:
        for unit in task.units:
            grouped.setdefault(unit.name, []).append(task)
    rows = [UnitProgress(name, *completion_of(own)) for name, own in grouped.items()]
    return [row for row in rows if row.total]


def completion_of(tasks: Collection[Task]) -> tuple[int, int, float]:
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


def _unit_events(events: list[TaskEvent]) -> list[TaskEvent]:
    """Changes made by units (not by imports or merges)."""
    return [e for e in events if e.actor_unit_id is not None]


def _step(task: Task, events: list[TaskEvent], meeting: date, lang: str) -> StepState:
    by_units = _unit_events(events)
    noted = [e for e in by_units if e.note or e.evidence_url]
    return StepState(
        id=task.id,
        ref=f"{task.measure.position}.{task.number}",
        title=task.title,
        units=[u.name for u in task.units],
        period=format_span(task.start_date, task.end_date, lang),  # type: ignore[arg-type]
        status=task.status.value,
        percent=task.percent,
        last_note=next((e.note for e in reversed(noted) if e.note), None),
        evidence_url=next((e.evidence_url for e in reversed(noted) if e.evidence_url), None),
        last_update=by_units[-1].at.isoformat() if by_units else None,
        overdue=task.is_overdue(meeting),
    )


def _changes(
    report: ProgressReport,
    task: Task,
    state: StepState,
    events: list[TaskEvent],
    meeting: date,
    previous: datetime | None,
    next_meeting: date | None,
) -> None:
    label = step_label(state)
    since = [e for e in _unit_events(events) if previous is None or e.at > previous]
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
    """The report as txt, md, html or json."""
    if fmt == "json":
        return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"
    return render_template(f"progress.{fmt}.j2", escape=fmt == "html", lang=lang, r=report)


def subject(report: ProgressReport, lang: str) -> str:
    meeting = format_date(date.fromisoformat(report.meeting), lang)  # type: ignore[arg-type]
    if lang == "th":
        return f"[ITA] รายงานผลการดำเนินการ สำหรับ{report.series} {meeting}"
    return f"[ITA] Progress report for {report.series}, {meeting}"
