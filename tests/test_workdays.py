"""Thai holidays and working days (`schedules.workdays.ThaiCalendar`), and meeting calendars
that use local holidays or English holiday names.

Expected values come from calendar reasoning written beside each case. Holidays of 2023 used by
hand (from the `holidays` package's list for Thailand): Fri 28 Jul (the King's birthday), Mon 31
Jul (a special day off), Tue 1 Aug วันอาสาฬหบูชา, Wed 2 Aug วันเข้าพรรษา, Sat 12 Aug and Mon 14
Aug (Mother's Day and its day in lieu). Thursday 3 Aug 2023 is a working day.
"""

from __future__ import annotations

from datetime import date

import pytest
from calendar_support import LENT_DAY, SEED_RULE, held, seed_meetings

from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar
from schedules.workdays import ThaiCalendar

# --- holidays and working days ----------------------------------------------------------------


def test_holiday_names_are_thai_by_default():
    calendar = ThaiCalendar()
    assert calendar.holiday(LENT_DAY) == "วันเข้าพรรษา"
    assert calendar.holiday(date(2023, 8, 1)) == "วันอาสาฬหบูชา"


def test_holiday_names_are_english_when_asked():
    calendar = ThaiCalendar(language="en_US")
    assert calendar.holiday(LENT_DAY) == "Buddhist Lent Day"
    assert calendar.holiday(date(2023, 8, 1)) == "Asarnha Bucha"


def test_an_ordinary_day_and_a_plain_weekend_are_not_holidays():
    calendar = ThaiCalendar()
    assert calendar.holiday(date(2023, 8, 3)) is None
    assert calendar.holiday(date(2023, 7, 29)) is None  # a Saturday


def test_the_holidays_between_two_dates_are_the_late_july_cluster():
    found = ThaiCalendar().holidays_between(date(2023, 7, 26), date(2023, 8, 3))
    assert list(found) == [date(2023, 7, 28), date(2023, 7, 31), date(2023, 8, 1), LENT_DAY]
    assert found[LENT_DAY] == "วันเข้าพรรษา"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 7, 26), True),  # Wednesday
        (date(2023, 7, 27), True),  # Thursday
        (date(2023, 7, 28), False),  # Friday, the King's birthday
        (date(2023, 7, 29), False),  # Saturday
        (date(2023, 7, 30), False),  # Sunday
        (date(2023, 7, 31), False),  # Monday, special day off
        (date(2023, 8, 1), False),  # Tuesday, Asalha Bucha
        (date(2023, 8, 2), False),  # Wednesday, Buddhist Lent
        (date(2023, 8, 3), True),  # Thursday
    ],
)
def test_weekends_and_holidays_are_not_working_days(day, working):
    assert ThaiCalendar().is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 7, 26), date(2023, 7, 27)),
        (date(2023, 7, 27), date(2023, 8, 3)),  # across the whole cluster
        (LENT_DAY, date(2023, 8, 3)),
        (date(2023, 8, 4), date(2023, 8, 7)),  # Friday to Monday
        (date(2023, 8, 11), date(2023, 8, 15)),  # weekend, then Mother's Day in lieu
    ],
)
def test_the_next_working_day_is_strictly_after_and_skips_days_off(day, expected):
    assert ThaiCalendar().next_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2023, 7, 26), 1, date(2023, 7, 27)),
        (date(2023, 7, 26), 2, date(2023, 8, 3)),
        (date(2023, 7, 27), 1, date(2023, 8, 3)),
        (date(2023, 7, 26), 3, date(2023, 8, 4)),
        (date(2023, 8, 3), -1, date(2023, 7, 27)),
        (date(2023, 8, 3), -2, date(2023, 7, 26)),
        (LENT_DAY, -2, date(2023, 7, 26)),  # the reminder case of the docstring
        (LENT_DAY, -1, date(2023, 7, 27)),
        (date(2023, 8, 7), -1, date(2023, 8, 4)),  # Monday back to Friday
        (date(2023, 8, 4), 5, date(2023, 8, 11)),  # a full working week
        (date(2023, 7, 26), 0, date(2023, 7, 26)),
        (LENT_DAY, 0, LENT_DAY),  # zero stays put, even on a holiday
        (date(2023, 7, 29), 0, date(2023, 7, 29)),  # and on a weekend
    ],
)
def test_adding_working_days_counts_only_working_days(day, count, expected):
    assert ThaiCalendar().add_working_days(day, count) == expected


def test_a_local_holiday_is_a_day_off_with_its_name():
    local = {date(2023, 8, 3): "วันสำคัญของจังหวัดแพร่"}
    calendar = ThaiCalendar(extra=local)
    assert calendar.holiday(date(2023, 8, 3)) == "วันสำคัญของจังหวัดแพร่"
    assert not calendar.is_working_day(date(2023, 8, 3))
    assert calendar.next_working_day(date(2023, 7, 27)) == date(2023, 8, 4)
    assert calendar.add_working_days(date(2023, 8, 4), -1) == date(2023, 7, 27)
    found = calendar.holidays_between(date(2023, 8, 1), date(2023, 8, 3))
    assert found == {
        date(2023, 8, 1): "วันอาสาฬหบูชา",
        LENT_DAY: "วันเข้าพรรษา",
        date(2023, 8, 3): "วันสำคัญของจังหวัดแพร่",
    }
    # The package's own calendar is untouched by another calendar's extra days.
    assert ThaiCalendar().is_working_day(date(2023, 8, 3))


def test_a_meeting_calendar_uses_the_local_holidays_it_is_given():
    calendar = ThaiCalendar(extra={date(2023, 8, 3): "วันสำคัญของจังหวัดแพร่"})
    rule = SeriesRule(SEED_RULE, policy=HolidayPolicy.MOVE)
    meetings = meeting_calendar(rule, date(2023, 8, 1), date(2023, 8, 31), calendar=calendar)
    assert held(meetings) == ["2023-08-04", "2023-08-16", "2023-08-30"]
    assert meetings[0].moved_from == LENT_DAY


def test_a_meeting_calendar_names_holidays_in_english_with_an_english_calendar():
    meetings = seed_meetings(
        date(2023, 8, 1), date(2023, 8, 31), calendar=ThaiCalendar(language="en_US")
    )
    assert meetings[0].date == LENT_DAY
    assert meetings[0].holiday == "Buddhist Lent Day"
