"""Weekly overdue digests: on Monday morning, each unit's head gets the unit's overdue tasks.

Due Mondays at 08:00 in the organization's zone (tracker.followup.timing). A week's digests
are one round, written in one transaction: once the ledger holds any digest of this week's
moment, later sweeps of the week (hourly on Prefect) count them as already there with one
indexed query instead of rebuilding every digest to find so. Work that becomes overdue, or a
plan imported, after Monday's round is in the next Monday's digest (each task's own overdue
alert goes out the day after its end).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schedules.followup import weekly_moments
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.jobs.recipients import slug, to_unit, unit_link
from tracker.followup.jobs.sweep import (
    OpenTask,
    Recorder,
    chunks,
    open_tasks,
    queued_between,
    sweep,
    task_units,
    units_by_organization,
)
from tracker.followup.timing import DIGEST_TIME, DIGEST_WEEKDAY, digest_moment
from tracker.models import OPEN_STATUSES, Measure, Plan, Task, Unit
from tracker.reports import messages

JOB = "overdue-digests"
KIND = "overdue-digest"


def overdue_digests(
    *, factory: sessionmaker[Session], now: datetime, options: Options
) -> JobResult:
    """Queue this week's overdue digest for every unit with overdue tasks (see the module)."""
    result = JobResult(JOB)
    due = digest_moment(now, options.zone)
    week = f"{due.isocalendar().year}-W{due.isocalendar().week:02d}"
    with sweep(factory, options) as session:
        result.already = queued_between(session, KIND, due, due)
        if result.already:
            return result
        recorder = Recorder(session, now, options, result)
        # Overdue on Monday's moment, in a plan that existed then (imported later: next week).
        overdue = (
            Task.end_date < due.date(),
            Task.status.in_(OPEN_STATUSES),
            Task.created_at <= due,
        )
        organizations = session.scalars(
            select(Plan.organization_id)
            .distinct()
            .join(Measure, Measure.plan_id == Plan.id)
            .join(Task, Task.measure_id == Measure.id)
            .where(*overdue)
            .order_by(Plan.organization_id)
        ).all()
        # A few hundred organizations at a time: bounded memory and bind parameters.
        for chunk in chunks(list(organizations)):
            _digest(session, chunk, overdue, due, week, options, recorder)
            recorder.flush()
    return result


def _digest(
    session: Session,
    organization_ids: list[int],
    overdue: tuple[Any, ...],
    due: datetime,
    week: str,
    options: Options,
    recorder: Recorder,
) -> None:
    """The week's digest for every unit of ``organization_ids`` with overdue tasks."""
    tasks_overdue = open_tasks(session, Plan.organization_id.in_(organization_ids), *overdue)
    units_of = units_by_organization(session, set(organization_ids))
    by_unit: dict[int, tuple[Unit, list[OpenTask]]] = {}
    for task in tasks_overdue:
        for unit in task_units(task, units_of):
            by_unit.setdefault(unit.id, (unit, []))[1].append(task)
    for unit, tasks in by_unit.values():
        link = unit_link(recorder, unit)
        to_unit(
            recorder,
            unit,
            role="head",
            kind=KIND,
            occurrence=f"{unit.id}/{week}",
            message=messages.overdue_digest(
                options.lang, unit.name, [t.line for t in tasks], week, link
            ),
            tasks=[t.id for t in tasks],
            link=link,
            due=due,
            missed=False,
            fallback=f"digests/{week}/overdue-{slug(unit.name)}",
        )


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every Monday 08:00 from ``start`` to ``end``."""
    return set(weekly_moments(start, end, DIGEST_WEEKDAY, DIGEST_TIME, options.zone))
