"""`tracker tasks`, `done`, `progress` and `reopen` on the demo plan, through the real CLI.

Expected values come from examples/demo-plan.yaml (tasks are ids 1..8 in file order):

| id | # | units                         | period                  | status      | %   |
|----|---|-------------------------------|-------------------------|-------------|-----|
| 1  | 1.1 | สำนักปลัด                    | 2026-10-01 .. 2026-10-31 | done        | 100 |
| 2  | 1.2 | สำนักปลัด                    | 2026-11-01 .. 2026-11-30 | in_progress | 60  |
| 3  | 1.3 | กองคลัง                      | 2026-11-01 .. (open)     | not_started | 0   |
| 4  | 1.4 | สำนักปลัด, กองคลัง           | (none) .. 2027-04-30     | not_started | 0   |
| 5  | 2.1 | กองคลัง, กองช่าง             | 2026-12-01 .. 2027-01-31 | not_started | 0   |
| 6  | 2.2 | สำนักปลัด                    | 2026-12-01 .. (open)     | not_started | 0   |
| 7  | 2.3 | กองการศึกษา ศาสนาและวัฒนธรรม | 2027-01-01 .. 2027-03-31 | not_started | 0   |
| 8  | 2.4 | ทุกส่วนราชการ... (every unit) | 2026-10-01 .. 2027-09-30 | in_progress | 10  |
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from conftest import DEMO_PLAN, FROZEN_NOW

PALAD = "สำนักปลัด"
PALAD_ALIAS = "สำนักงานปลัด อบต."
KLANG = "กองคลัง"
CHANG = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"
ORDINARY_UNITS = [PALAD, KLANG, CHANG, EDUCATION]


def _demo_tasks_from_yaml() -> list[dict]:
    """The demo plan's tasks as `tracker tasks --json` should show them, read from the file."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    rows = []
    for position, measure in enumerate(document["measures"], start=1):
        for task in measure["tasks"]:
            rows.append(
                {
                    "id": len(rows) + 1,
                    "measure": position,
                    "number": task["number"],
                    "title": task["title"],
                    "units": task["units"],
                    "period_text": task["period_text"],
                    "start": task["start"],
                    "end": task["end"],
                    "status": task["status"],
                    "percent": task["percent"],
                    "follow_up": task["follow_up"],
                }
            )
    return rows


DEMO_TASKS = _demo_tasks_from_yaml()


def ids(result) -> list[int]:
    return [row["id"] for row in result.json()]


def task(cli, task_id: int) -> dict:
    return cli.ok("tasks", "show", str(task_id), "--json").json()


def history(cli, task_id: int) -> list[dict]:
    return cli.ok("tasks", "history", str(task_id), "--json").json()


def assert_one_line_error(result, code: int | None = None) -> str:
    """A failure: non-zero exit (README: 2 for bad input, 1 for refused changes and unknown
    ids and units), nothing on stdout, exactly one line on stderr."""
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def frozen_now_in_utc() -> datetime:
    return datetime.fromisoformat(FROZEN_NOW).astimezone(UTC)


def assert_at_frozen_now_in_utc(event: dict) -> None:
    at = datetime.fromisoformat(event["at"])
    assert at.utcoffset() is not None
    assert at.utcoffset().total_seconds() == 0, event["at"]
    assert at == frozen_now_in_utc()


def changes(events: list[dict]) -> dict[str, tuple[str | None, str | None]]:
    return {e["field"]: (e["before"], e["after"]) for e in events}


# --- listing ---------------------------------------------------------------------------------


def test_the_demo_lists_eight_tasks_in_file_order(demo_cli):
    assert ids(demo_cli.ok("tasks", "--json")) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_every_listed_task_has_the_values_written_in_the_demo_plan(demo_cli):
    rows = demo_cli.ok("tasks", "--json").json()
    assert len(DEMO_TASKS) == 8
    for expected, row in zip(DEMO_TASKS, rows, strict=True):
        assert {key: row[key] for key in expected} == expected


