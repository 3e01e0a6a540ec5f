"""`tracker plans`, `overview` and `meetings` on the demo plan, through the real CLI.

Meeting dates are worked out from a calendar, not from the program. The demo series is
FREQ=MONTHLY;BYDAY=1WE,3WE,5WE at 09:30 Asia/Bangkok, with 2026-12-30 cancelled:

- Nov 2026 (1 Nov is a Sunday): Wednesdays 4, 11, 18, 25 -> meetings 4 and 18; the 25th
  (FROZEN_NOW) is the fourth Wednesday, so no meeting that day.
- Dec 2026 (1 Dec is a Tuesday): Wednesdays 2, 9, 16, 23, 30 -> 2, 16, 30 (30 cancelled).
- Jan 2027 (1 Jan is a Friday): Wednesdays 6, 13, 20, 27 -> 6, 20.
- Feb 2027 (1 Feb is a Monday): Wednesdays 3, 10, 17, 24 -> 3, 17.
- Mar 2027 (1 Mar is a Monday): Wednesdays 3, 10, 17, 24, 31 -> 3, 17, 31.
- Apr 2027 (1 Apr is a Thursday): Wednesdays 7, 14, 21, 28 -> 7, 21.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import yaml
from cli_support import assert_json_error, assert_one_line_error
from conftest import DEMO_PLAN

BANGKOK = timezone(timedelta(hours=7))
SERIES = "ประชุมหัวหน้าส่วนราชการ"
PLACE = "ห้องประชุมสภา อบต.ทุ่งดาวเรือง ชั้น ๒"


def meeting_dates(rows: list[dict]) -> list[date]:
    return [date.fromisoformat(row["date"]) for row in rows]


def assert_starts_at_0930_bangkok(rows: list[dict]) -> None:
    for row in rows:
        assert row["start"].endswith("+07:00"), row["start"]
        start = datetime.fromisoformat(row["start"])
        expected = datetime.combine(date.fromisoformat(row["date"]), time(9, 30), BANGKOK)
        assert start == expected
        assert start.utcoffset() == timedelta(hours=7)


# --- plans and overview ----------------------------------------------------------------------


def demo_document() -> dict:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def test_plans_lists_the_demo_plan(demo_cli):
    document = demo_document()
    assert demo_cli.ok("plans", "--json").json() == [
        {
            "id": 1,
            "organization": document["organization"]["name"],
            "fiscal_year": document["fiscal_year"],
            "title": document["title"],
            "measures": len(document["measures"]),
            "tasks": sum(len(m["tasks"]) for m in document["measures"]),
        }
    ]


def test_plans_on_the_demo_counts_two_measures_and_eight_tasks(demo_cli):
    [row] = demo_cli.ok("plans", "--json").json()
    assert (row["fiscal_year"], row["measures"], row["tasks"]) == (2570, 2, 8)
    assert row["organization"] == "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"


def test_plans_is_empty_before_anything_is_imported(cli):
    assert cli.ok("plans", "--json").json() == []


def test_overview_shows_the_plan_its_tasks_and_the_next_five_meetings(demo_cli):
    document = demo_document()
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-11-25").json()
    assert overview["plan_id"] == 1
    assert overview["organization"] == document["organization"]["name"]
    assert overview["fiscal_year"] == 2570
    assert overview["title"] == document["title"]
    assert overview["as_of"] == "2026-11-25"
    assert [t["id"] for t in overview["tasks"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [t["overdue"] for t in overview["tasks"]] == [False] * 8
    meetings = overview["next_meetings"]
    assert meeting_dates(meetings) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
    ]
    assert [m["cancelled"] for m in meetings] == [False, False, True, False, False]
    assert {m["series"] for m in meetings} == {SERIES}
    assert {m["place"] for m in meetings} == {PLACE}
    assert [m["moved_from"] for m in meetings] == [None] * 5
    assert_starts_at_0930_bangkok(meetings)


def test_overview_later_in_the_year_shows_overdue_tasks_and_a_fifth_wednesday(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2027-02-10").json()
    assert [t["id"] for t in overview["tasks"] if t["overdue"]] == [2, 5]
    meetings = overview["next_meetings"]
    # 10 Feb 2027 is the second Wednesday: no meeting that day.
    assert meeting_dates(meetings) == [
        date(2027, 2, 17),
        date(2027, 3, 3),
        date(2027, 3, 17),
        date(2027, 3, 31),
        date(2027, 4, 7),
    ]
    assert not any(m["cancelled"] for m in meetings)
    assert_starts_at_0930_bangkok(meetings)


def test_a_meeting_on_the_as_of_day_is_among_the_next_meetings(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-12-02").json()
    assert meeting_dates(overview["next_meetings"])[:2] == [date(2026, 12, 2), date(2026, 12, 16)]


def test_overview_meetings_option_sets_how_many_meetings_are_shown(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-11-25", "--meetings", "2").json()
    assert meeting_dates(overview["next_meetings"]) == [date(2026, 12, 2), date(2026, 12, 16)]


def test_overview_refuses_a_negative_number_of_meetings(demo_cli):
    result = demo_cli("overview", "--json", "--as-of", "2026-11-25", "--meetings", "-1")
    shown = result.stdout.count('"series"')
    assert result.exit_code == 2, f"--meetings -1 accepted, {shown} meetings shown"
    assert_json_error(result)


def test_overview_without_as_of_uses_the_frozen_day(demo_cli):
    assert demo_cli.ok("overview", "--json").json()["as_of"] == "2026-11-25"


def test_the_overview_for_people_counts_tasks_done_and_overdue(demo_cli):
    out = demo_cli.ok("--lang", "en", "overview", "--as-of", "2027-02-10").stdout
    assert "8 tasks, 1 done, 2 overdue" in out
    assert "17 Feb 2027" in out


# --- meetings --------------------------------------------------------------------------------


def test_meetings_lists_the_first_third_and_fifth_wednesdays_with_the_cancelled_one(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2026-12-01", "--to", "2027-01-31", "--json").json()
    assert meeting_dates(rows) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
    ]
    cancelled = [row["date"] for row in rows if row["cancelled"]]
    assert cancelled == ["2026-12-30"]
    assert {row["series"] for row in rows} == {SERIES}
    assert_starts_at_0930_bangkok(rows)


def test_meetings_without_dates_lists_the_next_90_days_from_today(demo_cli):
    # From 2026-11-25 (FROZEN_NOW) to 2027-02-23.
    rows = demo_cli.ok("meetings", "--json").json()
    assert meeting_dates(rows) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
        date(2027, 2, 3),
        date(2027, 2, 17),
    ]


def test_meetings_includes_both_ends_of_the_range(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2026-12-02", "--to", "2026-12-16", "--json").json()
    assert meeting_dates(rows) == [date(2026, 12, 2), date(2026, 12, 16)]
    rows = demo_cli.ok("meetings", "--from", "2026-12-02", "--to", "2026-12-02", "--json").json()
    assert meeting_dates(rows) == [date(2026, 12, 2)]


def test_a_month_with_five_wednesdays_has_three_meetings(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2027-03-01", "--to", "2027-03-31", "--json").json()
    assert meeting_dates(rows) == [date(2027, 3, 3), date(2027, 3, 17), date(2027, 3, 31)]
    assert not any(row["cancelled"] for row in rows)


def test_a_range_without_meetings_is_empty(demo_cli):
    # 19 Nov .. 1 Dec 2026: the 25th is a fourth Wednesday; 2 Dec is outside.
    assert (
        demo_cli.ok("meetings", "--from", "2026-11-19", "--to", "2026-12-01", "--json").json() == []
    )


def test_the_meeting_table_marks_the_cancelled_meeting(demo_cli):
    out = demo_cli.ok("meetings", "--from", "2026-12-01", "--to", "2027-01-31").stdout
    [line] = [line for line in out.splitlines() if "30 ธ.ค. 2569" in line]
    assert "ยกเลิก" in line
    [line] = [line for line in out.splitlines() if "16 ธ.ค. 2569" in line]
    assert "ยกเลิก" not in line
    out = demo_cli.ok(
        "--lang", "en", "meetings", "--from", "2026-12-01", "--to", "2027-01-31"
    ).stdout
    [line] = [line for line in out.splitlines() if "30 Dec 2026" in line]
    assert "cancelled" in line
    assert "09:30" in line


def test_meetings_with_to_before_from_is_refused(demo_cli):
    result = demo_cli("meetings", "--from", "2027-01-31", "--to", "2026-12-01", "--json")
    assert_one_line_error(result, 2)
    assert_json_error(result)
