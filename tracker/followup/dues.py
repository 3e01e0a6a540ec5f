"""Planning ahead: the moments follow-up work is due, stored so a sweep reads only due rows.

- Meeting dues: for every series, each held meeting's reminder and report moments, from the
  series' calendar (holidays, moves, cancellations applied). A series is planned at most once
  a (local) day, and again as soon as something about it changes (``dues_planned_on`` reset
  to None by the import or `tracker series timing`). Planning is per series; sweeping is one
  indexed query over ``meeting_dues`` for every organization.
- Alert moments: each open task's next deadline alert, in ``tasks.next_alert_at`` (NO_MORE
  when none is left), planned when a task comes in or its end date changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from tracker.models import Measure, MeetingDue, MeetingSeries, Task, TaskStatus, Unit
from tracker.services.meetings import series_meetings

NO_MORE = datetime(9999, 12, 31, tzinfo=UTC)  # next_alert_at of a task with no alert left
ALERT_TIME = time(9, 0)
ALERT_ZONE = ZoneInfo("Asia/Bangkok")
PLAN_BACK = timedelta(days=35)
PLAN_AHEAD = timedelta(days=60)
OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


def plan_meeting_dues(session: Session, now: datetime, calendar) -> int:  # type: ignore[no-untyped-def]
    """Plan every series not planned today; returns how many series were planned."""
    today = now.astimezone(ALERT_ZONE).date()
    not_planned = or_(
        MeetingSeries.dues_planned_on.is_(None), MeetingSeries.dues_planned_on < today
    )
    planned = 0
    for series_id in session.scalars(select(MeetingSeries.id).where(not_planned)).all():
        # Claim the planning with a compare-and-swap: of two processes sweeping at once, the
        # second changes no row (after the first commits) and leaves the series alone.
        claimed = session.execute(
            update(MeetingSeries)
            .where(MeetingSeries.id == series_id, not_planned)
            .values(dues_planned_on=today)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        series = session.get(MeetingSeries, series_id)
        assert series is not None
        _plan_series(session, series, today, calendar)
        planned += 1
    session.flush()
    return planned


def _plan_series(session: Session, series: MeetingSeries, today: date, calendar) -> None:  # type: ignore[no-untyped-def]
    first, last = today - PLAN_BACK, today + PLAN_AHEAD
    held = [m for m in series_meetings(series, first, last, calendar=calendar) if not m.cancelled]
    existing = {
        (due.job, due.rule_date): due
        for due in session.scalars(
            select(MeetingDue).where(
                MeetingDue.series_id == series.id,
                MeetingDue.rule_date >= first - timedelta(days=31),
            )
        )
    }
    wanted: set[tuple[str, date]] = set()
    zone = ZoneInfo(series.timezone)
    for index, meeting in enumerate(held):
        previous = held[index - 1].start if index > 0 else None
        following = held[index + 1].date if index + 1 < len(held) else None
        for job, days, at in (
            ("meeting-reminder", series.reminder_days, series.reminder_time),
            ("progress-report", series.report_days, series.report_time),
        ):
            due_at = datetime.combine(calendar.add_working_days(meeting.date, -days), at, zone)
            key = (job, meeting.rule_date)
            wanted.add(key)
            row = existing.get(key)
            if row is None:
                row = MeetingDue(series_id=series.id, job=job, rule_date=meeting.rule_date)
                session.add(row)
            elif row.done_at is not None:
                continue  # already acted on: history stays as it was
            row.meeting_date, row.meeting_start, row.due_at = meeting.date, meeting.start, due_at
            row.previous_start, row.next_date = previous, following
    for key, row in existing.items():
        # A meeting cancelled (or a window that moved on) after planning: drop what was not
        # acted on, inside the planned window only.
        if key not in wanted and row.done_at is None and first <= row.rule_date <= last:
            session.delete(row)


def due_meeting_rows(
    session: Session, job: str, now: datetime, lookback: timedelta
) -> list[MeetingDue]:
    """The dues of ``job`` whose moment has come and that no sweep has acted on yet."""
    return list(
        session.scalars(
            select(MeetingDue)
            .where(
                MeetingDue.done_at.is_(None),
                MeetingDue.job == job,
                MeetingDue.due_at <= now,
                MeetingDue.due_at >= now - lookback,
            )
            .order_by(MeetingDue.due_at, MeetingDue.id)
        )
    )


# --- deadline alerts ---------------------------------------------------------------------


def alert_moments(task: Task, alert_days: tuple[int, ...]) -> list[tuple[str, date, datetime]]:
    """(kind, day, due) of every alert of a task: n days before its end, and overdue."""
    assert task.end_date is not None
    moments = [(f"{days}d", task.end_date - timedelta(days=days)) for days in alert_days]
    moments.append(("overdue", task.end_date + timedelta(days=1)))
    return sorted(
        ((kind, day, datetime.combine(day, ALERT_TIME, ALERT_ZONE)) for kind, day in moments),
        key=lambda m: m[2],
    )


def next_alert(task: Task, after: datetime, alert_days: tuple[int, ...]) -> datetime:
    """The first alert moment strictly after ``after`` (and not before the task existed)."""
    floor = max(after, task.created_at - timedelta(microseconds=1))
    for _kind, _day, due in alert_moments(task, alert_days):
        if due > floor:
            return due
    return NO_MORE


def plan_alerts(session: Session, alert_days: tuple[int, ...]) -> int:
    """Give every open task with an end date and no plan its first alert moment."""
    tasks = list(
        session.scalars(
            select(Task).where(
                Task.next_alert_at.is_(None), Task.end_date.is_not(None), Task.status.in_(OPEN)
            )
        )
    )
    for task in tasks:
        task.next_alert_at = next_alert(
            task, task.created_at - timedelta(microseconds=1), alert_days
        )
    session.flush()
    return len(tasks)


def due_alert_tasks(session: Session, now: datetime) -> list[Task]:
    """Open tasks whose next alert moment has come (an indexed range on next_alert_at)."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.next_alert_at <= now, Task.status.in_(OPEN))
            .options(
                selectinload(Task.units).selectinload(Unit.contacts),
                selectinload(Task.measure).selectinload(Measure.plan),
            )
            .order_by(Task.next_alert_at, Task.id)
        )
    )
