"""`tracker tasks`: listing and filtering, `tasks show` and periods in Thai and English, on
the demo plan, through the real CLI.

Expected values come from examples/demo-plan.yaml (tasks are ids 1..8 in file order); the
table of the demo's tasks is in the docstring of tests/cli_support.py. Changing tasks (`done`,
`progress`, `reopen`) is tested in test_cli_task_changes.py.
"""

from __future__ import annotations

from cli_support import (
    CHANG,
    DEMO_TASKS,
    EDUCATION,
    EVERY_UNIT,
    KLANG,
    PALAD,
    PALAD_ALIAS,
    assert_json_error,
    history,
    task,
)


def ids(result) -> list[int]:
    return [row["id"] for row in result.json()]


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
            assert_json_error(result)
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
