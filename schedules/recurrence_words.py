"""Where a meeting phrase is in a longer text: the words a rule is made of, and their span.

A follow-up cell says who reports to which meeting, then when: "รายงานผลในที่ประชุมประจำเดือน
ของ อบต. ทุกสิ้นเดือน", "ติดตามในการประชุมพนักงาน ต้นเดือน". The phrase is the longest run of
rule words (ทุก, weekday names, วันทำการ, วันที่ N, สัปดาห์ที่ N, แรก, สุดท้าย, ของเดือน,
ต้น/กลาง/สิ้น/ปลายเดือน, และ …) that starts like a rule, so the words before it name the
meeting and the words after it ("ณ ห้องประชุม") are left alone.

A run is a rule only if it says it recurs: it has "ทุก", a part of the month ("ต้นเดือน") or
"ของเดือน". A part of the month or a day before a month name ("ก่อนสิ้นเดือนเมษายน",
"ต้นเดือนนี้", "ตั้งแต่วันที่ 1 ต.ค.") is one time, not a rule, and ends the run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schedules.thai import ENGLISH_MONTHS_FULL, THAI_MONTHS_ABBR, THAI_MONTHS_FULL, to_arabic_digits

WEEKDAY_NAMES = r"จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์"
MONTH_PARTS = r"ต้นเดือน|กลางเดือน|สิ้นเดือน|ปลายเดือน"


def _month_names() -> str:
    """Month names as a date after a day or a part of the month writes them: full, or short
    with its first dot ("ม.ค", "ม. ค."), so that a word like พยาบาล is not พ.ย."""
    short = []
    for abbr in THAI_MONTHS_ABBR:
        first, rest = abbr.rstrip(".").split(".", 1)
        short.append(rf"{re.escape(first)}\s*\.\s*{re.escape(rest)}")
    names = sorted([*THAI_MONTHS_FULL, *ENGLISH_MONTHS_FULL], key=len, reverse=True)
    return "|".join([*(re.escape(name) for name in names), *short])


_MONTH_NAME = _month_names()
# What makes a part of the month or a day one time, not every month.
_ONE_TIME = rf"\s*(?:นี้|หน้า|ถัดไป|ที่แล้ว|{_MONTH_NAME})"
# A day to count from ("ตั้งแต่วันที่ 15"): not a date with its month ("ตั้งแต่วันที่ 1 ต.ค.").
FROM_DAY = re.compile(r"(?:ตั้งแต่|นับจาก)\s*วันที่\s*(\d{1,2})(?!\d)")

_WORD = re.compile(
    "|".join(
        [
            r"(?P<every>ทุก(?!ข์))",  # not the ทุก of ทุกข์
            rf"(?P<part>(?:{MONTH_PARTS})(?!{_ONE_TIME}))",
            r"(?P<workday>วันทำการ)",
            rf"(?P<from>(?:ตั้งแต่|นับจาก)\s*วันที่\s*\d{{1,2}}(?!\d)(?!\s*(?:/|{_MONTH_NAME})))",
            rf"(?P<monthday>วันที่(?!\s*\d+\s*(?:/|{_MONTH_NAME})))",
            rf"(?P<weekday>วัน(?:{WEEKDAY_NAMES}))",
            rf"(?P<bare_weekday>{WEEKDAY_NAMES})",
            r"(?P<day>วัน(?!นี้|ที่))",  # "วันที่" before a month is a date
            r"(?P<week>สัปดาห์)",
            r"(?P<ordinal>ที่|แรก|สุดท้าย)",
            r"(?P<of>ของ|เดือน)",
            r"(?P<join>และ|หรือ|,|&)",
            r"(?P<open>\()",
            r"(?P<close>\))",
            r"(?P<number>\d{1,3}(?!\d))",
            r"(?P<space>\s+)",
        ]
    ),
    re.IGNORECASE,
)
# Words a phrase may start with; "วัน" only before what makes it a rule's day.
_STARTS = ("every", "part", "workday", "monthday", "weekday")
_DAY_STARTS = re.compile(r"วัน(?:แรก|สุดท้าย)")
# Numbers belong to a phrase after these words: "ทุก 2", "วันที่ 5", "ที่ 1, 3 และ 5".
_BEFORE_NUMBER = ("every", "monthday", "ordinal")
# What a phrase cannot end with: "ทุกวันพุธที่ 2 ของ…" ends at "2".
_LOOSE_ENDS = ("join", "open", "of_ของ", "ordinal_ที่", "space")
# Words that say when, not only how often: a run without one names no meeting day.
_DAY_WORDS = ("part", "workday", "from", "monthday", "weekday", "bare_weekday", "day", "week")


@dataclass(frozen=True)
class Phrase:
    """A run of rule words in ``clean`` (the normalised text) and in the original text."""

    clean: str
    start: int  # in the original text
    end: int
    names_a_day: bool


def clean_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """The text as rules are read (NFC, composed sara am, no zero-width spaces, Arabic digits,
    single spaces), with where each of its characters starts and ends in ``text``."""
    source = _source(text)
    if "\u0e4d\u0e32" not in source and "\u200b" not in source and _spaced_once(source):
        # The usual cell: nothing to compose, drop or collapse, so each character stays put.
        return source, list(range(len(source))), list(range(1, len(source) + 1))
    return _clean_each_character(source)


def _source(text: str) -> str:
    """``text`` in NFC with Arabic digits, character for character (positions are kept)."""
    composed = unicodedata.normalize("NFC", text)
    source = composed if len(composed) == len(text) else text  # NFC only reorders Thai marks
    return to_arabic_digits(source)


def _spaced_once(text: str) -> bool:
    """Whether every blank in ``text`` is one " " between words: nothing to collapse."""
    return text.split() == text.split(" ")


def _clean_each_character(source: str) -> tuple[str, list[int], list[int]]:
    """:func:`clean_with_offsets` of a :func:`_source`, one character at a time."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index = 0
    while index < len(source):
        char, width = source[index], 1
        if source.startswith("\u0e4d\u0e32", index):
            char, width = "\u0e33", 2
        if char == "\u200b":
            index += 1
            continue
        if char.isspace():
            char = " "
            if chars and chars[-1] == " ":
                ends[-1] = index + 1
                index += 1
                continue
        chars.append(char)
        starts.append(index)
        ends.append(index + width)
        index += width
    return "".join(chars), starts, ends


