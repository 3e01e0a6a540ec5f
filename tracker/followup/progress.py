"""The meeting progress report ("รายงานผลการดำเนินการ"): built as data, rendered by templates.

``build_progress_report`` reads the plan's state for one meeting of a series; ``render`` turns
it into text, Markdown, HTML or JSON. The builder never sends anything and the renderers never
read the database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules import format_date, format_span
from tracker.models import (
    Measure,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
)

FORMATS = ("txt", "md", "html", "json")
TEMPLATES = Path(__file__).parent / "templates"


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


def build_progress_report(
    session: Session,
    series: MeetingSeries,
    meeting: date,
    *,
    previous: datetime | None,
    next_meeting: date | None,
    lang: str = "th",
) -> ProgressReport:
    """The state, for ``meeting``, of every task followed up by ``series``.

    ``previous`` is when the previous meeting started: "since the previous meeting" means
    after it. Overdue is judged on the meeting day.
    """
    tasks = list(
        session.scalars(
            select(Task)
            .join(Task.measure)
            .join(Measure.plan)
            .where(Task.series_id == series.id)
            .order_by(Plan.fiscal_year, Measure.position, Task.number)
        )
    )
    report = ProgressReport(
        organization=session.get(Organization, series.organization_id).name,  # type: ignore[union-attr]
        series=series.name,
        meeting=meeting.isoformat(),
        previous_meeting=previous.date().isoformat() if previous else None,
        next_meeting=next_meeting.isoformat() if next_meeting else None,
        measures=[],
    )
    events = _events(session, [t.id for t in tasks])
    by_measure: dict[int, MeasureState] = {}
    for task in tasks:
        state = _step(task, events.get(task.id, []), meeting, lang)
        by_measure.setdefault(task.measure_id, MeasureState(task.measure.title, [])).steps.append(
            state
        )
        _changes(report, task, state, events.get(task.id, []), meeting, previous, next_meeting)
    report.measures = list(by_measure.values())
    counted = [t for t in tasks if t.status is not TaskStatus.CANCELLED]
    report.total = len(counted)
    report.done = sum(1 for t in counted if t.status is TaskStatus.DONE)
    report.completion = round(sum(t.percent for t in counted) / len(counted), 1) if counted else 0
    return report


def _events(session: Session, task_ids: list[int]) -> dict[int, list[TaskEvent]]:
    found: dict[int, list[TaskEvent]] = {}
    if not task_ids:
        return found
    for event in session.scalars(
        select(TaskEvent).where(TaskEvent.task_id.in_(task_ids)).order_by(TaskEvent.id)
    ):
        found.setdefault(event.task_id, []).append(event)
    return found


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
    label = f"#{task.id} ({state.ref})"
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


STATUS_WORDS = {
    "th": {
        "not_started": "ยังไม่เริ่ม",
        "in_progress": "กำลังดำเนินการ",
        "done": "เสร็จแล้ว",
        "cancelled": "ยกเลิก",
    },
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "cancelled": "cancelled",
    },
}


def render(report: ProgressReport, fmt: str, lang: str = "th") -> str:
    """The report as txt, md, html or json."""
    if fmt == "json":
        return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"
    template = _environment(fmt == "html").get_template(f"progress.{fmt}.j2")
    return template.render(r=report, lang=lang, **_helpers(lang))


@cache
def _environment(html: bool) -> Any:
    """One Jinja environment per escaping mode: templates are compiled once per process."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["cell"] = _markdown_cell
    return environment


def _markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipe or line break can split the row."""
    return " ".join(str(value or "").split()).replace("|", "\\|")


def _helpers(lang: str) -> dict[str, Any]:
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    def day(iso: str) -> str:
        return format_date(date.fromisoformat(iso), lang)  # type: ignore[arg-type]

    def status(value: str) -> str:
        return STATUS_WORDS["th" if lang == "th" else "en"][value]

    return {"t": t, "day": day, "status": status}


def subject(report: ProgressReport, lang: str) -> str:
    meeting = format_date(date.fromisoformat(report.meeting), lang)  # type: ignore[arg-type]
    if lang == "th":
        return f"[ITA] รายงานผลการดำเนินการ สำหรับ{report.series} {meeting}"
    return f"[ITA] Progress report for {report.series}, {meeting}"
