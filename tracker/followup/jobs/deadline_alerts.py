"""Deadline alerts: "n days left" before a task's last day, and "overdue" the day after it.

Due at 09:00, in the organization's zone, on each of TRACKER_DEADLINE_ALERT_DAYS days before
a task's end, and the day after it (tracker.followup.timing). A sweep reads only the tasks
whose stored next alert moment has passed (an indexed column), then stores each one's
following moment. An "n days left" alert found after the deadline is recorded as missed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.dues import next_alert, plan_alerts
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.jobs.recipients import slug, to_unit, unit_link
from tracker.followup.jobs.sweep import (
    LOOKBACK,
    OpenTask,
    Recorder,
    open_tasks,
    sweep,
    task_units,
    units_by_organization,
)
from tracker.followup.timing import deadline_over, task_alerts
from tracker.models import Task, TaskStatus, Unit
from tracker.reports import messages

JOB = "deadline-alerts"
KIND = "deadline-alert"


def deadline_alerts(
    *, factory: sessionmaker[Session], now: datetime, options: Options
) -> JobResult:
    """Queue the "n days left" and "overdue" alerts whose moment has come."""
    result = JobResult(JOB)
    with sweep(factory, options) as session:
        plan_alerts(session, options.alert_days, options.zone)
        # Open tasks whose next alert moment has come (an indexed range on next_alert_at),
        # as rows: nationally 110,000 of them.
        tasks = open_tasks(
            session, Task.next_alert_at <= now, order_by=(Task.next_alert_at, Task.id)
        )
        units_of = units_by_organization(session, {t.organization_id for t in tasks})
        recorder = Recorder(session, now, options, result)
        for task in tasks:
            _alert(task, now, options, recorder, units_of)
        recorder.flush()
        if tasks:  # each task's following moment, in one executemany
            following = [
                {"id": t.id, "next_alert_at": next_alert(t, now, options.alert_days, options.zone)}
                for t in tasks
            ]
            session.execute(update(Task), following)
    return result


def _alert(
    task: OpenTask,
    now: datetime,
    options: Options,
    recorder: Recorder,
    units_of: dict[int, list[Unit]],
) -> None:
    over = deadline_over(task, options.zone)
    line = task.line
    for kind, day, due in task_alerts(task, options.alert_days, options.zone):
        if due > now or due < now - LOOKBACK or due < task.created_at:
            continue
        for unit in task_units(task, units_of):
            link = unit_link(recorder, unit)
            to_unit(
                recorder,
                unit,
                role="unit",
                kind=KIND,
                occurrence=f"{task.id}/{line.end}/{kind}",
                message=messages.deadline_alert(
                    options.lang, unit.name, line, kind, options.answer, link
                ),
                tasks=[task.id],
                link=link,
                due=due,
                missed=kind != "overdue" and now >= over,
                fallback=f"alerts/{day}/{kind}-{task.id}-{slug(unit.name)}",
            )


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every alert moment of every task that has an end date and is not cancelled."""
    tasks = session.scalars(
        select(Task).where(Task.end_date.is_not(None), Task.status != TaskStatus.CANCELLED)
    )
    return {
        due
        for task in tasks
        for _kind, _day, due in task_alerts(task, options.alert_days, options.zone)
    }
