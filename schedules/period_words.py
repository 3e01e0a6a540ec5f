"""The words of a period as the parser reads them: normalised text, split into tokens
(keywords, month names in Thai and English, numbers), and the error every step raises."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from schedules.thai import (
    ENGLISH_MONTHS_ABBR,
    ENGLISH_MONTHS_FULL,
    THAI_MONTHS_ABBR,
    THAI_MONTHS_FULL,
    to_arabic_digits,
)

MAX_PERIOD_LENGTH = 300  # characters: a period cell, never a page
MAX_NUMBER_DIGITS = 4  # days, months, quarters and years: a longer number is not a date


class PeriodError(ValueError):
    """Text that is not a readable period; the message quotes it and says why."""


@dataclass(frozen=True)
class Token:
    kind: str
    value: int | str
    text: str
    # Whether an opening bracket comes right before it: in "ไตรมาส 1-2 (ต.ค. 67 …" the 2 is
    # not the day of ต.ค.
    after_bracket: bool = False


def _abbreviation_pattern(abbr: str) -> str:
    """ "มี.ค." -> a pattern that also takes "มีค", "มี.ค", "มี. ค." (dots and spaces optional)."""
    parts = [re.escape(part) for part in abbr.split(".") if part]
    return r"\s*\.?\s*".join(parts) + r"\.?"


def _month_alternatives() -> list[tuple[str, int]]:
    names: list[tuple[str, int, int]] = []  # (pattern, month, length of the name it reads)
    for number in range(1, 13):
        thai_full, thai_abbr = THAI_MONTHS_FULL[number - 1], THAI_MONTHS_ABBR[number - 1]
        english_full = ENGLISH_MONTHS_FULL[number - 1].lower()
        english_abbr = ENGLISH_MONTHS_ABBR[number - 1].lower()
        names += [
            (re.escape(thai_full), number, len(thai_full)),
            (_abbreviation_pattern(thai_abbr), number, len(thai_abbr)),
            (re.escape(english_full), number, len(english_full)),
            (re.escape(english_abbr) + r"\.?", number, len(english_abbr)),
        ]
    # Longest name first, so "มีนาคม" wins over "มี.ค." and "march" over "mar".
    names.sort(key=lambda entry: entry[2], reverse=True)
    return [(pattern, number) for pattern, number, _length in names]


_KEYWORDS: list[tuple[str, str]] = [
    (r"ปีงบประมาณ|ปีงบ\.?ประมาณ|ปีงบฯ|ปีงบ|ปีงปม\.?|fiscal\s+year|fy", "FY"),
    # Before QUARTER, which would otherwise take the "quarter" of "quarterly".
    (r"ทุกไตรมาส|รายไตรมาส|every\s+quarter|each\s+quarter|quarterly", "EVERY_QUARTER"),
    (r"ไตรมาส(?:\s*ที่)?|quarter|q(?=\s*\d)", "QUARTER"),
    (r"แรก", "FIRST"),  # "ไตรมาสแรก"
    (r"สุดท้าย", "LAST"),  # "ไตรมาสสุดท้าย"
    (r"และ|and|&", "AND"),  # "ไตรมาสที่ 2 และ 3"
    (r"รอบ", "ROUND"),
    (r"เป็นต้นไป|onwards?", "ONWARD"),
    (r"ตั้งแต่|นับจาก|from|since", "FROM"),
    (r"ภายใน|ไม่เกิน|by", "BY"),
    (r"จนถึง|ถึง|until|through|to|[-–—−‐~]", "TO"),
    (r"ตลอด|throughout|whole", "THROUGHOUT"),
    (r"พ\s*\.?\s*ศ\s*\.?|b\.?e\.?", "ERA_BE"),
    (r"ค\s*\.?\s*ศ\s*\.?|a\.?d\.?|c\.?e\.?", "ERA_CE"),
    # Words that carry no meaning of their own here.
    (r"ประจำ|ระหว่าง|เดือน|วันที่|วัน|ที่|ของ|ปี|month|year|of|the|[(),;:]", "FILLER"),
]

MONTHS = _month_alternatives()
_TOKEN_PATTERN = re.compile(
    "|".join(
        [f"(?P<{kind}_{i}>{pattern})" for i, (pattern, kind) in enumerate(_KEYWORDS[:-1])]
        + [f"(?P<MONTH_{number}_{i}>{pattern})" for i, (pattern, number) in enumerate(MONTHS)]
        + [
            r"(?P<NUM>\d+)",
            r"(?P<SLASH>/)",
            rf"(?P<FILLER_x>{_KEYWORDS[-1][0]})",
            r"(?P<SPACE>\s+)",
        ]
    ),
    re.IGNORECASE,
)
# "q", "fy", "to", "by", "of" ... must be whole words in English, not letters of a longer word.
_LATIN_WORD = re.compile(r"[a-z]", re.IGNORECASE)


def normalize(text: str) -> str:
    """NFC, Arabic digits, the composed sara am, single spaces: the form the parser reads."""
    return to_arabic_digits(normalize_layout(text))


def normalize_layout(text: str) -> str:
    """:func:`normalize` but for the digits, which it leaves Thai or Arabic as written (the
    digits' translation is most of normalize's cost, and the fast path reads either)."""
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return " ".join(text.replace("\u200b", "").split())


def quoted(text: str, limit: int = MAX_PERIOD_LENGTH) -> str:
    """``repr(text)``, shortened past ``limit`` characters: messages quote input, not pages.

    Any text short enough to be read as a period is quoted whole."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def tokens(text: str, original: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    bracket = False
    while position < len(text):
        match = _TOKEN_PATTERN.match(text, position)
        if match is None or _cuts_a_latin_word(text, match):
            rest = text[position:].split(" ")[0]
            raise PeriodError(
                f"cannot read period {quoted(original)}: {quoted(rest, 40)} is not a date word"
            )
        position = match.end()
        kind = match.lastgroup or ""
        if kind.startswith(("SPACE", "FILLER")):
            bracket = bracket or match.group() == "("
            continue
        count = len(tokens)
        if kind.startswith("MONTH_"):
            tokens.append(Token("MONTH", int(kind.split("_")[1]), match.group()))
        elif kind == "NUM":
            if len(match.group()) > MAX_NUMBER_DIGITS:
                raise PeriodError(
                    f"cannot read period {quoted(original)}: {quoted(match.group(), 20)} has "
                    f"more digits than a day, month or year ({MAX_NUMBER_DIGITS} at most)"
                )
            tokens.append(Token("NUM", match.group(), match.group()))
        else:
            tokens.append(Token(kind.rsplit("_", 1)[0], match.group(), match.group()))
        if bracket and len(tokens) > count:
            tokens[-1] = replace(tokens[-1], after_bracket=True)
        bracket = False
    return tokens


def _cuts_a_latin_word(text: str, match: re.Match[str]) -> bool:
    end = match.end()
    return (
        _LATIN_WORD.match(match.group()[-1:] or " ") is not None
        and end < len(text)
        and _LATIN_WORD.match(text[end]) is not None
    )
