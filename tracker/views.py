"""The shapes rows take on the way out: what ``--json`` prints, and what screens are built from.

Plain dicts of plain values (ISO dates, English identifiers), the same for every front end,
so a script reading ``tracker tasks --json`` and a page showing a task agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schedules import format_span
from tracker.models import Task, TaskEvent


def task_row(task: Task, as_of: date, lang: str) -> dict[str, Any]:
    """A task as `tracker tasks --json` prints it; ``as_of`` (a local date) judges overdue."""
    return {
        "id": task.id,
        "plan_id": task.measure.plan_id,
        "measure": task.measure.position,
        "number": task.number,
        "title": task.title,
        "units": [u.name for u in task.units],
        "period_text": task.period_text,
        "start": task.start_date.isoformat() if task.start_date else None,
        "end": task.end_date.isoformat() if task.end_date else None,
        "period": format_span(task.start_date, task.end_date, lang),  # type: ignore[arg-type]
        "follow_up": task.series.name if task.series else None,
        "status": task.status.value,
        "percent": task.percent,
        "overdue": task.is_overdue(as_of),
    }


def event_row(event: TaskEvent) -> dict[str, Any]:
    """One audit-log entry as `tracker tasks history --json` prints it."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "field": event.field,
        "before": event.before,
        "after": event.after,
        "note": event.note,
        "evidence_url": event.evidence_url,
    }


def update_rows(events: list[TaskEvent]) -> list[dict[str, Any]]:
    """The audit log as updates: the events one change wrote as one row with every field it
    changed and its note and evidence, oldest first.

    A change writes one event per field it changed, all at one moment by one actor, with its
    note and evidence on the first; a note alone is an event of its own. So an update ends
    where the moment or actor changes, a field comes again, or an event carries a note or
    evidence of its own (a clock frozen for a demo gives many changes one moment).
    """
    groups: list[list[TaskEvent]] = []
    for event in events:
        current = groups[-1] if groups else None
        if current is None or not _continues(current, event):
            groups.append([event])
        else:
            current.append(event)
    return [_update(group) for group in groups]


def _continues(group: list[TaskEvent], event: TaskEvent) -> bool:
    first = group[0]
    return (
        (event.at, event.actor) == (first.at, first.actor)
        and event.field not in {e.field for e in group}
        and "note" not in (event.field, first.field)
        and not (event.note or event.evidence_url)
    )


def _update(group: list[TaskEvent]) -> dict[str, Any]:
    first = group[0]
    return {
        "at": first.at.isoformat(),
        "actor": first.actor,
        "changes": [
            {"field": e.field, "before": e.before, "after": e.after}
            for e in group
            if e.field != "note"
        ],
        "note": first.note,
        "evidence_url": first.evidence_url,
    }


def evidence_rows(events: list[TaskEvent]) -> list[dict[str, Any]]:
    """Every piece of evidence a task was given, oldest first, with who gave it and when."""
    return [
        {"at": e.at.isoformat(), "actor": e.actor, "url": e.evidence_url, "note": e.note}
        for e in events
        if e.evidence_url
    ]
