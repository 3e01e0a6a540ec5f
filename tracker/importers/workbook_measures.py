"""Reading the measure sheet of a plan workbook: measures, their steps, each step's cells.

A row belongs to the measure its มาตรการที่ cell names; left blank, to the measure above it,
unless it gives a new title (then it starts the next measure). A measure's title and item
codes are given once (on any of its rows). A step's cell is "<number>. <text>"; without a
number the step takes the next one of its measure. The units a step names must be on sheet
หน่วยงาน and its follow-up on sheet การประชุม.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.text import arabic, tidy
from tracker.importers.workbook_layout import (
    FACTS_SHEET,
    MEASURE_COLUMNS,
    NAMED_SHEETS,
    SERIES,
    UNITS,
    fiscal_year_above,
    organization_above,
)
from tracker.importers.workbook_sheets import SheetReader, blank, header_columns, name_index
from tracker.textkey import lookup_key

HEADER_SEARCH_ROWS = 15
TASK_FIELDS = ("units", "period_text", "start", "end", "follow_up", "status", "percent")
_NUMBERED = re.compile(r"([0-9๐-๙]{1,4})\s*[.)](?![0-9๐-๙])\s*(.*)", re.DOTALL)


@dataclass
class _Measure:
    """A measure's rows as read: its number, first row, title and items (with the place each
    came from), and its steps' fields."""

    number: int
    place: str
    title: tuple[str, str] | None = None  # (value, place)
    items: tuple[list[str], str] | None = None
    tasks: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def read_measures(
    reader: SheetReader,
    document: dict[str, Any],
    units: list[dict[str, Any]],
    series: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The measures of the measure sheet: the first sheet, other than the named ones, with a
    measure-table header in its first rows."""
    sheet, rows = _measure_sheet(reader)
    header_at, index = _measure_header(reader, sheet, rows)
    _check_title_lines(reader, sheet, rows[:header_at], document)
    groups = _group_rows(reader, sheet, rows, header_at, index)
    context = (name_index(units, with_aliases=True), name_index(series))
    return [_measure(reader, group, m, context) for m, group in enumerate(groups)]


def _measure_sheet(reader: SheetReader) -> tuple[str, list[tuple[Any, ...]]]:
    """The measure sheet's name and rows (see read_measures)."""
    others = [name for name in reader.workbook.sheetnames if name not in NAMED_SHEETS]
    if not others:
        raise InvalidInput(f"{reader.path}: no measure sheet (it comes first in a plan workbook)")
    for name in others:
        rows = reader.rows(name)
        if _header_score(rows)[0]:
            return name, rows
    return others[0], reader.rows(others[0])  # its error names the header it lacks


def _header_score(rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    """(how many measure-table headers, index) of the row among the first naming the most."""
    headers = {tidy(c.header) for c in MEASURE_COLUMNS}
    scores = [
        (sum(1 for cell in row if isinstance(cell, str) and tidy(cell) in headers), at)
        for at, row in enumerate(rows[:HEADER_SEARCH_ROWS])
    ]
    return max(scores, default=(0, 0), key=lambda score: (score[0], -score[1]))


def _measure_header(
    reader: SheetReader, sheet: str, rows: list[tuple[Any, ...]]
) -> tuple[int, dict[str, int]]:
    """The header row among the first rows (the one naming most columns), and its columns."""
    best, at = _header_score(rows)
    if best == 0:
        raise reader.fail(f"sheet {sheet}", "no measure-table header in its first rows")
    return at, header_columns(reader, sheet, at + 1, rows[at], MEASURE_COLUMNS)


def _check_title_lines(
    reader: SheetReader, sheet: str, rows: list[tuple[Any, ...]], document: dict[str, Any]
) -> None:
    """The organization and fiscal year above the table, if there, must be the facts'."""
    lines = [[str(cell) for cell in row if cell is not None] for row in rows]
    name = organization_above(lines)
    # The fiscal year from the other lines: an organization's name may hold "ปีงบประมาณ 2567".
    year = fiscal_year_above([cells for cells in lines if organization_above([cells]) is None])
    facts = document["organization"]["name"]
    if name is not None and lookup_key(name) != lookup_key(facts):
        raise reader.fail(
            f"sheet {sheet}",
            f"names the organization {name!r} above the table, sheet {FACTS_SHEET} {facts!r}: "
            "make them the same",
        )
    if year is not None and year != document["fiscal_year"]:
        raise reader.fail(
            f"sheet {sheet}",
            f"gives the fiscal year {year} above the table, sheet {FACTS_SHEET} "
            f"{document['fiscal_year']}: make them the same",
        )


def _group_rows(
    reader: SheetReader,
    sheet: str,
    rows: list[tuple[Any, ...]],
    header_at: int,
    index: dict[str, int],
) -> list[_Measure]:
    """The measures in number order, each with its title, items and rows of steps."""
    groups: dict[int, _Measure] = {}
    current: _Measure | None = None
    for number, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {key: raw[i] if i < len(raw) else None for key, i in index.items()}
        if all(blank(value) for value in cells.values()):
            continue
        place = f"sheet {sheet} row {number}"
        values = reader.values(place, MEASURE_COLUMNS, cells)
        current = _measure_of(reader, groups, current, values, place)
        _take_row(reader, current, values, place)
    numbers = sorted(groups)
    if numbers != list(range(1, len(numbers) + 1)):
        raise reader.fail(
            f"sheet {sheet}",
            f"the measures are numbered {', '.join(map(str, numbers))} in มาตรการที่: number "
            f"them 1 to {len(numbers)} without gaps",
        )
    return [groups[n] for n in numbers]


def _measure_of(
    reader: SheetReader,
    groups: dict[int, _Measure],
    current: _Measure | None,
    values: dict[str, Any],
    place: str,
) -> _Measure:
    """The measure a row belongs to: its มาตรการที่; blank, the one above, unless the row gives
    another title (then the next number)."""
    number = values.get("measure")
    title = values.get("measure_title")
    if number is None and title is not None and (current is None or _title(current) != title):
        number = max(groups, default=0) + 1
    if number is None:
        if current is None:
            raise reader.fail(place, "which measure? give its มาตรการที่ or its มาตรการ/แนวทาง")
        return current
    if number < 1:
        where = f"{place} column {_header_of('measure')}"
        raise reader.fail(where, f"{number} is not a measure's number")
    return groups.setdefault(number, _Measure(number, place))


def _title(measure: _Measure) -> str | None:
    """The measure's title so far, if a row gave one."""
    return measure.title[0] if measure.title else None


def _header_of(key: str) -> str:
    """The Thai header of a measure-sheet column."""
    return next(column.header for column in MEASURE_COLUMNS if column.key == key)


def _take_row(reader: SheetReader, measure: _Measure, values: dict[str, Any], place: str) -> None:
    """Add a row's title, items and step to its measure; a second, other title fails."""
    for key in ("measure_title", "items"):
        if key not in values:
            continue
        header = _header_of(key)
        held = measure.title if key == "measure_title" else measure.items
        if held is not None and held[0] != values[key]:
            raise reader.fail(
                f"{place} column {header}",
                f"measure {measure.number} already has {held[0]!r} ({held[1]}): give it once",
            )
        taken = (values[key], f"{place} column {header}")
        if key == "measure_title":
            measure.title = taken
        else:
            measure.items = taken
    if "task" in values:
        measure.tasks.append((values, place))
    elif filled := [c.header for c in MEASURE_COLUMNS if c.key in TASK_FIELDS and c.key in values]:
        raise reader.fail(
            f"{place} column {_header_of('task')}",
            f"empty, but the row fills {', '.join(filled)}: write the step",
        )


def _measure(
    reader: SheetReader, group: _Measure, m: int, context: tuple[dict[str, int], dict[str, int]]
) -> dict[str, Any]:
    """The plan-document measure of a group of rows, each field's place noted."""
    if group.title is None:
        title = _header_of("measure_title")
        raise reader.fail(group.place, f"measure {group.number} has no title in {title}")
    reader.places[("measures", m)] = group.place
    reader.places[("measures", m, "title")] = group.title[1]
    measure: dict[str, Any] = {"title": group.title[0]}
    if group.items is not None:
        measure["items"] = group.items[0]
        reader.places[("measures", m, "items")] = group.items[1]
    tasks = _numbered_tasks(reader, group)
    for t, (task, place) in enumerate(tasks):
        _check_names(reader, task, place, context)
        reader.note(("measures", m, "tasks", t), place, MEASURE_COLUMNS)
        for key in ("number", "title"):
            reader.places[("measures", m, "tasks", t, key)] = f"{place} column {_header_of('task')}"
    measure["tasks"] = [task for task, _place in tasks]
    return measure


def _numbered_tasks(reader: SheetReader, group: _Measure) -> list[tuple[dict[str, Any], str]]:
    """The measure's steps in number order; a step without a number takes the next one."""
    tasks: list[tuple[dict[str, Any], str]] = []
    for values, place in group.tasks:
        match = _NUMBERED.fullmatch(values["task"])
        number = int(arabic(match.group(1))) if match else None
        title = (match.group(2) if match else values["task"]).strip()
        if not title:
            raise reader.fail(f"{place} column {_header_of('task')}", f"step {number} has no text")
        task: dict[str, Any] = {"number": number, "title": title}
        task |= {key: values[key] for key in TASK_FIELDS if key in values}
        tasks.append((task, place))
    for task, _place in tasks:
        if task["number"] is None:
            task["number"] = max((t["number"] or 0 for t, _p in tasks), default=0) + 1
    return sorted(tasks, key=lambda entry: entry[0]["number"])


def _check_names(
    reader: SheetReader,
    task: dict[str, Any],
    place: str,
    context: tuple[dict[str, int], dict[str, int]],
) -> None:
    """Each unit a step names is on the units sheet, its follow-up on the meetings sheet."""
    units, series = context
    for name in task.get("units", []):
        if lookup_key(name) not in units:
            raise reader.fail(
                f"{place} column {_header_of('units')}",
                f"unit {name!r} is not on sheet {UNITS.sheet}: add it there, or correct the "
                "name (one unit a line)",
            )
    follow_up = task.get("follow_up")
    if follow_up is not None and lookup_key(follow_up) not in series:
        raise reader.fail(
            f"{place} column {_header_of('follow_up')}",
            f"meeting {follow_up!r} is not on sheet {SERIES.sheet}: add it there, or correct "
            "the name",
        )
