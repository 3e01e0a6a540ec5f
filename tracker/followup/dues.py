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

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from schedules import DEFAULT_ZONE
from schedules.followup import held
from schedules.workdays import ThaiCalendar
from tracker.errors import InvalidInput
from tracker.followup.timing import MEETING_KINDS, Deadline, lead_time, task_alerts
from tracker.models import OPEN_STATUSES, MeetingDue, MeetingSeries, Task
from tracker.services.meetings import series_meetings, series_rule

log = logging.getLogger("tracker.followup")

NO_MORE = datetime(9999, 12, 31, tzinfo=UTC)  # next_alert_at of a task with no alert left
ZONE = ZoneInfo(DEFAULT_ZONE)
PLAN_BACK = timedelta(days=35)
PLAN_AHEAD = timedelta(days=60)
PLAN_CHUNK = 500  # series planned per round trip: bounded bind parameters and memory


def plan_meeting_dues(
    session: Session, now: datetime, calendar: ThaiCalendar, zone: ZoneInfo = ZONE
) -> int:
    """Plan every series not planned today; returns how many series were planned.

    The series are claimed in one statement: an UPDATE that sets ``dues_planned_on`` only
    where it is still stale and returns the ids it changed. Of two processes sweeping at
    once, the second's UPDATE waits for the first to commit and then changes no row, so no
    series is planned twice. Claimed series are then planned a chunk at a time, a few
    statements per chunk, and series with the same rule, timing and changes share one
    calendar computation.
    """
    today = now.astimezone(zone).date()
    not_planned = or_(
        MeetingSeries.dues_planned_on.is_(None), MeetingSeries.dues_planned_on < today
    )
    claimed = sorted(
        session.scalars(
            update(MeetingSeries)
            .where(not_planned)
            .values(dues_planned_on=today)
            .returning(MeetingSeries.id)
            .execution_options(synchronize_session=False)
        ).all()
    )
    planner = _Planner(calendar, today)
    for start in range(0, len(claimed), PLAN_CHUNK):
        planner.plan(session, claimed[start : start + PLAN_CHUNK])
    return len(claimed)


@dataclass(frozen=True)
class _WantedDue:
    """One due a series' calendar asks for: what its row must say."""

    job: str
    rule_date: date
    meeting_date: date
    meeting_start: datetime
    previous_start: datetime | None
    next_date: date | None
    due_at: datetime


class _Planner:
    """Plans chunks of series for one day; remembers calendars shared by identical series."""

    def __init__(self, calendar: ThaiCalendar, today: date) -> None:
        self.calendar = calendar
        self.first, self.last = today - PLAN_BACK, today + PLAN_AHEAD
        self._wanted: dict[tuple[object, ...], list[_WantedDue]] = {}

    def plan(self, session: Session, series_ids: list[int]) -> None:
        """Bring the dues of ``series_ids`` in line with their calendars: add what is new,
        update what moved, drop what was cancelled; rows already acted on stay as they were."""
        all_series = session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.id.in_(series_ids))
            .options(selectinload(MeetingSeries.meetings))
        ).all()
        existing: dict[int, dict[tuple[str, date], MeetingDue]] = {}
        for due in session.scalars(
            select(MeetingDue).where(
                MeetingDue.series_id.in_(series_ids),
                MeetingDue.rule_date >= self.first - timedelta(days=31),
            )
        ):
            existing.setdefault(due.series_id, {})[(due.job, due.rule_date)] = due
        new_rows: list[dict[str, object]] = []
        for series in all_series:
            new_rows += self._reconcile(session, series, existing.get(series.id, {}))
        if new_rows:
            # Core, not the ORM's bulk insert: the ORM splits rows whose None columns differ
            # (a first meeting has no previous one) into separate statements.
            table = MeetingDue.__table__
            assert isinstance(table, Table)  # a declarative model's own table
            session.execute(insert(table), new_rows)  # one executemany
        session.flush()

    def _reconcile(
        self, session: Session, series: MeetingSeries, existing: dict[tuple[str, date], MeetingDue]
    ) -> list[dict[str, object]]:
        """Updates and deletes through the session; returns the rows to insert."""
        new_rows: list[dict[str, object]] = []
        keys: set[tuple[str, date]] = set()
        for want in self.wanted(series):
            key = (want.job, want.rule_date)
            if key in keys:
                continue  # an added meeting on a rule date: one due, as the unique key says
            keys.add(key)
            row = existing.get(key)
            if row is None:
                new_rows.append({"series_id": series.id, **want.__dict__})
            elif row.done_at is None:  # rows already acted on keep their history
                for name, value in want.__dict__.items():
                    if getattr(row, name) != value:
                        setattr(row, name, value)
        for key, row in existing.items():
            # A meeting cancelled (or a window that moved on) after planning: drop what was
            # not acted on, inside the planned window only.
            if key not in keys and row.done_at is None and self.first <= row.rule_date <= self.last:
                session.delete(row)
        return new_rows

    def wanted(self, series: MeetingSeries) -> list[_WantedDue]:
        """The dues a series' calendar asks for in the window, computed once per distinct
        (rule, zone, time, policy, changes, timing): nationally most series share a rule."""
        key = (
            series_rule(series),  # what the calendar reads of the series itself
            tuple((m.date, m.cancelled, m.moved_to) for m in series.meetings),
            series.reminder_days,
            series.reminder_time,
            series.report_days,
            series.report_time,
        )
        if key not in self._wanted:
            self._wanted[key] = self._compute(series)
        return self._wanted[key]

    def _compute(self, series: MeetingSeries) -> list[_WantedDue]:
        try:
            meetings = series_meetings(series, self.first, self.last, calendar=self.calendar)
        except InvalidInput as error:  # a rule stored before rules were checked
            # One bad series must not stop every organization's sweep: it gets no dues,
            # and says so in the log on every planning, until its rule is corrected.
            log.error("series %s: %s", series.id, error)
            return []
        taking_place = held(meetings)
        zone = ZoneInfo(series.timezone)
        leads = [(kind, lead_time(series, kind)) for kind in MEETING_KINDS]
        wanted: list[_WantedDue] = []
        for index, meeting in enumerate(taking_place):
            previous = taking_place[index - 1].start if index > 0 else None
            following = taking_place[index + 1].date if index + 1 < len(taking_place) else None
            for kind, lead in leads:
                due_at = lead.before(meeting.date, self.calendar, zone)
                wanted.append(
                    _WantedDue(
                        kind,
                        meeting.rule_date,
                        meeting.date,
                        meeting.start,
                        previous,
                        following,
                        due_at,
                    )
                )
        return wanted


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


def next_alert(
    task: Deadline, after: datetime, alert_days: tuple[int, ...], zone: ZoneInfo = ZONE
) -> datetime:
    """The first alert moment strictly after ``after`` (and not before the task existed)."""
    floor = max(after, task.created_at - timedelta(microseconds=1))
    for _kind, _day, due in task_alerts(task, alert_days, zone):
        if due > floor:
            return due
    return NO_MORE


def plan_alerts(session: Session, alert_days: tuple[int, ...], zone: ZoneInfo = ZONE) -> int:
    """Give every open task with an end date and no plan its first alert moment."""
    tasks = list(
        session.scalars(
            select(Task).where(
                Task.next_alert_at.is_(None),
                Task.end_date.is_not(None),
                Task.status.in_(OPEN_STATUSES),
            )
        )
    )
    for task in tasks:
        task.next_alert_at = next_alert(
            task, task.created_at - timedelta(microseconds=1), alert_days, zone
        )
    session.flush()
    return len(tasks)
