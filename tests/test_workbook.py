"""Plan workbooks: `tracker export --format xlsx` writes the whole plan, `tracker import` reads it
back exactly, a secretariat's edits are taken, and a bad cell is named by sheet, row and column
(hostile and broken files: tests/test_workbook_safety.py).

Workbooks are exported by the CLI and edited with openpyxl as a person would in Excel;
expected values are written here by hand (from examples/demo-plan.yaml and the edits made).
Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL; "a fresh
database" is a second empty database of the same backend.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import DEMO_PLAN, SEED_REPORT
from workbook_support import MEASURE_SHEET, export_workbook, one_line_error

TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๗๐"
SERIES = "ประชุมหัวหน้าส่วนราชการ"


def task_row(sheet, measure: int, number: int) -> int:
    """The sheet row of a task, found by its มาตรการที่ (H) and step (B) cells."""
    for row in range(5, sheet.max_row + 1):
        step = str(sheet.cell(row, 2).value or "")
        if sheet.cell(row, 8).value == measure and step.startswith(f"{number}. "):
            return row
    raise AssertionError(f"no row for task {measure}.{number}")


def edit_workbook(path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def demo_task_id(cli, measure: int, number: int) -> int:
    rows = cli.ok("tasks", "--json").json()
    [row] = [r for r in rows if (r["measure"], r["number"]) == (measure, number)]
    return row["id"]


def task(document: dict[str, Any], measure: int, number: int) -> dict[str, Any]:
    [found] = [t for t in document["measures"][measure - 1]["tasks"] if t["number"] == number]
    return found


# --- the whole plan, there and back --------------------------------------------------------------


def test_the_demo_plan_through_a_workbook_into_a_fresh_database_is_the_same_document(
    demo_cli, tmp_path, second_database_url
):
    demo_cli.ok("units", "contact", "กองคลัง", "email", "finance@example.go.th")
    demo_cli.ok("units", "contact", "กองคลัง", "email", "head@example.go.th", "--role", "head")
    demo_cli.ok("done", str(demo_task_id(demo_cli, 1, 2)), "--by", "สำนักปลัด")
    before = demo_cli.ok("export").json()
    path = export_workbook(demo_cli, tmp_path / "plan.xlsx")

    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)
    report = demo_cli.ok("import", "--json", str(path)).json()
    after = demo_cli.ok("export").json()

    assert report["kind"] == "spreadsheet"
    assert report["warnings"] == []  # read exactly: nothing re-derived, nothing re-warned
    assert after == before
    # What the old export lost, by hand from examples/demo-plan.yaml:
    assert after["title"] == TITLE
    assert after["source"] == "examples/demo-plan.yaml (ตัวอย่างสมมติ)"
    assessment = after["assessment"]
    assert (assessment["year"], assessment["score"], assessment["grade"]) == (2569, 85.97, "A")
    assert len(assessment["indicators"]) == 10
    assert assessment["indicators"][8] == {
        "number": 9,
        "name": "การเปิดเผยข้อมูล",
        "tool": "OIT",
        "score": 78.5,
    }
    assert [(i["code"], i["score"]) for i in assessment["items"]] == [
        ("I17", 78.4),
        ("E11", 80.15),
        ("O12", 0.0),
    ]
    assert [m["items"] for m in after["measures"]] == [["O12"], ["I17", "E11"]]
    [series] = after["meeting_series"]
    assert (series["time"], series["timezone"], series["holiday_policy"]) == (
        "09:30",
        "Asia/Bangkok",
        "flag",
    )
    assert series["place"] == "ห้องประชุมสภา อบต.ทุ่งดาวเรือง ชั้น ๒"
    assert series["exceptions"] == [
        {"date": "2026-12-30", "cancelled": True, "moved_to": None, "note": "งดประชุมช่วงวันหยุดสิ้นปี"}
    ]
    units = {u["name"]: u for u in after["units"]}
    assert units["สำนักปลัด"]["aliases"] == ["สำนักงานปลัด อบต."]
    assert units["กองคลัง"]["contacts"] == [
        {"channel": "email", "address": "finance@example.go.th", "role": "unit"},
        {"channel": "email", "address": "head@example.go.th", "role": "head"},
    ]
    assert units["ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"]["all_units"] is True
    progress = [(t["status"], t["percent"]) for m in after["measures"] for t in m["tasks"]]
    assert progress == [
        ("done", 100),
        ("done", 100),  # marked done above
        ("not_started", 0),
        ("not_started", 0),
        ("not_started", 0),
        ("not_started", 0),
        ("not_started", 0),
        ("in_progress", 10),
    ]
    assert task(after, 1, 3)["end"] is None  # open-ended stays open
    assert task(after, 1, 4)["start"] is None
    assert after["warnings"] == []

    again = demo_cli.ok("import", "--json", str(path)).json()
    assert (again["changed"], again["changes"], again["notices"]) == (False, [], [])


def test_a_reports_warnings_survive_the_workbook(cli, tmp_path, second_database_url):
    cli.ok("import", str(SEED_REPORT))
    before = cli.ok("export").json()
    assert before["warnings"], "the seed report's import notices things"
    path = export_workbook(cli, tmp_path / "seed.xlsx")

    cli.env(TRACKER_DATABASE_URL=second_database_url)
    report = cli.ok("import", "--json", str(path)).json()

    assert report["warnings"] == before["warnings"]
    assert cli.ok("export").json() == before


# --- a secretariat's edits ---------------------------------------------------------------------


def test_an_edited_workbook_changes_exactly_what_was_edited(
    demo_cli, tmp_path, second_database_url
):
    before = demo_cli.ok("export").json()
    new_title = "จัดทำแนวปฏิบัติการขอยืมและขอใช้ทรัพย์สินของทางราชการ (ฉบับปรับปรุง)"

    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        sheet = workbook[MEASURE_SHEET]
        row = task_row(sheet, 2, 1)
        sheet.cell(row, 2).value = f"1. {new_title}"
        sheet.cell(row, 6).value = "กำลังดำเนินการ"
        row = task_row(sheet, 1, 3)
        sheet.cell(row, 3).value = "กองคลัง\nกองช่าง"  # a unit added, one a line

    path = edit_workbook(export_workbook(demo_cli, tmp_path / "plan.xlsx"), edit)
    report = demo_cli.ok("import", "--json", str(path)).json()

    assert report["created"] == {}
    assert len(report["changes"]) == 2
    [title_change] = [c for c in report["changes"] if c.startswith("task 2.1: title")]
    assert new_title in title_change
    [units_change] = [c for c in report["changes"] if c.startswith("task 1.3: units")]
    assert "'กองคลัง, กองช่าง'" in units_change
    # Progress belongs to the tracker once a task exists: the edit is reported, not taken.
    [notice] = report["notices"]
    assert "2.1" in notice
    assert "in_progress" in notice
    expected = copy.deepcopy(before)
    task(expected, 2, 1)["title"] = new_title
    task(expected, 1, 3)["units"] = ["กองคลัง", "กองช่าง"]
    assert demo_cli.ok("export").json() == expected

    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)  # a new database takes the status too
    demo_cli.ok("import", str(path))
    task(expected, 2, 1)["status"] = "in_progress"
    assert demo_cli.ok("export").json() == expected


def test_edited_periods_dates_and_a_new_row_are_taken(demo_cli, tmp_path, second_database_url):
    before = demo_cli.ok("export").json()

    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        sheet = workbook[MEASURE_SHEET]
        row = task_row(sheet, 1, 3)
        sheet.cell(row, 4).value = "พ.ย.๒๕๖๙ - ก.ย.๒๕๗๐"
        sheet.cell(row, 10).value = "2027-09-30"
        last = sheet.max_row + 1
        # A new step under measure 2, typed without its number, dates as Excel dates.
        for column, value in enumerate(
            [None, "ติดตามผลการร้องเรียน", "สำนักปลัด", "ม.ค. ๒๕๗๐", SERIES, "ยังไม่เริ่ม", 0, 2],
            start=1,
        ):
            sheet.cell(last, column).value = value
        sheet.cell(last, 9).value = openpyxl.utils.datetime.from_ISO8601("2027-01-01")
        sheet.cell(last, 10).value = openpyxl.utils.datetime.from_ISO8601("2027-01-31")

    path = edit_workbook(export_workbook(demo_cli, tmp_path / "plan.xlsx"), edit)
    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)
    demo_cli.ok("import", str(path))

    expected = copy.deepcopy(before)
    task(expected, 1, 3).update(period_text="พ.ย.๒๕๖๙ - ก.ย.๒๕๗๐", end="2027-09-30")
    expected["measures"][1]["tasks"].append(
        {
            "number": 5,
            "title": "ติดตามผลการร้องเรียน",
            "units": ["สำนักปลัด"],
            "period_text": "ม.ค. ๒๕๗๐",
            "start": "2027-01-01",
            "end": "2027-01-31",
            "follow_up": SERIES,
            "status": "not_started",
            "percent": 0,
        }
    )
    assert demo_cli.ok("export").json() == expected


def test_org_and_fiscal_year_options_replace_the_workbooks_own(
    demo_cli, tmp_path, second_database_url
):
    path = export_workbook(demo_cli, tmp_path / "plan.xlsx")
    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)

    demo_cli.ok("import", "--org", "เทศบาลตำบลต้นแบบ", "--fiscal-year", "2571", str(path))

    [plan] = demo_cli.ok("plans", "--json").json()
    assert (plan["organization"], plan["fiscal_year"], plan["tasks"]) == (
        "เทศบาลตำบลต้นแบบ",
        2571,
        8,
    )


# --- errors name the sheet, row and column -------------------------------------------------------


def _blank_unit_name(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook["หน่วยงาน"].cell(3, 1).value = None  # กองคลัง's name; its other cells stay


def _unknown_unit(workbook) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook[MEASURE_SHEET]
    sheet.cell(task_row(sheet, 1, 2), 3).value = "สำนักปลัด\nกองสาธารณสุข"


def _unknown_status(workbook) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook[MEASURE_SHEET]
    sheet.cell(task_row(sheet, 1, 1), 6).value = "จบแล้วจ้า"


def _done_at_sixty(workbook) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook[MEASURE_SHEET]
    row = task_row(sheet, 1, 2)
    sheet.cell(row, 6).value = "เสร็จแล้ว"
    sheet.cell(row, 7).value = 60


def _duplicate_unit(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook["หน่วยงาน"].cell(7, 1).value = "กอง คลัง"  # the same name as row 3, spaced


def _bad_time(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook["การประชุม"].cell(2, 5).value = "เก้าโมงครึ่ง"


@pytest.mark.parametrize(
    ("edit", "place", "words"),
    [
        (_blank_unit_name, "sheet หน่วยงาน row 3 column ชื่อหน่วยงาน", "empty"),
        (_unknown_unit, "sheet แผน 2570 row 6 column ผู้รับผิดชอบ", "กองสาธารณสุข"),
        (_unknown_status, "sheet แผน 2570 row 5 column สถานะ", "จบแล้วจ้า"),
        (_done_at_sixty, "sheet แผน 2570 row 6 column ร้อยละความคืบหน้า", "60"),
        (_duplicate_unit, "sheet หน่วยงาน row 7 column ชื่อหน่วยงาน", "twice"),
        (_bad_time, "sheet การประชุม row 2 column เวลาเริ่มประชุม", "เก้าโมงครึ่ง"),
    ],
    ids=["blank-unit", "unknown-unit", "unknown-status", "done-at-60", "twice", "bad-time"],
)
def test_a_bad_cell_is_refused_naming_sheet_row_and_column(
    demo_cli, tmp_path, second_database_url, edit, place, words
):
    path = edit_workbook(export_workbook(demo_cli, tmp_path / "plan.xlsx"), edit)
    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)

    message = one_line_error(demo_cli("import", str(path)))

    assert message.startswith(f"error: {path}: {place}: "), message
    assert words in message
    assert demo_cli.ok("plans", "--json").json() == []


# --- what the reader leaves alone, what the writer refuses --------------------------------------


def test_a_sheet_of_ones_own_before_the_measure_sheet_is_left_alone(
    demo_cli, tmp_path, second_database_url
):
    before = demo_cli.ok("export").json()

    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        notes = workbook.create_sheet("บันทึกของเลขานุการ", 0)
        notes.append(["ประชุมครั้งหน้า: ทบทวนขั้นตอนที่ ๓"])

    path = edit_workbook(export_workbook(demo_cli, tmp_path / "plan.xlsx"), edit)
    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)
    demo_cli.ok("import", str(path))

    assert demo_cli.ok("export").json() == before


def test_a_document_field_the_workbook_has_no_cell_for_is_never_silently_dropped(tmp_path):
    from tracker.importers.spreadsheet import write_spreadsheet

    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    document["units"][0]["phone"] = "054-000000"

    with pytest.raises(ValueError, match=r"หน่วยงาน\.phone"):
        write_spreadsheet(document, tmp_path / "plan.xlsx")
    assert not (tmp_path / "plan.xlsx").exists()