def test_hand_written_spot_checks_agree_with_the_demo_plan(demo_cli):
    # Spot checks written out by hand, independent of the YAML reader above.
    rows = {row["id"]: row for row in demo_cli.ok("tasks", "--json").json()}
    assert (rows[1]["status"], rows[1]["percent"]) == ("done", 100)
    assert (rows[2]["status"], rows[2]["percent"]) == ("in_progress", 60)
    assert (rows[8]["status"], rows[8]["percent"]) == ("in_progress", 10)
    assert rows[4]["units"] == [PALAD, KLANG]
    assert rows[5]["units"] == [KLANG, CHANG]
    assert rows[8]["units"] == [EVERY_UNIT]
    assert (rows[3]["start"], rows[3]["end"]) == ("2026-11-01", None)
    assert (rows[4]["start"], rows[4]["end"]) == (None, "2027-04-30")
    assert rows[7]["period_text"] == "ม.ค. - มี.ค. ๒๕๗๐"


def test_no_demo_task_is_overdue_on_the_frozen_day(demo_cli):
    rows = demo_cli.ok("tasks", "--json").json()
    assert [row["overdue"] for row in rows] == [False] * 8


def listing_mismatches(cli, cases: dict[tuple[str, ...], list[int]]) -> dict:
    """Run `tracker tasks ARGS --json` per case; return the cases whose ids differ."""
    found = {args: ids(cli.ok("tasks", *args, "--json")) for args in cases}
    return {
        args: (found[args], expected) for args, expected in cases.items() if found[args] != expected
    }


def test_a_unit_sees_its_own_tasks_and_the_every_unit_tasks(demo_cli):
    cases = {
        ("--unit", PALAD): [1, 2, 4, 6, 8],
        ("--unit", KLANG): [3, 4, 5, 8],
        ("--unit", CHANG): [5, 8],
        ("--unit", EDUCATION): [7, 8],
        ("--unit", EVERY_UNIT): [8],
    }
    assert listing_mismatches(demo_cli, cases) == {}


def test_a_unit_is_found_by_alias_and_with_other_spacing(demo_cli):
    spellings = [
        PALAD_ALIAS,
        "สำนักงานปลัดอบต.",
        "  สำนักงาน ปลัด  อบต. ",
        "สำนัก ปลัด",
        " สำนักปลัด",
        "สำนัก\u200bปลัด",  # a zero-width space, as PDF converters leave them
        "ส\u0e4d\u0e32นักปลัด",  # sara am decomposed into nikhahit + sara aa
    ]
    cases = {("--unit", spelling): [1, 2, 4, 6, 8] for spelling in spellings}
    assert listing_mismatches(demo_cli, cases) == {}


def test_a_unit_name_with_different_spacing_inside_is_the_same_unit(demo_cli):
    assert ids(demo_cli.ok("tasks", "--unit", "กองการศึกษาศาสนา และ วัฒนธรรม", "--json")) == [7, 8]


def test_the_status_filter_keeps_only_tasks_with_that_status(demo_cli):
    cases = {
        ("--status", "done"): [1],
        ("--status", "in_progress"): [2, 8],
        ("--status", "not_started"): [3, 4, 5, 6, 7],
        ("--status", "cancelled"): [],
    }
    assert listing_mismatches(demo_cli, cases) == {}


def test_an_unknown_status_is_a_usage_error(demo_cli):
    assert demo_cli("tasks", "--status", "finished", "--json").exit_code == 2


def test_overdue_lists_open_tasks_past_their_end_date(demo_cli):
    by_day = {
        # Task 1 ended 2026-10-31 but is done; task 2 (open) ends 2026-11-30.
        "2026-11-25": [],
        "2026-11-30": [],  # the last day of a period is not yet overdue
        "2026-12-01": [2],
        # Task 5 ends 2027-01-31; 3 and 6 are open-ended; 4, 7 and 8 end later.
        "2027-01-31": [2],
        "2027-02-10": [2, 5],
        # Task 7 ends 2027-03-31, task 4 2027-04-30, task 8 2027-09-30.
        "2027-05-01": [2, 4, 5, 7],
        "2027-10-01": [2, 4, 5, 7, 8],
        "2030-01-01": [2, 4, 5, 7, 8],  # 3 and 6 never, 1 is done
    }
    cases = {("--overdue", "--as-of", day): expected for day, expected in by_day.items()}
    assert listing_mismatches(demo_cli, cases) == {}


