"""The assessment's year and the plan's fiscal year.

Every year phrase ("ประจำปีงบประมาณ พ.ศ. ๒๕๖๕", "ITA ประจำปี 2566") is classed by the nearest
keyword before it: a plan's year ("มาตรการ… ประจำปีงบประมาณ 2568") never counts as the
assessment's. The assessment year is the first other year phrase of the title page (else the
most frequent anywhere); the plan's year is the first plan year after the assessment year,
else the year after it (results arrive late in the assessed year; measures follow a year on).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from tracker.importers.model import Found
from tracker.importers.text import Line
from tracker.importers.vocabulary import (
    ASSESSMENT_YEAR_SHORT,
    ASSESSMENT_YEAR_WORDS,
    IN_THE_YEAR,
    PLAN_YEAR_WORDS,
    PLAUSIBLE_YEARS,
    TITLE_LINES,
    YEAR_PHRASE,
)


def read_assessment_year(lines: Sequence[Line]) -> Found[int] | None:
    """The year of the assessment whose results the report analyses."""
    for line in lines[:TITLE_LINES]:
        for year, whose in _years(line):
            if whose != "plan":
                return Found(year, line)
    found = [(year, line) for line in lines for year, whose in _years(line) if whose != "plan"]
    if not found:
        return None
    counts = Counter(year for year, _line in found)
    most = max(counts.values())
    year, line = next((year, line) for year, line in found if counts[year] == most)
    return Found(year, line)


def read_plan_year(lines: Sequence[Line], assessment_year: int | None) -> Found[int] | None:
    """The fiscal year the measures are for, when the report states one later than the
    assessment's; None when it does not (the caller takes the year after the assessment)."""
    if assessment_year is None:
        return None
    for line in lines:
        for year, whose in _years(line):
            if whose == "plan" and year > assessment_year:
                return Found(year, line)
    return None


def _years(line: Line) -> Iterator[tuple[int, str]]:
    """Each year phrase of the line, in order, with whose year it is: "plan", "assessment" or
    "neutral" (no keyword before it)."""
    text = line.plain
    seen: set[int] = set()
    matches = sorted(
        [*YEAR_PHRASE.finditer(text), *ASSESSMENT_YEAR_SHORT.finditer(text)],
        key=lambda m: m.start(1),
    )
    for match in matches:
        year = int(match.group(1))
        if year not in PLAUSIBLE_YEARS or match.start(1) in seen:
            continue
        seen.add(match.start(1))
        yield year, _whose(text[: match.start()])


def _whose(before: str) -> str:
    plan_at = _last(before, PLAN_YEAR_WORDS)
    assessment_at = _last(before, ASSESSMENT_YEAR_WORDS)
    if plan_at >= 0 and (plan_at > assessment_at or re.search(IN_THE_YEAR + r"\s*$", before)):
        return "plan"
    return "assessment" if assessment_at >= 0 else "neutral"


def _last(text: str, words: tuple[str, ...]) -> int:
    return max((text.rfind(word) for word in words), default=-1)
