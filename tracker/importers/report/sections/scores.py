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

# A part named this close before a score or grade ("ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้ 95.12",
# "แบบวัด … (IIT) ได้คะแนนเฉลี่ย 93.20") says it is the part's, not the whole report's.
PART_REACH = 45


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
        if SCORE_HEADING in text and not re.search(r"\d\.\d", text):
            scores += _score_below(lines, index)
        score = _whole_report_match(text, SCORE_PATTERNS)
        if score is not None:
            scores.append(Found(float(score), line))
        if grade is None:
            said = _whole_report_match(text, GRADE_PATTERNS)
            grade = Found(said, line) if said else None
    return Scores(scores, grade)


def _whole_report_match(text: str, patterns: Sequence[re.Pattern[str]]) -> str | None:
    """The first value in the line, by position, that no part's name stands right before."""
    matches = sorted(
        (match for pattern in patterns for match in pattern.finditer(text)),
        key=lambda match: match.start(),
    )
    for match in matches:
        if not _about_a_part(text[: match.start()]):
            return match.group(1)
    return None


def _about_a_part(before: str) -> bool:
    """Whether a part is named in the clause before a value: the text since the last score
    stated, no further back than PART_REACH characters."""
    reach = before[-PART_REACH:]
    numbers = list(re.finditer(r"\d+\.\d+", reach))
    clause = reach[numbers[-1].end() :] if numbers else reach
    return PART_SCORE.search(clause) is not None


def _score_below(lines: Sequence[Line], index: int) -> list[Found[float]]:
    for line in lines[index + 1 : index + 4]:
        match = SCORE_BELOW.fullmatch(line.plain)
        if match:
            return [Found(float(match.group(1)), line)]
    return []
