"""Plans kept in Excel: reading the measure table from a workbook, and writing one.

Two kinds of workbook are read. One that ``write_spreadsheet`` wrote (tracker export --format
xlsx), recognised by its ข้อมูลแผน sheet with a รูปแบบเอกสาร (schema) row, holds the whole plan
and is read exactly, sheet by sheet (tracker.importers.workbook_reader). Any other is an
agency's own: its first sheet holds the five measure-table columns (มาตรการ/แนวทาง,
วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลาการดำเนินการ, การติดตามผล) under a header row in its first
rows; the organization and fiscal year may stand above the header ("หน่วยงาน: …",
"ปีงบประมาณ พ.ศ. …") or be given on the command line. Merged cells (a measure or follow-up
spanning its steps) read as the first row's value carried down; periods, units and meeting
rules are read as in a report (tracker.importers.build), with its warnings.

Either way the file is checked before openpyxl opens it and read within bounds
(tracker.importers.xlsx): a zip bomb or a sheet of a million rows is refused in one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.measure_table import TableSteps, header_columns, table_row
from tracker.importers.model import Report, split_units
from tracker.importers.text import Line, tidy
from tracker.importers.workbook_layout import (
    STATUS_LABELS,
    fiscal_year_above,
    organization_above,
)
from tracker.importers.xlsx import MAX_EXPANDED_BYTES, open_workbook, sheet_rows

REQUIRED_COLUMNS = {
    "measure": "มาตรการ/แนวทาง",
    "step": "วิธีการดำเนินการ",
    "units": "ผู้รับผิดชอบ",
    "period": "ระยะเวลาการดำเนินการ",
    "follow_up": "การติดตามผล",
}
STATUS_HEADER, PERCENT_HEADER = "สถานะ", "ร้อยละความคืบหน้า"
HEADER_SEARCH_ROWS = 15


def read_spreadsheet(
    path: Path,
    *,
    fiscal_year: int | None,
    organization: str | None,
    strict: bool = False,
    max_expanded_bytes: int = MAX_EXPANDED_BYTES,
) -> dict[str, Any]:
    """The plan document of a workbook (see the module docstring).

    ``fiscal_year`` and ``organization`` replace what the workbook says. A workbook whose
    parts expand to more than ``max_expanded_bytes`` is refused before it is opened.
    """
    workbook = open_workbook(path, max_expanded_bytes=max_expanded_bytes)
    try:
        from tracker.importers.workbook_reader import is_plan_workbook, read_plan_workbook

        if is_plan_workbook(workbook, path):
            return read_plan_workbook(
                workbook, path, fiscal_year=fiscal_year, organization=organization
            )
        rows = [[_text(value) for value in row] for row in sheet_rows(workbook.worksheets[0], path)]
    finally:
        workbook.close()
    return _agency_document(path, rows, fiscal_year=fiscal_year, organization=organization)


def _agency_document(
    path: Path, rows: list[list[str]], *, fiscal_year: int | None, organization: str | None
) -> dict[str, Any]:
    """An agency's measure sheet, read like a report's measure table."""
    header_index, columns = _find_header(path, rows)
    report = Report(file=path.name)
    report.organization = organization or organization_above(rows[:header_index])
    report.fiscal_year = fiscal_year or fiscal_year_above(rows[:header_index])
    _require(path, report)
    progress = _progress_columns(rows[header_index])
    table = TableSteps()
    steps = table.steps
    states: dict[tuple[int, int], dict[str, Any]] = {}
    carried = _carry_merged(rows[header_index + 1 :], columns)
    for offset, cells in enumerate(carried, start=header_index + 2):
        line = Line(offset, tidy(" ".join(cells)), tuple(cells))
        before = len(steps)
        table_row(line, columns, table)
        if len(steps) > before and progress:
            states[(steps[-1].measure, steps[-1].number)] = _state(path, offset, cells, progress)
    report.measures, report.steps = table.measures, steps
    from tracker.importers.build import build_document

    document = build_document(report)
    _apply_states(document, states)
    return document


def _text(value: object) -> str:
    """A cell as text, line breaks kept (a units cell lists one unit a line)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "\n".join(tidy(line) for line in str(value).splitlines()).strip()