def test_the_overdue_flag_of_each_row_is_judged_on_the_as_of_day(demo_cli):
    rows = demo_cli.ok("tasks", "--as-of", "2027-02-10", "--json").json()
    assert [row["id"] for row in rows if row["overdue"]] == [2, 5]


def test_done_and_open_ended_tasks_are_never_overdue(demo_cli):
    rows = demo_cli.ok("tasks", "--as-of", "2099-12-31", "--json").json()
    flags = {row["id"]: row["overdue"] for row in rows}
    assert flags[1] is False  # done
    assert flags[3] is False  # open-ended
    assert flags[6] is False  # open-ended
    assert flags[2] is True


def test_overdue_without_as_of_is_judged_on_todays_date_in_bangkok(demo_cli):
    # 00:30 in Bangkok on 1 Feb 2027 is still 31 Jan in UTC: task 5 (ends 31 Jan) is overdue
    # in Bangkok, where the plan's dates are meant.
    demo_cli.env(TRACKER_NOW="2027-02-01T00:30:00+07:00")
    assert ids(demo_cli.ok("tasks", "--overdue", "--json")) == [2, 5]
    demo_cli.env(TRACKER_NOW="2027-01-31T23:30:00+07:00")
    assert ids(demo_cli.ok("tasks", "--overdue", "--json")) == [2]


def test_tracker_timezone_sets_the_zone_today_is_judged_in(demo_cli):
    # The same instant is 1 Feb in Bangkok but still 31 Jan in UTC.
    demo_cli.env(TRACKER_NOW="2027-02-01T00:30:00+07:00", TRACKER_TIMEZONE="UTC")
    assert ids(demo_cli.ok("tasks", "--overdue", "--json")) == [2]


def test_the_task_table_marks_overdue_tasks(demo_cli):
    out = demo_cli.ok("tasks", "--as-of", "2027-02-10").stdout
    assert out.count("เกินกำหนด") == 2
    out = demo_cli.ok("--lang", "en", "tasks", "--as-of", "2027-02-10").stdout
    assert out.count("overdue") == 2


def test_a_done_task_is_no_longer_overdue(demo_cli):
    demo_cli.ok("done", "5", "--by", CHANG)
    assert ids(demo_cli.ok("tasks", "--overdue", "--as-of", "2027-02-10", "--json")) == [2]


def test_due_before_keeps_tasks_ending_strictly_before_the_date(demo_cli):
    by_day = {
        "2026-10-31": [],  # task 1 ends on 2026-10-31 itself: not strictly before
        "2026-11-01": [1],
        "2026-12-01": [1, 2],
        "2027-01-31": [1, 2],  # task 5 ends on 2027-01-31
        "2027-02-01": [1, 2, 5],
        "2027-05-01": [1, 2, 4, 5, 7],
        "2030-01-01": [1, 2, 4, 5, 7, 8],  # open-ended tasks 3 and 6 have no end
    }
    cases = {("--due-before", day): expected for day, expected in by_day.items()}
    assert listing_mismatches(demo_cli, cases) == {}


def test_filters_combine_as_and(demo_cli):
    cases = {
        ("--unit", KLANG, "--overdue", "--as-of", "2027-02-10"): [5],
        ("--unit", PALAD, "--overdue", "--as-of", "2027-02-10"): [2],
        ("--unit", EDUCATION, "--overdue", "--as-of", "2027-02-10"): [],
        ("--unit", EDUCATION, "--overdue", "--as-of", "2027-10-01"): [7, 8],
        ("--unit", KLANG, "--due-before", "2027-05-01"): [4, 5],
        ("--unit", PALAD_ALIAS, "--status", "not_started"): [4, 6],
        ("--status", "not_started", "--due-before", "2027-04-01"): [5, 7],
        ("--status", "in_progress", "--overdue", "--as-of", "2027-10-01"): [2, 8],
        ("--unit", CHANG, "--status", "done"): [],
    }
    assert listing_mismatches(demo_cli, cases) == {}


