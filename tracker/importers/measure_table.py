"""The measure table: its header, its rows, and the same steps listed twice (a plain list
with units, then the table with units and periods), as reports and agency spreadsheets hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.importers.model import Step, similar, split_units
from tracker.importers.text import Line, arabic, tidy
from tracker.importers.vocabulary import (
    COLUMN_WORDS,
    HEADER_CELL_MAX,
    MEASURE_LINE,
    MEASURE_NUMBER,
    STEP_NUMBER,
)


@dataclass
class TableSteps:
    """The measures and steps a measure table holds, in the order it lists them."""

    measures: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


# --- measures and steps ----------------------------------------------------------------------


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
        for role, words in COLUMN_WORDS.items():
            named = any(w in compact for w in words) and len(compact) < HEADER_CELL_MAX
            if role not in columns and named:
                columns[role] = index
                break
    if "step" in columns and "units" in columns:
        return columns
    if minimum and len(columns) >= minimum:
        return columns
    return None


def read_steps(lines: list[Line]) -> TableSteps:
    """The steps of every measure table in ``lines``; a plain list of the same steps (with
    units but no periods) is merged into the table that has periods."""
    table = TableSteps()
    list_steps: list[Step] = []
    columns: dict[str, int] | None = None
    heading: str | None = None  # "มาตรการที่ 2 …" above a table of that measure's steps
    previous: Line | None = None
    last_row: Line | None = None  # the table row that made the last step, as read
    for line in lines:
        continues = previous is not None and previous.text and heading is not None
        previous = line
        if not line.is_row:
            if MEASURE_LINE.match(line.plain):
                heading = tidy(MEASURE_NUMBER.sub("", line.text.replace("*", "").strip()))
            elif continues and line.text:  # the heading wrapped onto this line (a PDF)
                heading = tidy(f"{heading} {line.text}")
            if line.text:
                columns = None  # prose ends the table; a repeated header resumes it
            continue
        header = header_columns(line)
        if header is not None:
            columns = header
            if heading is not None and "measure" not in header:
                table.measures.append(heading)  # each measure's own table under its heading
            heading = None
            continue
        if columns is None:
            continue
        if "period" in columns:
            last_row = _table_row_across_pages(line, last_row, columns, table)
        else:
            _list_row(line, columns, list_steps)
    table.steps = _merge_listings(table, list_steps)
    return table


def _table_row_across_pages(
    line: Line, last_row: Line | None, columns: dict[str, int], table: TableSteps
) -> Line | None:
    """Read a table row; the first row of a new PDF page that starts no step and no measure
    is the rest of the row the page break cut (each cell joined to the cell above it), so the
    step read from that row is read again, whole. Returns the row that made the last step."""
    split = (
        last_row is not None
        and line.page is not None
        and last_row.page is not None
        and line.page > last_row.page
        and table.steps
        and not _cell(line, columns, "measure")
        and not STEP_NUMBER.match(_cell(line, columns, "step"))
    )
    if split and last_row is not None:
        width = max(len(last_row.cells), len(line.cells))
        cells = tuple(
            tidy(" ".join(c for c in (_at(last_row, i), _at(line, i)) if c)) for i in range(width)
        )
        line = Line(last_row.number, tidy(" ".join(cells)), cells, last_row.page)
        table.steps.pop()
    before = len(table.steps)
    table_row(line, columns, table)
    return line if len(table.steps) > before else last_row


def _at(line: Line, index: int) -> str:
    return line.cells[index] if index < len(line.cells) else ""


def _cell(line: Line, columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    if index is None or index >= len(line.cells):
        return ""
    return line.cells[index]


def table_row(line: Line, columns: dict[str, int], table: TableSteps) -> None:
    """Add a measure-table row to ``table``: a new measure, a step, or a wrapped step's rest."""
    steps = table.steps
    heading = _measure_heading(line)
    if heading is not None:
        table.measures.append(heading)
        return
    measure_title = MEASURE_NUMBER.sub("", _cell(line, columns, "measure"))
    step_text = _cell(line, columns, "step")
    if measure_title:
        table.measures.append(measure_title)
    if not step_text:
        return
    if not table.measures:
        table.measures.append(step_text)  # a table without a measure column: one measure
    measure = len(table.measures) - 1
    match = STEP_NUMBER.match(step_text)
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
            page=line.page,
        )
    )


def _measure_heading(line: Line) -> str | None:
    """A row that is a measure's heading across the table: "มาตรการที่ 1 ส่งเสริม…" in its first
    cell and nothing in the others (a layout with no measure column)."""
    filled = [cell for cell in line.cells if cell.strip("* ")]
    if len(filled) != 1 or filled[0] != line.cells[0]:
        return None
    text = filled[0].replace("*", "").strip()
    return tidy(MEASURE_NUMBER.sub("", text)) if MEASURE_LINE.match(text) else None


def _list_row(line: Line, columns: dict[str, int], steps: list[Step]) -> None:
    number_text = _cell(line, columns, "number") if "number" in columns else ""
    title = _cell(line, columns, "step")
    match = re.fullmatch(r"[0-9๐-๙]{1,2}", arabic(number_text).strip(". ")) if number_text else None
    inline = STEP_NUMBER.match(title)
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
            page=line.page,
        )
    )


def _merge_listings(found: TableSteps, listed: list[Step]) -> list[Step]:
    """One step per step: a list and a table of the same steps become one set of tasks.

    The table (which has periods) leads; the list adds what the table leaves empty, and its
    unit spellings are kept for the similar-name check.
    """
    table = found.steps
    if not table:
        if listed:
            found.measures = found.measures or ["มาตรการ"]
        return listed
    if not listed:
        return table
    single_measure = len({s.measure for s in table}) == 1
    by_number = {s.number: s for s in table} if single_measure else {}
    for item in listed:
        match = by_number.get(item.number) or _by_title(table, item.title)
        if match is None:
            item.measure = len(found.measures) - 1
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
