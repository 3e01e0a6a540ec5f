"""What a meeting rule may say (schedules.rrules.check_rrule), and that a refused rule can never
hang or crash a calendar.

Each refused rule is paired with the words its message must contain, written from the rules
in the module docstring (RFC 5545 parts, the product's bounds), not from the code's output.
"""

from __future__ import annotations

from datetime import date

import pytest

from schedules import RecurrenceError, check_rrule, occurrences, parse_recurrence

REFUSED = [
    ("FREQ=MONTHLY;BYDAY=9WE", ["week 9", "1 to 5"]),
    ("FREQ=MONTHLY;BYDAY=0WE", ["week 0"]),
    ("FREQ=MONTHLY;BYDAY=-6FR", ["week -6", "-1 to -5"]),
    ("FREQ=WEEKLY;BYDAY=1WE", ["week of the month", "MONTHLY or YEARLY"]),
    ("FREQ=MONTHLY;BYDAY=XX", ["'XX'", "not a weekday"]),
    ("FREQ=WEEKLY;INTERVAL=-1", ["INTERVAL=-1", "1 to 52"]),
    ("FREQ=WEEKLY;INTERVAL=0", ["INTERVAL=0", "1 to 52"]),
    ("FREQ=DAILY;INTERVAL=367", ["INTERVAL=367", "1 to 366"]),
    ("FREQ=MONTHLY;INTERVAL=13;BYMONTHDAY=1", ["INTERVAL=13", "1 to 12"]),
    ("FREQ=DAILY;INTERVAL=" + "9" * 5000, ["longer than 500"]),
    ("FREQ=SECONDLY", ["SECONDLY", "DAILY, WEEKLY, MONTHLY or YEARLY"]),
    ("FREQ=MINUTELY", ["MINUTELY"]),
    ("FREQ=HOURLY;INTERVAL=2", ["HOURLY"]),
    ("FREQ=MONTHLY;COUNT=3;BYDAY=1WE", ["COUNT"]),
    ("FREQ=WEEKLY;BYDAY=WE;BYHOUR=9", ["BYHOUR", "time"]),
    ("FREQ=YEARLY;BYWEEKNO=20", ["BYWEEKNO", "not supported"]),
    ("FREQ=MONTHLY;BYMONTHDAY=0", ["BYMONTHDAY '0'", "1 to 31"]),
    ("FREQ=MONTHLY;BYMONTHDAY=32", ["BYMONTHDAY '32'"]),
    ("FREQ=YEARLY;BYMONTH=13", ["BYMONTH '13'", "1 to 12"]),
    ("FREQ=WEEKLY;FREQ=DAILY", ["FREQ is given twice"]),
    ("FREQ=WEEKLY;;BYDAY=WE", ["'' is not NAME=VALUE"]),
    ("BYDAY=WE", ["no FREQ"]),
    ("FREQ=WEEKLY;UNTIL=20230231", ["UNTIL=20230231", "not a real date"]),
    ("FREQ=WEEKLY;UNTIL=tomorrow", ["UNTIL=TOMORROW", "not a date"]),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", ["never meets"]),
    ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", ["never meets"]),
]


@pytest.mark.parametrize(("rule", "words"), REFUSED, ids=[r[:40] for r, _ in REFUSED])
def test_a_rule_meetings_cannot_follow_is_refused_saying_why(rule, words):
    with pytest.raises(RecurrenceError) as refused:
        check_rrule(rule)
    message = str(refused.value)
    assert message.startswith("meeting rule '")
    for word in words:
        assert word in message


@pytest.mark.parametrize(("rule", "_words"), REFUSED, ids=[r[:40] for r, _ in REFUSED])
def test_a_refused_rule_is_refused_by_every_way_in_and_by_the_calendar(rule, _words):
    with pytest.raises(RecurrenceError):
        parse_recurrence(rule)
    with pytest.raises(RecurrenceError):  # a rule stored by an older version: an error, not a hang
        occurrences(rule, date(2022, 10, 1), date(2023, 9, 30))


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=1WE,3WE,5WE", "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"),
        ("RRULE:freq=weekly;byday=we", "FREQ=WEEKLY;BYDAY=WE"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        (
            "FREQ=MONTHLY;BYDAY=1WE;UNTIL=20230930T020000Z",
            "FREQ=MONTHLY;BYDAY=1WE;UNTIL=20230930T020000Z",
        ),
        ("FREQ=DAILY;INTERVAL=366", "FREQ=DAILY;INTERVAL=366"),
    ],
)
def test_a_rule_meetings_can_follow_comes_back_as_its_upper_case_body(rule, expected):
    assert check_rrule(rule) == expected


def test_a_thai_phrase_naming_a_week_that_does_not_exist_is_refused_quoting_the_phrase():
    with pytest.raises(RecurrenceError, match="ทุกวันพุธ สัปดาห์ที่ 9"):
        parse_recurrence("ทุกวันพุธ สัปดาห์ที่ 9")


def test_a_rule_that_meets_only_on_leap_days_under_its_interval_never_meets():
    # Every 4 years from 2001 (the anchor) is 2001, 2005, 2009 …: never a leap year.
    with pytest.raises(RecurrenceError, match="never meets"):
        check_rrule("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29")


def test_a_long_phrase_is_refused_without_being_echoed_in_full():
    phrase = "ทุกวันพุธ " + "ก" * 5000
    with pytest.raises(RecurrenceError) as refused:
        parse_recurrence(phrase)
    assert len(str(refused.value)) < 300
    assert "5,010 characters" in str(refused.value)