def test_a_malformed_date_is_a_usage_error(demo_cli):
    for option in ("--as-of", "--due-before"):
        for value in ("not-a-date", "2027-13-01", "10/02/2027"):
            result = demo_cli("tasks", option, value, "--json")
            assert result.exit_code == 2, (option, value)
            assert result.stdout == ""
            assert value in result.stderr


# --- show ------------------------------------------------------------------------------------


def test_show_prints_one_task_with_its_measure_and_plan(demo_cli):
    row = task(demo_cli, 4)
    expected = DEMO_TASKS[3]
    assert {key: row[key] for key in expected} == expected
    assert row["units"] == [PALAD, KLANG]
    assert row["period_text"] == "ภายใน ๓๐ เม.ย. ๒๕๗๐"
    assert row["measure_title"] == "ยกระดับการเปิดเผยข้อมูลสาธารณะ (OIT)"
    assert row["organization"] == "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
    assert row["fiscal_year"] == 2570


def test_show_judges_overdue_on_the_as_of_day(demo_cli):
    assert demo_cli.ok("tasks", "show", "2", "--json").json()["overdue"] is False
    assert (
        demo_cli.ok("tasks", "show", "2", "--as-of", "2026-12-01", "--json").json()["overdue"]
        is True
    )


def test_show_includes_the_latest_update_with_every_field_it_changed_and_its_note(demo_cli):
    demo_cli.ok("progress", "3", "40", "--by", KLANG, "--note", "เผยแพร่เดือน ต.ค. แล้ว")
    last = task(demo_cli, 3)["last_update"]
    assert last["actor"] == KLANG
    # One command changed two fields (two audit events); the update is both, with the note.
    assert last["changes"] == [
        {"field": "percent", "before": "0", "after": "40"},
        {"field": "status", "before": "not_started", "after": "in_progress"},
    ]
    assert last["note"] == "เผยแพร่เดือน ต.ค. แล้ว"
    assert [e["field"] for e in history(demo_cli, 3)][-2:] == ["percent", "status"]


def test_show_tells_two_changes_at_one_frozen_moment_apart_and_lists_every_evidence(demo_cli):
    # The CLI fixture freezes the clock: both changes have one moment and one actor.
    first = "https://example.go.th/draft.pdf"
    demo_cli.ok("progress", "3", "40", "--by", KLANG, "--evidence", first)
    demo_cli.ok("done", "3", "--by", KLANG, "--note", "เผยแพร่ครบแล้ว")
    shown = task(demo_cli, 3)
    assert shown["last_update"]["changes"] == [
        {"field": "status", "before": "in_progress", "after": "done"},
        {"field": "percent", "before": "40", "after": "100"},
    ]
    assert shown["last_update"]["note"] == "เผยแพร่ครบแล้ว"
    assert shown["last_update"]["evidence_url"] is None
    assert [e["url"] for e in shown["evidence"]] == [first]
    out = demo_cli.ok("tasks", "show", "3").stdout
    assert "หมายเหตุ: เผยแพร่ครบแล้ว" in out
    assert f"หลักฐาน: {first}" in out
    assert "สถานะ กำลังดำเนินการ → เสร็จแล้ว" in out


def test_show_without_json_prints_the_task_for_people(demo_cli):
    out = demo_cli.ok("tasks", "show", "7").stdout
    assert DEMO_TASKS[6]["title"] in out
    assert EDUCATION in out
    assert "ม.ค. – มี.ค. 2570" in out


# --- periods in Thai and English -------------------------------------------------------------

