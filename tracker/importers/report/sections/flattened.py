"""A measure table whose cells were flattened into plain lines (what a copy out of a PDF
viewer gives): a header line naming the columns, then lines such as

    มาตรการที่ 1 เสริมสร้างความโปร่งใสในการจัดซื้อจัดจ้าง
    1. จัดทำประกาศเผยแพร่แผนการจัดซื้อจัดจ้าง กองคลัง ต.ค. 2567 - ธ.ค. 2567
    2. อบรมเจ้าหน้าที่พัสดุ กองคลัง กองช่าง ไตรมาสที่ 2/2568

Each step line is read from its end: the follow-up phrase, if one is there, then the longest
run of words that reads as a period, then the words that read as unit names (each unit starts
with กอง, สำนัก, ทุก…, or is written short, "กค."); what is left is the step's title. A line
that is none of these continues the title above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schedules import PeriodError, parse_period
from tracker.importers.measure_table import TableSteps
from tracker.importers.model import Step, split_units
from tracker.importers.text import Line, arabic, tidy
from tracker.importers.vocabulary import (
    COLUMN_WORDS,
    FLATTENED_TABLE_END,
    FOLLOW_UP_STARTS,
    MEASURE_LINE,
    MEASURE_NUMBER,
    ORGANIZATION_ABBREVIATIONS,
    STEP_NUMBER,
    UNIT_ABBREVIATION,
    UNIT_START,
)

# Words between a unit's first word and the period that still belong to its name:
# "กองการศึกษา ศาสนาและวัฒนธรรม" (one word after the first).
UNIT_NAME_TAIL_WORDS = 2
_UNIT_WORD = re.compile(UNIT_START)


def read(lines: Sequence[Line], fiscal_year: int | None = None) -> TableSteps:
    """The steps of flattened measure tables; empty when the lines hold no flattened header."""
    table = TableSteps()
    inside = False
    for line in lines:
        if line.is_row:
            inside = False
            continue
        text = line.plain
        if _is_header(text):
            inside = True
            continue
        if not inside or not text:
            continue
        if FLATTENED_TABLE_END.match(text):
            inside = False
            continue
        inside = _read_line(line, table, fiscal_year)
    return table


def _is_header(text: str) -> bool:
    compact = text.replace(" ", "").lower()
    roles = {role for role, words in COLUMN_WORDS.items() if any(w in compact for w in words)}
    return {"step", "units", "period"} <= roles and len(compact) < 120


def _read_line(line: Line, table: TableSteps, fiscal_year: int | None) -> bool:
    """Read one line of the table into ``table``; False when the line ends the table.
    Titles keep the digits they are written in (line.text, not line.plain)."""
    text = line.text.replace("*", "").strip()
    if MEASURE_LINE.match(line.plain):
        table.measures.append(tidy(MEASURE_NUMBER.sub("", text)))
        return True
    step = STEP_NUMBER.match(text)
    if step is None:
        if table.steps:  # a wrapped title
            last = table.steps[-1]
            last.title = tidy(f"{last.title} {text}")
        return True
    if not table.measures:
        table.measures.append("มาตรการ")
    title, units, period, follow_up = split_step_line(step.group(2), fiscal_year)
    if not units and period is None:
        # "5. การติดตามผล": a numbered heading after the table, not a step (a step names a
        # unit or a period, or both).
        return False
    index = len(table.measures) - 1
    previous = [s for s in table.steps if s.measure == index]
    if follow_up is None and previous:
        follow_up = previous[-1].follow_up  # as in a table, the follow-up cell spans its measure
    table.steps.append(
        Step(
            measure=index,
            number=int(arabic(step.group(1))),
            title=title,
            units=units,
            period_text=period,
            follow_up=follow_up,
            line=line.number,
            page=line.page,
        )
    )
    return True


def split_step_line(
    text: str, fiscal_year: int | None = None
) -> tuple[str, list[str], str | None, str | None]:
    """(title, units, period text, follow-up text) of a flattened step line, read from its end;
    ``fiscal_year`` lets periods such as "ตลอดปีงบประมาณ" read."""
    words = text.split()
    follow_up = _take_follow_up(words, fiscal_year)
    period = _take_period(words, fiscal_year)
    units = _take_units(words)
    return tidy(" ".join(words)), units, period, follow_up


def _take_follow_up(words: list[str], fiscal_year: int | None) -> str | None:
    """The follow-up phrase after the period ("… ต.ค. 2567 รายงานผลในการประชุม… ทุกสิ้นเดือน"):
    cut where a follow-up word comes right after a readable period, read or not (an unreadable
    one is warned about by the build, not taken for units)."""
    for index, word in enumerate(words):
        if (
            index
            and word.startswith(FOLLOW_UP_STARTS)
            and _period_start(words[:index], fiscal_year)
        ):
            phrase = " ".join(words[index:])
            del words[index:]
            return phrase
    return None


def _take_period(words: list[str], fiscal_year: int | None) -> str | None:
    start = _period_start(words, fiscal_year)
    if start is None:
        return None
    period = " ".join(words[start:])
    del words[start:]
    return period


def _period_start(words: list[str], fiscal_year: int | None) -> int | None:
    """Where the longest run of words at the end that reads as a period starts, if any."""
    for index in range(1, len(words)):
        try:
            parse_period(" ".join(words[index:]), fiscal_year)
        except (PeriodError, ValueError):
            continue
        return index
    return None


def _starts_unit(word: str) -> bool:
    """ "กองคลัง", "ทุกกอง/สำนัก", "กค.", "สป./กค.": a word a unit's name starts with."""
    first = word.split("/")[0]
    if first in ORGANIZATION_ABBREVIATIONS:  # "ณ ที่ทำการ อบต." names the organization
        return False
    return bool(_UNIT_WORD.match(first) or UNIT_ABBREVIATION.search(first))


def _take_units(words: list[str]) -> list[str]:
    """The unit names at the end of ``words`` (removed from it), each from its first word."""
    first = None
    pending = 0
    for index in range(len(words) - 1, 0, -1):
        if _starts_unit(words[index]):
            first, pending = index, 0
        elif pending < UNIT_NAME_TAIL_WORDS and (first is not None or index >= len(words) - 2):
            pending += 1
        else:
            break
    if first is None:
        return []
    region = words[first:]
    del words[first:]
    units: list[list[str]] = []
    for word in region:
        if _starts_unit(word) or not units:
            units.append([word])
        else:
            units[-1].append(word)
    return [name for unit in units for name in split_units(" ".join(unit))]
