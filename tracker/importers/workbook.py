"""Writing a plan document as a workbook that holds all of it and stays editable in Excel.

The first sheet is the measure table as agencies know it (the five columns, then status,
percent, and the columns that make it exact: the measure's number, ISO start and end dates,
the measure's item codes); the other sheets hold what that table cannot (see
tracker.importers.workbook_layout). tracker.importers.workbook_reader reads it back to the
same document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.importers.workbook_layout import (
    CONTACTS,
    EXCEPTIONS,
    FACTS,
    FACTS_HEADER,
    FACTS_SHEET,
    INDICATORS,
    ITEMS,
    MEASURE_COLUMNS,
    MEASURE_HEADER_ROW,
    MEASURE_NOTE,
    RECIPIENTS,
    SERIES,
    STATUS_LABELS,
    TABLES,
    UNITS,
    WARNINGS,
    Column,
    Table,
    fiscal_year_line,
    organization_line,
    to_cell,
)
from tracker.importers.xlsx import put

VALIDATED_ROWS = 500  # rows below the last task that still offer the status list
# The fields held by the measure sheet and the facts sheet, and the lists nested in a table's
# entries (written as rows of their own sheets).
_PLAN_FIELDS = {"schema", "organization", "fiscal_year", "title", "source", "assessment"}
_PLAN_FIELDS |= {"units", "meeting_series", "measures", "warnings"}
_ASSESSMENT_FIELDS = {"year", "score", "grade", "indicators", "items"}
_MEASURE_FIELDS = {"title", "items", "tasks"}
_TASK_FIELDS = {"number", "title", "units", "period_text", "start", "end", "follow_up"}
_TASK_FIELDS |= {"status", "percent"}
_NESTED = {UNITS: {"contacts"}, SERIES: {"recipients", "exceptions"}}


def write_plan_workbook(document: dict[str, Any], path: Path) -> None:
    """Write ``document`` (a checked plan document) to ``path`` as an .xlsx workbook.

    Contract: every field of the document is in a cell; text is never a formula; a value no
    workbook can hold (a control character, over 32,767 characters) is an InvalidInput
    naming its sheet, row and column, and then nothing is written.
    """
    import openpyxl

    lost = uncovered_fields(document)
    if lost:  # a bug: a field was added to the plan document but not to the workbook
        raise ValueError(f"the workbook layout has no cell for {', '.join(lost)}")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"แผน {document['fiscal_year']}"
    _write_measure_sheet(sheet, document, path)
    _write_facts(workbook.create_sheet(FACTS_SHEET), document, path)
    for table in TABLES:
        _write_table(workbook.create_sheet(table.sheet), table, _entries(table, document), path)
    workbook.save(path)


def uncovered_fields(document: dict[str, Any]) -> list[str]:
    """The document's fields that no cell of the layout holds, as "<where>.<field>".

    Contract: empty for every document export_plan writes; the writer refuses otherwise, so
    a field added to the plan document cannot silently go missing from workbooks.
    """
    assessment = document.get("assessment")
    measures = document["measures"]
    shapes = [
        ("plan", [document], _PLAN_FIELDS),
        ("organization", [document["organization"]], {"name"}),
        ("assessment", [assessment] if assessment else [], _ASSESSMENT_FIELDS),
        ("measures", measures, _MEASURE_FIELDS),
        ("tasks", [task for measure in measures for task in measure["tasks"]], _TASK_FIELDS),
    ]
    for table, entries in _table_lists(document).items():
        known = {column.key for column in table.columns} | _NESTED.get(table, set())
        shapes.append((table.sheet, entries, known))
    return sorted(
        {
            f"{where}.{key}"
            for where, entries, known in shapes
            for entry in entries
            for key in entry
            if key not in known
        }
    )


# --- the measure table ---------------------------------------------------------------------


def _write_measure_sheet(sheet: Any, document: dict[str, Any], path: Path) -> None:
    """The title lines, a note on what to edit, the header on MEASURE_HEADER_ROW, a row per task."""
    sheet.append([organization_line(document["organization"]["name"])])
    sheet.append([fiscal_year_line(document["fiscal_year"])])
    sheet.append([MEASURE_NOTE])
    row = MEASURE_HEADER_ROW
    _header(sheet, row, MEASURE_COLUMNS)
    for entry in measure_rows(document):
        row += 1
        _write_row(sheet, row, MEASURE_COLUMNS, entry, path)
    _status_choices(sheet, row)
    sheet.freeze_panes = sheet.cell(MEASURE_HEADER_ROW + 1, 3)


def measure_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per task, keyed by MEASURE_COLUMNS' keys; a measure without tasks gets one row.

    A measure's title and item codes stand on its first row only (as agencies merge them);
    its number stands on every row.
    """
    rows = []
    for number, measure in enumerate(document["measures"], start=1):
        first = {"measure": number, "measure_title": measure["title"]}
        first["items"] = measure.get("items") or None
        tasks = measure["tasks"] or [None]
        for position, task in enumerate(tasks):
            row = dict(first) if position == 0 else {"measure": number}
            if task is not None:
                row.update(_task_cells(task))
            rows.append(row)
    return rows