# Whole months are written as months, a year shared by both ends once; BE = CE + 543.
THAI_PERIODS = {
    1: "ต.ค. 2569",
    2: "พ.ย. 2569",
    3: "ตั้งแต่ พ.ย. 2569",
    4: "ภายใน 30 เม.ย. 2570",
    5: "ธ.ค. 2569 – ม.ค. 2570",
    6: "ตั้งแต่ ธ.ค. 2569",
    7: "ม.ค. – มี.ค. 2570",
    8: "ต.ค. 2569 – ก.ย. 2570",
}
ENGLISH_PERIODS = {
    1: "Oct 2026",
    2: "Nov 2026",
    3: "from Nov 2026",
    4: "by 30 Apr 2027",
    5: "Dec 2026 – Jan 2027",
    6: "from Dec 2026",
    7: "Jan – Mar 2027",
    8: "Oct 2026 – Sep 2027",
}


def test_periods_are_written_the_thai_way_by_default(demo_cli):
    rows = demo_cli.ok("tasks", "--json").json()
    assert {row["id"]: row["period"] for row in rows} == THAI_PERIODS


def test_the_task_table_has_a_thai_period_column(demo_cli):
    out = demo_cli.ok("tasks").stdout
    assert "ระยะเวลา" in out
    for period in THAI_PERIODS.values():
        assert period in out


def test_lang_en_writes_periods_in_english(demo_cli):
    rows = demo_cli.ok("--lang", "en", "tasks", "--json").json()
    assert {row["id"]: row["period"] for row in rows} == ENGLISH_PERIODS


def test_the_english_task_table_shows_english_periods(demo_cli):
    out = demo_cli.ok("--lang", "en", "tasks").stdout
    assert "Period" in out
    for period in ENGLISH_PERIODS.values():
        assert period in out
    assert "พ.ย. 2569" not in out


def test_tracker_lang_sets_the_language_and_the_option_wins(demo_cli):
    demo_cli.env(TRACKER_LANG="en")
    rows = demo_cli.ok("tasks", "--json").json()
    assert rows[2]["period"] == "from Nov 2026"
    rows = demo_cli.ok("--lang", "th", "tasks", "--json").json()
    assert rows[2]["period"] == "ตั้งแต่ พ.ย. 2569"


def test_the_period_as_written_in_the_plan_is_kept_in_every_language(demo_cli):
    rows = demo_cli.ok("--lang", "en", "tasks", "--json").json()
    assert [row["period_text"] for row in rows] == [t["period_text"] for t in DEMO_TASKS]


# --- done ------------------------------------------------------------------------------------


def test_done_sets_status_done_and_percent_100(demo_cli):
    demo_cli.ok(
        "done", "3", "--by", KLANG, "--note", "เผยแพร่แล้ว", "--evidence", "https://e.go.th/p.pdf"
    )
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("done", 100)


def test_done_writes_status_and_percent_events_with_note_evidence_actor_and_time(demo_cli):
    before = history(demo_cli, 3)
    url = "https://example.go.th/procurement-2569-11.pdf"
    demo_cli.ok("done", "3", "--by", KLANG, "--note", "เผยแพร่แล้ว", "--evidence", url)
    new = history(demo_cli, 3)[len(before) :]
    assert changes(new) == {"status": ("not_started", "done"), "percent": ("0", "100")}
    assert len(new) == 2
    for event in new:
        assert event["actor"] == KLANG
        assert_at_frozen_now_in_utc(event)
    # The note and the evidence are recorded, on one event (not repeated).
    with_note = [e for e in new if e["note"] is not None]
    assert [e["note"] for e in with_note] == ["เผยแพร่แล้ว"]
    assert with_note[0]["evidence_url"] == url
    assert [e["evidence_url"] for e in new if e["evidence_url"]] == [url]


