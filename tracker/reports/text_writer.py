"""Markdown and plain text: a :class:`~tracker.reports.document.Document` for a chat message,
a wiki page or a terminal.

Markdown keeps tables as tables (a group row becomes a bold row). Plain text cannot line up
Thai in columns (its vowels and tone marks take no width, and widths depend on the font), so
each table row is written as a short block: its first cell, then one "heading: value" line
per other cell. Charts become their numbers.
"""

from __future__ import annotations

from tracker.reports.document import (
    NUMERIC_KINDS,
    BarChart,
    Block,
    Cell,
    Column,
    Document,
    FillIn,
    LineChart,
    Paragraph,
    Signatures,
    Table,
    bar_value,
    cell_text,
    signer_lines,
)
from tracker.reports.render import markdown_cell

RULE = "─" * 40


def to_markdown(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    lines += [f"**{line}**  " for line in document.subtitle]
    for section in document.sections:
        lines += ["", f"{'#' * (section.level + 1)} {section.heading}", ""]
        for block in section.blocks:
            lines += [*_markdown_block(block), ""]
    if document.footer:
        lines += ["---", f"_{document.footer}_"]
    return "\n".join(_squeeze(lines)).rstrip() + "\n"


def to_text(document: Document) -> str:
    lines = [document.title, *document.subtitle, RULE]
    for section in document.sections:
        lines += ["", section.heading if section.level == 1 else f"  {section.heading}"]
        for block in section.blocks:
            lines += [*_text_block(block), ""]
    if document.footer:
        lines += [RULE, document.footer]
    return "\n".join(_squeeze(lines)).rstrip() + "\n"


def _squeeze(lines: list[str]) -> list[str]:
    """No two empty lines in a row."""
    kept: list[str] = []
    for line in lines:
        if line == "" and kept and kept[-1] == "":
            continue
        kept.append(line)
    return kept


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"_{block.text}_" if block.style in ("note", "small") else block.text]
    if isinstance(block, Table):
        return _markdown_table(block)
    if isinstance(block, BarChart | LineChart):
        return [f"**{block.title}**", ""] + [f"- {line}" for line in chart_lines(block)]
    if isinstance(block, FillIn):
        return [block.text] if block.text else ["." * 60] * block.lines
    if isinstance(block, Signatures):
        return [line for s in block.signers for line in (*signer_lines(block, s), "")]
    raise TypeError(f"no Markdown for {type(block).__name__}")


def _markdown_table(table: Table) -> list[str]:
    def row(cells: tuple[Cell, ...], columns: tuple[Column, ...]) -> str:
        texts = (
            markdown_cell(cell_text(c, col.kind)) for c, col in zip(cells, columns, strict=True)
        )
        return "| " + " | ".join(texts) + " |"

    align = ["---:" if c.kind in NUMERIC_KINDS else "---" for c in table.columns]
    lines = [f"**{table.caption}**", ""] if table.caption else []
    lines += ["| " + " | ".join(markdown_cell(c.heading) for c in table.columns) + " |"]
    lines += ["| " + " | ".join(align) + " |"]
    for r in table.rows:
        if r.group is not None:
            empty = " |" * (len(table.columns) - 1)
            lines.append(f"| **{markdown_cell(r.group)}** |{empty}")
        lines.append(row(r.cells, table.columns))
    if table.totals is not None:
        lines.append(row(table.totals.cells, table.columns))
    return lines


def _text_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Table):
        return _text_table(block)
    if isinstance(block, BarChart | LineChart):
        return [block.title] + [f"  {line}" for line in chart_lines(block)]
    if isinstance(block, FillIn):
        return [block.text] if block.text else ["." * 60] * block.lines
    if isinstance(block, Signatures):
        return [line for s in block.signers for line in (*signer_lines(block, s), "")]
    raise TypeError(f"no text for {type(block).__name__}")


def _text_table(table: Table) -> list[str]:
    lines = [table.caption] if table.caption else []
    first, *rest = table.columns
    for row in (*table.rows, *((table.totals,) if table.totals else ())):
        if row.group is not None:
            lines += ["", f"[{row.group}]"]
        head = cell_text(row.cells[0], first.kind).replace("\n", " ")
        lines.append(f"• {head}")
        for cell, column in zip(row.cells[1:], rest, strict=True):
            text = cell_text(cell, column.kind)
            if text:
                lines.append(f"    {column.heading}: {text.replace(chr(10), '; ')}")
    return lines


def chart_lines(chart: BarChart | LineChart) -> list[str]:
    """A chart's numbers, one line per bar or per series."""
    if isinstance(chart, BarChart):
        return [
            f"{bar.label}: {bar_value(chart, bar)}" + (f" ({bar.note})" if bar.note else "")
            for bar in chart.bars
        ]
    return [
        f"{series.name}: "
        + ", ".join(
            f"{label} {value:.2f}"
            for label, value in zip(chart.labels, series.values, strict=True)
            if value is not None
        )
        for series in chart.series
    ]
