"""The measure table: its header, its rows, and the same steps listed twice (a plain list
with units, then the table with units and periods), as reports and agency spreadsheets hold it.
"""

from __future__ import annotations

import re

from tracker.importers.model import Report, Step, similar, split_units
from tracker.importers.text import Line, arabic, tidy

# --- measures and steps ----------------------------------------------------------------------

_COLUMN_WORDS = {
    "measure": ("มาตรการ", "แนวทาง", "measure"),
    "step": ("วิธีการ", "กิจกรรม", "ขั้นตอน", "รายการ", "step", "activity"),
    "units": ("ผู้รับผิดชอบ", "หน่วยงาน", "responsible"),
    "period": ("ระยะเวลา", "ช่วงเวลา", "กำหนดเวลา", "ห้วงเวลา", "period"),
    "follow_up": ("ติดตาม", "follow"),
    "number": ("ลำดับ", "no."),
}


def header_columns(line: Line, *, minimum: int = 0) -> dict[str, int] | None:
    """Which column holds what, if ``line`` is a measure-table header.

    A report's header must name the step and unit columns; with ``minimum`` any row naming
    that many roles counts (a spreadsheet's header, so a missing column can be named).
    """
    if not line.is_row:
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(line.cells):
        compact = cell.replace(" ", "").lower()
        for role, words in _COLUMN_WORDS.items():
            if role not in columns and any(w in compact for w in words) and len(compact) < 40:
                columns[role] = index
                break
    if "step" in columns and "units" in columns:
        return columns
    if minimum and len(columns) >= minimum:
        return columns
    return None


def read_steps(lines: list[Line], report: Report) -> None:
    table_steps: list[Step] = []
    list_steps: list[Step] = []
    columns: dict[str, int] | None = None
    for line in lines:
        header = header_columns(line)
        if header is not None:
            columns = header
            continue
        if columns is None:
            continue
        if not line.is_row:
            if line.text:
                columns = None  # prose ends the table; a repeated header resumes it
            continue
        if "period" in columns:
            table_row(line, columns, report, table_steps)
        else:
            _list_row(line, columns, list_steps)
    report.steps = _merge_listings(table_steps, list_steps, report)


def _cell(line: Line, columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    if index is None or index >= len(line.cells):
        return ""
    return line.cells[index]


_STEP_NUMBER = re.compile(r"^([0-9๐-๙]{1,2})\s*[.)]\s*(.*)$")


def table_row(line: Line, columns: dict[str, int], report: Report, steps: list[Step]) -> None:
    measure_title = _cell(line, columns, "measure")
    step_text = _cell(line, columns, "step")
    if measure_title:
        report.measures.append(measure_title)
    if not step_text:
        return
    if not report.measures:
        report.measures.append(step_text)  # a table without a measure column: one measure
    measure = len(report.measures) - 1
    match = _STEP_NUMBER.match(step_text)
    previous = [s for s in steps if s.measure == measure]
    if match is None and previous and not _cell(line, columns, "units"):
        previous[-1].title = tidy(f"{previous[-1].title} {step_text}")  # a wrapped row
        return
    number = int(arabic(match.group(1))) if match else len(previous) + 1
    follow_up = _cell(line, columns, "follow_up") or (previous[-1].follow_up if previous else None)
    steps.append(
        Step(
            measure=measure,
            number=number,
            title=tidy(match.group(2) if match else step_text),
            units=split_units(_cell(line, columns, "units")),
            period_text=_cell(line, columns, "period") or None,
            follow_up=follow_up or None,
            line=line.number,
        )
    )


def _list_row(line: Line, columns: dict[str, int], steps: list[Step]) -> None:
    number_text = _cell(line, columns, "number") if "number" in columns else ""
    title = _cell(line, columns, "step")
    match = re.fullmatch(r"[0-9๐-๙]{1,2}", arabic(number_text).strip(". ")) if number_text else None
    inline = _STEP_NUMBER.match(title)
    if match is not None:
        number = int(arabic(number_text).strip(". "))
    elif inline is not None:
        number = int(arabic(inline.group(1)))
    else:
        return
    steps.append(
        Step(
            measure=0,
            number=number,
            title=tidy(inline.group(2) if inline and not match else title),
            units=split_units(_cell(line, columns, "units")),
            line=line.number,
        )
    )


def _merge_listings(table: list[Step], listed: list[Step], report: Report) -> list[Step]:
    """One step per step: a list and a table of the same steps become one set of tasks.

    The table (which has periods) leads; the list adds what the table leaves empty, and its
    unit spellings are kept for the similar-name check.
    """
    if not table:
        if listed:
            report.measures = report.measures or ["มาตรการ"]
        return listed
    if not listed:
        return table
    single_measure = len({s.measure for s in table}) == 1
    by_number = {s.number: s for s in table} if single_measure else {}
    for item in listed:
        match = by_number.get(item.number) or _by_title(table, item.title)
        if match is None:
            item.measure = len(report.measures) - 1
            table.append(item)
            continue
        match.title = match.title or item.title
        match.list_units = item.units
        if not match.units:
            match.units = list(item.units)
    return table


def _by_title(steps: list[Step], title: str | None) -> Step | None:
    if not title:
        return None
    return next((s for s in steps if s.title and similar(s.title, title, 0.85)), None)
