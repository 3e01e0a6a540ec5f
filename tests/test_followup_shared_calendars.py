"""The follow-up dues at scale: series that share a rule share a calendar computation.

On SQLite and PostgreSQL, with the seed plan imported once per organization: series that share
a rule share one calendar computation without sharing each other's changes (a cancelled
meeting, other notice, another time, policy or time zone), a changed series is planned again
and only it, and the planned window holds the expected meetings of FY2566.

The seed's calendar facts (the meeting of Wed 2 Aug 2023, its reminder due Wed 26 Jul 09:00
because 28 and 31 Jul and 1 Aug are holidays) are checked against the `holidays` package in
test_followup_delivery.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from followup_support import (
    BKK,
    HOLIDAY_MEETING,
    MEETING_BEFORE,
    MEETINGS_FY2566,
    PLANNED_AT,
    organization_ids,
    plan,
    seeded,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.models import HolidayPolicy, Meeting, MeetingDue, MeetingSeries

MEETING_AFTER = date(2023, 8, 16)


def series_of(factory: sessionmaker[Session], organization_id: int) -> int:
    with factory() as session:
        return session.scalars(
            select(MeetingSeries.id).where(MeetingSeries.organization_id == organization_id)
        ).one()


def dues_of(factory: sessionmaker[Session], series_id: int, job: str) -> dict[date, MeetingDue]:
    with factory() as session:
        rows = session.scalars(
            select(MeetingDue).where(MeetingDue.series_id == series_id, MeetingDue.job == job)
        )
        return {due.meeting_date: due for due in rows}


# --- shared calendars --------------------------------------------------------------------------


def test_series_with_one_rule_share_a_calendar_but_not_each_others_changes(
    database_url: str,
) -> None:
    factory = seeded(database_url, 7)
    plain, cancelled, slower, early_report, afternoon, moving, tokyo = (
        series_of(factory, o) for o in organization_ids(factory)
    )
    with unit_of_work(factory) as session:
        session.add(Meeting(series_id=cancelled, date=HOLIDAY_MEETING, cancelled=True))
        changes: dict[int, dict[str, Any]] = {
            slower: {"reminder_days": 5},
            early_report: {"report_days": 3},
            afternoon: {"time_of_day": time(13, 30)},
            moving: {"holiday_policy": HolidayPolicy.MOVE},
            tokyo: {"timezone": "Asia/Tokyo"},
        }
        for series_id, values in changes.items():
            series = session.get(MeetingSeries, series_id)
            assert series is not None
            for name, value in values.items():
                setattr(series, name, value)

    assert plan(factory, PLANNED_AT - timedelta(days=7)) == 7

    # The plain series: 2 Aug is held (policy "flag"), between 19 Jul and 16 Aug; its
    # reminder is due 2 working days before (28, 31 Jul and 1 Aug are holidays): 26 Jul.
    reminders = dues_of(factory, plain, "meeting-reminder")
    assert reminders[MEETING_BEFORE].next_date == HOLIDAY_MEETING
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 9, 0, tzinfo=BKK)
    reports = dues_of(factory, plain, "progress-report")
    assert reports[HOLIDAY_MEETING].due_at == datetime(2023, 7, 27, 8, 0, tzinfo=BKK)
    # Cancelled 2 Aug: no due for it, and 19 Jul is followed by 16 Aug.
    reminders = dues_of(factory, cancelled, "meeting-reminder")
    assert HOLIDAY_MEETING not in reminders
    assert reminders[MEETING_BEFORE].next_date == MEETING_AFTER
    assert dues_of(factory, cancelled, "progress-report").keys() == reminders.keys()
    # Reminding 5 working days ahead: 27, 26, 25, 24 and (past the weekend) 21 Jul.
    reminders = dues_of(factory, slower, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 21, 9, 0, tzinfo=BKK)
    # Reporting 3 working days ahead: 27, 26 and 25 Jul.
    reports = dues_of(factory, early_report, "progress-report")
    assert reports[HOLIDAY_MEETING].due_at == datetime(2023, 7, 25, 8, 0, tzinfo=BKK)
    # Meeting at 13:30: the meeting moves, its reminder does not.
    reminders = dues_of(factory, afternoon, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 13, 30, tzinfo=BKK)
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    # Policy "move": 2 Aug (a holiday) is held on Thu 3 Aug; 2 working days before it are
    # 27 and 26 Jul, as 2 Aug is a holiday too.
    reminders = dues_of(factory, moving, "meeting-reminder")
    assert HOLIDAY_MEETING not in reminders
    assert reminders[date(2023, 8, 3)].rule_date == HOLIDAY_MEETING
    assert reminders[date(2023, 8, 3)].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert reminders[MEETING_BEFORE].next_date == date(2023, 8, 3)
    # A series in Tokyo: the same days, at 09:00 Tokyo time (07:00 in Bangkok).
    tokyo_zone = ZoneInfo("Asia/Tokyo")
    reminders = dues_of(factory, tokyo, "meeting-reminder")
    assert reminders[HOLIDAY_MEETING].meeting_start == datetime(2023, 8, 2, 9, 0, tzinfo=tokyo_zone)
    assert reminders[HOLIDAY_MEETING].due_at == datetime(2023, 7, 26, 9, 0, tzinfo=tokyo_zone)
    factory.kw["bind"].dispose()


def test_a_series_changed_after_planning_is_planned_again_and_only_it(
    database_url: str,
) -> None:
    factory = seeded(database_url, 2)
    first, second = (series_of(factory, o) for o in organization_ids(factory))
    assert plan(factory, PLANNED_AT) == 2
    assert plan(factory, PLANNED_AT + timedelta(hours=3)) == 0  # once a day

    with unit_of_work(factory) as session:
        session.add(Meeting(series_id=second, date=HOLIDAY_MEETING, cancelled=True))
        series = session.get(MeetingSeries, second)
        assert series is not None
        series.dues_planned_on = None  # what a change to a series does

    assert plan(factory, PLANNED_AT + timedelta(hours=4)) == 1
    assert HOLIDAY_MEETING in dues_of(factory, first, "meeting-reminder")
    assert HOLIDAY_MEETING not in dues_of(factory, second, "meeting-reminder")
    assert HOLIDAY_MEETING not in dues_of(factory, second, "progress-report")
    with factory() as session:
        per_series = dict(
            session.execute(
                select(MeetingDue.series_id, func.count()).group_by(MeetingDue.series_id)
            ).all()
        )
    assert per_series[first] == per_series[second] + 2
    factory.kw["bind"].dispose()


def test_the_held_meetings_of_the_seed_in_the_planned_window_are_the_expected_ones(
    database_url: str,
) -> None:
    factory = seeded(database_url, 1)
    plan(factory, PLANNED_AT)
    (organization,) = organization_ids(factory)
    planned = sorted(dues_of(factory, series_of(factory, organization), "meeting-reminder"))
    # The window is 35 days back and 60 ahead of 26 Jul 2023, and FY2566 ends on 30 Sep.
    window = [d for d in MEETINGS_FY2566 if date(2023, 6, 21) <= d <= date(2023, 9, 24)]
    assert planned == window
    factory.kw["bind"].dispose()
