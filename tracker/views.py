"""The shapes rows take on the way out, the same for every front end (CLI ``--json``, export,
and the web API to come): plain dicts of plain values (ISO dates, English identifiers).

- ``*_document``: the parts of a plan document (tracker/schemas/plan.schema.json), which
  `tracker export` writes and every import reads;
- ``*_row``: a listed thing as ``--json`` prints it (a task row is its document plus its id,
  where it stands, and the words for its period and overdue state);
- the import summary and the audit log's updates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from schedules import fiscal_year_bounds, format_span
from schedules.meetings import MeetingDay, SeriesRule, meeting_calendar
from tracker.models import (
    Assessment,
    AttemptOutcome,
    Measure,
    MeetingSeries,
    OutboxAttempt,
    OutboxMessage,
    OutboxStatus,
    Plan,
    Task,
    TaskEvent,
    Unit,
)
from tracker.redact import mask_address, mask_links, mask_secrets

# --- plan documents -----------------------------------------------------------------------


def assessment_document(assessment: Assessment | None) -> dict[str, Any] | None:
    """An assessment as the plan document holds it (None when the plan has none)."""
    if assessment is None:
        return None
    return {
        "year": assessment.year,
        "score": assessment.score,
        "grade": assessment.grade,
        "indicators": [
            {"number": i.number, "name": i.name, "tool": i.tool.value, "score": i.score}
            for i in assessment.indicators
        ],
        "items": [
            {
                "code": i.code,
                "tool": i.tool.value,
                "score": i.score,
                "question": i.question,
                "suggestion": i.suggestion,
            }
            for i in assessment.items
        ],
    }


def unit_document(unit: Unit) -> dict[str, Any]:
    """A unit with its other names and contacts, as the plan document holds it."""
    return {
        "name": unit.name,
        "aliases": [a.name for a in unit.aliases],
        "all_units": unit.all_units,
        "contacts": [
            {"channel": c.channel, "address": c.address, "role": c.role}
            | ({"fallback": True} if c.fallback else {})
            for c in unit.contacts
        ],
    }


def series_document(series: MeetingSeries) -> dict[str, Any]:
    """A meeting series with its timing, recipients and exceptions, as the document holds it."""
    return {
        "name": series.name,
        "rrule": series.rrule,
        "text": series.text,
        "timezone": series.timezone,
        "time": series.time_of_day.strftime("%H:%M"),
        "place": series.place,
        "holiday_policy": series.holiday_policy.value,
        "reminder_days": series.reminder_days,
        "reminder_time": series.reminder_time.strftime("%H:%M"),
        "report_days": series.report_days,
        "report_time": series.report_time.strftime("%H:%M"),
        "recipients": [
            {"channel": r.channel, "address": r.address, "name": r.name} for r in series.recipients
        ],
        "exceptions": [
            {
                "date": m.date.isoformat(),
                "cancelled": m.cancelled,
                "moved_to": m.moved_to.isoformat() if m.moved_to else None,
                "note": m.note,
            }
            for m in series.meetings
        ],
    }


def measure_document(measure: Measure) -> dict[str, Any]:
    """A measure with its item codes and tasks, as the plan document holds it."""
    return {
        "title": measure.title,
        "items": [i.code for i in measure.items],
        "tasks": [task_document(t) for t in measure.tasks],
    }


def task_document(task: Task) -> dict[str, Any]:
    """A task as the plan document holds it: what it is, who, when, and how far along."""
    return {
        "number": task.number,
        "title": task.title,
        "units": [u.name for u in task.units],
        "period_text": task.period_text,
        "start": task.start_date.isoformat() if task.start_date else None,
        "end": task.end_date.isoformat() if task.end_date else None,
        "follow_up": task.series.name if task.series else None,
        "status": task.status.value,
        "percent": task.percent,
    }


# --- rows -----------------------------------------------------------------------------------


def task_row(task: Task, as_of: date, lang: str) -> dict[str, Any]:
    """A task as `tracker tasks --json` prints it: its document with its id, where it stands,
    its period in words (after the dates) and whether it is overdue on ``as_of`` (local)."""
    document = task_document(task)
    what, progress = list(document)[:6], list(document)[6:]  # number … end | follow_up …
    return {
        "id": task.id,
        "plan_id": task.measure.plan_id,
        "measure": task.measure.position,
        **{key: document[key] for key in what},
        "period": format_span(task.start_date, task.end_date, lang),  # type: ignore[arg-type]
        **{key: document[key] for key in progress},
        "overdue": task.is_overdue(as_of),
    }


def plan_row(plan: Plan) -> dict[str, Any]:
    """A plan as `tracker plans --json` lists it."""
    return {
        "id": plan.id,
        "organization": plan.organization.name,
        "fiscal_year": plan.fiscal_year,
        "title": plan.title,
        "measures": len(plan.measures),
        "tasks": sum(len(m.tasks) for m in plan.measures),
    }


def unit_row(unit: Unit, task_count: int) -> dict[str, Any]:
    """A unit as `tracker units --json` lists it, with the number of tasks it holds."""
    return {
        "id": unit.id,
        "name": unit.name,
        "aliases": [a.name for a in unit.aliases],
        "all_units": unit.all_units,
        "contacts": [
            {"channel": c.channel, "address": mask_address(c.channel, c.address)}
            for c in unit.contacts
        ],
        "tasks": task_count,
    }


def series_row(series: MeetingSeries) -> dict[str, Any]:
    """A meeting series' follow-up set-up as `tracker series --json` lists it."""
    return {
        "name": series.name,
        "rrule": series.rrule,
        "holiday_policy": series.holiday_policy.value,
        "reminder_days": series.reminder_days,
        "reminder_time": series.reminder_time.strftime("%H:%M"),
        "report_days": series.report_days,
        "report_time": series.report_time.strftime("%H:%M"),
        "recipients": [
            {"channel": r.channel, "address": mask_address(r.channel, r.address)}
            for r in series.recipients
        ],
    }


