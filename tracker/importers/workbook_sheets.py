"""Reading the sheets of a plan workbook: header rows, rows of entries, values of cells.

A :class:`SheetReader` reads a sheet within the bounds of tracker.importers.xlsx, turns a
row's cells into fields (tracker.importers.workbook_layout.from_cell) and remembers which
sheet, row and column each document field came from, so that every error can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.text import tidy
from tracker.importers.workbook_layout import (
    FACTS_SHEET,
    MISSING,
    TABLES,
    Column,
    Table,
    from_cell,
)
from tracker.importers.xlsx import sheet_rows
from tracker.plandoc import PathItems
from tracker.textkey import lookup_key


@dataclass
class SheetReader:
    """The workbook being read, and where each document field came from."""

    workbook: Any
    path: Path
    places: dict[PathItems, str] = field(default_factory=dict)

    def fail(self, place: str, problem: str) -> InvalidInput:
        """An InvalidInput for a problem at ``place`` ("sheet X row N column Y")."""
        return InvalidInput(f"{self.path}: {place}: {problem}")

    def rows(self, name: str) -> list[tuple[Any, ...]]:
        """The rows of sheet ``name`` (bounded: tracker.importers.xlsx); a missing one fails."""
        if name not in self.workbook.sheetnames:
            raise InvalidInput(
                f"{self.path}: no sheet {name}: a plan workbook has the sheets "
                f"{', '.join([FACTS_SHEET, *(t.sheet for t in TABLES)])} after its measure sheet"
            )
        return sheet_rows(self.workbook[name], self.path)

    def values(
        self, place: str, columns: tuple[Column, ...], cells: dict[str, Any]
    ) -> dict[str, Any]:
        """The fields of one row (blank cells left out); a bad or missing value fails."""
        values: dict[str, Any] = {}
        for column in columns:
            where = f"{place} column {column.header}"
            try:
                value = from_cell(column, cells.get(column.key))
            except ValueError as error:
                raise self.fail(where, str(error)) from None
            if value is MISSING:
                if column.required:
                    raise self.fail(where, f"empty: give the {column.header}")
                continue
            values[column.key] = value
        return values

    def note(self, where: PathItems, place: str, columns: tuple[Column, ...] = ()) -> None:
        """Remember that the entry at ``where`` came from ``place``, its fields from columns."""
        self.places[where] = place
        for column in columns:
            self.places[(*where, column.key)] = f"{place} column {column.header}"


@dataclass
class Row:
    """One entry of a table sheet: its row number, its place for messages, its fields."""

    number: int
    place: str
    values: dict[str, Any]


# --- tables --------------------------------------------------------------------------------


def read_table(reader: SheetReader, table: Table, where: PathItems | None = None) -> list[Row]:
    """The non-blank rows of a table sheet under its header row (row 1)."""
    rows = reader.rows(table.sheet)
    index = header_columns(reader, table.sheet, 1, rows[0] if rows else (), table.columns)
    found: list[Row] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = {key: raw[i] if i < len(raw) else None for key, i in index.items()}
        if all(blank(value) for value in cells.values()):
            continue
        place = f"sheet {table.sheet} row {number}"
        row = Row(number, place, reader.values(place, table.columns, cells))
        if where is not None:
            reader.note((*where, len(found)), place, table.columns)
        found.append(row)
    return found


def header_columns(
    reader: SheetReader,
    sheet: str,
    number: int,
    cells: tuple[Any, ...],
    columns: tuple[Column, ...],
) -> dict[str, int]:
    """Which cell of the header row holds each column; a missing column fails."""
    at = {tidy(str(cell)): i for i, cell in reversed(list(enumerate(cells))) if cell is not None}
    missing = [c.header for c in columns if tidy(c.header) not in at]
    if missing:
        raise reader.fail(
            f"sheet {sheet} row {number}", f"the header lacks the column(s) {', '.join(missing)}"
        )
    return {c.key: at[tidy(c.header)] for c in columns}


def blank(value: Any) -> bool:
    """True for an empty cell or one of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def name_index(entries: list[dict[str, Any]], with_aliases: bool = False) -> dict[str, int]:
    """The lookup key of each entry's name (and aliases) -> the entry's position."""
    index: dict[str, int] = {}
    for position, entry in enumerate(entries):
        names = [entry["name"], *(entry.get("aliases", []) if with_aliases else [])]
        for name in names:
            index.setdefault(lookup_key(name), position)
    return index
