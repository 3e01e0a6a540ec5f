"""Word: a :class:`~tracker.reports.document.Document` as a .docx a secretariat can edit.

A4 (landscape when the document asks), Thai official style: one face (Sarabun unless the
agency gives its own) at the body size of :mod:`tracker.reports.fonts`, black bold headings,
the title and its subtitle lines centred, the footer and the page number on every page.

Thai text is "complex script" to Word: it is set in the ``w:cs`` font at the ``w:szCs`` size
and made bold by ``w:bCs``, whatever ``w:ascii``/``w:sz``/``w:b`` say. So every run here sets
both sets of properties, explicitly, and the built-in styles it uses (Title, Heading 1/2)
lose their theme fonts and colours, which would otherwise win over the style's own.

Tables repeat their header row on every page, keep each row on one page, right-align
numbers and shade rows by tone; links are real hyperlinks. Charts are PNG pictures drawn by
matplotlib (imported only when a document has a chart: it takes a second to load), with the
chart's title as a real paragraph above the picture so it can be searched and read aloud.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor

from tracker.reports.document import (
    NUMERIC_KINDS,
    Bar,
    BarChart,
    Block,
    Cell,
    Column,
    Document,
    FillIn,
    LineChart,
    Link,
    Paragraph,
    Row,
    Section,
    Signatures,
    Table,
    Tone,
    Value,
    bar_value,
    cell_text,
    column_shares,
    signer_lines,
)
from tracker.reports.fonts import FontSet, bundled_fonts

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.text.font import CT_RPr
    from docx.styles.style import ParagraphStyle
    from docx.table import Table as WordTable
    from docx.table import _Cell, _Row
    from docx.text.font import Font
    from docx.text.paragraph import Paragraph as WordParagraph
    from docx.text.run import Run as WordRun
    from matplotlib.axes import Axes

A4_SHORT, A4_LONG = Mm(210), Mm(297)
# The printed page's margins, as in the PDF (tracker/reports/html_writer.py's @page).
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = Mm(20), Mm(18), Mm(20), Mm(25)

# Sizes relative to the body size (the same steps as the HTML's CSS).
TITLE_SCALE, HEADING_SCALES = 1.35, {1: 1.15, 2: 1.05}
PARAGRAPH_SCALES = {"body": 1.0, "lead": 1.05, "note": 0.85, "small": 0.85}
TABLE_SCALE, FOOTER_SCALE = 0.9, 0.72

BLACK, SOFT_TEXT, LINK_COLOUR = "000000", "333333", "1F4E79"
HEADER_FILL, GROUP_FILL, TOTALS_FILL = "E7E6E6", "F2F2F2", "F2F2F2"
ROW_FILLS: dict[Tone, str] = {"done": "E2F0D9", "late": "FBE4E4", "warn": "FFF2CC"}
MUTED_TEXT = "777777"

# Chart colours: a bar by its tone; a line by its series' place (print-safe, distinct in grey).
BAR_COLOURS: dict[Tone, str] = {
    "": "#2e75b6",
    "done": "#548235",
    "late": "#c00000",
    "warn": "#bf8f00",
    "muted": "#a6a6a6",
}
LINE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f7f7f")
LINE_STYLES = ("-", "--", ":", "-.", (0, (1, 2)))
CHART_DPI = 200
CHART_MAX_WIDTH = Mm(165)


def to_docx(document: Document, fonts: FontSet | None = None) -> bytes:
    """The .docx file of ``document``, set in ``fonts`` (the bundled Sarabun by default)."""
    fonts = fonts or bundled_fonts()
    return _WordWriter(document, fonts).write()


@dataclass(frozen=True)
class _Look:
    """How a run of text looks: its size in points, weight and colour (hex, no #)."""

    size: float
    bold: bool = False
    colour: str | None = None


class _WordWriter:
    """Writes one Document into one new Word file; one method per kind of block."""

    def __init__(self, document: Document, fonts: FontSet) -> None:
        self.source = document
        self.fonts = fonts
        self.family = word_family(fonts)
        self.body = fonts.size
        self.doc: WordDocument = docx.Document()
        self.text_width = self._set_up_page()

    def write(self) -> bytes:
        self._set_up_styles()
        self._set_properties()
        self._title()
        for section in self.source.sections:
            self._section(section)
        self._footer()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # --- page, styles, properties ---------------------------------------------------------

    def _set_up_page(self) -> Length:
        """A4 in the document's orientation; returns the width text can take."""
        page = self.doc.sections[0]
        if self.source.landscape:
            page.orientation = WD_ORIENT.LANDSCAPE
            page.page_width, page.page_height = A4_LONG, A4_SHORT
        else:
            page.orientation = WD_ORIENT.PORTRAIT
            page.page_width, page.page_height = A4_SHORT, A4_LONG
        page.top_margin, page.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        page.left_margin, page.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        return Emu(page.page_width - MARGIN_LEFT - MARGIN_RIGHT)

    def _set_up_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        _plain_style(normal)
        self._apply(normal.font, normal.element.get_or_add_rPr(), _Look(self.body))
        _set_language(normal.element.get_or_add_rPr(), self.source.lang)
        normal.paragraph_format.space_after = Pt(3)
        normal.paragraph_format.line_spacing = 1.1
        for name, scale in (
            ("Title", TITLE_SCALE),
            *((f"Heading {n}", s) for n, s in HEADING_SCALES.items()),
        ):
            style = styles[name]
            _plain_style(style)
            self._apply(style.font, style.element.get_or_add_rPr(), self._heading_look(scale))
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(self.body * 0.9)
            style.paragraph_format.space_after = Pt(3)
        styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styles["Title"].paragraph_format.space_before = Pt(0)

    def _heading_look(self, scale: float) -> _Look:
        return _Look(self.body * scale, bold=True, colour=BLACK)

    def _set_properties(self) -> None:
        meta = self.source.meta
        properties = self.doc.core_properties
        properties.title = self.source.title
        properties.author = meta.get("author", "")
        properties.last_modified_by = meta.get("author", "")
        properties.subject = meta.get("subject", "")
        properties.keywords = meta.get("keywords", "")
        properties.comments = ""
        properties.language = "th-TH" if self.source.lang == "th" else "en-US"

    def _footer(self) -> None:
        """The footer text on the left, "หน้า N / M" on the right, on every page."""
        footer = self.doc.sections[0].footer
        paragraph = footer.paragraphs[0]
        paragraph.style = self.doc.styles["Normal"]  # the Footer style's centre tab is in the way
        paragraph.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        look = _Look(self.body * FOOTER_SCALE, colour="555555")
        page_word = "หน้า" if self.source.lang == "th" else "Page"
        self._run(paragraph, f"{self.source.footer}\t{page_word} ", look)
        self._field(paragraph, "PAGE", look)
        self._run(paragraph, " / ", look)
        self._field(paragraph, "NUMPAGES", look)

    # --- text -----------------------------------------------------------------------------

    def _apply(self, font: Font, rpr: CT_RPr, look: _Look) -> None:
        """Sets ``look`` on a run's or a style's properties, for Latin and complex script
        (Thai) text alike."""
        font.name = self.family  # w:ascii and w:hAnsi
        fonts = rpr.get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), self.family)
        fonts.set(qn("w:cs"), self.family)
        font.bold = look.bold or None
        font.cs_bold = look.bold or None
        if look.colour:
            font.color.rgb = RGBColor.from_string(look.colour)
        font.size = Pt(look.size)
        _set_complex_size(rpr, font)

    def _run(self, paragraph: WordParagraph, text: str, look: _Look) -> WordRun:
        run = paragraph.add_run()
        self._apply(run.font, run.element.get_or_add_rPr(), look)
        run.text = text  # after the properties: "\t" becomes a tab, "\n" a line break
        return run

    def _field(self, paragraph: WordParagraph, instruction: str, look: _Look) -> None:
        """A field Word computes (PAGE, NUMPAGES), shown as "1" until it does."""
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {instruction} ")
        run = self._run(paragraph, "1", look)
        field.append(run.element)  # moved from the paragraph into the field
        paragraph._p.append(field)

    def _hyperlink(self, paragraph: WordParagraph, link: Link, look: _Look) -> None:
        """``link`` as a clickable hyperlink showing its text (its URL when it has none)."""
        relation = paragraph.part.relate_to(link.url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), relation)
        run = self._run(paragraph, link.text or link.url, _Look(look.size, look.bold, LINK_COLOUR))
        run.font.underline = True
        hyperlink.append(run.element)  # moved from the paragraph into the hyperlink
        paragraph._p.append(hyperlink)

    def _title(self) -> None:
        self._run(
            self.doc.add_paragraph(style="Title"),
            self.source.title,
            self._heading_look(TITLE_SCALE),
        )
        for line in self.source.subtitle:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.keep_with_next = True
            self._run(paragraph, line, _Look(self.body, bold=True))
        if self.source.subtitle:
            paragraph.paragraph_format.space_after = Pt(self.body)

    def _section(self, section: Section) -> None:
        heading = self.doc.add_paragraph(style=f"Heading {section.level}")
        heading.paragraph_format.page_break_before = section.page_break
        self._run(heading, section.heading, self._heading_look(HEADING_SCALES[section.level]))
        for block in section.blocks:
            self._block(block)

    def _block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, BarChart | LineChart):
            self._chart(block)
        elif isinstance(block, FillIn):
            self._fill_in(block)
        elif isinstance(block, Signatures):
            self._signatures(block)
        else:  # a new kind of block must be given a form here
            raise TypeError(f"no Word form for {type(block).__name__}")

    def _paragraph(self, block: Paragraph) -> None:
        colour = SOFT_TEXT if block.style in ("note", "small") else None
        look = _Look(self.body * PARAGRAPH_SCALES[block.style], colour=colour)
        self._run(self.doc.add_paragraph(), block.text, look)

    # --- tables ---------------------------------------------------------------------------

    def _table(self, table: Table) -> None:
        if table.caption:
            caption = self.doc.add_paragraph()
            caption.paragraph_format.keep_with_next = True
            self._run(caption, table.caption, _Look(self.body, bold=True))
        count = len(table.columns)
        word = self.doc.add_table(rows=0, cols=count)
        word.style = self.doc.styles["Table Grid"]
        word.autofit = False
        widths = [Emu(int(self.text_width * share)) for share in column_shares(table.columns)]
        for column, width in zip(word.columns, widths, strict=True):
            column.width = width
        size = self.body * TABLE_SCALE
        header = self._table_row(word, widths, repeat=True)
        for cell, column in zip(header.cells, table.columns, strict=True):
            _shade(cell, HEADER_FILL)
            self._cell(cell, column.heading, "text", _Look(size, bold=True), centred=True)
        for row in table.rows:
            if row.group is not None:
                self._group_row(word, widths, row.group, size)
            self._data_row(word, widths, row, table.columns, _Look(size))
        if table.totals is not None:
            self._data_row(
                word, widths, table.totals, table.columns, _Look(size, bold=True), TOTALS_FILL
            )
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)  # room after the table

    def _table_row(
        self, word: WordTable, widths: Sequence[Length], *, repeat: bool = False
    ) -> _Row:
        """A new row that is never split across pages; ``repeat``: a header row, printed
        again at the top of each page the table runs on to."""
        row: _Row = word.add_row()  # type: ignore[no-untyped-call]
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if repeat:
            properties.append(OxmlElement("w:tblHeader"))
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
        return row

    def _group_row(
        self, word: WordTable, widths: Sequence[Length], heading: str, size: float
    ) -> None:
        row = self._table_row(word, widths)
        merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
        _shade(merged, GROUP_FILL)
        merged.paragraphs[0].paragraph_format.keep_with_next = True
        self._cell(merged, heading, "text", _Look(size, bold=True))

    def _data_row(
        self,
        word: WordTable,
        widths: Sequence[Length],
        row: Row,
        columns: tuple[Column, ...],
        look: _Look,
        fill: str | None = None,
    ) -> None:
        cells = self._table_row(word, widths).cells
        fill = fill or ROW_FILLS.get(row.tone)
        if row.tone == "muted":
            look = _Look(look.size, look.bold, MUTED_TEXT)
        for cell, value, column in zip(cells, row.cells, columns, strict=True):
            if fill:
                _shade(cell, fill)
            self._cell(cell, value, column.kind, look)

    def _cell(
        self, cell: _Cell, value: Cell, kind: str, look: _Look, *, centred: bool = False
    ) -> None:
        """A cell's value, each line of a multi-line cell in a paragraph of its own."""
        lines = value if isinstance(value, tuple) else (value,)
        for number, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            if centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif kind in NUMERIC_KINDS:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self._value(paragraph, line, kind, look)

    def _value(self, paragraph: WordParagraph, value: Value, kind: str, look: _Look) -> None:
        if isinstance(value, Link):
            self._hyperlink(paragraph, value, look)
        else:
            self._run(paragraph, cell_text(value, kind), look)  # type: ignore[arg-type]

    # --- charts, forms --------------------------------------------------------------------

    def _chart(self, chart: BarChart | LineChart) -> None:
        title = self.doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.keep_with_next = True
        self._run(title, chart.title, _Look(self.body, bold=True))
        width = min(self.text_width, CHART_MAX_WIDTH)
        picture = chart_png(chart, self.fonts, width_inches=width.inches)
        self.doc.add_picture(io.BytesIO(picture), width=width)
        holder = self.doc.paragraphs[-1]
        holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # The picture's alternative text (what a screen reader says): the chart's numbers.
        for drawing in holder._p.xpath(".//wp:docPr"):
            drawing.set("descr", chart_description(chart))

    def _fill_in(self, block: FillIn) -> None:
        """Text already written, or ``lines`` dotted lines across the page to write on."""
        if block.text:
            for line in block.text.split("\n"):
                self._run(self.doc.add_paragraph(), line, _Look(self.body))
            return
        for _ in range(block.lines):
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(self.body * 0.6)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                self.text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            self._run(paragraph, "\t", _Look(self.body))

    def _signatures(self, block: Signatures) -> None:
        """Signers two by two in a borderless table, each centred in its half."""
        pairs = [block.signers[i : i + 2] for i in range(0, len(block.signers), 2)]
        if not pairs:
            return
        word = self.doc.add_table(rows=0, cols=2)
        word.autofit = False
        half = Emu(self.text_width // 2)
        for pair in pairs:
            row = self._table_row(word, [half, half])
            cells = list(row.cells)
            if len(pair) == 1:
                cells = [cells[0].merge(cells[1])]
            for cell, signer in zip(cells, pair, strict=True):
                for number, line in enumerate(signer_lines(block, signer)):
                    paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    paragraph.paragraph_format.space_before = Pt(
                        self.body * 2 if number == 0 else 0
                    )
                    paragraph.paragraph_format.keep_with_next = True
                    self._run(paragraph, line, _Look(self.body))


# --- Word XML details -------------------------------------------------------------------------


def _plain_style(style: ParagraphStyle) -> None:
    """Takes away a built-in style's theme fonts, colours, italics, letter spacing and
    borders (the Title's rule), so what :meth:`_WordWriter._apply` sets is what shows."""
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:rFonts", "w:color", "w:i", "w:iCs", "w:spacing", "w:kern", "w:sz", "w:szCs"):
        for element in rpr.findall(qn(tag)):
            rpr.remove(element)
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for element in ppr.findall(qn(tag)):
            ppr.remove(element)


def _set_complex_size(rpr: CT_RPr, font: Font) -> None:
    """``w:szCs`` (the size of Thai text) equal to ``w:sz``, right after it as the schema
    orders them."""
    size = rpr.find(qn("w:sz"))
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    if size is None or font.size is None:
        return
    complex_size = OxmlElement("w:szCs")
    complex_size.set(qn("w:val"), size.get(qn("w:val")))
    size.addnext(complex_size)


def _set_language(rpr: CT_RPr, lang: str) -> None:
    """Marks text as Thai for Word's spelling and line breaking (w:lang is last in rPr)."""
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "th-TH" if lang == "th" else "en-US")
    language.set(qn("w:bidi"), "th-TH")
    rpr.append(language)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