def find_phrase(text: str) -> Phrase | None:
    """The first run of rule words in ``text`` that says it recurs, preferring one that names
    a day ("ทุกส่วนราชการ ทุกวันพุธ" -> "ทุกวันพุธ"); None when there is no such run."""
    clean, starts, ends = clean_with_offsets(text)
    runs = [run for run in _runs(clean) if run[2]]
    if not runs:
        return None
    begin, end, _recurs, names_a_day = next((run for run in runs if run[3]), runs[0])
    return Phrase(clean[begin:end], starts[begin], ends[end - 1], names_a_day)


def _runs(clean: str) -> list[tuple[int, int, bool, bool]]:
    """Every run of rule words: (start, end, whether it says it recurs, whether it names a
    day), positions in ``clean``."""
    runs = []
    position = 0
    while position < len(clean):
        words = _run_at(clean, position)
        if not words:
            position += 1
            continue
        words = _without_loose_ends(words)
        kinds = {kind for kind, _, _ in words}
        text = clean[words[0][1] : words[-1][2]]
        recurs = bool(kinds & {"every", "part"}) or re.search(r"ของ\s*(?:ทุก)?\s*เดือน", text)
        runs.append((words[0][1], words[-1][2], bool(recurs), bool(kinds & set(_DAY_WORDS))))
        position = words[-1][2]
    return runs


def _run_at(clean: str, position: int) -> list[tuple[str, int, int]]:
    """The rule words from ``position`` on, if a phrase starts there; [] otherwise."""
    first = _WORD.match(clean, position)
    starts = first is not None and (
        first.lastgroup in _STARTS or _DAY_STARTS.match(clean, position) is not None
    )
    if not starts:
        return []
    words: list[tuple[str, int, int]] = []
    while (match := _WORD.match(clean, position)) is not None:
        kind = match.lastgroup or ""
        if kind == "number" and not _follows_number_word(words):
            break
        if kind in ("ordinal", "of"):
            kind = f"{kind}_{match.group()}"  # "ordinal_ที่": a phrase does not end with it
        words.append((kind, match.start(), match.end()))
        position = match.end()
    return words


def _follows_number_word(words: list[tuple[str, int, int]]) -> bool:
    kinds = [kind for kind, _, _ in words if kind != "space"]
    if not kinds:
        return False
    last = kinds[-1].split("_")[0]
    if last == "join":  # "1, 3 และ 5": a number after a join only in a list of numbers
        return len(kinds) > 1 and kinds[-2] == "number"
    return last in _BEFORE_NUMBER


def _without_loose_ends(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    words = list(words)
    while words and words[-1][0] in _LOOSE_ENDS:
        words.pop()
    if words and words[-1][0] == "close" and not any(kind == "open" for kind, _, _ in words):
        words.pop()
    return words
