"""Excel: a :class:`~tracker.reports.document.Document` as a workbook to count and filter in.

The first sheet is the summary: the title, the subtitle lines, and each section's heading and
paragraphs, with a link to the sheet of each of its tables. Then one sheet per table:
its caption, the header row (bold, frozen, with a filter, printed on every page), the rows,
and the totals row in bold. A last sheet holds every chart as a native Excel chart drawn from
a small range of numbers written beside it.

Values keep their type: numbers are numbers (scores with two decimals shown), a percent
column holds 0–100 (66.7, not 0.667) shown with the number format ``0.0" %"``, so the number
read back is the number of the report; dates stay text (Buddhist-era dates are text already);
a link is a hyperlink cell; a cell of several lines is one cell, its lines joined by newlines
and wrapped. Text that looks like a formula (``=…``) stays text: a note a unit typed is never
run as a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as ExcelCell
from openpyxl.chart import BarChart as ExcelBarChart
from openpyxl.chart import LineChart as ExcelLineChart
from openpyxl.chart import Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from tracker.i18n import t
from tracker.reports.document import (
    BarChart,
    Cell,
    Column,
    ColumnKind,
    Document,
    LineChart,
    Link,
    Paragraph,
    Row,
    Table,
    Tone,
    Value,
    cell_text,
)
from tracker.textbreak import break_points, cell_width, graphemes

MAX_SHEET_NAME = 31  # Excel's limit
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEET_NAMES = {"history"}  # Excel keeps "History" for itself

PERCENT_FORMAT = '0.0" %"'
DECIMAL_FORMAT = "0.00"
INTEGER_FORMAT = "0"
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths, in Excel's character units

HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
GROUP_FILL = TOTALS_FILL = PatternFill("solid", fgColor="F2F2F2")
ROW_FILLS: dict[Tone, PatternFill] = {
    "done": PatternFill("solid", fgColor="E2F0D9"),
    "late": PatternFill("solid", fgColor="FBE4E4"),
    "warn": PatternFill("solid", fgColor="FFF2CC"),
}
MUTED_COLOUR, LINK_COLOUR = "777777", "0563C1"
BAR_COLOURS: dict[Tone, str] = {
    "": "2E75B6",
    "done": "548235",
    "late": "C00000",
    "warn": "BF8F00",
    "muted": "A6A6A6",
}
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP = Alignment(vertical="top")
WRAPPED = Alignment(vertical="top", wrap_text=True)
LINE_HEIGHT = 15  # points, one line of the default 11 pt font
CHART_ROWS = 18  # rows a chart of the default height covers


def to_xlsx(document: Document) -> bytes:
    """The .xlsx file of ``document``."""
    lang = document.lang
    tables = document.tables()
    charts = [b for s in document.sections for b in s.blocks if isinstance(b, BarChart | LineChart)]
    names = SheetNames()
    summary_name = names.claim(t(lang, "สรุป", "Summary"))
    table_names = [
        names.claim(table.sheet or table.caption or "", t(lang, f"ตาราง {n}", f"Table {n}"))
        for n, table in enumerate(tables, 1)
    ]
    charts_name = names.claim(t(lang, "แผนภูมิ", "Charts")) if charts else ""

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None  # a new workbook has its one sheet
    summary.title = summary_name
    _write_summary(
        summary, document, dict(zip(map(id, tables), table_names, strict=True)), charts_name
    )
    for table, name in zip(tables, table_names, strict=True):
        _write_table(workbook.create_sheet(name), table)
    if charts:
        _write_charts(workbook.create_sheet(charts_name), charts, lang)
    for sheet in workbook.worksheets:
        _set_up_printing(sheet, document)
    _set_properties(workbook, document)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- sheet names ----------------------------------------------------------------------------


class SheetNames:
    """Hands out worksheet names Excel accepts: no ``[]:*?/\\``, no apostrophe at either end,
    at most 31 characters (cut between words), and unique without regard to case (a
    second "ผลการดำเนินการ" becomes "ผลการดำเนินการ (2)")."""

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED_SHEET_NAMES)

    def claim(self, wanted: str, fallback: str = "Sheet") -> str:
        base = _clean_sheet_name(wanted) or _clean_sheet_name(fallback) or "Sheet"
        name, number = _cut(base, MAX_SHEET_NAME), 1
        while name.casefold() in self._taken:
            number += 1
            suffix = f" ({number})"
            name = _cut(base, MAX_SHEET_NAME - len(suffix)) + suffix
        self._taken.add(name.casefold())
        return name


def _clean_sheet_name(text: str) -> str:
    text = FORBIDDEN_IN_SHEET_NAME.sub(" ", text)
    text = "".join(ch for ch in text if ch.isprintable())
    return " ".join(text.split()).strip("'").strip()


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut where a line could break (between
    words, Thai ones included: tracker.textbreak), or between whole letters with their
    vowels and marks when the first word alone is too long."""
    if len(text) <= limit:
        return text
    points = [point for point in break_points(text) if point <= limit]
    if points:
        return text[: points[-1]].rstrip().rstrip("'")
    kept = ""
    for cluster in graphemes(text):
        if len(kept) + len(cluster) > limit:
            break
        kept += cluster
    return kept


