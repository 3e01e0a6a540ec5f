"""HTML: a :class:`~tracker.reports.document.Document` as one self-contained page, A4 in print.

The page carries everything it needs (its CSS, its fonts as data: URLs, its charts as inline
SVG), so the same HTML is the file a secretariat publishes and what Chromium prints to PDF
(tracker.reports.pdf). Inline SVG, not ``<img src=….svg>``: an image does not get the page's
fonts, and its Thai would be drawn in whatever the viewer has.

Bars are drawn as an HTML table with an SVG bar in each row, so a long Thai unit name wraps
at word boundaries like any text instead of running off a picture.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from tracker.reports.document import (
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
    Signatures,
    Table,
    Value,
    bar_value,
    cell_text,
    column_shares,
    signer_lines,
)
from tracker.reports.fonts import FontSet, bundled_fonts
from tracker.reports.render import render

CSS = Path(__file__).parent / "templates" / "document.css"
# Line colours of a line chart's series, in order (print-safe, distinct in greyscale too).
LINE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f7f7f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")


def to_html(document: Document, fonts: FontSet | None = None) -> str:
    """The whole page (``<!doctype html>`` …) of ``document``, set in ``fonts``."""
    fonts = fonts or bundled_fonts()
    return render(
        "document.html.j2",
        escape=True,
        lang=document.lang,
        doc=document,
        style=Markup(_style(fonts, document.landscape, document.footer, document.lang)),
        blocks=[[block_html(b) for b in s.blocks] for s in document.sections],
    )


def block_html(block: Block) -> Markup:
    """One block as HTML."""
    if isinstance(block, Paragraph):
        return Markup('<p class="{}">{}</p>').format(block.style, block.text)
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, BarChart):
        return bar_chart_html(block)
    if isinstance(block, LineChart):
        return line_chart_svg(block)
    if isinstance(block, FillIn):
        return fill_in_html(block)
    if isinstance(block, Signatures):
        return signatures_html(block)
    raise TypeError(f"no HTML for {type(block).__name__}")


def table_html(table: Table) -> Markup:
    widths = [100 * share for share in column_shares(table.columns)]
    parts = [Markup('<table class="data" width="{}%">').format(f"{table.width:g}")]
    if table.caption:
        parts.append(Markup("<caption>{}</caption>").format(table.caption))
    parts.append(Markup("<colgroup>"))
    for width in widths:
        parts.append(Markup('<col width="{}%">').format(f"{width:.1f}"))
    parts.append(Markup("</colgroup><thead><tr>"))
    for column in table.columns:
        parts.append(Markup('<th class="{}">{}</th>').format(column.kind, column.heading))
    parts.append(Markup("</tr></thead><tbody>"))
    for row in table.rows:
        if row.group is not None:
            parts.append(
                Markup('<tr class="group"><th colspan="{}">{}</th></tr>').format(
                    len(table.columns), row.group
                )
            )
        parts.append(_row_html(row, table.columns, "td"))
    parts.append(Markup("</tbody>"))
    if table.totals is not None:
        parts.append(Markup('<tfoot class="totals">'))
        parts.append(_row_html(table.totals, table.columns, "td"))
        parts.append(Markup("</tfoot>"))
    parts.append(Markup("</table>"))
    return Markup("").join(parts)


def _row_html(row: Row, columns: tuple[Column, ...], tag: str) -> Markup:
    cells = Markup("").join(
        Markup('<{0} class="{1}">{2}</{0}>').format(tag, column.kind, cell_html(cell, column))
        for cell, column in zip(row.cells, columns, strict=True)
    )
    tone = Markup(' class="{}"').format(row.tone) if row.tone else Markup("")
    return Markup("<tr{}>{}</tr>").format(tone, cells)


def cell_html(cell: Cell, column: Column) -> Markup:
    """A cell's content: each line of a multi-line cell on its own line, links as links."""
    if isinstance(cell, tuple):
        return Markup("<br>").join(_value_html(v, column) for v in cell)
    return _value_html(cell, column)


