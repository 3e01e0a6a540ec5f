"""Follow-up timing: when work about a meeting, a deadline or a week is due. Pure values.

The rules the follow-up engine exists for, each once:

- a **lead time** is "``working_days`` working days before a meeting, at ``at``, in the
  series' zone" (weekends and Thai holidays skipped); only held meetings have one
  (cancelled ones are skipped, moved ones count from the day they are held);
- a meeting's **neighbours** are the held meetings just before and just after it;
- a **deadline alert** falls at ALERT_TIME on each of some days before a task's last day, and
  once the day after it (overdue);
- a **weekly moment** is a weekday at a time ("Monday 08:00"): the one at or before an
  instant, or every one in a span of days.

The planner of meeting dues, `tracker simulate`, `tracker deploy` and `tracker report` all
ask this module; none computes a moment of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from schedules.meetings import MeetingDay

ALERT_TIME = time(9, 0)


class WorkingDays(Protocol):
    """What lead times need of a calendar (schedules.workdays.ThaiCalendar is one)."""

    def add_working_days(self, day: date, count: int) -> date: ...


@dataclass(frozen=True)
class LeadTime:
    """``working_days`` working days before a meeting, at ``at`` (local time)."""

    working_days: int
    at: time

    def before(self, day: date, calendar: WorkingDays, zone: ZoneInfo) -> datetime:
        """The moment this lead time falls for a meeting held on ``day``."""
        return datetime.combine(calendar.add_working_days(day, -self.working_days), self.at, zone)


def held(meetings: Iterable[MeetingDay]) -> list[MeetingDay]:
    """The meetings that take place: every one not cancelled, in the given order."""
    return [meeting for meeting in meetings if not meeting.cancelled]


def lead_moments(
    meetings: Sequence[MeetingDay], lead: LeadTime, calendar: WorkingDays, zone: ZoneInfo
) -> list[tuple[MeetingDay, datetime]]:
    """Each held meeting with the moment ``lead`` falls before it, in meeting order."""
    return [(meeting, lead.before(meeting.date, calendar, zone)) for meeting in held(meetings)]


@dataclass(frozen=True)
class Neighbours:
    """The held meetings just before and just after one meeting (None at either end)."""

    previous: MeetingDay | None
    following: MeetingDay | None


def neighbours(meetings: Sequence[MeetingDay], day: date) -> Neighbours | None:
    """The neighbours of the held meeting on ``day`` among ``meetings`` (in order); None
    when no meeting is held that day."""
    taking_place = held(meetings)
    for index, meeting in enumerate(taking_place):
        if meeting.date == day:
            previous = taking_place[index - 1] if index > 0 else None
            following = taking_place[index + 1] if index + 1 < len(taking_place) else None
            return Neighbours(previous, following)
    return None


def alert_days(end: date, days_before: Iterable[int]) -> list[tuple[str, date]]:
    """(kind, day) of each deadline alert of a task ending on ``end``: "7d", "1d" … on the
    days before it, and "overdue" the day after, in day order."""
    alerts = [(f"{days}d", end - timedelta(days=days)) for days in days_before]
    alerts.append(("overdue", end + timedelta(days=1)))
    return sorted(alerts, key=lambda alert: alert[1])


def alert_moment(day: date, zone: ZoneInfo) -> datetime:
    """When a deadline alert of ``day`` is due: ALERT_TIME that day."""
    return datetime.combine(day, ALERT_TIME, zone)


def weekly_moment(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The latest ``weekday`` (0 = Monday) at ``at`` in ``zone`` that is not after ``now``."""
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    moment = datetime.combine(day, at, zone)
    return moment if moment <= now else moment - timedelta(days=7)


def weekly_moments(
    start: date, end: date, weekday: int, at: time, zone: ZoneInfo
) -> list[datetime]:
    """Every ``weekday`` at ``at`` in ``zone`` on a day from ``start`` to ``end``."""
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    moments = []
    while day <= end:
        moments.append(datetime.combine(day, at, zone))
        day += timedelta(days=7)
    return moments