# --- the summary sheet ------------------------------------------------------------------------


def _write_summary(
    sheet: Worksheet, document: Document, table_sheets: dict[int, str], charts_sheet: str
) -> None:
    """Title, subtitle lines, then per section its heading, its paragraphs, and a link to the
    sheet of each of its tables and charts."""
    sheet.column_dimensions["A"].width = 100
    sheet.append([_text(document.title)])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
    for line in document.subtitle:
        sheet.append([_text(line)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for section in document.sections:
        sheet.append([])
        sheet.append([_text(section.heading)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12 if section.level == 1 else 11)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                sheet.append([_text(block.text)])
                sheet.cell(sheet.max_row, 1).alignment = WRAPPED
                if block.style in ("note", "small"):
                    sheet.cell(sheet.max_row, 1).font = Font(size=9, color="333333")
            elif isinstance(block, Table):
                _sheet_link(
                    sheet, block.caption or table_sheets[id(block)], table_sheets[id(block)]
                )
            elif isinstance(block, BarChart | LineChart):
                _sheet_link(sheet, block.title, charts_sheet)
    if document.footer:
        sheet.append([])
        sheet.append([_text(document.footer)])
        sheet.cell(sheet.max_row, 1).font = Font(size=9, color="555555")


def _sheet_link(sheet: Worksheet, text: str, target: str) -> None:
    sheet.append([f"→ {_text(text)}"])
    cell = sheet.cell(sheet.max_row, 1)
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(target)}!A1")
    cell.font = Font(color=LINK_COLOUR, underline="single")


# --- table sheets ---------------------------------------------------------------------------


def _write_table(sheet: Worksheet, table: Table) -> None:
    """The caption (when there is one), the header row, the rows and the totals."""
    width = len(table.columns)
    if table.caption:
        sheet.append([_text(table.caption)])
        sheet.cell(1, 1).font = Font(bold=True, size=12)
    header = sheet.max_row + 1 if table.caption else 1
    for number, column in enumerate(table.columns, 1):
        cell = sheet.cell(header, number, _text(column.heading))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_number = header
    for row in table.rows:
        if row.group is not None:
            row_number += 1
            _group_row(sheet, row_number, row.group, width)
        row_number += 1
        _data_row(sheet, row_number, row, table.columns)
    last_data_row = row_number
    if table.totals is not None:
        row_number += 1
        _data_row(sheet, row_number, table.totals, table.columns, bold=True)
    last = get_column_letter(width)
    sheet.freeze_panes = f"A{header + 1}"
    # The filter covers the rows, not the totals: sorting must not move the totals up.
    sheet.auto_filter.ref = f"A{header}:{last}{last_data_row}"
    sheet.print_title_rows = f"{header}:{header}"
    _fit_columns(sheet, table)


def _group_row(sheet: Worksheet, row_number: int, heading: str, width: int) -> None:
    cell = sheet.cell(row_number, 1, _text(heading))
    cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), GROUP_FILL, GRID, TOP
    if width > 1:
        sheet.merge_cells(
            start_row=row_number, start_column=1, end_row=row_number, end_column=width
        )


def _data_row(
    sheet: Worksheet, row_number: int, row: Row, columns: tuple[Column, ...], *, bold: bool = False
) -> None:
    fill = TOTALS_FILL if bold else ROW_FILLS.get(row.tone)
    colour = MUTED_COLOUR if row.tone == "muted" else None
    lines = max((cell_text(cell).count("\n") + 1 for cell in row.cells), default=1)
    if lines > 1:  # a row of several lines is made tall enough: not every reader fits it
        sheet.row_dimensions[row_number].height = LINE_HEIGHT * lines
    for number, (value, column) in enumerate(zip(row.cells, columns, strict=True), 1):
        cell = sheet.cell(row_number, number)
        link = _put(cell, value, column.kind)
        cell.border = GRID
        cell.alignment = WRAPPED if isinstance(value, tuple) or "\n" in str(cell.value) else TOP
        if fill is not None:
            cell.fill = fill
        if link:
            cell.font = Font(bold=bold, color=LINK_COLOUR, underline="single")
        elif bold or colour:
            cell.font = Font(bold=bold, color=colour)


def _put(cell: ExcelCell, value: Cell, kind: ColumnKind) -> bool:
    """Stores ``value`` in ``cell`` with its type and number format; True when the cell
    became a hyperlink. A cell of several lines holds their text (a link as ``text (url)``,
    so every address shows) and links to its one link if it has exactly one."""
    if isinstance(value, tuple):
        _put_text(cell, "\n".join(cell_text(v, kind) for v in value))
        links = [v for v in value if isinstance(v, Link)]
        if len(links) == 1:
            cell.hyperlink = links[0].url
        return len(links) == 1
    return _put_value(cell, value, kind)


def _put_value(cell: ExcelCell, value: Value, kind: ColumnKind) -> bool:
    if isinstance(value, Link):
        _put_text(cell, value.text or value.url)
        cell.hyperlink = value.url
        return True
    if isinstance(value, bool) or value is None:  # a bool is no quantity: its text
        _put_text(cell, cell_text(value, kind))
    elif isinstance(value, int | float):
        cell.value = value
        cell.number_format = _number_format(value, kind)
    else:
        _put_text(cell, value)
    return False


def _put_text(cell: ExcelCell, text: str) -> None:
    """Text as text: characters a workbook cannot hold taken out, never a formula."""
    if not text:
        return
    cell.value = _text(text)
    cell.data_type = "s"  # "=SUM(…)" typed in a note stays text


def _text(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold (openpyxl refuses
    them; a note pasted from another program may have some)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def _number_format(value: float, kind: ColumnKind) -> str:
    if kind == "percent":
        return PERCENT_FORMAT
    if kind == "number":
        return DECIMAL_FORMAT if isinstance(value, float) else INTEGER_FORMAT
    return "General"


def _fit_columns(sheet: Worksheet, table: Table) -> None:
    """Each column as wide as its longest line (header included), within 8..60; longer
    lines wrap. Thai marks above and below the line take no width."""
    for number, column in enumerate(table.columns, 1):
        lines = [column.heading]
        for row in (*table.rows, *((table.totals,) if table.totals else ())):
            lines += cell_text(row.cells[number - 1], column.kind).split("\n")
        widest = max((cell_width(line) for line in lines), default=0)
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(number)].width = width
        if widest + 2 > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_col=number, max_col=number):
                cell.alignment = WRAPPED