@cache
def word_family(fonts: FontSet) -> str:
    """The family name Word must be told: the name inside the regular font file (an
    agency's "TH Sarabun New"), not the alias the HTML declares it under."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        name = TTFont(fonts.regular, lazy=True)["name"].getBestFamilyName()
    except (OSError, KeyError, TTLibError):
        return fonts.family
    return str(name) if name else fonts.family


# --- charts as pictures -----------------------------------------------------------------------


def chart_description(chart: BarChart | LineChart) -> str:
    """The chart in words: its title and every value (the picture's alternative text)."""
    if isinstance(chart, BarChart):
        values = "; ".join(f"{bar.label} {bar_value_text(chart, bar)}" for bar in chart.bars)
    else:
        values = "; ".join(
            f"{series.name}: "
            + ", ".join(
                f"{label} {value:.2f}"
                for label, value in zip(chart.labels, series.values, strict=False)
                if value is not None
            )
            for series in chart.series
        )
    return f"{chart.title}: {values}"


def bar_value_text(chart: BarChart, bar: Bar) -> str:
    """A bar's value (:func:`~tracker.reports.document.bar_value`) and its note ("3/5")."""
    text = bar_value(chart, bar)
    return f"{text}  {bar.note}" if bar.note else text


def chart_png(chart: BarChart | LineChart, fonts: FontSet, *, width_inches: float = 6.5) -> bytes:
    """``chart`` drawn as a PNG in ``fonts`` (Thai shaped by matplotlib's text layout),
    ``width_inches`` wide. Imports matplotlib here, on first use: it is slow to load."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = _matplotlib_family(fonts.regular, fonts.bold)
    with matplotlib.rc_context({"font.family": family, "font.size": 10}):
        height = 0.9 + 0.42 * max(len(chart.bars), 1) if isinstance(chart, BarChart) else 3.4
        figure = Figure(figsize=(width_inches, height), dpi=CHART_DPI, layout="constrained")
        FigureCanvasAgg(figure)  # the Agg canvas: no window, no global pyplot state
        axes = figure.add_subplot()
        if isinstance(chart, BarChart):
            _draw_bars(axes, chart)
        else:
            _draw_lines(axes, chart)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=CHART_DPI)
    return out.getvalue()


@cache
def _matplotlib_family(regular: Path, bold: Path) -> str:
    """Registers the two font files with matplotlib (once) and returns their family name."""
    from matplotlib import font_manager

    for path in (regular, bold):
        font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(regular)).get_name())


def _draw_bars(axes: Axes, chart: BarChart) -> None:
    """Horizontal bars, the first at the top, each with its value printed after it."""
    positions = list(range(len(chart.bars)))
    lengths = [max(min(b.value, chart.maximum) - chart.minimum, 0.0) for b in chart.bars]
    colours = [BAR_COLOURS[b.tone] for b in chart.bars]
    axes.barh(positions, lengths, left=chart.minimum, color=colours, height=0.62)
    axes.set_yticks(positions, [b.label for b in chart.bars])
    axes.invert_yaxis()
    axes.set_xlim(chart.minimum, chart.maximum)
    for position, bar in zip(positions, chart.bars, strict=True):
        # In the margin right of the plot (axes x, data y), so a full bar's value still shows.
        axes.text(
            1.02,
            position,
            bar_value_text(chart, bar),
            transform=axes.get_yaxis_transform(),
            va="center",
            ha="left",
        )
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_lines(axes: Axes, chart: LineChart) -> None:
    """One line per series over the labels, points labelled with their values; a year
    without a value is left out (the line joins the years that have one)."""
    for number, series in enumerate(chart.series):
        points = [(i, v) for i, v in enumerate(series.values) if v is not None]
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        axes.plot(
            [i for i, _ in points],
            [v for _, v in points],
            color=colour,
            linestyle=LINE_STYLES[number % len(LINE_STYLES)],
            marker="o",
            linewidth=2,
            label=series.name,
        )
        for index, value in points:
            axes.annotate(
                f"{value:.2f}",
                (index, value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
                color=colour,
            )
    axes.set_xticks(range(len(chart.labels)), chart.labels)
    axes.set_xlim(-0.5, len(chart.labels) - 0.5)
    axes.set_ylim(chart.minimum, chart.maximum)
    if chart.unit:
        axes.set_ylabel(chart.unit)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    if chart.series:
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(len(chart.series), 4),
            frameon=False,
        )
