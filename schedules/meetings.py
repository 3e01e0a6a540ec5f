"""Meeting calendars: a series' rule expanded between two dates, with holidays and changes.

A series meets by its rule in its timezone at its time of day. On a public holiday its
policy decides: ``flag`` keeps the meeting and names the holiday, ``skip`` drops it, ``move``
holds it on the next working day. Explicit changes come on top: a cancelled date, a date
moved by hand, an added date.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.expansion import DEFAULT_ZONE, occurrences
from schedules.workdays import ThaiCalendar

# A moved meeting can land a few days after its rule date (a long holiday), so the rule is
# expanded a little beyond the window to find meetings moved into it.
_MOVE_MARGIN = timedelta(days=21)


class HolidayPolicy(enum.StrEnum):
    FLAG = "flag"
    SKIP = "skip"
    MOVE = "move"


@dataclass(frozen=True)
class MeetingDay:
    """One meeting of a series.

    ``rule_date`` is the date the rule gives (or the added date); ``date`` the day it is
    held; ``holiday`` the holiday ``date`` falls on (policy ``flag``), ``moved_from`` the
    rule date when it was moved, ``moved_because`` the holiday that moved it, ``cancelled``
    whether it was called off by hand.
    """

    rule_date: date
    date: dt.date  # the field's name shadows the type below it in the class body
    start: datetime
    holiday: str | None = None
    moved_from: dt.date | None = None
    moved_because: str | None = None
    cancelled: bool = False
    added: bool = False


@dataclass(frozen=True)
class SeriesRule:
    """What a meeting calendar needs to know about a series."""

    rrule: str
    timezone: str = DEFAULT_ZONE
    at: time = time(9, 0)
    policy: HolidayPolicy = HolidayPolicy.FLAG


def meeting_calendar(
    rule: SeriesRule,
    start: date,
    end: date,
    *,
    calendar: ThaiCalendar | None = None,
    cancelled: Iterable[date] = (),
    moved: Mapping[date, date] | None = None,
    added: Iterable[date] = (),
) -> list[MeetingDay]:
    """The series' meetings held (or cancelled) on a day from ``start`` to ``end``, in order.

    ``calendar`` supplies holidays (default: Thai public holidays, names in Thai); pass a
    calendar with ``extra`` days for local holidays. ``cancelled`` dates stay in the result
    marked ``cancelled`` (a calendar feed must say so); skipped holidays do not.
    """
    calendar = calendar or ThaiCalendar()
    moved = dict(moved or {})
    cancelled_dates = set(cancelled)
    zone = ZoneInfo(rule.timezone)
    found: dict[date, MeetingDay] = {}
    # Expand wide enough to see every rule date whose meeting may land in the window: a
    # policy move lands a few days later; a move by hand may come from any distance.
    moved_in = [source for source, target in moved.items() if start <= target <= end]
    first = min([start - _MOVE_MARGIN, *moved_in])
    last = max([end, *moved_in])
    rule_dates = [
        moment.date()
        for moment in occurrences(rule.rrule, first, last, timezone=rule.timezone, at=rule.at)
    ]
    for rule_date in rule_dates:
        meeting = _place(rule, zone, calendar, rule_date, moved.get(rule_date))
        if meeting is not None:
            found[rule_date] = replace(meeting, cancelled=rule_date in cancelled_dates)
    for extra in added:
        if extra not in found:
            meeting = _held_on(rule, zone, calendar, extra, extra)
            found[extra] = replace(meeting, added=True, cancelled=extra in cancelled_dates)
    return sorted(
        (m for m in found.values() if start <= m.date <= end), key=lambda m: (m.start, m.rule_date)
    )


def _place(
    rule: SeriesRule, zone: ZoneInfo, calendar: ThaiCalendar, rule_date: date, moved_to: date | None
) -> MeetingDay | None:
    if moved_to is not None:  # moved by hand: held there, whatever the policy
        meeting = _held_on(rule, zone, calendar, rule_date, moved_to)
        return replace(meeting, moved_from=rule_date)
    holiday = calendar.holiday(rule_date)
    if holiday is None or rule.policy is HolidayPolicy.FLAG:
        return _held_on(rule, zone, calendar, rule_date, rule_date)
    if rule.policy is HolidayPolicy.SKIP:
        return None
    day = calendar.next_working_day(rule_date)
    meeting = _held_on(rule, zone, calendar, rule_date, day)
    return replace(meeting, moved_from=rule_date, moved_because=holiday)


def _held_on(
    rule: SeriesRule, zone: ZoneInfo, calendar: ThaiCalendar, rule_date: date, day: date
) -> MeetingDay:
    return MeetingDay(
        rule_date=rule_date,
        date=day,
        start=datetime.combine(day, rule.at, tzinfo=zone),
        holiday=calendar.holiday(day),
    )