# --- charts ---------------------------------------------------------------------------------


def _write_charts(sheet: Worksheet, charts: list[BarChart | LineChart], lang: str) -> None:
    """Each chart's numbers in a small table at the left, the chart drawn from them beside
    it; one under the other."""
    top = 1
    for chart in charts:
        sheet.cell(top, 1, _text(chart.title)).font = Font(bold=True)
        if isinstance(chart, BarChart):
            used = _bar_data(sheet, top + 1, chart, lang)
            excel = _bar_chart(sheet, top + 1, chart)
        else:
            used = _line_data(sheet, top + 1, chart, lang)
            excel = _line_chart(sheet, top + 1, chart)
        sheet.add_chart(excel, f"E{top}")
        top += max(used + 1, CHART_ROWS) + 2
    sheet.column_dimensions["A"].width = min(
        max((cell_width(label) for label in _chart_labels(charts)), default=10) + 2, MAX_WIDTH
    )


def _chart_labels(charts: list[BarChart | LineChart]) -> Iterator[str]:
    for chart in charts:
        if isinstance(chart, BarChart):
            yield from (bar.label for bar in chart.bars)
        else:
            yield from (series.name for series in chart.series)


def _bar_data(sheet: Worksheet, header: int, chart: BarChart, lang: str) -> int:
    """Label | value | note rows under a header at row ``header``; returns rows used."""
    unit = f" ({chart.unit.strip()})" if chart.unit.strip() else ""
    headings = [t(lang, "รายการ", "Item"), t(lang, "ค่า", "Value") + unit]
    if any(bar.note for bar in chart.bars):
        headings.append(t(lang, "หมายเหตุ", "Note"))
    for number, heading in enumerate(headings, 1):
        sheet.cell(header, number, heading).font = Font(bold=True)
    for offset, bar in enumerate(chart.bars, 1):
        _put_text(sheet.cell(header + offset, 1), bar.label)
        value = sheet.cell(header + offset, 2, bar.value)
        value.number_format = PERCENT_FORMAT if chart.unit == "%" else DECIMAL_FORMAT
        if bar.note:
            _put_text(sheet.cell(header + offset, 3), bar.note)
    return 1 + len(chart.bars)


