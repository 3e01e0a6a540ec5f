"""Meetings of an organization's follow-up series: the rule, holidays and changes applied.

The calendar itself is ``schedules.meeting_calendar``; this module feeds it a stored series:
its rule, timezone, time and holiday policy, and its Meeting rows (a row is a cancellation,
a move when it has ``moved_to``, or an added meeting when its date is not a rule date).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules.expansion import occurrences
from schedules.followup import Neighbours, held, neighbours
from schedules.meetings import HolidayPolicy, MeetingDay, SeriesRule, meeting_calendar
from schedules.rrules import RecurrenceError
from schedules.workdays import ThaiCalendar
from tracker.errors import Ambiguous, InvalidInput, NotFound, Refused
from tracker.models import Meeting, MeetingSeries, Organization
from tracker.reports.progress import ProgressReport, build_progress_report
from tracker.textkey import lookup_key

LOOKAHEAD_DAYS = 400  # far enough to find the next few meetings of any monthly rule


def series_rule(
    series: MeetingSeries, policy: HolidayPolicy | None = None, *, rrule: str | None = None
) -> SeriesRule:
    """The calendar rule of a stored series; ``policy`` overrides its holiday policy and
    ``rrule`` its rule (a change not yet made: the rollover's review)."""
    return SeriesRule(
        rrule=rrule or series.rrule,
        timezone=series.timezone,
        at=series.time_of_day,
        policy=policy or series.holiday_policy,
    )


def series_meetings(
    series: MeetingSeries,
    start: date,
    end: date,
    *,
    policy: HolidayPolicy | None = None,
    calendar: ThaiCalendar | None = None,
    rrule: str | None = None,
) -> list[MeetingDay]:
    """The series' meetings held from ``start`` to ``end`` (cancelled ones marked);
    ``policy`` and ``rrule`` as for :func:`series_rule`.

    A rule stored before rules were checked, that no meeting can follow, is an InvalidInput
    naming the series (never a hang or a crash: schedules checks every rule it expands).
    """
    rows = series.meetings
    try:
        return meeting_calendar(
            series_rule(series, policy, rrule=rrule),
            start,
            end,
            calendar=calendar,
            cancelled=[m.date for m in rows if m.cancelled],
            moved={m.date: m.moved_to for m in rows if m.moved_to is not None},
            added=[m.date for m in rows if not m.cancelled and m.moved_to is None],
        )
    except RecurrenceError as error:
        raise InvalidInput(
            f"meeting series {series.name!r} cannot be followed: {error}; correct its rule "
            "and import the plan again"
        ) from None


def last_meeting_before(
    series: MeetingSeries, day: date, calendar: ThaiCalendar | None = None
) -> MeetingDay | None:
    """The series' latest meeting held on a day before ``day`` (cancelled ones do not
    count; a moved one counts on the day it moved to), or None when none was held in the
    LOOKAHEAD_DAYS before it. The one rule of "the last meeting" for the dashboard's silent
    units and the offices' overview."""
    past = series_meetings(
        series, day - timedelta(days=LOOKAHEAD_DAYS), day - timedelta(days=1), calendar=calendar
    )
    taking_place = held(past)
    return taking_place[-1] if taking_place else None


NEIGHBOUR_SPAN = timedelta(days=62)  # far enough to find the meetings either side of any


def meeting_neighbours(series: MeetingSeries, day: date) -> Neighbours:
    """The held meetings before and after the series' meeting held on ``day``; NotFound when
    the series holds none that day."""
    meetings = series_meetings(series, day - NEIGHBOUR_SPAN, day + NEIGHBOUR_SPAN)
    found = neighbours(meetings, day)
    if found is None:
        raise NotFound(f"{series.name} does not meet on {day.isoformat()}")
    return found


def progress_report(
    session: Session, series: MeetingSeries, day: date, *, lang: str = "th"
) -> ProgressReport:
    """The progress report of the series' meeting held on ``day``, with what changed since
    the previous held meeting and what falls due before the next (NotFound when the series
    holds no meeting that day). What the CLI, the web page and the API all show."""
    around = meeting_neighbours(series, day)
    return build_progress_report(
        session,
        series,
        day,
        previous=around.previous.start if around.previous else None,
        next_meeting=around.following.date if around.following else None,
        lang=lang,
    )


def organization_series(session: Session, organization: Organization) -> list[MeetingSeries]:
    return list(
        session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.organization_id == organization.id)
            .order_by(MeetingSeries.id)
        )
    )


def get_series(session: Session, organization: Organization, name: str) -> MeetingSeries:
    """The organization's series called ``name`` (whitespace-insensitive), or NotFound."""
    all_series = organization_series(session, organization)
    for series in all_series:
        if lookup_key(series.name) == lookup_key(name):
            return series
    known = ", ".join(repr(s.name) for s in all_series) or "none"
    raise NotFound(f"no meeting series {name!r} in {organization.name} (series: {known})")


