"""Reading a plan workbook (one tracker.importers.workbook wrote, maybe edited since) exactly.

Sheet by sheet and cell by cell into a plan document: nothing is guessed or re-derived and no
warning is added, unlike an agency's own sheet (tracker.importers.spreadsheet). A blank cell
leaves its field out (the import's default applies). A problem is an InvalidInput of one line
naming the sheet, row and column; the document is then checked by
tracker.plandoc.check_plan_document, whose errors name the sheet, row and column too.

On the measure sheet a row belongs to the measure its มาตรการที่ cell names; left blank, to the
measure above it, unless it gives a new title (then it starts the next measure). A step's
cell is "<number>. <text>"; without a number the step takes the next one of its measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.text import tidy
from tracker.importers.workbook_layout import (
    CONTACTS,
    EXCEPTIONS,
    FACTS,
    FACTS_HEADER,
    FACTS_SHEET,
    INDICATORS,
    ITEMS,
    RECIPIENTS,
    SCHEMA_LABEL,
    SERIES,
    UNITS,
    WARNINGS,
    Column,
    Table,
)
from tracker.importers.workbook_measures import HEADER_SEARCH_ROWS, read_measures
from tracker.importers.workbook_sheets import Row, SheetReader, blank, name_index, read_table
from tracker.importers.xlsx import MAX_ROWS, sheet_rows
from tracker.plandoc import PathItems, SourceMap, check_plan_document
from tracker.textkey import lookup_key


def is_plan_workbook(workbook: Any, path: Path) -> bool:
    """True for a workbook with the plan-facts sheet and its รูปแบบเอกสาร (schema) row."""
    if FACTS_SHEET not in workbook.sheetnames:
        return False
    rows = sheet_rows(workbook[FACTS_SHEET], path, max_rows=MAX_ROWS)
    return any(
        row and isinstance(row[0], str) and tidy(row[0]) == SCHEMA_LABEL
        for row in rows[:HEADER_SEARCH_ROWS]
    )


@dataclass(frozen=True)
class _SheetMap(SourceMap):
    """Names the sheet, row and column a document field was read from, in check errors."""

    places: dict[PathItems, str] = field(default_factory=dict)

    def error(self, where: PathItems, problem: str) -> InvalidInput:
        """The error at the sheet, row and column of ``where`` or its nearest ancestor."""
        for size in range(len(where), 0, -1):
            place = self.places.get(tuple(where[:size]))
            if place is not None:
                return InvalidInput(f"{self.file}: {place}: {problem}")
        return super().error(where, problem)


def read_plan_workbook(
    workbook: Any, path: Path, *, fiscal_year: int | None = None, organization: str | None = None
) -> dict[str, Any]:
    """The checked plan document of a plan workbook (see the module docstring).

    ``fiscal_year`` and ``organization``, when given, replace the workbook's own.
    """
    reader = SheetReader(workbook, path)
    document = _facts(reader)
    units = _units(reader)
    series = _series(reader)
    document["units"] = units
    document["meeting_series"] = series
    document["measures"] = read_measures(reader, document, units, series)
    document["warnings"] = [row.values for row in read_table(reader, WARNINGS, ("warnings",))]
    if organization:
        document["organization"] = {"name": organization}
    if fiscal_year:
        document["fiscal_year"] = fiscal_year
    check_plan_document(document, _SheetMap(str(path), None, reader.places))
    return document


# --- plan facts and the assessment -----------------------------------------------------------


def _facts(reader: SheetReader) -> dict[str, Any]:
    """Schema, organization, fiscal year, title, source and the assessment."""
    facts = _fact_rows(reader)
    value = {key: found[0] for key, found in facts.items()}
    document: dict[str, Any] = {
        "schema": value["schema"],
        "organization": {"name": value["organization"]},
        "fiscal_year": value["fiscal_year"],
    }
    for key in ("title", "source"):
        if key in value:
            document[key] = value[key]
    paths = {"schema": ("schema",), "organization": ("organization", "name")}
    paths |= {"fiscal_year": ("fiscal_year",), "title": ("title",), "source": ("source",)}
    paths |= {f"assessment_{k}": ("assessment", k) for k in ("year", "score", "grade")}
    for key, (_value, place) in facts.items():
        reader.places[paths[key]] = place
    document["assessment"] = _assessment(reader, value, facts)
    return document


def _fact_rows(reader: SheetReader) -> dict[str, tuple[Any, str]]:
    """Each fact's value and place, from the labelled rows of the facts sheet."""
    by_label = {tidy(column.header): column for column in FACTS}
    found: dict[str, tuple[Any, str]] = {}
    for number, raw in enumerate(reader.rows(FACTS_SHEET), start=1):
        label, cell = [*raw, None, None][:2]
        place = f"sheet {FACTS_SHEET} row {number}"
        if blank(label):
            if not blank(cell):
                raise reader.fail(place, f"a value without its {FACTS_HEADER[0]}")
            continue
        if number == 1 and tidy(str(label)) == FACTS_HEADER[0]:
            continue
        column = by_label.get(tidy(str(label)))
        if column is None:
            known = ", ".join(c.header for c in FACTS)
            raise reader.fail(place, f"unknown {FACTS_HEADER[0]} {label!r} (known: {known})")
        if column.key in found:
            also = found[column.key][1]
            raise reader.fail(place, f"{column.header} is given twice (also {also})")
        as_value = Column(column.key, FACTS_HEADER[1], column.kind, labels=column.labels)
        value = reader.values(place, (as_value,), {column.key: cell})
        if column.key in value:
            found[column.key] = (value[column.key], f"{place} column {FACTS_HEADER[1]}")
        elif column.required:
            raise reader.fail(f"{place} column {FACTS_HEADER[1]}", f"empty: give the {label}")
    for column in FACTS:
        if column.required and column.key not in found:
            raise reader.fail(f"sheet {FACTS_SHEET}", f"no row {column.header}: add it")
    return found