def _value_html(value: Value, column: Column) -> Markup:
    if isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.url, value.text or value.url)
    return escape(cell_text(value, column.kind))


# --- charts ---------------------------------------------------------------------------------


def bar_chart_html(chart: BarChart) -> Markup:
    """A figure: the title, then per bar a row of label, bar and value."""
    span = (chart.maximum - chart.minimum) or 1.0
    rows = []
    for bar in chart.bars:
        share = min(max((bar.value - chart.minimum) / span, 0.0), 1.0)
        value = bar_value(chart, bar)
        note = Markup(' <span class="note">{}</span>').format(bar.note) if bar.note else ""
        rows.append(
            Markup(
                '<tr class="{tone}"><th>{label}</th><td class="bar">'
                '<svg viewBox="0 0 100 6" preserveAspectRatio="none" role="img" '
                'aria-label="{label} {value}"><rect class="track" width="100" height="6"/>'
                '<rect class="fill" width="{width}" height="6"/></svg></td>'
                '<td class="number">{value}{note}</td></tr>'
            ).format(
                tone=bar.tone or "plain",
                label=bar.label,
                width=f"{100 * share:.2f}",
                value=value,
                note=note,
            )
        )
    return Markup(
        '<figure class="bars"><figcaption>{}</figcaption><table class="bars">{}</table></figure>'
    ).format(chart.title, Markup("").join(rows))