def _find_header(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row (index, columns by role) among the first rows; a missing column fails."""
    best: tuple[int, dict[str, int]] | None = None
    for index, raw in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [tidy(cell) for cell in raw]
        columns = header_columns(Line(index + 1, " ".join(cells), tuple(cells)), minimum=2)
        if columns and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    if best is None:
        wanted = ", ".join(REQUIRED_COLUMNS.values())
        raise InvalidInput(
            f"{path}: no measure-table header in the first {HEADER_SEARCH_ROWS} rows of the "
            f"first sheet: looked for the columns {wanted}"
        )
    missing = [title for role, title in REQUIRED_COLUMNS.items() if role not in best[1]]
    if missing:
        raise InvalidInput(
            f"{path}: row {best[0] + 1}: the header lacks the column(s) {', '.join(missing)}"
        )
    return best


def _require(path: Path, report: Report) -> None:
    """An agency sheet must name its organization and fiscal year, or be told them."""
    if report.organization is None:
        raise InvalidInput(
            f"{path}: the sheet does not name the organization (a cell 'หน่วยงาน: …' above the "
            "header): give it with --org"
        )
    if report.fiscal_year is None:
        raise InvalidInput(
            f"{path}: the sheet does not give the fiscal year (a cell 'ปีงบประมาณ พ.ศ. …' above "
            "the header): give it with --fiscal-year"
        )


def _carry_merged(rows: list[list[str]], columns: dict[str, int]) -> list[list[str]]:
    """Cells as the report reader wants them: units one per line become a list; merged
    follow-up cells, which read empty below their first row, carry their value down."""
    carried, follow_up = [], ""
    index = columns.get("follow_up")
    units = columns["units"]
    for raw in rows:
        cells = [tidy(cell) for cell in raw]
        if units < len(raw):
            cells[units] = "; ".join(tidy(line) for line in raw[units].splitlines())
        if index is not None and index < len(cells):
            if cells[columns["measure"]] if columns["measure"] < len(cells) else "":
                follow_up = ""  # a new measure starts its own follow-up
            follow_up = cells[index] or follow_up
            cells[index] = follow_up
        carried.append(cells)
    return carried


def _progress_columns(header: list[str]) -> dict[str, int]:
    """The columns of status and percent in the header, if any."""
    found = {}
    for index, cell in enumerate(header):
        if cell.replace(" ", "") == STATUS_HEADER:
            found["status"] = index
        elif "ร้อยละ" in cell or "ความคืบหน้า" in cell:
            found["percent"] = index
    return found


def _state(path: Path, row: int, cells: list[str], progress: dict[str, int]) -> dict[str, Any]:
    """A row's status and percent; an unknown label or a percent past 100 fails with the row."""
    state: dict[str, Any] = {}
    if "status" in progress and progress["status"] < len(cells) and cells[progress["status"]]:
        label = cells[progress["status"]]
        by_label = {v: k for k, v in STATUS_LABELS.items()}
        status = by_label.get(label, label)
        if status not in STATUS_LABELS:
            known = ", ".join(STATUS_LABELS.values())
            raise InvalidInput(f"{path}: row {row}: unknown status {label!r} (use {known})")
        state["status"] = status
    if "percent" in progress and progress["percent"] < len(cells) and cells[progress["percent"]]:
        text = cells[progress["percent"]].rstrip("%")
        if not re.fullmatch(r"\d{1,3}", text) or int(text) > 100:
            raise InvalidInput(f"{path}: row {row}: percent {text!r} is not 0 to 100")
        state["percent"] = int(text)
    return state


def _apply_states(document: dict[str, Any], states: dict[tuple[int, int], dict[str, Any]]) -> None:
    """Put the rows' status and percent on the tasks built from them."""
    for index, measure in enumerate(document["measures"]):
        for task in measure["tasks"]:
            task.update(states.get((index, task["number"]), {}))


# --- writing -------------------------------------------------------------------------------------


def write_spreadsheet(document: dict[str, Any], path: Path) -> None:
    """Write a plan document as a plan workbook that reads back to the same document.

    See tracker.importers.workbook for the layout; text is never written as a formula.
    """
    from tracker.importers.workbook import write_plan_workbook

    write_plan_workbook(document, path)


__all__ = ["read_spreadsheet", "split_units", "write_spreadsheet"]
