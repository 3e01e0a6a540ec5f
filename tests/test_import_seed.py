"""Importing the seed ITA analysis report through the CLI (`tracker import <report.txt>`).

Expected facts come from ../shared/vectors/seed-expected.json and ../shared/design/domain.md
(section 4), both read at test time; the seed report itself is read from ../shared/seeds and
only short substrings of it appear here, to edit copies. Every test runs on SQLite and (with
TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED

SEED = SHARED / "seeds" / "000_950678517d269ae1.txt"
EXPECTED: dict[str, Any] = json.loads(
    (SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8")
)
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# The two spellings of the secretariat's name (domain.md §4); the second is the right one.
MISSPELLED_UNIT = "สำนักงานเลขาธิการองค์การบริหารส่วนจังหวัด"
SECRETARIAT = EXPECTED["units"][0]["name"]  # สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด
ALL_UNITS = EXPECTED["units"][1]["name"]
TASKS = EXPECTED["measures"][0]["tasks"]


# --- helpers ---------------------------------------------------------------------------------


def squash(text: str | None) -> str:
    """The text with all whitespace removed (seed-expected.json compares names this way)."""
    return "".join((text or "").split())


def arabic(text: str) -> str:
    return text.translate(str.maketrans(THAI_DIGITS, "0123456789"))


def import_seed(cli, *options: str, path: Path = SEED) -> dict[str, Any]:
    return cli.ok("import", "--json", *options, str(path)).json()


def export(cli) -> dict[str, Any]:
    return cli.ok("export", "--format", "json").json()


def tasks_by_number(cli) -> dict[int, dict[str, Any]]:
    rows = cli.ok("tasks", "--json").json()
    return {row["number"]: row for row in rows}


def history(cli, task_id: int) -> list[dict[str, Any]]:
    return cli.ok("tasks", "history", str(task_id), "--json").json()


def warnings_with(code: str, warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [w for w in warnings if w["code"] == code]


def edit_step(
    text: str, number: int, edit: Callable[[list[str], str], None], listings: int = 2
) -> str:
    """Edit the seed's rows for step ``number``: ``edit(cells, listing)`` changes the row's
    tab-separated cells in place ("list" for the numbered list, "table" for the measure table).
    Insists that the step was found in ``listings`` rows, so a changed seed fails loudly."""
    digit = THAI_DIGITS[number]
    lines = text.split("\n")
    edited = 0
    for index, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) < 3:
            continue
        if cells[0].strip() == digit:
            listing = "list"
        elif re.match(rf"{digit}\s*\.\s*\D", cells[1].strip()):
            listing = "table"
        else:
            continue
        edit(cells, listing)
        lines[index] = "\t".join(cells)
        edited += 1
    assert edited == listings, f"step {number} found in {edited} rows, expected {listings}"
    return "\n".join(lines)


def remove_step(text: str, number: int) -> str:
    digit = THAI_DIGITS[number]
    kept = []
    removed = 0
    for line in text.split("\n"):
        cells = line.split("\t")
        is_step = len(cells) >= 3 and (
            cells[0].strip() == digit or re.match(rf"{digit}\s*\.\s*\D", cells[1].strip())
        )
        if is_step:
            removed += 1
        else:
            kept.append(line)
    assert removed == 2, f"step {number} found in {removed} rows, expected 2"
    return "\n".join(kept)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def write_copy(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNIT_CELL = 2  # in both listings: ลำดับที่/รายการ/หน่วยงาน and มาตรการ/วิธีการ/ผู้รับผิดชอบ/ระยะเวลา
PERIOD_CELL = 3  # in the measure table only


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


# --- what the import says ----------------------------------------------------------------------


def test_the_human_import_output_names_the_organization_years_score_counts_and_warnings(cli):
    out = cli.ok("import", "--merge-similar-units", str(SEED)).stdout

    assert EXPECTED["organization"]["name"] in out
    lines = out.splitlines()
    # The assessment (2565: score and grade) and the plan (FY2566: its counts).
    assert any("2565" in line and "99.76" in line and "AA" in line for line in lines)
    [plan_line] = [line for line in lines if re.search(r"ขั้นตอน\s*7\b", line)]
    assert "2566" in plan_line
    assert re.search(r"มาตรการ\s*1\b", plan_line)
    assert re.search(r"หน่วยงาน\s*2\b", plan_line)
    assert re.search(r"ประชุมหัวหน้าส่วนราชการ\S*:?\s*28\b", out)
    codes = {w["code"] for w in export(cli)["warnings"]}
    assert codes >= {
        "period-year-mismatch",
        "similar-units",
        "indicator-tool-label",
        "analysis-indicator-mismatch",
    }
    for code in codes:
        assert code in out


def test_importing_the_seed_twice_changes_nothing(cli):
    first = import_seed(cli, "--merge-similar-units")
    assert first["changed"] is True
    before = tasks_by_number(cli)
    events_before = {n: len(history(cli, row["id"])) for n, row in before.items()}

    second = import_seed(cli, "--merge-similar-units")

    assert second["changed"] is False
    assert second["created"] == {}
    assert second["changes"] == []
    assert second["plan_id"] == first["plan_id"]
    after = tasks_by_number(cli)
    assert after == before
    assert {n: len(history(cli, row["id"])) for n, row in after.items()} == events_before
    assert len(cli.ok("plans", "--json").json()) == 1


def test_a_corrected_report_updates_tasks_in_place_and_keeps_their_progress(cli, tmp_path):
    import_seed(cli, "--merge-similar-units")
    before = tasks_by_number(cli)
    cli.ok("done", str(before[1]["id"]), "--by", SECRETARIAT)
    cli.ok("progress", str(before[2]["id"]), "50", "--by", SECRETARIAT)

    def new_period(cells: list[str], listing: str) -> None:
        if listing == "table":
            assert cells[PERIOD_CELL].strip() == "พ.ย.๒๕๖๕"
            cells[PERIOD_CELL] = "ธ.ค.๒๕๖๕"

    def new_room(cells: list[str], listing: str) -> None:
        assert "ห้องประชุมสภา" in cells[1]
        cells[1] = cells[1].replace("ห้องประชุมสภา", "ห้องประชุมใหญ่")

    text = edit_step(edit_step(seed_text(), 2, new_period), 7, new_room)
    corrected = write_copy(tmp_path, "corrected.txt", text)

    report = import_seed(cli, "--merge-similar-units", path=corrected)

    assert report["changed"] is True
    assert report["created"] == {}
    after = tasks_by_number(cli)
    assert {n: r["id"] for n, r in after.items()} == {n: r["id"] for n, r in before.items()}
    assert after[2]["period_text"] == "ธ.ค.๒๕๖๕"
    assert (after[2]["start"], after[2]["end"]) == ("2022-12-01", "2022-12-31")
    assert "ห้องประชุมใหญ่" in after[7]["title"]
    assert "ห้องประชุมสภา" not in after[7]["title"]
    assert (after[1]["status"], after[1]["percent"]) == ("done", 100)
    assert (after[2]["status"], after[2]["percent"]) == ("in_progress", 50)
    for number in (3, 4, 5, 6):
        assert after[number] == before[number]

    events = history(cli, after[2]["id"])
    unit_events = [i for i, e in enumerate(events) if not e["actor"].startswith("import:")]
    import_changes = [
        (i, e)
        for i, e in enumerate(events)
        if e["actor"].startswith("import:") and e["field"] != "created"
    ]
    assert unit_events, "the unit's progress report is in the history"
    assert import_changes, "the import's changes are in the history"
    assert min(i for i, _ in import_changes) > max(unit_events)
    changed = {(e["before"], e["after"]) for _, e in import_changes}
    assert ("พ.ย.๒๕๖๕", "ธ.ค.๒๕๖๕") in changed
    assert ("2022-11-01", "2022-12-01") in changed
    assert ("2022-11-30", "2022-12-31") in changed
    assert all(e["actor"] == "import: corrected.txt" for _, e in import_changes)

    title_changes = [
        e
        for e in history(cli, after[7]["id"])
        if e["actor"].startswith("import:") and e["field"] == "title"
    ]
    assert len(title_changes) == 1
    assert "ห้องประชุมใหญ่" in title_changes[0]["after"]
    # Task 1 was not changed by the report: no import event after its creation.
    task1 = history(cli, after[1]["id"])
    assert [e["field"] for e in task1 if e["actor"].startswith("import:")] == ["created"]


def test_a_step_missing_from_a_re_imported_report_is_reported_and_kept(cli, tmp_path):
    import_seed(cli, "--merge-similar-units")
    before = tasks_by_number(cli)
    shorter = write_copy(tmp_path, "without-7.txt", remove_step(seed_text(), 7))

    report = import_seed(cli, "--merge-similar-units", path=shorter)

    assert report["found"]["tasks"] == 6
    missing = [n for n in report["notices"] if "1.7" in n or f"id {before[7]['id']}" in n]
    assert len(missing) == 1, report["notices"]
    after = tasks_by_number(cli)
    assert sorted(after) == [1, 2, 3, 4, 5, 6, 7]
    assert after[7] == before[7]


# --- --strict and --dry-run ------------------------------------------------------------------


def test_strict_imports_the_seed_which_has_no_gaps(cli):
    report = import_seed(cli, "--strict", "--merge-similar-units")

    assert report["found"]["tasks"] == len(TASKS)
    gaps = {"missing-unit", "missing-period", "unreadable-period"}
    assert not [w for w in report["warnings"] if w["code"] in gaps]
    assert len(cli.ok("plans", "--json").json()) == 1


def test_strict_refuses_a_step_without_a_unit_and_writes_nothing(cli, tmp_path):
    def no_unit(cells: list[str], listing: str) -> None:
        assert cells[UNIT_CELL].strip()
        cells[UNIT_CELL] = ""

    gap = write_copy(tmp_path, "no-unit.txt", edit_step(seed_text(), 4, no_unit))
    # Without --strict the gap is a warning on step 4 (so the edit did make a gap).
    lenient = cli.ok("import", "--dry-run", "--json", str(gap)).json()
    [warning] = warnings_with("missing-unit", lenient["warnings"])
    assert warning["where"] == "measures[0].tasks[3]"

    result = cli("import", "--strict", str(gap))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "missing-unit" in lines[0]
    assert result.stdout == ""
    assert cli.ok("plans", "--json").json() == []


def test_dry_run_prints_what_it_found_and_writes_nothing(cli):
    out = cli.ok("import", "--dry-run", "--merge-similar-units", str(SEED)).stdout

    assert EXPECTED["organization"]["name"] in out
    assert "99.76" in out
    assert re.search(r"ขั้นตอน\s*7\b", out)
    assert cli.ok("plans", "--json").json() == []
    report = cli.ok("import", "--dry-run", "--json", str(SEED)).json()
    assert report["dry_run"] is True
    assert report["found"]["tasks"] == len(TASKS)
    assert report["found"]["organization"] == EXPECTED["organization"]["name"]
    assert cli.ok("plans", "--json").json() == []


# --- files that are not reports --------------------------------------------------------------

PROSE = "วันนี้ฝนตกหนักทั้งวัน ฉันจึงอยู่บ้านอ่านหนังสือ\nพรุ่งนี้จะไปตลาดกับแม่แต่เช้า\n"
ORGANIZATION_ONLY = (
    "องค์การบริหารส่วนตำบลตัวอย่าง\nผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕\nคะแนนภาพรวม 90.00\n"
)


@pytest.mark.parametrize(
    ("content", "missing", "found"),
    [
        (PROSE, ["organization", "measure table", "มาตรการ/แนวทาง"], []),
        ("", ["organization", "measure table", "มาตรการ/แนวทาง"], []),
        (ORGANIZATION_ONLY, ["measure table", "มาตรการ/แนวทาง"], ["organization"]),
    ],
    ids=["ordinary-prose", "empty-file", "organization-without-measure-table"],
)
def test_a_text_file_that_is_not_a_report_is_refused_saying_what_was_not_found(
    cli, tmp_path, content, missing, found
):
    path = write_copy(tmp_path, "notes.txt", content)

    result = cli("import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for phrase in missing:
        assert phrase in lines[0]
    for phrase in found:
        assert phrase not in lines[0]
    assert cli.ok("plans", "--json").json() == []


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_a_pdf_or_word_file_is_refused_naming_the_supported_types(cli, tmp_path, suffix):
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"%PDF-1.4 not really\n")

    result = cli("import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for supported in (".json", ".yaml", ".txt", ".md", ".xlsx"):
        assert supported in lines[0]
    assert suffix in lines[0]


def test_a_report_with_non_utf8_bytes_is_refused_naming_the_line(cli, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("บรรทัดแรก\nบรรทัดที่สอง\n".encode() + b"caf\xe9 \xff\n")

    result = cli("import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "latin.txt:3" in lines[0] or "line 3" in lines[0]
    assert "UTF-8" in lines[0]
