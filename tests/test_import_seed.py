"""Importing the seed ITA analysis report through the CLI (`tracker import <report.txt>`): every
fact of seed-expected.json, and the tasks and meetings the import leaves.

Expected facts come from ../shared/vectors/seed-expected.json and ../shared/design/domain.md
(section 4), both read at test time; the seed report itself is read from ../shared/seeds.
Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from import_support import (
    EXPECTED,
    MISSPELLED_UNIT,
    SECRETARIAT,
    TASKS,
    THAI_DIGITS,
    export,
    import_seed,
    warnings_with,
)

ALL_UNITS = EXPECTED["units"][1]["name"]


# --- helpers ---------------------------------------------------------------------------------


def squash(text: str | None) -> str:
    """The text with all whitespace removed (seed-expected.json compares names this way)."""
    return "".join((text or "").split())


def arabic(text: str) -> str:
    return text.translate(str.maketrans(THAI_DIGITS, "0123456789"))


# --- every fact of seed-expected.json --------------------------------------------------------


def test_the_seed_import_yields_the_expected_organization_years_and_assessment(cli):
    import_seed(cli, "--merge-similar-units")
    document = export(cli)

    assert document["organization"]["name"] == EXPECTED["organization"]["name"]
    assert document["fiscal_year"] == EXPECTED["fiscal_year"]
    assessment, expected = document["assessment"], EXPECTED["assessment"]
    assert assessment["year"] == expected["year"]
    assert assessment["score"] == pytest.approx(expected["score"])
    assert assessment["grade"] == expected["grade"]
    got = [
        (i["number"], squash(i["name"]), i["tool"], i["score"]) for i in assessment["indicators"]
    ]
    want = [(i["number"], squash(i["name"]), i["tool"], i["score"]) for i in expected["indicators"]]
    assert got == want


def test_the_seed_import_yields_the_six_weak_items_with_their_questions(cli):
    import_seed(cli, "--merge-similar-units")
    items = export(cli)["assessment"]["items"]

    assert [i["code"] for i in items] == [i["code"] for i in EXPECTED["assessment"]["items"]]
    for item, expected in zip(items, EXPECTED["assessment"]["items"], strict=True):
        assert item["tool"] == expected["tool"], item["code"]
        assert item["score"] == pytest.approx(expected["score"]), item["code"]
        assert squash(expected["question_contains"]) in squash(item["question"]), item["code"]


def test_the_seed_import_with_merged_units_yields_two_units_and_the_every_unit_group(cli):
    import_seed(cli, "--merge-similar-units")
    units = export(cli)["units"]

    assert sorted((squash(u["name"]), u["all_units"]) for u in units) == sorted(
        (squash(u["name"]), u["all_units"]) for u in EXPECTED["units"]
    )
    [secretariat] = [u for u in units if squash(u["name"]) == squash(SECRETARIAT)]
    assert [squash(a) for a in secretariat["aliases"]] == [MISSPELLED_UNIT]


def test_the_seed_import_yields_the_follow_up_series_and_one_measure_of_seven_tasks(cli):
    import_seed(cli, "--merge-similar-units")
    document = export(cli)

    assert len(document["meeting_series"]) == len(EXPECTED["meeting_series"])
    for series, expected in zip(
        document["meeting_series"], EXPECTED["meeting_series"], strict=True
    ):
        assert expected["name_contains"] in series["name"]
        assert series["rrule"] == expected["rrule"]
    [measure] = document["measures"]
    assert squash(EXPECTED["measures"][0]["title_contains"]) in squash(measure["title"])
    assert [t["number"] for t in measure["tasks"]] == [t["number"] for t in TASKS]
    for task, expected in zip(measure["tasks"], TASKS, strict=True):
        number = expected["number"]
        assert squash(expected["title_contains"]) in squash(task["title"]), number
        assert [squash(u) for u in task["units"]] == [squash(u) for u in expected["units"]], number
        assert squash(task["period_text"]) == squash(expected["period_text"]), number
        assert (task["start"], task["end"]) == (expected["start"], expected["end"]), number
        assert task["status"] == expected["status"], number
        assert task["follow_up"] == document["meeting_series"][0]["name"], number


def test_the_seed_import_warns_about_task_5s_year_with_both_readings(cli):
    report = import_seed(cli, "--merge-similar-units")

    [warning] = warnings_with("period-year-mismatch", report["warnings"])
    assert warning["where"] == "measures[0].tasks[4]"
    message = arabic(warning["message"])
    assert "2565" in message
    assert "2566" in message
    # The plan keeps the warning.
    assert warning in export(cli)["warnings"]


def test_the_seed_import_warns_that_the_two_secretariat_spellings_are_one_unit(cli):
    report = import_seed(cli, "--merge-similar-units")

    [warning] = warnings_with("similar-units", report["warnings"])
    assert MISSPELLED_UNIT in squash(warning["message"])
    assert squash(SECRETARIAT) in squash(warning["message"])


def test_the_reports_own_slips_are_warned_about_and_not_repeated_in_the_stored_data(cli):
    report = import_seed(cli, "--merge-similar-units")

    [analysis] = warnings_with("analysis-indicator-mismatch", report["warnings"])
    assert re.search(r"\b4\b", arabic(analysis["message"]))
    assert "การเปิดเผยข้อมูล" in analysis["message"]
    [label] = warnings_with("indicator-tool-label", report["warnings"])
    assert "IIT" in label["message"]
    assert "EIT" in label["message"]

    indicators = {i["number"]: i for i in export(cli)["assessment"]["indicators"]}
    assert [indicators[n]["tool"] for n in (6, 7, 8)] == ["EIT", "EIT", "EIT"]
    assert squash(indicators[4]["name"]) == squash(EXPECTED["assessment"]["indicators"][3]["name"])
    assert indicators[9]["name"] == "การเปิดเผยข้อมูล"


def test_without_merging_the_misspelled_unit_is_kept_apart_and_the_merge_is_proposed(cli):
    report = import_seed(cli)
    document = export(cli)

    names = sorted(squash(u["name"]) for u in document["units"])
    assert names == sorted([squash(SECRETARIAT), squash(ALL_UNITS), MISSPELLED_UNIT])
    [warning] = warnings_with("similar-units", report["warnings"])
    assert "--merge-similar-units" in warning["message"]
    assert MISSPELLED_UNIT in squash(warning["message"])
    # The measure table (which names the right spelling) wins: no task goes to the other one.
    tasks = document["measures"][0]["tasks"]
    assert [[squash(u) for u in t["units"]] for t in tasks] == [
        [squash(u) for u in t["units"]] for t in TASKS
    ]


# --- tasks and meetings after the import -----------------------------------------------------


def test_tasks_json_lists_the_seven_tasks_of_the_seed(cli):
    import_seed(cli, "--merge-similar-units")
    rows = cli.ok("tasks", "--json").json()

    assert [(r["measure"], r["number"]) for r in rows] == [(1, t["number"]) for t in TASKS]
    for row, expected in zip(rows, TASKS, strict=True):
        assert squash(expected["title_contains"]) in squash(row["title"])
        assert [squash(u) for u in row["units"]] == [squash(u) for u in expected["units"]]
        assert (row["start"], row["end"]) == (expected["start"], expected["end"])
        assert row["status"] == expected["status"]


def test_the_task_table_shows_the_periods_as_thai_months(cli):
    import_seed(cli, "--merge-similar-units")
    out = cli.ok("tasks").stdout

    assert "พ.ย. 2565" in out  # tasks 1 and 2
    assert "ตั้งแต่ พ.ย. 2565" in out  # tasks 3 and 7
    assert "ม.ค. – มี.ค. 2566" in out  # task 5, corrected to FY2566
    assert "2565 – " not in out
    assert "มี.ค. 2565" not in out


def test_the_follow_up_meetings_of_fiscal_year_2566_are_the_expected_28_with_the_holiday(cli):
    import_seed(cli, "--merge-similar-units")
    rows = cli.ok(
        "meetings",
        "--series",
        "ประชุมหัวหน้าส่วนราชการ",
        "--from",
        "2022-10-01",
        "--to",
        "2023-09-30",
        "--json",
    ).json()

    assert [r["date"] for r in rows] == EXPECTED["meetings_fy2566"]
    assert len(rows) == 28
    holidays = {r["date"]: r["holiday"] for r in rows if r["holiday"]}
    assert holidays == EXPECTED["holiday_meetings_fy2566"]
    assert all(not r["cancelled"] for r in rows)