def test_the_actor_is_the_units_name_even_when_given_by_alias(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("done", "2", "--by", PALAD_ALIAS)
    new = history(demo_cli, 2)[len(before) :]
    assert new
    assert {e["actor"] for e in new} == {PALAD}


def test_done_twice_changes_nothing_and_writes_no_event(demo_cli):
    demo_cli.ok("done", "3", "--by", KLANG)
    first = history(demo_cli, 3)
    result = demo_cli.ok("--lang", "en", "done", "3", "--by", KLANG)
    assert "nothing changed" in result.stdout
    assert history(demo_cli, 3) == first
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("done", 100)


def test_done_on_a_task_imported_as_done_writes_no_event(demo_cli):
    before = history(demo_cli, 1)
    demo_cli.ok("done", "1", "--by", PALAD)
    assert history(demo_cli, 1) == before


def test_user_is_recorded_in_the_actor(demo_cli):
    before = history(demo_cli, 3)
    demo_cli.ok("done", "3", "--by", KLANG, "--user", "นางสาวมาลี ใจดี")
    new = history(demo_cli, 3)[len(before) :]
    assert new
    for event in new:
        assert "นางสาวมาลี ใจดี" in event["actor"]
        assert KLANG in event["actor"]


# --- progress --------------------------------------------------------------------------------


def test_progress_on_a_not_started_task_starts_it(demo_cli):
    before = history(demo_cli, 3)
    demo_cli.ok("progress", "3", "40", "--by", KLANG, "--note", "เผยแพร่เดือน ต.ค. แล้ว")
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("in_progress", 40)
    new = history(demo_cli, 3)[len(before) :]
    assert changes(new) == {"percent": ("0", "40"), "status": ("not_started", "in_progress")}
    assert len(new) == 2
    assert [e["note"] for e in new if e["note"]] == ["เผยแพร่เดือน ต.ค. แล้ว"]
    for event in new:
        assert event["actor"] == KLANG
        assert_at_frozen_now_in_utc(event)


def test_progress_on_an_in_progress_task_changes_only_the_percent(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("progress", "2", "80", "--by", PALAD)
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 80)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"percent": ("60", "80")}
    assert len(new) == 1


def test_progress_100_marks_the_task_done(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("done", 100)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"percent": ("60", "100"), "status": ("in_progress", "done")}


def test_progress_on_a_done_task_is_refused(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("progress", "1", "50", "--by", PALAD)
    assert_one_line_error(result, 1)
    row = task(demo_cli, 1)
    assert (row["status"], row["percent"]) == ("done", 100)
    assert history(demo_cli, 1) == before


@pytest.mark.parametrize(
    "args",
    [
        ["2", "101", "--by", PALAD],
        ["2", "--by", PALAD, "--", "-1"],  # `--` so -1 is a value, not an option
        ["2", "-1", "--by", PALAD],
    ],
    ids=["101", "minus-one-after-double-dash", "minus-one"],
)
def test_a_percent_outside_0_to_100_is_refused_and_nothing_is_written(demo_cli, args):
    before = history(demo_cli, 2)
    result = demo_cli("progress", *args)
    assert_one_line_error(result, 2)
    assert result.stdout == ""
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)
    assert history(demo_cli, 2) == before


def test_the_out_of_range_message_names_the_percent(demo_cli):
    line = assert_one_line_error(demo_cli("progress", "2", "101", "--by", PALAD), 2)
    assert "101" in line
    line = assert_one_line_error(demo_cli("progress", "2", "--by", PALAD, "--", "-1"), 2)
    assert "-1" in line


# --- reopen ----------------------------------------------------------------------------------


def test_reopen_restores_the_percent_the_task_had_before_done(demo_cli):
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    before = history(demo_cli, 2)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "รายชื่อผู้รับผิดชอบยังไม่ครบ")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"status": ("done", "in_progress"), "percent": ("100", "60")}
    assert [e["note"] for e in new if e["note"]] == ["รายชื่อผู้รับผิดชอบยังไม่ครบ"]
    for event in new:
        assert event["actor"] == PALAD
        assert_at_frozen_now_in_utc(event)


def test_reopen_after_the_done_command_restores_the_percent_before_it(demo_cli):
    demo_cli.ok("done", "2", "--by", PALAD_ALIAS, "--note", "ออกคำสั่งมอบหมายแล้ว")
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "คำสั่งต้องแก้ไขรายชื่อ")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)


def test_reopen_after_a_second_done_restores_the_latest_percent(demo_cli):
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "ยังไม่ครบ")
    demo_cli.ok("progress", "2", "70", "--by", PALAD)
    demo_cli.ok("done", "2", "--by", PALAD)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "ยังไม่ครบอีก")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 70)


