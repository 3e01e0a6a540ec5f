"""Meeting reminders: before each meeting, one digest to each unit of its open tasks.

Due ``reminder_days`` working days before each held meeting, at ``reminder_time``, in the
series' zone (tracker.followup.timing). Each unit's digest groups its open tasks by what the
meeting needs of them: overdue, due before the next meeting, in progress without an update
since the last meeting, and the rest. Found after its meeting started: recorded as missed.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.jobs.recipients import slug, to_unit, unit_link
from tracker.followup.jobs.sweep import (
    MeetingContext,
    OpenTask,
    Recorder,
    meeting_due_chunks,
    meeting_moments,
    sweep,
    tasks_by_unit,
)
from tracker.followup.timing import REMINDER
from tracker.models import MeetingDue, TaskStatus
from tracker.reports import messages

JOB = "meeting-reminders"


def meeting_reminders(
    *, factory: sessionmaker[Session], now: datetime, options: Options
) -> JobResult:
    """Queue one digest per responsible unit before each meeting (see the module docstring).

    One indexed query finds the due meetings of every organization; one query each loads
    their tasks, units and last updates, SWEEP_CHUNK dues at a time.
    """
    result = JobResult(JOB)
    with sweep(factory, options) as session:
        for recorder, chunk in meeting_due_chunks(session, REMINDER, now, options, result):
            context = MeetingContext.load(session, {d.series_id for d in chunk})
            for due in chunk:
                _remind(context, due, now, options, recorder)
    return result


def _remind(
    context: MeetingContext, due: MeetingDue, now: datetime, options: Options, recorder: Recorder
) -> None:
    series = context.series[due.series_id]
    organization = context.organizations[series.organization_id]
    tasks = [
        t
        for t in context.tasks.get(series.id, [])
        if t.created_at <= due.due_at and (t.line.start is None or t.line.start <= due.meeting_date)
    ]
    zone = ZoneInfo(series.timezone)
    updated = {
        t.id
        for t in tasks
        if t.id in context.last_update
        and (due.previous_start is None or context.last_update[t.id] > due.previous_start)
    }
    start = due.meeting_start.astimezone(zone)
    today = now.astimezone(zone).date()
    for unit, mine in tasks_by_unit(tasks, context.units.get(organization.id, [])):
        groups = _groups(mine, today, due.next_date, updated, options.lang)
        link = unit_link(recorder, unit)
        to_unit(
            recorder,
            unit,
            role="unit",
            kind=REMINDER,
            # The unit is part of what the digest is about: two units sharing one address
            # (a small office's one clerk) each get their own.
            occurrence=f"{series.id}/{due.meeting_date}/{unit.id}",
            message=messages.reminder(
                options.lang, unit.name, series.name, start, groups, options.answer, link
            ),
            tasks=[line.id for _heading, listed in groups for line in listed],
            link=link,
            due=due.due_at,
            missed=now >= due.meeting_start,
            fallback=f"{slug(organization.name)}/{due.meeting_date}/reminder-{slug(unit.name)}",
        )


def _groups(
    tasks: list[OpenTask],
    today: date,
    following: date | None,
    updated: set[int],
    lang: str,
) -> list[tuple[str, list[messages.TaskLine]]]:
    overdue, due_soon, stale, other = [], [], [], []
    for task in tasks:
        line = task.line
        if task.is_overdue(today):
            overdue.append(line)
        elif line.end and following and line.end < following:
            due_soon.append(line)
        elif line.status == TaskStatus.IN_PROGRESS and line.id not in updated:
            stale.append(line)
        else:
            other.append(line)
    return messages.reminder_groups(lang, overdue, due_soon, stale, other)


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every reminder moment of every series for meetings from ``start`` on (a meeting up to
    40 days after ``end`` can have its moment before ``end``)."""
    return meeting_moments(session, REMINDER, start, end, options)
