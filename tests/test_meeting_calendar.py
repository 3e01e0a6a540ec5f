"""Meeting calendars: a rule expanded over a window, with Thai holidays, changes made by hand,
DST zones, ICS feeds, and the `tracker meetings` command.

Expected values come from ../shared/vectors/seed-expected.json (meetings_fy2566,
holiday_meetings_fy2566), ../shared/design/domain.md section 3, ../shared/design/stack-notes.md
and calendar reasoning written beside each case. Holidays of 2023 used by hand (from the
`holidays` package's list for Thailand): Fri 28 Jul (the King's birthday), Mon 31 Jul (a special
day off), Tue 1 Aug วันอาสาฬหบูชา, Wed 2 Aug วันเข้าพรรษา, Sat 12 Aug and Mon 14 Aug (Mother's
Day and its day in lieu). Thursday 3 Aug 2023 is a working day.

ICS feeds are read back with `vobject`, a reader independent of the `icalendar` writer.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import vobject
from conftest import SHARED

from schedules import fiscal_year_bounds, occurrences
from schedules.ics import meetings_to_ics
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar
from schedules.workdays import ThaiCalendar

BANGKOK = ZoneInfo("Asia/Bangkok")
SEED_RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
SEED_PHRASE = "ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน"
SERIES_NAME = "ประชุมหัวหน้าส่วนราชการ"
LENT_DAY = date(2023, 8, 2)
STAMP = datetime(2023, 1, 1, 0, 0, tzinfo=UTC)


def _seed_expected() -> dict:
    return json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))


MEETINGS_FY2566 = _seed_expected()["meetings_fy2566"]
HOLIDAY_MEETINGS_FY2566 = _seed_expected()["holiday_meetings_fy2566"]


def fy2566(policy: HolidayPolicy = HolidayPolicy.FLAG, **changes):
    start, end = fiscal_year_bounds(2566)
    return meeting_calendar(SeriesRule(SEED_RULE, policy=policy), start, end, **changes)


def seed_meetings(start: date, end: date, **changes):
    return meeting_calendar(SeriesRule(SEED_RULE), start, end, **changes)


def held(meetings) -> list[str]:
    return [m.date.isoformat() for m in meetings]


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


# --- ICS feeds --------------------------------------------------------------------------------


def read_ics(data: bytes):
    """The VEVENTs of a feed, parsed by vobject."""
    text = data.decode("utf-8")
    calendar = vobject.readOne(text)
    assert calendar.name == "VCALENDAR"
    return list(getattr(calendar, "vevent_list", []))


def uid_by_date(events) -> dict[date, str]:
    return {e.dtstart.value.astimezone(BANGKOK).date(): e.uid.value for e in events}


def export(meetings, stamp: datetime = STAMP, **kwargs) -> bytes:
    return meetings_to_ics(meetings, series_name=SERIES_NAME, stamp=stamp, **kwargs)


def test_the_ics_feed_of_fiscal_year_2566_reads_back_as_the_28_meetings():
    meetings = fy2566()
    data = export(meetings)
    events = read_ics(data)
    assert len(events) == 28
    starts = [e.dtstart.value for e in events]
    expected = [
        datetime.combine(date.fromisoformat(d), time(9, 0), BANGKOK) for d in MEETINGS_FY2566
    ]
    assert sorted(starts) == expected  # the same instants
    local = sorted(s.astimezone(BANGKOK) for s in starts)
    assert [s.date().isoformat() for s in local] == MEETINGS_FY2566
    assert {(s.hour, s.minute) for s in local} == {(9, 0)}
    assert {e.summary.value for e in events} == {SERIES_NAME}


def test_the_ics_feed_lists_explicit_events_and_no_rule():
    data = export(fy2566())
    events = read_ics(data)
    assert all("rrule" not in e.contents for e in events)
    assert b"RRULE" not in data
    assert data.count(b"BEGIN:VEVENT") == 28


def test_the_ics_feed_notes_the_holiday_of_the_lent_day_meeting():
    events = read_ics(export(fy2566()))
    by_date = {e.dtstart.value.astimezone(BANGKOK).date(): e for e in events}
    assert "วันเข้าพรรษา" in by_date[LENT_DAY].description.value


def test_ics_uids_are_unique_and_stable_across_exports():
    meetings = fy2566()
    first = read_ics(export(meetings))
    second = read_ics(export(meetings, stamp=STAMP + timedelta(days=30)))
    uids = [e.uid.value for e in first]
    assert len(set(uids)) == 28
    assert uid_by_date(first) == uid_by_date(second)


def test_a_meeting_moved_by_hand_keeps_its_uid():
    window = (date(2023, 7, 1), date(2023, 7, 31))
    before = uid_by_date(read_ics(export(seed_meetings(*window))))
    moved = seed_meetings(*window, moved={date(2023, 7, 19): date(2023, 7, 21)})
    after = uid_by_date(read_ics(export(moved)))
    assert set(after) == {date(2023, 7, 5), date(2023, 7, 21)}
    assert after[date(2023, 7, 21)] == before[date(2023, 7, 19)]
    assert after[date(2023, 7, 5)] == before[date(2023, 7, 5)]


def test_a_meeting_moved_by_its_holiday_policy_keeps_its_uid():
    flagged = uid_by_date(read_ics(export(fy2566(HolidayPolicy.FLAG))))
    moved = uid_by_date(read_ics(export(fy2566(HolidayPolicy.MOVE))))
    assert moved[date(2023, 8, 3)] == flagged[LENT_DAY]


def test_two_series_never_share_a_uid():
    meetings = seed_meetings(date(2023, 7, 1), date(2023, 7, 31))
    one = read_ics(meetings_to_ics(meetings, series_name="ก", series_key="org/ก", stamp=STAMP))
    two = read_ics(meetings_to_ics(meetings, series_name="ข", series_key="org/ข", stamp=STAMP))
    assert not {e.uid.value for e in one} & {e.uid.value for e in two}


def test_a_cancelled_meeting_is_a_cancelled_event():
    meetings = seed_meetings(date(2023, 7, 1), date(2023, 7, 31), cancelled=[date(2023, 7, 19)])
    events = read_ics(export(meetings))
    status = {
        e.dtstart.value.astimezone(BANGKOK).date(): (
            e.status.value if "status" in e.contents else None
        )
        for e in events
    }
    assert status == {date(2023, 7, 5): None, date(2023, 7, 19): "CANCELLED"}


def test_the_same_meetings_and_stamp_give_the_same_bytes():
    assert export(fy2566(HolidayPolicy.MOVE)) == export(fy2566(HolidayPolicy.MOVE))


def test_a_naive_stamp_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        export(fy2566(), stamp=datetime(2023, 1, 1, 0, 0))


def test_an_ics_feed_in_a_dst_zone_keeps_the_instants():
    rule = SeriesRule("FREQ=WEEKLY;BYDAY=MO", timezone="Europe/London", at=time(10, 0))
    meetings = meeting_calendar(rule, date(2023, 3, 13), date(2023, 4, 3))
    events = read_ics(export(meetings))
    utc = sorted(e.dtstart.value.astimezone(UTC) for e in events)
    assert [s.isoformat() for s in utc] == [
        "2023-03-13T10:00:00+00:00",
        "2023-03-20T10:00:00+00:00",
        "2023-03-27T09:00:00+00:00",
        "2023-04-03T09:00:00+00:00",
    ]


def test_the_cli_prints_an_ics_feed_for_a_rule(cli):
    result = cli(
        "meetings", "--rule", SEED_PHRASE, "--from", "2023-07-01", "--to", "2023-08-31", "--ics"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    events = read_ics(result.stdout.encode("utf-8"))
    local = sorted(e.dtstart.value.astimezone(BANGKOK) for e in events)
    assert [s.date().isoformat() for s in local] == [
        "2023-07-05",
        "2023-07-19",
        "2023-08-02",
        "2023-08-16",
        "2023-08-30",
    ]
    assert {(s.hour, s.minute) for s in local} == {(9, 0)}
    assert all("rrule" not in e.contents for e in events)


# The demo plan's heads' meeting: 1st/3rd/5th Wednesdays at 09:30, 30 Dec 2026 cancelled.
# Wednesdays of December 2026: 2, 9, 16, 23, 30; of January 2027: 6, 13, 20, 27.
DEMO_MEETINGS = ["2026-12-02", "2026-12-16", "2026-12-30", "2027-01-06", "2027-01-20"]
DEMO_WINDOW = ("--from", "2026-12-01", "--to", "2027-01-31")


def test_the_demo_series_feed_marks_its_cancelled_meeting(demo_cli, tmp_path):
    target = tmp_path / "heads.ics"
    result = demo_cli("meetings", "--series", SERIES_NAME, *DEMO_WINDOW, "--ics", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    events = read_ics(target.read_bytes())
    by_date = {e.dtstart.value.astimezone(BANGKOK).date().isoformat(): e for e in events}
    assert sorted(by_date) == DEMO_MEETINGS
    assert by_date["2026-12-30"].status.value == "CANCELLED"
    assert all("status" not in e.contents for d, e in by_date.items() if d != "2026-12-30")
    assert {
        (e.dtstart.value.astimezone(BANGKOK).hour, e.dtstart.value.astimezone(BANGKOK).minute)
        for e in events
    } == {(9, 30)}
    assert {e.summary.value for e in events} == {SERIES_NAME}
    assert len({e.uid.value for e in events}) == 5


def test_the_demo_series_json_marks_its_cancelled_meeting(demo_cli):
    result = demo_cli("meetings", "--series", SERIES_NAME, *DEMO_WINDOW, "--json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [r["date"] for r in rows] == DEMO_MEETINGS
    assert {r["date"] for r in rows if r["cancelled"]} == {"2026-12-30"}
    assert rows[0]["start"] == "2026-12-02T09:30:00+07:00"


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
