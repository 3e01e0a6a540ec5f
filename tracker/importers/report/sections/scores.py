"""The overall score and grade: in a table ("คะแนนภาพรวม<TAB>๘๙.๖๑"), a label, the ITA
system's two lines ("คะแนนภาพรวม" then "๙๙.๗๖ คะแนน"), or prose ("ได้คะแนน 91.30 คะแนน อยู่ใน
ระดับ A", "โดยได้ผล ๙๗.๐๔ คะแนน", "คว้าระดับ AA")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.importers.model import Found
from tracker.importers.text import Line
from tracker.importers.vocabulary import (
    GRADE_PATTERNS,
    PART_SCORE,
    SCORE_BELOW,
    SCORE_HEADING,
    SCORE_PATTERNS,
)

# The last score pattern and the last two grade patterns read prose, which also speaks of
# indicators and items: they count only on lines that name no part (PART_SCORE).
_PROSE_SCORES = SCORE_PATTERNS[-1:]
_PROSE_GRADES = GRADE_PATTERNS[1:2]


@dataclass(frozen=True)
class Scores:
    """Every overall score stated, in order (the first is the report's), and the grade."""

    scores: list[Found[float]] = field(default_factory=list)
    grade: Found[str] | None = None


def read(lines: Sequence[Line]) -> Scores:
    scores: list[Found[float]] = []
    grade: Found[str] | None = None
    for index, line in enumerate(lines):
        text = line.plain
        about_a_part = PART_SCORE.search(text) is not None
        if SCORE_HEADING in text and not re.search(r"\d\.\d", text):
            scores += _score_below(lines, index)
        score = _first_match(text, SCORE_PATTERNS, skip=_PROSE_SCORES if about_a_part else ())
        if score is not None:
            scores.append(Found(float(score), line))
        if grade is None:
            said = _first_match(text, GRADE_PATTERNS, skip=_PROSE_GRADES if about_a_part else ())
            grade = Found(said, line) if said else None
    return Scores(scores, grade)


def _first_match(
    text: str, patterns: Sequence[re.Pattern[str]], *, skip: Sequence[re.Pattern[str]]
) -> str | None:
    for pattern in patterns:
        if pattern in skip:
            continue
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def _score_below(lines: Sequence[Line], index: int) -> list[Found[float]]:
    for line in lines[index + 1 : index + 4]:
        match = SCORE_BELOW.fullmatch(line.plain)
        if match:
            return [Found(float(match.group(1)), line)]
    return []
