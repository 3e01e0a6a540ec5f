"""A printable report as a document: what every report becomes before it is HTML, PDF, Word,
Excel, Markdown or text.

Reports (the meeting's progress report, the implementation report, the ITA analysis) are
built as data from the database and then turned into a :class:`Document` by their own
``*_document`` function; every format writer (tracker.reports.formats) takes any Document.
So what a report says is decided once, in its builder and its document function, and how a
table or a chart looks is decided once per format, for every report.

The model is deliberately small: sections holding paragraphs, tables, charts, lines to fill
in by hand and a signature block. Values in table cells keep their type (a number stays a
number, so a spreadsheet can add it up); text is already in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Tone = Literal["", "done", "late", "warn", "muted"]  # how a row or a value stands out
ColumnKind = Literal["text", "number", "percent", "date"]
NUMERIC_KINDS = ("number", "percent")  # the kinds whose values align right


@dataclass(frozen=True)
class Link:
    """Text that points somewhere (an evidence URL): a hyperlink where the format has them,
    ``text (url)`` where it has not."""

    text: str
    url: str


# One table cell: a value, or several lines of values (a step's evidence links).
Value = str | int | float | Link | None
Cell = Value | tuple[Value, ...]


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["body", "lead", "note", "small"] = "body"


@dataclass(frozen=True)
class Column:
    """A table column: its heading, the kind of its values (numbers align right; a
    spreadsheet stores them as numbers, a percent column as 0–100 with a % format) and its
    share of the table's width (relative; 0 means "share what is left")."""

    heading: str
    kind: ColumnKind = "text"
    width: float = 0.0


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    tone: Tone = ""
    group: str | None = None  # starts a new group of rows headed by this text (a measure)


@dataclass(frozen=True)
class Table:
    """Rows under column headings. ``sheet`` names the worksheet it becomes in a workbook
    (at most 31 characters); ``totals`` is a last row set apart (a summary line)."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    sheet: str | None = None
    totals: Row | None = None
    width: float = 100.0  # percent of the page's width it takes when printed

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *((self.totals,) if self.totals else ())):
            if len(row.cells) != width:
                raise ValueError(
                    f"table {self.caption or self.sheet or ''!r}: a row has {len(row.cells)} "
                    f"cells for {width} columns"
                )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # on the chart's scale, 0..maximum
    tone: Tone = ""
    note: str | None = None  # shown after the value ("3/5")


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per label (completion by unit, scores by indicator)."""

    title: str
    bars: tuple[Bar, ...]
    maximum: float = 100.0
    unit: str = "%"
    minimum: float = 0.0  # where the axis starts (scores near 100 read better from 80)


@dataclass(frozen=True)
class LineSeries:
    name: str
    values: tuple[float | None, ...]  # one per label of the chart; None: no value that year


@dataclass(frozen=True)
class LineChart:
    """Values over labels (an organization's scores over its assessment years)."""

    title: str
    labels: tuple[str, ...]
    series: tuple[LineSeries, ...]
    maximum: float = 100.0
    minimum: float = 0.0
    unit: str = ""


@dataclass(frozen=True)
class FillIn:
    """Lines left empty to be written on by hand (suggestions before the report is signed)."""

    lines: int = 4
    text: str | None = None  # already written, printed in place of the empty lines


@dataclass(frozen=True)
class Signer:
    role: str  # "ผู้รายงาน", "ผู้บริหาร"
    name: str | None = None  # left as a dotted line when not known
    position: str | None = None


@dataclass(frozen=True)
class Signatures:
    signers: tuple[Signer, ...]
    date_line: bool = True  # a "วันที่ ...." line under each signature
    sign_word: str = "(ลงชื่อ)"  # before the line signed on ("Signed" in English)
    date_word: str = "วันที่"


Block = Paragraph | Table | BarChart | LineChart | FillIn | Signatures


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    level: Literal[1, 2] = 1
    page_break: bool = False  # start on a new page when printed


@dataclass(frozen=True)
class Document:
    """A whole report. ``title`` and ``subtitle`` head its first page; ``footer`` ends every
    printed page (with the page number); ``name`` is the file name it is offered under,
    without extension."""

    title: str
    sections: tuple[Section, ...]
    lang: Literal["th", "en"] = "th"
    name: str = "report"
    subtitle: tuple[str, ...] = ()
    footer: str = ""
    landscape: bool = False
    meta: dict[str, str] = field(default_factory=dict)  # author, subject (PDF and DOCX)

    def tables(self) -> list[Table]:
        """Every table, in order (what a workbook holds)."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def cell_text(cell: Cell, kind: ColumnKind = "text") -> str:
    """A cell as plain text, the way every format writes it: lines joined by newlines, a link
    as ``text (url)`` unless the text is the URL; in a ``number`` column a float with two
    decimals (ITA scores: 99.76), in a ``percent`` column one decimal at most and a percent
    sign (66.7 %, 100 %); no thousands separators."""
    if isinstance(cell, tuple):
        return "\n".join(cell_text(v, kind) for v in cell)
    if cell is None:
        return ""
    if isinstance(cell, Link):
        return cell.url if cell.text in ("", cell.url) else f"{cell.text} ({cell.url})"
    if isinstance(cell, bool):
        return str(cell)
    if kind == "percent" and isinstance(cell, int | float):
        return f"{round(float(cell), 1):g} %"
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return str(cell)


def column_shares(columns: tuple[Column, ...]) -> list[float]:
    """Each column's share (0..1) of its table's width, the one rule every format follows
    (so a table has the same proportions in the PDF and in Word): given widths as they are,
    each column without one an equal part of what they leave (at least 8 %), all scaled to
    fill the table."""
    given = sum(c.width for c in columns)
    free = [c for c in columns if not c.width]
    free_share = max(8.0, (100.0 - given) / len(free)) if free and given < 100 else 8.0
    raw = [c.width or free_share for c in columns]
    total = sum(raw)
    return [w / total for w in raw]


def bar_value(chart: BarChart, bar: Bar) -> str:
    """A bar's value as printed beside it: on a percent chart like a percent cell ("66.7 %"),
    otherwise with two decimals and the chart's unit."""
    if chart.unit == "%":
        return cell_text(bar.value, "percent")
    return f"{cell_text(float(bar.value), 'number')} {chart.unit}".rstrip()


def signer_lines(block: Signatures, signer: Signer) -> list[str]:
    """One signature as printed, line by line: the line signed on, the name in brackets
    (dotted when not known), the position, the role, the date line."""
    lines = [f"{block.sign_word} {'.' * 40}", f"( {signer.name or '.' * 40} )"]
    if signer.position:
        lines.append(signer.position)
    lines.append(signer.role)
    if block.date_line:
        lines.append(f"{block.date_word} {'.' * 30}")
    return lines
