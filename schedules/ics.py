"""Calendar feeds (RFC 5545) of a series' meetings: one VEVENT per meeting, explicit dates.

Outlook cannot hold "the 5th Wednesday" in one rule, so the feed lists every occurrence.
Each event's UID comes from the series and the rule date, so when a meeting is moved or
cancelled a subscribed calendar updates that event instead of adding a second one; cancelled
meetings stay in the feed with STATUS:CANCELLED for the same reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from schedules.meetings import MeetingDay
from schedules.thai import format_date

if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//ITA Tracker//Meeting calendar//TH"
UID_DOMAIN = "ita-tracker"


def event_uid(series_key: str, meeting: MeetingDay) -> str:
    """A UID stable across exports: the series and the date the rule gives."""
    digest = hashlib.sha1(series_key.encode("utf-8")).hexdigest()[:12]
    return f"{meeting.rule_date:%Y%m%d}-{digest}@{UID_DOMAIN}"


def meetings_to_ics(
    meetings: Iterable[MeetingDay],
    *,
    series_name: str,
    series_key: str | None = None,
    stamp: datetime,
    duration: timedelta = timedelta(hours=2),
    place: str | None = None,
) -> bytes:
    """An iCalendar feed of ``meetings``; ``stamp`` (aware) is the DTSTAMP of every event.

    ``series_key`` identifies the series across exports (default: its name); ``stamp`` is
    passed in rather than read from the clock so that the same input gives the same bytes.
    """
    import icalendar

    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    meetings = list(meetings)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", series_name)
    for meeting in meetings:
        calendar.add_component(
            _event(meeting, series_name, series_key or series_name, stamp, duration, place)
        )
    if meetings:
        first = min(m.date for m in meetings)
        last = max(m.date for m in meetings)
        calendar.add_missing_timezones(first_date=first, last_date=last + timedelta(days=1))
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical unannotated
    return ical


def _event(
    meeting: MeetingDay,
    series_name: str,
    series_key: str,
    stamp: datetime,
    duration: timedelta,
    place: str | None,
) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", event_uid(series_key, meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.start + duration)
    event.add("summary", series_name)
    if place:
        event.add("location", place)
    notes = _notes(meeting)
    if notes:
        event.add("description", " ".join(notes))
    if meeting.cancelled:
        event.add("status", "CANCELLED")
    return event


def _notes(meeting: MeetingDay) -> list[str]:
    notes = []
    if meeting.holiday:
        notes.append(f"ตรงกับ{meeting.holiday}")
    if meeting.moved_from:
        reason = f" ({meeting.moved_because})" if meeting.moved_because else ""
        notes.append(f"เลื่อนจาก {format_date(meeting.moved_from)}{reason}")
    if meeting.cancelled:
        notes.append("ยกเลิกการประชุม")
    return notes
