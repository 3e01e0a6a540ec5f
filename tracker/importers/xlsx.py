"""Opening and writing .xlsx files safely: bounded size, bounded rows, text that stays text.

A workbook is a zip of XML parts. Before openpyxl sees a file, :func:`open_workbook` refuses
one that is not a zip, has more than :data:`MAX_MEMBERS` parts, or whose parts expand to more
than ``max_expanded_bytes`` (a zip bomb). The sizes a zip's directory declares are a true
bound: Python's zipfile, which openpyxl reads through, never inflates a part past its declared
size (it stops there and fails the CRC check). :func:`sheet_rows` reads at most
:data:`MAX_ROWS` rows of :data:`MAX_COLUMNS` cells, whatever a sheet's XML claims.
:func:`put` writes a value so that text is never a formula (Excel formula injection).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.zipguard import (
    megabytes,
    refuse_long_directory,
    refuse_zip_bomb,
)

MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # all parts of a workbook, uncompressed
MAX_MEMBERS = 2_000  # parts of a workbook; a plan's has about twenty
MAX_ROWS = 20_000  # rows read from one sheet
MAX_COLUMNS = 64  # cells read from one row
EXCEL_CELL_CHARACTERS = 32_767  # the most Excel keeps in a cell
FORMULA_STARTS = ("=", "+", "-", "@")  # what Excel reads as a formula when typed


def check_archive(path: Path, max_expanded_bytes: int = MAX_EXPANDED_BYTES) -> None:
    """Refuse (InvalidInput, one line) a file that is not a zip, or is too big when expanded.

    Contract: reads only the zip's directory, never a part's content.
    """
    try:
        size = path.stat().st_size
        if size > max_expanded_bytes:
            raise InvalidInput(
                f"{path}: refused: the file is {megabytes(size)}, more than the "
                f"{megabytes(max_expanded_bytes)} a workbook may take; nothing was read"
            )
        with path.open("rb") as handle:
            refuse_long_directory(path, handle, max_members=MAX_MEMBERS, what="a workbook")
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a workbook") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidInput(f"{path}: not an Excel workbook (.xlsx): not a zip archive") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    refuse_zip_bomb(path, members, max_expanded_bytes=max_expanded_bytes, what="a workbook")


def open_workbook(path: Path, *, max_expanded_bytes: int = MAX_EXPANDED_BYTES) -> Any:
    """A read-only openpyxl workbook of ``path`` (cached values, not formulas), checked by
    :func:`check_archive` first. The caller closes it."""
    import openpyxl

    check_archive(path, max_expanded_bytes)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InvalidInput(f"{path}: not an Excel workbook (.xlsx): {reason}") from None


def sheet_rows(sheet: Any, path: Path, *, max_rows: int = MAX_ROWS) -> list[tuple[Any, ...]]:
    """The raw cell values of ``sheet``, row by row, each row cut to MAX_COLUMNS cells.

    Contract: never reads more than ``max_rows`` + 1 rows; a sheet with more, or whose XML
    cannot be read (a corrupt or truncated part), is an InvalidInput naming it.
    """
    rows: list[tuple[Any, ...]] = []
    try:
        for row in sheet.iter_rows(max_row=max_rows + 1, max_col=MAX_COLUMNS, values_only=True):
            if len(rows) == max_rows:
                raise InvalidInput(
                    f"{path}: sheet {sheet.title}: more than {max_rows:,} rows, more than a plan "
                    "has: delete the empty rows at its end, or split the workbook"
                )
            rows.append(tuple(row))
    except InvalidInput:
        raise
    except Exception as error:  # zipfile, zlib and XML parsers each raise their own
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InvalidInput(f"{path}: sheet {sheet.title}: cannot be read: {reason}") from None
    return rows


def put(cell: Any, value: Any, where: str) -> None:
    """Write ``value`` into an openpyxl cell: text as text (never a formula), a float exactly.

    Text starting with = + - @ is stored as a string marked like Excel's leading apostrophe,
    so neither opening nor re-typing the cell runs it. A line break is written as Excel's
    (\\n). A float that Excel's 16 digits cannot hold exactly is written as its text.
    ``where`` names the cell in the InvalidInput raised for text no workbook can hold.
    """
    if value is None:
        return
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        value = repr(value)
    if not isinstance(value, str):
        cell.value = value
        return
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > EXCEL_CELL_CHARACTERS:
        raise InvalidInput(
            f"{where}: {len(text):,} characters, more than the {EXCEL_CELL_CHARACTERS:,} an "
            "Excel cell holds: export as JSON or YAML instead"
        )
    _put_text(cell, text, where)


def _put_text(cell: Any, text: str, where: str) -> None:
    """Set a text value as a string cell (see put); a control character is an InvalidInput."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        cell.value = text
    except IllegalCharacterError:
        bad = next(ch for ch in text if ord(ch) < 32 and ch not in "\t\n")
        raise InvalidInput(
            f"{where}: holds the control character U+{ord(bad):04X}, which a workbook cannot "
            "hold: remove it, or export as JSON or YAML instead"
        ) from None
    cell.data_type = "s"  # openpyxl makes "=…" a formula; a string cell is only ever text
    cell.number_format = "@"  # typed over in Excel, it stays text
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