def _task_cells(task: dict[str, Any]) -> dict[str, Any]:
    """A task's cells, keyed by MEASURE_COLUMNS' keys; the step cell is "<number>. <title>"."""
    return {
        "task": f"{task['number']}. {task['title']}",
        "units": task.get("units") or None,
        "period_text": task.get("period_text"),
        "follow_up": task.get("follow_up"),
        "status": task.get("status"),
        "percent": task.get("percent"),
        "start": task.get("start"),
        "end": task.get("end"),
    }


def _status_choices(sheet: Any, last_row: int) -> None:
    """Offer the status labels as a list and keep percent 0-100 as Excel validations."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = [column.key for column in MEASURE_COLUMNS]
    first, last = MEASURE_HEADER_ROW + 1, last_row + VALIDATED_ROWS
    status = get_column_letter(keys.index("status") + 1)
    percent = get_column_letter(keys.index("percent") + 1)
    labels = ",".join(STATUS_LABELS.values())
    choose = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    choose.add(f"{status}{first}:{status}{last}")
    bounded = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
    )
    bounded.add(f"{percent}{first}:{percent}{last}")
    sheet.add_data_validation(choose)
    sheet.add_data_validation(bounded)


# --- plan facts and the other sheets --------------------------------------------------------


def _write_facts(sheet: Any, document: dict[str, Any], path: Path) -> None:
    """One labelled row per fact: label in column A, value in column B."""
    from openpyxl.styles import Alignment, Font

    values = fact_values(document)
    sheet.append(list(FACTS_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, column in enumerate(FACTS, start=2):
        sheet.cell(row, 1, column.header).font = Font(bold=True)
        cell = sheet.cell(row, 2)
        put(cell, to_cell(column, values.get(column.key)), _where(path, sheet, row, column))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 80


def fact_values(document: dict[str, Any]) -> dict[str, Any]:
    """The values of the facts sheet's rows, keyed by FACTS' keys."""
    assessment = document.get("assessment") or {}
    return {
        "schema": document["schema"],
        "organization": document["organization"]["name"],
        "fiscal_year": document["fiscal_year"],
        "title": document.get("title"),
        "source": document.get("source"),
        "assessment_year": assessment.get("year"),
        "assessment_score": assessment.get("score"),
        "assessment_grade": assessment.get("grade"),
    }


def _entries(table: Table, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``table``'s sheet."""
    return _table_lists(document)[table]


def _table_lists(document: dict[str, Any]) -> dict[Table, list[dict[str, Any]]]:
    """Each table's rows: the document's list it holds, nested lists flattened with their
    owner's name (a contact's unit, a recipient's or exception's series)."""
    assessment = document.get("assessment") or {}
    units = document.get("units", [])
    series = document.get("meeting_series", [])
    return {
        INDICATORS: assessment.get("indicators", []),
        ITEMS: assessment.get("items", []),
        UNITS: units,
        CONTACTS: [{"unit": u["name"], **c} for u in units for c in u.get("contacts", [])],
        SERIES: series,
        RECIPIENTS: [{"series": s["name"], **r} for s in series for r in s.get("recipients", [])],
        EXCEPTIONS: [{"series": s["name"], **e} for s in series for e in s.get("exceptions", [])],
        WARNINGS: document.get("warnings", []),
    }


def _write_table(sheet: Any, table: Table, entries: list[dict[str, Any]], path: Path) -> None:
    """A table sheet: its header on row 1, an entry a row below, the header frozen."""
    _header(sheet, 1, table.columns)
    for row, entry in enumerate(entries, start=2):
        _write_row(sheet, row, table.columns, entry, path)
    sheet.freeze_panes = "A2"


# --- cells ---------------------------------------------------------------------------------


def _header(sheet: Any, row: int, columns: tuple[Column, ...]) -> None:
    """Bold, wrapped header cells, and each column's width."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def _write_row(
    sheet: Any, row: int, columns: tuple[Column, ...], entry: dict[str, Any], path: Path
) -> None:
    """One entry's cells in the order of ``columns`` (see to_cell and put)."""
    from openpyxl.styles import Alignment

    top = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row, index)
        put(cell, to_cell(column, entry.get(column.key)), _where(path, sheet, row, column))
        cell.alignment = top


def _where(path: Path, sheet: Any, row: int, column: Column) -> str:
    """How a write error names its cell."""
    return f"{path}: sheet {sheet.title} row {row} column {column.header}"