def _bar_chart(sheet: Worksheet, header: int, chart: BarChart) -> ExcelBarChart:
    excel = ExcelBarChart()
    excel.type = "bar"  # horizontal bars, as printed
    excel.title = chart.title
    excel.legend = None
    last = header + len(chart.bars)
    excel.add_data(Reference(sheet, min_col=2, min_row=header, max_row=last), titles_from_data=True)
    excel.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    series = excel.series[0]
    for index, bar in enumerate(chart.bars):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = BAR_COLOURS[bar.tone]
        series.dPt.append(point)
    excel.x_axis.scaling.orientation = "maxMin"  # the first bar at the top, as printed
    excel.y_axis.scaling.min, excel.y_axis.scaling.max = chart.minimum, chart.maximum
    _show_axes(excel)
    excel.width, excel.height = 18, max(7.5, 1.2 + 0.8 * len(chart.bars))
    return excel


def _line_data(sheet: Worksheet, header: int, chart: LineChart, lang: str) -> int:
    """Labels down column A, one column per series; a missing value is an empty cell."""
    sheet.cell(header, 1, t(lang, "ปี", "Year")).font = Font(bold=True)
    for number, series in enumerate(chart.series, 2):
        _put_text(sheet.cell(header, number), series.name)
        sheet.cell(header, number).font = Font(bold=True)
    for offset, label in enumerate(chart.labels, 1):
        _put_text(sheet.cell(header + offset, 1), label)  # "2566" is a label, not a number
        for number, series in enumerate(chart.series, 2):
            value = series.values[offset - 1] if offset - 1 < len(series.values) else None
            if value is not None:
                sheet.cell(header + offset, number, value).number_format = DECIMAL_FORMAT
    return 1 + len(chart.labels)


def _line_chart(sheet: Worksheet, header: int, chart: LineChart) -> ExcelLineChart:
    excel = ExcelLineChart()
    excel.title = chart.title
    last = header + len(chart.labels)
    if chart.series:
        data = Reference(
            sheet, min_col=2, max_col=1 + len(chart.series), min_row=header, max_row=last
        )
        excel.add_data(data, titles_from_data=True)
    excel.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    for series in excel.series:
        series.marker.symbol = "circle"
        series.smooth = False
    excel.y_axis.scaling.min, excel.y_axis.scaling.max = chart.minimum, chart.maximum
    if chart.unit:
        excel.y_axis.title = chart.unit
    excel.legend.position = "b"
    _show_axes(excel)
    excel.width, excel.height = 18, 7.5
    return excel


def _show_axes(excel: ExcelBarChart | ExcelLineChart) -> None:
    # openpyxl 3.1 writes axes as deleted unless told otherwise; Excel then draws none.
    excel.x_axis.delete = False
    excel.y_axis.delete = False


# --- the workbook ---------------------------------------------------------------------------


def _set_up_printing(sheet: Worksheet, document: Document) -> None:
    """A4 in the document's orientation, a page wide, with its footer and page numbers."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if document.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    page = t(document.lang, "หน้า", "Page")
    if document.footer:
        sheet.oddFooter.left.text = _text(document.footer).replace("&", "&&")
    sheet.oddFooter.right.text = f"{page} &P / &N"


def _set_properties(workbook: Workbook, document: Document) -> None:
    properties = workbook.properties
    properties.title = document.title
    properties.creator = document.meta.get("author") or "ITA Tracker"
    properties.lastModifiedBy = properties.creator
    properties.subject = document.meta.get("subject")
    properties.keywords = document.meta.get("keywords")
    properties.language = "th-TH" if document.lang == "th" else "en-US"