def _assessment(
    reader: SheetReader, value: dict[str, Any], facts: dict[str, tuple[Any, str]]
) -> dict[str, Any] | None:
    """The assessment of the facts sheet with its indicators and items; None without a year
    (and then a score, grade, indicator or item is an error)."""
    indicators = read_table(reader, INDICATORS, ("assessment", "indicators"))
    items = read_table(reader, ITEMS, ("assessment", "items"))
    if "assessment_year" not in value:
        stray = [facts[k][1] for k in ("assessment_score", "assessment_grade") if k in facts]
        stray += [rows[0].place for rows in (indicators, items) if rows]
        if stray:
            label = next(c.header for c in FACTS if c.key == "assessment_year")
            problem = f"the assessment has no year: give {label} on sheet {FACTS_SHEET}"
            raise reader.fail(stray[0], problem)
        return None
    assessment: dict[str, Any] = {"year": value["assessment_year"]}
    for key in ("score", "grade"):
        if f"assessment_{key}" in value:
            assessment[key] = value[f"assessment_{key}"]
    assessment["indicators"] = [row.values for row in indicators]
    assessment["items"] = [row.values for row in items]
    return assessment


# --- units and meeting series -----------------------------------------------------------------


def _units(reader: SheetReader) -> list[dict[str, Any]]:
    """The units, each with the contacts the contacts sheet gives it."""
    units = [row.values for row in read_table(reader, UNITS, ("units",))]
    for unit in units:
        unit["contacts"] = []
    by_key = name_index(units, with_aliases=True)
    for row in read_table(reader, CONTACTS):
        position = _owner(reader, by_key, row, CONTACTS, UNITS)
        contacts = units[position]["contacts"]
        reader.note(("units", position, "contacts", len(contacts)), row.place, CONTACTS.columns)
        contacts.append({k: v for k, v in row.values.items() if k != "unit"})
    return units


def _series(reader: SheetReader) -> list[dict[str, Any]]:
    """The meeting series, each with its report recipients and its cancelled or moved
    meetings (exceptions), from their sheets."""
    series = [row.values for row in read_table(reader, SERIES, ("meeting_series",))]
    by_key = name_index(series)
    for table, field_name in ((RECIPIENTS, "recipients"), (EXCEPTIONS, "exceptions")):
        for entry in series:
            entry[field_name] = []
        for row in read_table(reader, table):
            position = _owner(reader, by_key, row, table, SERIES)
            entries = series[position][field_name]
            reader.note(
                ("meeting_series", position, field_name, len(entries)), row.place, table.columns
            )
            entries.append({k: v for k, v in row.values.items() if k != "series"})
    return series


def _owner(
    reader: SheetReader, by_key: dict[str, int], row: Row, source: Table, owners: Table
) -> int:
    """The position of the unit or series a contact or exception row names in its first column."""
    column = source.columns[0]
    name = row.values[column.key]
    if lookup_key(name) not in by_key:
        raise reader.fail(
            f"{row.place} column {column.header}",
            f"{name!r} is not on sheet {owners.sheet}: add it there, or correct the name",
        )
    return by_key[lookup_key(name)]
