"""ICS feeds of meeting calendars (`schedules.ics.meetings_to_ics`) and `tracker meetings --ics`:
the instants, explicit events, holiday notes, stable UIDs and cancelled meetings.

Expected values come from ../shared/vectors/seed-expected.json (meetings_fy2566), the demo
plan's heads' meeting, and calendar reasoning written beside each case. Wed 2 Aug 2023 is
วันเข้าพรรษา (from the `holidays` package's list for Thailand).

ICS feeds are read back with `vobject`, a reader independent of the `icalendar` writer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from calendar_support import (
    LENT_DAY,
    MEETINGS_FY2566,
    SEED_PHRASE,
    SERIES_NAME,
    fy2566,
    seed_meetings,
)

from schedules.ics import meetings_to_ics
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar

BANGKOK = ZoneInfo("Asia/Bangkok")
STAMP = datetime(2023, 1, 1, 0, 0, tzinfo=UTC)


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
