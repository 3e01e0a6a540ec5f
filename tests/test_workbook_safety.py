"""Plan workbooks and hostile or broken files: text that looks like a formula stays text; a zip
bomb, a sheet of too many rows, a zip that is no workbook and a corrupt sheet are each refused
in one line before anything is written.

Files are built here with openpyxl and zipfile; every test that imports runs on SQLite and
(with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from workbook_support import MEASURE_SHEET, export_workbook, one_line_error

from tracker.errors import InvalidInput
from tracker.importers.spreadsheet import read_spreadsheet

# --- formulas ---------------------------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/","คลิก")',
    "measure": "=SUM(A1:A3)",
    "task": "+1+1",
    "alias": "-ฝ่ายการเงิน",
    "place": "@SUM(1)",
    "note": "=cmd|' /C calc'!A0",
}


def formula_plan() -> dict[str, Any]:
    return {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "เทศบาลตำบลทดสอบสูตร"},
        "fiscal_year": 2568,
        "title": FORMULAS["title"],
        "units": [{"name": "กองคลัง", "aliases": [FORMULAS["alias"]]}],
        "meeting_series": [
            {
                "name": "ประชุมประจำเดือน",
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=5",
                "place": FORMULAS["place"],
                "exceptions": [{"date": "2025-01-05", "cancelled": True, "note": FORMULAS["note"]}],
            }
        ],
        "measures": [
            {
                "title": FORMULAS["measure"],
                "tasks": [{"number": 1, "title": FORMULAS["task"], "units": ["กองคลัง"]}],
            }
        ],
    }


def test_formula_looking_text_is_written_as_text_and_read_back_as_the_same_text(
    cli, tmp_path, second_database_url
):
    source = tmp_path / "plan.yaml"
    source.write_text(yaml.safe_dump(formula_plan(), allow_unicode=True), encoding="utf-8")
    cli.ok("import", str(source))
    before = cli.ok("export").json()
    path = export_workbook(cli, tmp_path / "plan.xlsx")

    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name), f"{name} holds a formula"
    workbook = openpyxl.load_workbook(path)
    texts = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
                    texts[cell.value] = sheet.title
    assert texts[FORMULAS["title"]] == "ข้อมูลแผน"
    assert texts[FORMULAS["measure"]] == "แผน 2568"
    step = workbook["แผน 2568"]["B5"]
    assert (step.value, step.data_type) == (f"1. {FORMULAS['task']}", "s")
    assert texts[FORMULAS["note"]] == "ประชุมงดหรือเลื่อน"

    cli.env(TRACKER_DATABASE_URL=second_database_url)
    cli.ok("import", str(path))
    after = cli.ok("export").json()
    assert after == before
    assert after["title"] == FORMULAS["title"]
    assert after["measures"][0]["tasks"][0]["title"] == FORMULAS["task"]
    assert after["units"][0]["aliases"] == [FORMULAS["alias"]]
    assert after["meeting_series"][0]["place"] == FORMULAS["place"]


# --- sizes and broken files ----------------------------------------------------------------------


def write_bomb(path: Path, megabytes: int) -> Path:
    """A small zip whose one sheet XML expands to ``megabytes`` MB of repeated rows."""
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 200 + b"</t></is></c></row>"
    chunk = row * 5000
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        written = 0
        while written < megabytes * 1024 * 1024:
            member.write(chunk)
            written += len(chunk)
    return path


def test_a_zip_bomb_is_refused_in_one_line_and_nothing_is_written(cli, tmp_path):
    path = write_bomb(tmp_path / "bomb.xlsx", 201)
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk, 201 MB inside

    message = one_line_error(cli("import", str(path)))

    assert str(path) in message
    assert "expand" in message
    assert "200.0 MB" in message
    assert cli.ok("plans", "--json").json() == []


def test_a_caller_may_set_its_own_expansion_bound(tmp_path):
    path = tmp_path / "plan.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["x" * 20_000] * 10)  # 200 kB of text, a few kB zipped
    workbook.save(path)
    assert path.stat().st_size < 100_000

    with pytest.raises(InvalidInput, match="expand") as refused:
        read_spreadsheet(path, fiscal_year=None, organization=None, max_expanded_bytes=100_000)

    assert "\n" not in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_sheet_of_more_than_twenty_thousand_rows_is_refused_naming_the_sheet(cli, tmp_path):
    path = tmp_path / "long.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("ยาวมาก")
    for number in range(20_001):
        sheet.append([f"แถว {number}"])
    workbook.save(path)

    message = one_line_error(cli("import", str(path)))

    assert "sheet ยาวมาก" in message
    assert "20,000 rows" in message
    assert cli.ok("plans", "--json").json() == []


def test_a_zip_that_is_not_a_workbook_is_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "มาตรการ/แนวทาง")

    message = one_line_error(cli("import", str(path)))

    assert "notes.xlsx" in message
    assert "not an Excel workbook" in message


def test_a_workbook_with_a_corrupt_sheet_is_refused_in_one_line(
    demo_cli, tmp_path, second_database_url
):
    path = export_workbook(demo_cli, tmp_path / "plan.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off mid-element, as a failed copy would
            target.writestr(member, data)
    demo_cli.env(TRACKER_DATABASE_URL=second_database_url)

    message = one_line_error(demo_cli("import", str(broken)))

    assert "broken.xlsx" in message
    assert f"sheet {MEASURE_SHEET}: cannot be read" in message
    assert demo_cli.ok("plans", "--json").json() == []
