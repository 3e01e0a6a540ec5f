"""Reading report text converted from PDF or Word: lines, table cells, numbers, names.

Tables come as tab-separated lines (what PDF converters write) or as Markdown pipe tables;
both become a list of cells. Thai digits and Arabic digits are equal; runs of whitespace
(line wraps inside a PDF cell) mean nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schedules import to_arabic_digits

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Line:
    """One line of the report: its 1-based number, its text, and its cells if it is a row.

    A PDF's or Word file's lines are numbered in reading order through the whole document;
    ``page`` is the PDF page it stands on (None for text and Word files).
    """

    number: int
    text: str  # whitespace-tidied, digits as written
    cells: tuple[str, ...]  # one cell for a plain line
    page: int | None = None

    @property
    def where(self) -> str:
        return place(self.number, self.page)

    @property
    def is_row(self) -> bool:
        return len(self.cells) > 1

    @property
    def plain(self) -> str:
        """The text with Arabic digits and markdown emphasis removed, for pattern matching; a
        row's cells joined by spaces (no Markdown pipes between a label and its value)."""
        text = " ".join(self.cells) if self.is_row else self.text
        return arabic(text).replace("*", "").replace("#", "").strip()


def place(number: int, page: int | None) -> str:
    """Where a line is, for a finding: "line 12", or "page 2, line 40" in a PDF (its lines are
    numbered in reading order through the document)."""
    return f"page {page}, line {number}" if page else f"line {number}"


def tidy(text: str) -> str:
    """NFC, the composed sara am, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return " ".join(text.replace("\u200b", "").split())


def arabic(text: str) -> str:
    return to_arabic_digits(text)


def split_lines(text: str) -> list[Line]:
    """The report's lines, with table rows split into cells (tabs or Markdown pipes)."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if _PIPE_SEPARATOR.match(raw) and "|" in raw:
            continue  # the |---|---| line under a Markdown header
        cells = _cells(raw)
        lines.append(Line(number, tidy(raw), tuple(cells)))
    return lines


def _cells(raw: str) -> list[str]:
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped.strip("|")
        return [tidy(cell) for cell in inner.split("|")]
    if "\t" in raw:
        return [tidy(cell) for cell in raw.rstrip("\n").split("\t")]
    return [tidy(raw)]


def number_in(text: str) -> float | None:
    """The first number in ``text`` (Thai or Arabic digits), or None."""
    match = _NUMBER.search(arabic(text))
    return float(match.group()) if match else None


def score_in(text: str) -> float | None:
    """A score: a number from 0 to 100 written with decimals ("๙๙.๗๖", "100.00")."""
    for match in re.finditer(r"\d{1,3}\.\d{1,2}", arabic(text)):
        value = float(match.group())
        if 0 <= value <= 100:
            return value
    return None
