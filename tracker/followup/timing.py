"""When each kind of follow-up message is due, for a stored series or task (schedules.followup
holds the rules themselves; this module says which of a series' settings they read).

- ``meeting-reminder``: ``reminder_days`` working days before each held meeting, at
  ``reminder_time``, in the series' zone;
- ``progress-report``: ``report_days`` before, at ``report_time``;
- ``deadline-alert``: ALERT_TIME (09:00) on each alert day before a task's end, and the day
  after it, in the organization's zone (TRACKER_TIMEZONE);
- ``overdue-digest``: Mondays at DIGEST_TIME (08:00), in that zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from schedules.followup import LeadTime, alert_days, alert_moment, weekly_moment
from tracker.models import MeetingSeries

REMINDER, REPORT = "meeting-reminder", "progress-report"
MEETING_KINDS = (REMINDER, REPORT)  # messages due a lead time before each meeting
DIGEST_WEEKDAY, DIGEST_TIME = 0, time(8, 0)  # Monday 08:00


class Deadline(Protocol):
    """What the alert rules read of a task (a Task, or a sweep's OpenTask row): its last day
    and when it came in."""

    @property
    def end_date(self) -> date | None: ...

    @property
    def created_at(self) -> datetime: ...


def lead_time(series: MeetingSeries, kind: str) -> LeadTime:
    """How long before each of ``series``' meetings a message of ``kind`` is due."""
    if kind == REMINDER:
        return LeadTime(series.reminder_days, series.reminder_time)
    if kind == REPORT:
        return LeadTime(series.report_days, series.report_time)
    raise ValueError(f"{kind!r} is not due before meetings (kinds: {', '.join(MEETING_KINDS)})")


def task_alerts(
    task: Deadline, days_before: tuple[int, ...], zone: ZoneInfo
) -> list[tuple[str, date, datetime]]:
    """(kind, day, due moment) of every deadline alert of a task that has an end date."""
    assert task.end_date is not None
    return [
        (kind, day, alert_moment(day, zone)) for kind, day in alert_days(task.end_date, days_before)
    ]


def deadline_over(task: Deadline, zone: ZoneInfo) -> datetime:
    """The first moment after a task's last day: from then an "n days left" alert is late."""
    assert task.end_date is not None
    return datetime.combine(task.end_date + timedelta(days=1), time(0, 0), zone)


def digest_moment(now: datetime, zone: ZoneInfo) -> datetime:
    """The overdue digest round that ``now`` belongs to: the latest Monday 08:00 not after it."""
    return weekly_moment(now, DIGEST_WEEKDAY, DIGEST_TIME, zone)
