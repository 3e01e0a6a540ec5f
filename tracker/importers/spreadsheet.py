"""Plans kept in Excel: reading the measure table from a workbook, and writing one.

The first sheet holds the five measure-table columns (มาตรการ/แนวทาง, วิธีการดำเนินการ,
ผู้รับผิดชอบ, ระยะเวลาการดำเนินการ, การติดตามผล) under a header row in its first rows; the
organization and fiscal year may stand above the header ("หน่วยงาน: …", "ปีงบประมาณ พ.ศ. …")
or be given on the command line. Merged cells (a measure or follow-up spanning its steps)
read as the first row's value carried down. ``write_spreadsheet`` writes that same sheet plus
each task's status and percent, so an exported workbook imports back to the same plan.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.report import (
    Report,
    Step,
    header_columns,
    split_units,
    table_row,
)
from tracker.importers.text import Line, arabic, tidy

REQUIRED_COLUMNS = {
    "measure": "มาตรการ/แนวทาง",
    "step": "วิธีการดำเนินการ",
    "units": "ผู้รับผิดชอบ",
    "period": "ระยะเวลาการดำเนินการ",
    "follow_up": "การติดตามผล",
}
STATUS_HEADER, PERCENT_HEADER = "สถานะ", "ร้อยละความคืบหน้า"
STATUS_LABELS = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังดำเนินการ",
    "done": "เสร็จแล้ว",
    "cancelled": "ยกเลิก",
}
HEADER_SEARCH_ROWS = 15


def read_spreadsheet(
    path: Path, *, fiscal_year: int | None, organization: str | None, strict: bool = False
) -> dict[str, Any]:
    """The plan document of a workbook's first sheet (see the module docstring)."""
    rows = _rows(path)
    header_index, columns = _find_header(path, rows)
    report = Report(file=path.name)
    report.organization = organization or _organization_above(rows[:header_index])
    report.fiscal_year = fiscal_year or _fiscal_year_above(rows[:header_index])
    _require(path, report)
    progress = _progress_columns(rows[header_index])
    steps: list[Step] = []
    states: dict[tuple[int, int], dict[str, Any]] = {}
    carried = _carry_merged(rows[header_index + 1 :], columns)
    for offset, cells in enumerate(carried, start=header_index + 2):
        line = Line(offset, tidy(" ".join(cells)), tuple(cells))
        before = len(steps)
        table_row(line, columns, report, steps)
        if len(steps) > before and progress:
            states[(steps[-1].measure, steps[-1].number)] = _state(path, offset, cells, progress)
    report.steps = steps
    from tracker.importers.build import build_document

    document = build_document(report)
    _apply_states(document, states)
    return document


def _rows(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise InvalidInput(f"{path}: not an Excel workbook (.xlsx): {error}") from None
    sheet = workbook.worksheets[0]
    rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _text(value: object) -> str:
    """A cell as text, line breaks kept (a units cell lists one unit a line)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "\n".join(tidy(line) for line in str(value).splitlines()).strip()


def _find_header(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
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


def _organization_above(rows: list[list[str]]) -> str | None:
    for cells in rows:
        for cell in cells:
            match = re.match(r"^(?:หน่วยงาน|ชื่อหน่วยงาน)\s*[:：]\s*(.+)$", cell)
            if match:
                return tidy(match.group(1))
    return None


def _fiscal_year_above(rows: list[list[str]]) -> int | None:
    for cells in rows:
        for cell in cells:
            match = re.search(r"ปีงบประมาณ\s*(?:พ\.?\s*ศ\.?)?\s*[:：]?\s*(\d{4})", arabic(cell))
            if match:
                return int(match.group(1))
    return None


def _require(path: Path, report: Report) -> None:
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
    found = {}
    for index, cell in enumerate(header):
        if cell.replace(" ", "") == STATUS_HEADER:
            found["status"] = index
        elif "ร้อยละ" in cell or "ความคืบหน้า" in cell:
            found["percent"] = index
    return found


def _state(path: Path, row: int, cells: list[str], progress: dict[str, int]) -> dict[str, Any]:
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
    for index, measure in enumerate(document["measures"]):
        for task in measure["tasks"]:
            task.update(states.get((index, task["number"]), {}))


# --- writing -------------------------------------------------------------------------------------


def write_spreadsheet(document: dict[str, Any], path: Path) -> None:
    """Write a plan document as the measure-table sheet, with status and percent columns."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"แผน {document['fiscal_year']}"
    sheet.append([f"หน่วยงาน: {document['organization']['name']}"])
    sheet.append([f"ปีงบประมาณ พ.ศ. {document['fiscal_year']}"])
    sheet.append([])
    sheet.append([*REQUIRED_COLUMNS.values(), STATUS_HEADER, PERCENT_HEADER])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    series = {s["name"]: s for s in document.get("meeting_series", [])}
    for measure in document["measures"]:
        for position, task in enumerate(measure["tasks"]):
            sheet.append(_task_row(measure, position, task, series))
    for column, width in zip("ABCDEFG", (40, 70, 35, 25, 45, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)


def _task_row(
    measure: dict[str, Any], position: int, task: dict[str, Any], series: dict[str, Any]
) -> list[Any]:
    from schedules import format_span

    start = _iso(task.get("start"))
    end = _iso(task.get("end"))
    period = task.get("period_text") or (format_span(start, end) if start or end else "")
    follow_up = task.get("follow_up")
    follow_up_text = ""
    if follow_up:
        text = series.get(follow_up, {}).get("text") or ""
        follow_up_text = f"{follow_up} {text}".strip()
    return [
        measure["title"] if position == 0 else "",
        f"{task['number']}. {task['title']}",
        "\n".join(task.get("units", [])),
        period,
        follow_up_text,
        STATUS_LABELS[task.get("status", "not_started")],
        task.get("percent", 0),
    ]


def _iso(text: str | None):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text) if text else None


__all__ = ["read_spreadsheet", "split_units", "write_spreadsheet"]