def line_chart_svg(chart: LineChart) -> Markup:
    """An inline SVG line chart: one polyline per series, points labelled with their values,
    a legend under it. Text is SVG text in the page's font (searchable in the PDF)."""
    width, height, left, right, top, bottom = 640, 280, 48, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (chart.maximum - chart.minimum) or 1.0
    count = max(len(chart.labels), 1)

    def x(index: int) -> float:
        return left + (plot_w * (index + 0.5) / count)

    def y(value: float) -> float:
        return top + plot_h * (
            1 - (min(max(value, chart.minimum), chart.maximum) - chart.minimum) / span
        )

    parts = [
        Markup(
            '<svg class="line" viewBox="0 0 {w} {h}" role="img" aria-label="{t}">'
            '<rect class="plot" x="{l}" y="{tp}" width="{pw}" height="{ph}"/>'
        ).format(w=width, h=height, t=chart.title, l=left, tp=top, pw=plot_w, ph=plot_h)
    ]
    for step in range(5):
        value = chart.minimum + span * step / 4
        parts.append(
            Markup(
                '<line class="grid" x1="{l}" x2="{r}" y1="{y}" y2="{y}"/>'
                '<text class="axis" x="{tx}" y="{ty}" text-anchor="end">{v}</text>'
            ).format(
                l=left,
                r=left + plot_w,
                y=f"{y(value):.1f}",
                tx=left - 6,
                ty=f"{y(value) + 4:.1f}",
                v=f"{value:g}",
            )
        )
    for index, label in enumerate(chart.labels):
        parts.append(
            Markup('<text class="axis" x="{x}" y="{y}" text-anchor="middle">{t}</text>').format(
                x=f"{x(index):.1f}", y=top + plot_h + 18, t=label
            )
        )
    for number, series in enumerate(chart.series):
        parts.append(_series_svg(series.values, number, x, y))
    legend_y = height - 12
    for number, series in enumerate(chart.series):
        lx = left + number * (plot_w / max(len(chart.series), 1))
        colour, dash = _stroke(number)
        parts.append(
            Markup(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="2.5" '
                'stroke-dasharray="{d}"/><text class="legend" x="{tx}" y="{ty}">{n}</text>'
            ).format(
                x1=f"{lx:.1f}",
                x2=f"{lx + 22:.1f}",
                y=legend_y - 4,
                c=colour,
                d=dash,
                tx=f"{lx + 28:.1f}",
                ty=legend_y,
                n=series.name,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup('<figure class="line"><figcaption>{}</figcaption>{}</figure>').format(
        chart.title, Markup("").join(parts)
    )


def _stroke(number: int) -> tuple[str, str]:
    return LINE_COLOURS[number % len(LINE_COLOURS)], DASHES[number % len(DASHES)]


def _series_svg(
    values: tuple[float | None, ...],
    number: int,
    x: Callable[[int], float],
    y: Callable[[float], float],
) -> Markup:
    colour, dash = _stroke(number)
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
    parts = [
        Markup(
            '<polyline fill="none" stroke="{c}" stroke-width="2.5" stroke-dasharray="{d}" '
            'points="{p}"/>'
        ).format(c=colour, d=dash, p=coords)
    ]
    for i, value in points:
        px, py = x(i), y(value)
        # Even series label above their points, odd ones below: two close lines don't collide.
        label_y = py - 8 if number % 2 == 0 else py + 16
        parts.append(
            Markup(
                '<circle cx="{x}" cy="{y}" r="3.5" fill="{c}"/>'
                '<text class="value" x="{x}" y="{ty}" text-anchor="middle">{v}</text>'
            ).format(x=f"{px:.1f}", y=f"{py:.1f}", c=colour, ty=f"{label_y:.1f}", v=f"{value:.2f}")
        )
    return Markup("").join(parts)


# --- forms ----------------------------------------------------------------------------------


def fill_in_html(block: FillIn) -> Markup:
    if block.text:
        return Markup('<p class="filled">{}</p>').format(block.text)
    return Markup('<div class="fill-in">{}</div>').format(
        Markup("").join(Markup('<div class="line"></div>') for _ in range(block.lines))
    )


def signatures_html(block: Signatures) -> Markup:
    """Each signer's lines (:func:`~tracker.reports.document.signer_lines`), centred."""
    cells = (
        Markup('<div class="signer">{}</div>').format(
            Markup("").join(Markup("<div>{}</div>").format(line) for line in signer_lines(block, s))
        )
        for s in block.signers
    )
    return Markup('<div class="signatures">{}</div>').format(Markup("").join(cells))


# --- style ----------------------------------------------------------------------------------


def _style(fonts: FontSet, landscape: bool, footer: str, lang: str) -> str:
    """The page's CSS: the font faces (embedded), the page box, then document.css."""
    page = "A4 landscape" if landscape else "A4"
    page_word = "หน้า" if lang == "th" else "Page"
    family = _css_string(fonts.family)
    faces = "".join(
        f"@font-face{{font-family:{family};font-weight:{weight};font-style:normal;"
        f"src:url({_data_url(path)}) format({_css_string(_format(path))});}}"
        for weight, path in ((400, fonts.regular), (700, fonts.bold))
    )
    margin_box = f"font-family:{family};font-size:9pt;color:#555;"
    page_number = _css_string(page_word)[:-1] + ' "'  # keeps the space before the number
    page_rule = (
        f"@page{{size:{page};margin:20mm 18mm 20mm 25mm;"
        f"@bottom-left{{content:{_css_string(footer)};{margin_box}}}"
        f"@bottom-right{{content:{page_number} counter(page) ' / ' counter(pages);{margin_box}}}}}"
    )
    body = f":root{{--font:{family};--size:{fonts.size:.1f}pt;}}"
    return faces + page_rule + body + _base_css()


@cache
def _base_css() -> str:
    return CSS.read_text(encoding="utf-8")


@cache
def _data_url(path: Path) -> str:
    kind = {".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}.get(
        path.suffix.lower(), "font/ttf"
    )
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _format(path: Path) -> str:
    return {".otf": "opentype", ".woff": "woff", ".woff2": "woff2"}.get(
        path.suffix.lower(), "truetype"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes and backslashes escaped, no line breaks."""
    cleaned = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{cleaned}"'