def meeting_row(series_name: str, meeting: MeetingDay, place: str | None = None) -> dict[str, Any]:
    """A meeting as `tracker meetings --json` lists it."""
    return {
        "date": meeting.date.isoformat(),
        "start": meeting.start.isoformat(),
        "holiday": meeting.holiday,
        "moved_from": meeting.moved_from.isoformat() if meeting.moved_from else None,
        "moved_because": meeting.moved_because,
        "cancelled": meeting.cancelled,
        "added": meeting.added,
        "series": series_name,
        "place": place,
    }


def outbox_row(message: OutboxMessage) -> dict[str, Any]:
    """A ledger row as `tracker outbox --json` lists it: the recipient as it may be shown
    (a webhook's or an Apprise URL's token masked), the reason with any secret masked, and
    the secret of a unit link in the subject too."""
    return {
        "id": message.id,
        "job": message.job,
        "occurrence": message.occurrence,
        "channel": message.channel,
        "recipient": mask_address(message.channel, message.recipient),
        "subject": mask_links(message.subject),
        "status": message.status.value,
        "attempts": message.attempts,
        "interruptions": message.interruptions,
        "due_at": message.due_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "next_attempt_at": _iso(message.next_attempt_at)
        if message.status.value == "pending"
        else None,
        "lease_until": _iso(message.lease_until) if message.status.value == "sending" else None,
        "idempotency_key": message.idempotency_key,
        "fallback_of": message.fallback_of,
        "last_error": mask_secrets(message.last_error) if message.last_error else None,
    }


def outbox_detail(message: OutboxMessage, attempts: list[OutboxAttempt]) -> dict[str, Any]:
    """One ledger row with its text and every attempt, as `tracker outbox show ID` gives it."""
    history = [
        {
            "worker": a.worker,
            "started_at": a.started_at.isoformat(),
            "lease_until": a.lease_until.isoformat(),
            "finished_at": _iso(a.finished_at),
            "outcome": a.outcome.value,
            "error": mask_secrets(a.error) if a.error else None,
        }
        for a in attempts
    ]
    if message.status is OutboxStatus.SENDING:  # the claim in progress, from its row
        history.append(
            {
                "worker": message.claimed_by,
                "started_at": _iso(message.claimed_at),
                "lease_until": _iso(message.lease_until),
                "finished_at": None,
                "outcome": AttemptOutcome.SENDING.value,
                "error": None,
            }
        )
    text = mask_links(message.body_text)  # a unit's link in it is the unit's key
    return outbox_row(message) | {"text": text, "attempt_history": history}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def found_summary(document: dict[str, Any]) -> dict[str, Any]:
    """What a plan document holds, counted: what an import reports before it writes."""
    assessment = document.get("assessment") or {}
    first, last = fiscal_year_bounds(document["fiscal_year"])
    meetings = {
        s["name"]: len(meeting_calendar(SeriesRule(s["rrule"]), first, last))
        for s in document.get("meeting_series", [])
    }
    return {
        "organization": document["organization"]["name"],
        "assessment_year": assessment.get("year"),
        "fiscal_year": document["fiscal_year"],
        "score": assessment.get("score"),
        "grade": assessment.get("grade"),
        "measures": len(document["measures"]),
        "tasks": sum(len(m["tasks"]) for m in document["measures"]),
        "units": len(document.get("units", [])),
        "items": len(assessment.get("items", [])),
        "meetings_in_fiscal_year": meetings,
    }


# --- the audit log -----------------------------------------------------------------------------


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
