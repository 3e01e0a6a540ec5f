"""Expanding a meeting rule (RFC 5545 RRULE) into dated occurrences in its own timezone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

DEFAULT_TIMEZONE = "Asia/Bangkok"


class RecurrenceError(ValueError):
    """A rule that cannot be read; the message quotes it."""


def occurrences(
    rrule: str,
    start: date,
    end: date,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    at: time = time(9, 0),
) -> list[datetime]:
    """Every occurrence of ``rrule`` on a day from ``start`` to ``end`` (both included).

    Occurrences are aware datetimes at local time ``at`` in ``timezone``: the rule is
    evaluated on the local calendar, so a DST change never moves a meeting to another day
    or hour. ``rrule`` is the rule body without DTSTART ("FREQ=MONTHLY;BYDAY=1WE,3WE,5WE").
    """
    zone = ZoneInfo(timezone)
    first = datetime.combine(start, at)
    try:
        rule = rrulestr(rrule.removeprefix("RRULE:"), dtstart=first, ignoretz=True)
    except (ValueError, TypeError) as error:
        raise RecurrenceError(f"cannot read meeting rule {rrule!r}: {error}") from error
    last = datetime.combine(end, at)
    return [moment.replace(tzinfo=zone) for moment in rule.between(first, last, inc=True)]