def choose_series(session: Session, organization: Organization, name: str | None) -> MeetingSeries:
    """The series called ``name``; with None, the organization's only one (Ambiguous when it
    has several, NotFound when none)."""
    if name is not None:
        return get_series(session, organization, name)
    all_series = organization_series(session, organization)
    if len(all_series) == 1:
        return all_series[0]
    if not all_series:
        raise NotFound(f"{organization.name} has no meeting series", what="series")
    raise Ambiguous(
        f"{len(all_series)} meeting series",
        what="series",
        choices=[repr(s.name) for s in all_series],
    )


def next_meetings(
    session: Session,
    organization: Organization,
    on_or_after: date,
    count: int = 5,
    *,
    calendar: ThaiCalendar | None = None,
) -> list[tuple[MeetingSeries, MeetingDay]]:
    """The next ``count`` meetings of every series of the organization, from a local date."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    upcoming: list[tuple[MeetingSeries, MeetingDay]] = []
    window_end = on_or_after + timedelta(days=LOOKAHEAD_DAYS)
    for series in organization_series(session, organization):
        meetings = series_meetings(series, on_or_after, window_end, calendar=calendar)[:count]
        upcoming.extend((series, meeting) for meeting in meetings)
    return sorted(upcoming, key=lambda pair: (pair[1].start, pair[0].id))[:count]


# --- cancelling and moving one meeting --------------------------------------------------------

MAX_NOTE = 500


def cancel_meeting(
    session: Session, series: MeetingSeries, rule_date: date, *, note: str | None = None
) -> Meeting:
    """Call off the series' meeting of ``rule_date`` (the date its rule gives, or an added
    date); a meeting moved by hand is cancelled where it was to be held. The series is planned
    again, so no reminder or report goes out for it."""
    meeting = _exception_row(session, series, rule_date)
    meeting.cancelled, meeting.moved_to = True, None
    meeting.note = _note(note, meeting.note)
    series.replan()
    session.flush()
    return meeting


def move_meeting(
    session: Session,
    series: MeetingSeries,
    rule_date: date,
    to: date,
    *,
    note: str | None = None,
) -> Meeting:
    """Hold the series' meeting of ``rule_date`` on ``to`` instead (at the series' time).
    Refused when the series already holds another meeting that day."""
    meeting = _exception_row(session, series, rule_date)
    if to == rule_date:
        raise InvalidInput(
            f"{series.name} meets on {rule_date.isoformat()} already: give another day to move "
            "it to, or restore it"
        )
    clash = [
        m for m in series_meetings(series, to, to) if not m.cancelled and m.rule_date != rule_date
    ]
    if clash:
        raise Refused(f"{series.name} already meets on {to.isoformat()}")
    if _rule_meets_on(series, rule_date):
        meeting.cancelled, meeting.moved_to = False, to
    else:  # an added meeting has no rule date to keep: it is simply added on the new day
        if any(m.date == to for m in series.meetings if m is not meeting):
            raise Refused(
                f"{series.name} has a change recorded for {to.isoformat()}: restore it first"
            )
        meeting.cancelled, meeting.date = False, to
    meeting.note = _note(note, meeting.note)
    series.replan()
    session.flush()
    return meeting


def restore_meeting(session: Session, series: MeetingSeries, rule_date: date) -> bool:
    """Forget the change made to the meeting of ``rule_date``: it is held as the rule says
    again (an added meeting is removed). False when that date had no change."""
    found = [m for m in series.meetings if m.date == rule_date]
    for meeting in found:
        series.meetings.remove(meeting)
        session.delete(meeting)
    if found:
        series.replan()
    session.flush()
    return bool(found)


def _exception_row(session: Session, series: MeetingSeries, rule_date: date) -> Meeting:
    """The series' change row of ``rule_date``, made when it has none; NotFound when the
    series does not meet on that date by its rule (nor by an added meeting)."""
    for meeting in series.meetings:
        if meeting.date == rule_date:
            return meeting
    if not _rule_meets_on(series, rule_date):
        raise NotFound(
            f"{series.name} does not meet on {rule_date.isoformat()} by its rule",
            what="meeting",
        )
    meeting = Meeting(series=series, date=rule_date, cancelled=False)
    session.add(meeting)
    return meeting


def _rule_meets_on(series: MeetingSeries, day: date) -> bool:
    try:
        found = occurrences(series.rrule, day, day, timezone=series.timezone, at=series.time_of_day)
    except RecurrenceError as error:
        raise InvalidInput(f"meeting series {series.name!r} cannot be followed: {error}") from None
    return bool(found)


def _note(note: str | None, kept: str | None) -> str | None:
    """The note to keep: the one given (checked text, at most MAX_NOTE characters), else the
    one the change had."""
    from tracker.inputs import TextProblem, check_text

    if note is None or not note.strip():
        return kept
    try:
        cleaned = check_text(note).strip()
    except TextProblem as problem:
        raise InvalidInput(f"the meeting's note {problem}") from None
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(
            f"the meeting's note is {len(cleaned)} characters; keep it to {MAX_NOTE}"
        )
    return cleaned
