"""Expanding a meeting rule (an RFC 5545 RRULE) into its occurrences, on the local calendar.

Kept apart from the phrase reader (:mod:`schedules.recurrence`): meeting calendars, the
models and every command that shows a date need this, and none of them should pay at
start-up for the Thai phrase patterns.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from schedules.rrules import INTERVAL_ANCHOR as _ANCHOR_MOMENT
from schedules.rrules import check_rrule

# The zone meetings, deadlines and "today" are in unless a series or a setting says otherwise.
DEFAULT_ZONE = "Asia/Bangkok"
# The day rules with an INTERVAL count their cycles from (a Monday, the 1st of a month).
INTERVAL_ANCHOR = _ANCHOR_MOMENT.date()


def occurrences(
    rrule: str,
    start: date,
    end: date,
    *,
    timezone: str = DEFAULT_ZONE,
    at: time = time(9, 0),
) -> list[datetime]:
    """Every occurrence of ``rrule`` on a day from ``start`` to ``end`` (both included).

    Occurrences are aware datetimes at local time ``at`` in ``timezone``: the rule is
    evaluated on the local calendar, so a DST change never moves a meeting to another day
    or hour. ``rrule`` is the rule body without DTSTART ("FREQ=MONTHLY;BYDAY=1WE,3WE,5WE").
    """
    zone = ZoneInfo(timezone)
    first, last = datetime.combine(start, at), datetime.combine(end, at)
    # Checked again here (cached), so a rule stored by an older version can never hang or
    # crash a calendar: it is a RecurrenceError naming it.
    body = _local_until(check_rrule(rrule), zone)
    # A rule with an INTERVAL counts its cycles from a fixed day, so "every 2 weeks" names
    # the same Mondays whatever window is asked for; others may start at the window.
    anchor = datetime.combine(INTERVAL_ANCHOR, at) if "INTERVAL=" in body else first
    rule = rrulestr(body, dtstart=anchor, ignoretz=True)
    return [moment.replace(tzinfo=zone) for moment in rule.between(first, last, inc=True)]


def _local_until(body: str, zone: ZoneInfo) -> str:
    """Rewrite a UTC UNTIL (…Z, as RFC 5545 wants for zoned rules) as local wall time.

    Rules are evaluated on the local calendar, so the end must be local too: 02:00Z on
    30 Jan 2023 is 09:00 that day in Bangkok, and the 09:00 meeting then still counts.
    """
    match = re.search(r"(?i)UNTIL=(\d{8}T\d{6})Z", body)
    if match is None:
        return body
    moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
    return body[: match.start()] + f"UNTIL={local}" + body[match.end() :]
