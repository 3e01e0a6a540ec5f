"""What the report readers produce and share: the read report (before checks turn it into a
plan document), its findings, and the rules for names that several readers need."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schedules.recurrence import parse_recurrence
from schedules.rrules import RecurrenceError
from tracker.frameworks import Framework, framework_for
from tracker.importers.text import tidy
from tracker.textkey import lookup_key

ORGANIZATION_PREFIXES = (
    "องค์การบริหารส่วน",
    "เทศบาล",
    "กรุงเทพมหานคร",
    "เมืองพัทยา",
    "กรม",
    "กระทรวง",
    "สำนักงาน",
    "มหาวิทยาลัย",
    "โรงพยาบาล",
    "สถาบัน",
    "การไฟฟ้า",
    "การประปา",
    "ศาล",
)
ALL_UNITS_PREFIXES = ("ทุกส่วนราชการ", "ทุกกอง", "ทุกหน่วยงาน", "ทุกสำนัก", "ทุกฝ่าย", "ทุกส่วน")
UNIT_START = r"(?:กอง|สำนัก|ฝ่าย|งาน|ส่วน|ศูนย์|กลุ่ม|ทุก|หน่วย)"
TOOLS = ("IIT", "EIT", "OIT")


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
    indicators: dict[int, dict[str, Any]] = field(default_factory=dict)
    tool_labels: list[tuple[int, str, str]] = field(default_factory=list)  # line, said, is
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    analysis: list[tuple[int, int, str]] = field(default_factory=list)  # line, number, name
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
    is one, because what follows its "และ" does not start like a unit's name.
    """
    cell = tidy(cell)
    if not cell or cell in ("-", "–"):
        return []
    parts = re.split(rf"\s*[,;/]\s*|\s+และ\s*(?={UNIT_START})|(?<=\S)และ(?={UNIT_START})", cell)
    return [tidy(part) for part in parts if tidy(part)]


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
        rrule = parse_recurrence(text)
    except RecurrenceError:
        return None
    phrase_at = text.find("ทุก")
    before, phrase = text[:phrase_at].strip(), text[phrase_at:].strip()
    meeting = re.search(r"(ประชุม.+)$", before)
    name = meeting.group(1) if meeting else before or "การประชุมติดตามผล"
    return FollowUp(name=tidy(name), rrule=rrule, text=phrase)


def all_units_name(name: str) -> bool:
    """Whether a unit name means every unit of the organization ("ทุกส่วนราชการในสังกัด…")."""
    return lookup_key(name).startswith(tuple(lookup_key(p) for p in ALL_UNITS_PREFIXES))