def test_reopen_after_done_restores_the_reported_progress(demo_cli):
    demo_cli.ok("progress", "3", "40", "--by", KLANG)
    demo_cli.ok("done", "3", "--by", KLANG)
    demo_cli.ok("reopen", "3", "--by", KLANG, "--note", "ยังไม่ได้เผยแพร่เดือน พ.ย.")
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("in_progress", 40)


def test_reopen_of_an_open_task_is_refused(demo_cli):
    before = history(demo_cli, 3)
    result = demo_cli("reopen", "3", "--by", KLANG, "--note", "ทดสอบ")
    assert_one_line_error(result, 1)
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("not_started", 0)
    assert history(demo_cli, 3) == before


def test_reopen_without_a_note_is_a_usage_error(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("reopen", "1", "--by", PALAD)
    assert result.exit_code == 2
    assert "--note" in result.stderr
    assert task(demo_cli, 1)["status"] == "done"
    assert history(demo_cli, 1) == before


def test_reopen_with_a_blank_note_is_refused(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("reopen", "1", "--by", PALAD, "--note", "   ")
    assert_one_line_error(result, 2)
    assert task(demo_cli, 1)["status"] == "done"
    assert history(demo_cli, 1) == before


# --- who may change a task -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "task_id", "unit"),
    [
        (["done", "3", "--by", CHANG], 3, CHANG),
        (["progress", "3", "40", "--by", PALAD], 3, PALAD),
        (["progress", "7", "10", "--by", KLANG], 7, KLANG),
        (["done", "4", "--by", EDUCATION, "--note", "x"], 4, EDUCATION),
        (["reopen", "1", "--by", KLANG, "--note", "ไม่ใช่หน่วยของเรา"], 1, KLANG),
    ],
    ids=["done", "progress", "progress-not-named", "done-with-note", "reopen"],
)
def test_a_unit_not_responsible_for_a_task_is_refused(demo_cli, args, task_id, unit):
    before_task = task(demo_cli, task_id)
    before = history(demo_cli, task_id)
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert unit in line
    assert history(demo_cli, task_id) == before
    after_task = task(demo_cli, task_id)
    assert (after_task["status"], after_task["percent"]) == (
        before_task["status"],
        before_task["percent"],
    )


@pytest.mark.parametrize("unit", ORDINARY_UNITS, ids=["palad", "klang", "chang", "education"])
def test_every_unit_may_change_a_task_of_the_every_unit_group(demo_cli, unit):
    before = history(demo_cli, 8)
    demo_cli.ok("progress", "8", "30", "--by", unit, "--note", "รายงานในที่ประชุมแล้ว")
    row = task(demo_cli, 8)
    assert (row["status"], row["percent"]) == ("in_progress", 30)
    new = history(demo_cli, 8)[len(before) :]
    assert changes(new) == {"percent": ("10", "30")}
    assert new[0]["actor"] == unit


def test_a_unit_named_on_a_shared_task_may_change_it(demo_cli):
    demo_cli.ok("progress", "5", "20", "--by", CHANG)
    demo_cli.ok("progress", "5", "50", "--by", KLANG)
    assert task(demo_cli, 5)["percent"] == 50
    actors = [e["actor"] for e in history(demo_cli, 5) if e["field"] == "percent"]
    assert actors == [CHANG, KLANG]


# --- unknown ids and units -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "show", "999"],
        ["tasks", "history", "999"],
        ["done", "999", "--by", PALAD],
        ["progress", "999", "10", "--by", PALAD],
        ["reopen", "999", "--by", PALAD, "--note", "x"],
    ],
    ids=["show", "history", "done", "progress", "reopen"],
)
def test_an_unknown_task_id_is_one_clear_line(demo_cli, args):
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert "999" in line
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "--unit", "กองสาธารณสุข"],
        ["done", "3", "--by", "กองสาธารณสุข"],
        ["progress", "3", "10", "--by", "กองสาธารณสุข"],
    ],
    ids=["tasks", "done", "progress"],
)
def test_an_unknown_unit_is_one_line_naming_it(demo_cli, args):
    before = history(demo_cli, 3)
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert "กองสาธารณสุข" in line
    assert history(demo_cli, 3) == before
