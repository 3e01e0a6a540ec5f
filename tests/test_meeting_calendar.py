"""Meeting calendars: a rule expanded over a window, under each holiday policy, with changes made
by hand and in DST zones, and the `tracker meetings` command (JSON output and its errors).

Expected values come from ../shared/vectors/seed-expected.json (meetings_fy2566,
holiday_meetings_fy2566), ../shared/design/domain.md section 3, ../shared/design/stack-notes.md
and calendar reasoning written beside each case. Wed 2 Aug 2023 is วันเข้าพรรษา (from the
`holidays` package's list for Thailand); Thursday 3 Aug 2023 is a working day.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from calendar_support import (
    LENT_DAY,
    MEETINGS_FY2566,
    SEED_PHRASE,
    SEED_RULE,
    SERIES_NAME,
    fy2566,
    held,
    seed_expected,
    seed_meetings,
)

from schedules import occurrences
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar

HOLIDAY_MEETINGS_FY2566 = seed_expected()["holiday_meetings_fy2566"]


# --- the seed series over FY2566 --------------------------------------------------------------


def test_the_vectors_name_28_meetings_and_one_holiday():
    assert len(MEETINGS_FY2566) == 28
    assert HOLIDAY_MEETINGS_FY2566 == {"2023-08-02": "วันเข้าพรรษา"}


def test_fiscal_year_2566_gives_the_28_meetings_of_the_seed_at_nine_in_bangkok():
    meetings = fy2566()
    assert held(meetings) == MEETINGS_FY2566
    for meeting in meetings:
        assert meeting.start.isoformat() == f"{meeting.date.isoformat()}T09:00:00+07:00"
        assert meeting.start.utcoffset() == timedelta(hours=7)
        assert meeting.rule_date == meeting.date
        assert not meeting.cancelled
        assert not meeting.added


def test_under_flag_the_lent_day_meeting_names_its_holiday_and_no_other_has_one():
    meetings = fy2566(HolidayPolicy.FLAG)
    holidays = {m.date.isoformat(): m.holiday for m in meetings if m.holiday is not None}
    assert holidays == HOLIDAY_MEETINGS_FY2566
    assert all(m.moved_from is None for m in meetings)


def test_under_move_the_lent_day_meeting_is_held_the_next_working_day():
    meetings = fy2566(HolidayPolicy.MOVE)
    expected = [d if d != "2023-08-02" else "2023-08-03" for d in MEETINGS_FY2566]
    assert held(meetings) == expected
    assert len(meetings) == 28
    (moved,) = [m for m in meetings if m.moved_from is not None]
    assert moved.date == date(2023, 8, 3)
    assert moved.moved_from == LENT_DAY
    assert moved.moved_because == "วันเข้าพรรษา"
    assert moved.start.isoformat() == "2023-08-03T09:00:00+07:00"
    assert moved.holiday is None  # Thursday 3 August is a working day
    assert all(m.holiday is None for m in meetings)


def test_under_skip_the_lent_day_meeting_is_gone():
    meetings = fy2566(HolidayPolicy.SKIP)
    assert held(meetings) == [d for d in MEETINGS_FY2566 if d != "2023-08-02"]
    assert len(meetings) == 27


def _cli_meetings(cli, policy: str):
    result = cli(
        "meetings",
        "--rule",
        SEED_PHRASE,
        "--from",
        "1 ต.ค. 2565",
        "--to",
        "30 ก.ย. 2566",
        "--holidays",
        policy,
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_the_cli_flags_the_lent_day_meeting_among_the_28(cli):
    rows = _cli_meetings(cli, "flag")
    assert [r["date"] for r in rows] == MEETINGS_FY2566
    assert rows[0]["start"] == "2022-10-05T09:00:00+07:00"
    assert all(r["start"] == f"{r['date']}T09:00:00+07:00" for r in rows)
    assert {r["date"]: r["holiday"] for r in rows if r["holiday"] is not None} == (
        HOLIDAY_MEETINGS_FY2566
    )
    assert all(r["moved_from"] is None for r in rows)


def test_the_cli_moves_the_lent_day_meeting_to_thursday(cli):
    rows = _cli_meetings(cli, "move")
    assert len(rows) == 28
    assert "2023-08-02" not in [r["date"] for r in rows]
    (moved,) = [r for r in rows if r["moved_from"] is not None]
    assert moved["date"] == "2023-08-03"
    assert moved["start"] == "2023-08-03T09:00:00+07:00"
    assert moved["moved_from"] == "2023-08-02"
    assert moved["moved_because"] == "วันเข้าพรรษา"
    assert moved["holiday"] is None


def test_the_cli_skips_the_lent_day_meeting(cli):
    rows = _cli_meetings(cli, "skip")
    assert [r["date"] for r in rows] == [d for d in MEETINGS_FY2566 if d != "2023-08-02"]
    assert all(r["holiday"] is None and r["moved_from"] is None for r in rows)


# --- changes made by hand ---------------------------------------------------------------------
# The seed rule in July-August 2023: 5 Jul, 19 Jul, 2 Aug, 16 Aug, 30 Aug (Wednesdays).


def test_a_cancelled_meeting_stays_in_the_calendar_marked_cancelled():
    meetings = seed_meetings(date(2023, 7, 1), date(2023, 7, 31), cancelled=[date(2023, 7, 19)])
    assert held(meetings) == ["2023-07-05", "2023-07-19"]
    assert [m.cancelled for m in meetings] == [False, True]


def test_a_meeting_moved_by_hand_is_held_on_its_new_day_and_remembers_the_old_one():
    meetings = seed_meetings(
        date(2023, 7, 1), date(2023, 7, 31), moved={date(2023, 7, 19): date(2023, 7, 21)}
    )
    assert held(meetings) == ["2023-07-05", "2023-07-21"]
    moved = meetings[1]
    assert moved.moved_from == date(2023, 7, 19)
    assert moved.rule_date == date(2023, 7, 19)
    assert moved.moved_because is None
    assert moved.start.isoformat() == "2023-07-21T09:00:00+07:00"
    assert not moved.cancelled


def test_a_move_by_hand_wins_over_the_holiday_policy():
    rule = SeriesRule(SEED_RULE, policy=HolidayPolicy.MOVE)
    meetings = meeting_calendar(
        rule, date(2023, 8, 1), date(2023, 8, 10), moved={LENT_DAY: date(2023, 8, 4)}
    )
    assert held(meetings) == ["2023-08-04"]
    assert meetings[0].moved_from == LENT_DAY


def test_an_added_meeting_appears_marked_added():
    meetings = seed_meetings(date(2023, 7, 1), date(2023, 7, 31), added=[date(2023, 7, 26)])
    assert held(meetings) == ["2023-07-05", "2023-07-19", "2023-07-26"]
    assert [m.added for m in meetings] == [False, False, True]
    assert meetings[2].start.isoformat() == "2023-07-26T09:00:00+07:00"


def test_an_added_meeting_on_a_rule_date_is_not_a_second_meeting():
    meetings = seed_meetings(date(2023, 7, 1), date(2023, 7, 31), added=[date(2023, 7, 19)])
    assert held(meetings) == ["2023-07-05", "2023-07-19"]


def test_an_added_meeting_on_a_holiday_names_the_holiday():
    meetings = seed_meetings(date(2023, 8, 1), date(2023, 8, 10), added=[date(2023, 8, 1)])
    assert held(meetings) == ["2023-08-01", "2023-08-02"]
    assert meetings[0].added
    assert meetings[0].holiday == "วันอาสาฬหบูชา"


@pytest.mark.parametrize(
    ("window", "moved_from", "moved_to", "expected"),
    [
        pytest.param(
            (date(2023, 10, 1), date(2023, 10, 31)),
            date(2023, 9, 20),
            date(2023, 10, 2),
            ["2023-10-02", "2023-10-04", "2023-10-18"],
            id="from-just-before",
        ),
        pytest.param(
            (date(2023, 9, 1), date(2023, 9, 30)),
            date(2023, 10, 4),
            date(2023, 9, 28),
            ["2023-09-06", "2023-09-20", "2023-09-28"],
            id="from-just-after",
        ),
        pytest.param(
            (date(2023, 9, 1), date(2023, 9, 30)),
            date(2023, 8, 2),
            date(2023, 9, 28),
            ["2023-09-06", "2023-09-20", "2023-09-28"],
            id="from-a-month-before",
        ),
    ],
)
def test_a_meeting_moved_from_outside_the_window_into_it_appears(
    window, moved_from, moved_to, expected
):
    meetings = seed_meetings(*window, moved={moved_from: moved_to})
    assert held(meetings) == expected
    (moved,) = [m for m in meetings if m.moved_from is not None]
    assert moved.date == moved_to
    assert moved.moved_from == moved_from


def test_a_meeting_moved_out_of_the_window_leaves_it():
    meetings = seed_meetings(
        date(2023, 9, 1), date(2023, 9, 30), moved={date(2023, 9, 20): date(2023, 10, 2)}
    )
    assert held(meetings) == ["2023-09-06"]


def test_an_every_two_weeks_series_gives_the_same_days_whichever_window_shows_it():
    # Two views of one series must agree where they overlap, or a reminder and the calendar
    # feed would name different Mondays.
    rule = SeriesRule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
    wide = meeting_calendar(rule, date(2023, 1, 2), date(2023, 2, 28))
    narrow = meeting_calendar(rule, date(2023, 1, 9), date(2023, 2, 28))
    overlap = [m for m in wide if m.date >= date(2023, 1, 9)]
    assert held(overlap) == held(narrow)
    assert all(m.date.weekday() == 0 for m in wide)
    gaps = {(b.date - a.date).days for a, b in pairwise(wide)}
    assert gaps == {14}


def test_the_calendar_of_an_every_two_weeks_rule_matches_its_occurrences():
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    start, end = date(2023, 1, 2), date(2023, 1, 31)
    expected = [m.date().isoformat() for m in occurrences(rule, start, end)]
    assert expected == ["2023-01-02", "2023-01-16", "2023-01-30"]
    assert held(meeting_calendar(SeriesRule(rule), start, end)) == expected


# --- DST zones --------------------------------------------------------------------------------


def test_a_weekly_london_meeting_keeps_ten_oclock_across_the_spring_change():
    # Europe/London moves to summer time on Sunday 26 March 2023.
    rule = SeriesRule("FREQ=WEEKLY;BYDAY=MO", timezone="Europe/London", at=time(10, 0))
    meetings = meeting_calendar(rule, date(2023, 3, 13), date(2023, 4, 3))
    assert [m.start.isoformat() for m in meetings] == [
        "2023-03-13T10:00:00+00:00",
        "2023-03-20T10:00:00+00:00",
        "2023-03-27T10:00:00+01:00",
        "2023-04-03T10:00:00+01:00",
    ]
    assert all(m.start.weekday() == 0 and m.date.weekday() == 0 for m in meetings)


def test_a_monthly_new_york_meeting_keeps_nine_oclock_across_the_autumn_change():
    # America/New_York leaves daylight time on Sunday 5 November 2023.
    # First Wednesdays: 4 Oct, 1 Nov, 6 Dec 2023.
    rule = SeriesRule("FREQ=MONTHLY;BYDAY=1WE", timezone="America/New_York")
    meetings = meeting_calendar(rule, date(2023, 10, 1), date(2023, 12, 31))
    assert [m.start.isoformat() for m in meetings] == [
        "2023-10-04T09:00:00-04:00",
        "2023-11-01T09:00:00-04:00",
        "2023-12-06T09:00:00-05:00",
    ]
    assert all(m.start.hour == 9 and m.start.weekday() == 2 for m in meetings)
    assert all(m.start.tzinfo == ZoneInfo("America/New_York") for m in meetings)


# --- CLI errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--series", SERIES_NAME, "--rule", SEED_PHRASE), id="series-and-rule"),
        pytest.param(
            ("--rule", SEED_PHRASE, "--from", "2023-01-10", "--to", "2023-01-01"), id="to-before"
        ),
        pytest.param(("--rule", "ประชุมเมื่อสะดวก"), id="unreadable-rule"),
        pytest.param(("--rule", "ทุกสัปดาห์ที่ 1 และ 3 ของเดือน"), id="weeks-without-weekday"),
        pytest.param(("--rule", SEED_PHRASE, "--from", "พ.ย. 2565"), id="from-is-a-month"),
        pytest.param(("--rule", SEED_PHRASE, "--time", "25:00"), id="hour-25"),
        pytest.param(("--rule", SEED_PHRASE, "--time", "เก้าโมง"), id="time-in-words"),
    ],
)
def test_a_bad_meetings_command_fails_with_one_line_on_stderr(cli, args):
    result = cli("meetings", *args)
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
