"""What the report readers produce and share: the read report (before checks turn it into a
plan document), its findings, and the rules for names that several readers need."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from schedules.recurrence import find_recurrence
from schedules.rrules import RecurrenceError
from tracker.frameworks import Framework, framework_for
from tracker.importers.text import Line, place, tidy
from tracker.importers.vocabulary import (
    ALL_UNITS_PREFIXES,
    DEFAULT_MEETING_NAME,
    MEETING_NAME,
    UNIT_ABBREVIATION,
    UNIT_KINDS,
    UNIT_SEPARATORS,
)
from tracker.textkey import lookup_key

T = TypeVar("T")


@dataclass
class Finding:
    """A warning about the report: a stable code, where, and what the import did."""

    code: str
    where: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "where": self.where, "message": self.message}


@dataclass
class Step:
    """A step as the report lists it (possibly twice), before it becomes a plan task."""

    measure: int  # 0-based index of its measure
    number: int
    title: str | None = None
    units: list[str] = field(default_factory=list)
    list_units: list[str] = field(default_factory=list)  # from the other listing, if any
    period_text: str | None = None
    follow_up: str | None = None
    line: int = 0
    page: int | None = None  # the PDF page its row stands on

    @property
    def where(self) -> str:
        return place(self.line, self.page)


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value a recogniser read, and the line it read it on."""

    value: T
    line: Line


@dataclass(frozen=True)
class Indicator:
    """An indicator's score as the report states it."""

    number: int
    name: str
    tool: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "tool": self.tool, "score": self.score}


@dataclass
class Item:
    """A weak question item (I18, E7, O24): its question, score and suggestion, filled in as
    the reader meets the lines that state them."""

    code: str
    tool: str
    line: int
    question: str | None = None
    score: float | None = None
    suggestion: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "tool": self.tool,
            "score": self.score,
            "question": self.question,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class ToolLabel:
    """A heading that names one tool above indicators of another."""

    line: int
    said: str
    actual: str


@dataclass(frozen=True)
class Mention:
    """An indicator named in the analysis paragraphs, to check against the score table."""

    line: int
    number: int
    name: str


@dataclass
class Report:
    """Everything read from a report, before checks turn it into a document."""

    file: str
    organization: str | None = None
    assessment_year: int | None = None
    fiscal_year: int | None = None
    score: float | None = None
    score_line: int | None = None
    other_scores: list[tuple[float, int]] = field(default_factory=list)
    grade: str | None = None
    indicators: dict[int, Indicator] = field(default_factory=dict)
    tool_labels: list[ToolLabel] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    analysis: list[Mention] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def framework(self) -> Framework | None:
        return framework_for(self.assessment_year) if self.assessment_year else None


def similar(a: str, b: str, threshold: float) -> bool:
    """Whitespace-insensitive similarity of two names (1.0 = the same)."""
    from difflib import SequenceMatcher

    key_a, key_b = lookup_key(a), lookup_key(b)
    if key_a == key_b or key_a in key_b or key_b in key_a:
        return True
    return SequenceMatcher(None, key_a, key_b).ratio() >= threshold


def split_units(cell: str) -> list[str]:
    """Unit names in a cell: split on commas, semicolons, slashes and "และ" before a unit.

    "กองคลัง, กองช่าง" and "กองคลัง และกองช่าง" are two units; "กองการศึกษา ศาสนาและวัฒนธรรม"
    is one, because what follows its "และ" does not start like a unit's name; "สป. กค." is two
    abbreviated units. The every-unit
    group stays one however it is spelled: "ทุกกอง/สำนัก", "ทุกกอง และทุกสำนัก" (what follows
    it is a bare kind of unit or another "ทุก…"), kept as the cell writes it.
    """
    cell = tidy(cell)
    if not cell or cell in ("-", "–"):
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    for separator in re.finditer(UNIT_SEPARATORS, cell):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(cell)))
    units: list[tuple[int, int]] = []
    for begin, end in spans:
        part = tidy(cell[begin:end])
        if not part:
            continue
        if units and all_units_name(cell[units[-1][0] : units[-1][1]]) and _joins_group(part):
            units[-1] = (units[-1][0], end)
        else:
            units.append((begin, end))
    names = [tidy(cell[begin:end]) for begin, end in units]
    return [word for name in names for word in _abbreviations_apart(name)]


def _abbreviations_apart(name: str) -> list[str]:
    """ "สป. กค. กช." is three units written short with spaces between; other names are one."""
    words = name.split()
    if len(words) > 1 and all(UNIT_ABBREVIATION.search(word) for word in words):
        return words
    return [name]


def _joins_group(part: str) -> bool:
    """Whether a part after the every-unit group belongs to it: "สำนัก" in "ทุกกอง/สำนัก"."""
    return part.startswith("ทุก") or part in UNIT_KINDS


# --- follow-up meetings -----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    name: str
    rrule: str
    text: str


def read_follow_up(cell: str) -> FollowUp | None:
    """The meeting series a follow-up cell names: "รายงานผล...ในการประชุมหัวหน้าส่วนราชการ ทุกวันพุธ…".

    None when the cell names no readable meeting rule.
    """
    text = tidy(cell)
    try:
        found = find_recurrence(text)
    except RecurrenceError:
        return None
    if found is None:
        return None
    rrule, start, end = found
    before, phrase = text[:start].strip(), text[start:end].strip()
    meeting = MEETING_NAME.search(before)
    name = meeting.group(1) if meeting else before or DEFAULT_MEETING_NAME
    return FollowUp(name=tidy(name), rrule=rrule, text=phrase)


def all_units_name(name: str) -> bool:
    """Whether a unit name means every unit of the organization ("ทุกส่วนราชการในสังกัด…")."""
    return lookup_key(name).startswith(tuple(lookup_key(p) for p in ALL_UNITS_PREFIXES))
