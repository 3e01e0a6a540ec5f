"""The indicator scores: rows of an indicator table ("๑. การปฏิบัติหน้าที่<TAB>๑๐๐.๐๐", or
number, name, tool and score in cells), or, when the report has no such table, rows flattened into
plain lines ("1 การปฏิบัติหน้าที่ IIT 90.15") or sentences ("ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้
95.12 คะแนน"). A row is taken only if the framework of
the assessment year knows an indicator of that number and a similar name (rankings list rank,
name and score too)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.frameworks import Framework
from tracker.importers.model import Indicator, ToolLabel, similar
from tracker.importers.text import Line, arabic, score_in, tidy
from tracker.importers.vocabulary import (
    INDICATOR_CELL,
    INDICATOR_FLAT,
    INDICATOR_NUMBER_CELL,
    INDICATOR_PROSE,
    TOOL_ACRONYM,
    TOOL_WORDS,
    TOOLS,
)

NAME_SIMILARITY = 0.75
# A ranked row is taken for an indicator only when its name is that indicator's, near enough
# to be no other's.
RANKED_NAME_SIMILARITY = 0.9


@dataclass(frozen=True)
class Indicators:
    by_number: dict[int, Indicator] = field(default_factory=dict)
    tool_labels: list[ToolLabel] = field(default_factory=list)


def read(lines: Sequence[Line], framework: Framework | None) -> Indicators:
    table = _from_table(lines, framework)
    if table.by_number:
        return table
    return Indicators(_from_prose(lines, framework, (INDICATOR_FLAT, INDICATOR_PROSE)))


def tool_named(text: str) -> str | None:
    """The tool a heading names: its acronym if it has one, else its Thai words."""
    acronym = TOOL_ACRONYM.search(text)
    if acronym:
        return acronym.group(1)
    compact = text.replace(" ", "")
    return next((tool for words, tool in TOOL_WORDS.items() if words in compact), None)


def _from_table(lines: Sequence[Line], framework: Framework | None) -> Indicators:
    """Rows whose number is the indicator's first; then ranked rows, by name, for the
    indicators still missing (the seed ranks its indicators before it tables them)."""
    found = Indicators()
    _table_pass(lines, framework, found, ranked=False)
    _table_pass(lines, framework, found, ranked=True)
    return found


def _table_pass(
    lines: Sequence[Line], framework: Framework | None, found: Indicators, *, ranked: bool
) -> None:
    heading_tool: tuple[int, str] | None = None
    for line in lines:
        if not line.text:
            heading_tool = None  # a heading labels the table block right under it, no further
            continue
        row = _indicator_row(line)
        said = tool_named(line.plain)
        if said and row is None:
            heading_tool = (line.number, said)
            continue
        if row is None:
            continue
        number, name, tool_cell, score = row
        named = _number_by_name(framework, number, name)
        if (named != number) != ranked:
            continue
        number = named
        if number in found.by_number or not _plausible(framework, number, name, tool_cell):
            continue
        known = framework.indicator(number) if framework else None
        tool = known.tool if known else tool_cell or (heading_tool[1] if heading_tool else None)
        if tool is None:
            continue
        if heading_tool and known and heading_tool[1] != known.tool:
            found.tool_labels.append(ToolLabel(heading_tool[0], heading_tool[1], known.tool))
        found.by_number[number] = Indicator(number, name, tool, score)


def _from_prose(
    lines: Sequence[Line], framework: Framework | None, patterns: Sequence[re.Pattern[str]]
) -> dict[int, Indicator]:
    """Indicators in plain lines: flattened rows ("1 การปฏิบัติหน้าที่ IIT 90.15") or sentences;
    each pattern's groups are number, name and (last) score."""
    if framework is None:
        return {}  # a plain line's indicator is believed only when the framework confirms it
    found: dict[int, Indicator] = {}
    for line in lines:
        if line.is_row:
            continue
        for pattern in patterns:
            for match in pattern.finditer(line.plain):
                number, name = int(match.group(1)), tidy(match.group(2))
                known = framework.indicator(number)
                if number in found or known is None:
                    continue
                if similar(known.name, name, NAME_SIMILARITY):
                    score = float(match.group(match.lastindex or 3))
                    found[number] = Indicator(number, name, known.tool, score)
    return found


def _indicator_row(line: Line) -> tuple[int, str, str | None, float] | None:
    """(number, name, tool or None, score) from a row: "๑. การปฏิบัติหน้าที่ | ๑๐๐.๐๐",
    "1 | การปฏิบัติหน้าที่ | IIT | 95.00", or "IIT | ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ | 92.10"
    (the tool in a cell of its own, wherever it stands)."""
    if not line.is_row:
        return None
    cells = [arabic(c).replace("*", "").strip() for c in line.cells]
    cells = [c for c in cells if c]
    tools = [c for c in cells if c in TOOLS or (tool_named(c) and not INDICATOR_CELL.match(c))]
    tool = next((c for c in tools if c in TOOLS), None)
    others = [c for c in cells if c not in tools]
    if len(others) < 2:
        return None
    combined = INDICATOR_CELL.fullmatch(others[0])
    if combined:
        number = int(combined.group(1) or combined.group(2))
        name, rest = combined.group(3), others[1:]
    elif INDICATOR_NUMBER_CELL.fullmatch(others[0]) and len(others) >= 3:
        number, name, rest = int(others[0].rstrip(".")), others[1], others[2:]
    else:
        return None
    score = score_in(rest[-1])
    if score is None or not any("\u0e00" <= ch <= "\u0e7f" for ch in name):
        return None
    return number, tidy(name), tool, score


def _number_by_name(framework: Framework | None, number: int, name: str) -> int:
    """The indicator's number: the row's own, unless the row names another indicator of the
    framework — a ranking lists rank, name and score ("1 | การเปิดเผยข้อมูล | 97.50" is
    indicator 9 in first place)."""
    if framework is None:
        return number
    known = framework.indicator(number)
    if known is not None and similar(known.name, name, NAME_SIMILARITY):
        return number
    named = [i for i in framework.indicators if similar(i.name, name, RANKED_NAME_SIMILARITY)]
    return named[0].number if len(named) == 1 else number


def _plausible(framework: Framework | None, number: int, name: str, tool: str | None) -> bool:
    """Is this row the indicator it claims to be (not a ranking that lists rank, name, score)?"""
    if framework is None:
        return tool is not None or number <= 20
    known = framework.indicator(number)
    return known is not None and similar(known.name, name, NAME_SIMILARITY)
