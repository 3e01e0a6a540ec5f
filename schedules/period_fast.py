"""A fast reading of the periods plans write most ("พ.ย. 2565", "ภายในเดือน ม.ค. - มี.ค. 2566",
"ต.ค. 2565 เป็นต้นไป", "ภายใน 30 ก.ย. 2566", "ไตรมาสที่ 2", "ปีงบประมาณ พ.ศ. 2566", and the
English "by 2 Nov 2022", "Jan – Mar 2023") with one regular expression and a dictionary of month
spellings, instead of the tokenizer and the full grammar of :mod:`schedules.periods`.

Contract: :func:`read_common` takes text normalised by
:func:`schedules.period_words.normalize_layout` (Thai digits left as they are) and returns
``(start, end)`` exactly as the full grammar would, or ``None`` — for any text it does not
recognise, and for every text the full grammar would refuse (an impossible day, a missing
year, a range that runs backwards...). It never raises: the caller falls back to the full
grammar, which reads the rest and words every error, so this module changes no result and no
message. tests/test_period_fast.py checks that both readings agree on the shared vectors and
on generated text.

Why each restriction: the full grammar tokenises greedily and refuses a Latin word cut short
("fromNov"), so English words here must be followed by a space; month spellings are taken only
if the tokenizer itself reads them as one month (it reads "May." as "May" and a stray dot).
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from schedules.period_words import PeriodError, tokens
from schedules.thai import (
    BE_OFFSET,
    ENGLISH_MONTHS_ABBR,
    ENGLISH_MONTHS_FULL,
    THAI_MONTHS_ABBR,
    THAI_MONTHS_FULL,
)

__all__ = ["read_common"]

Span = tuple[date | None, date | None]

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _candidate_spellings(number: int) -> list[str]:
    """How month ``number`` may be written: full names, and Thai abbreviations with each of
    their dots there or not ("มี.ค.", "มีค.", "มี.ค", "มีค"); English in lower case."""
    parts = [part for part in THAI_MONTHS_ABBR[number - 1].split(".") if part]
    thai_abbreviations = [
        "".join(part + dot for part, dot in zip(parts, dots, strict=True))
        for dots in itertools.product(("", "."), repeat=len(parts))
    ]
    english_abbr = ENGLISH_MONTHS_ABBR[number - 1].lower()
    return [
        THAI_MONTHS_FULL[number - 1],
        *thai_abbreviations,
        ENGLISH_MONTHS_FULL[number - 1].lower(),
        english_abbr,
        english_abbr + ".",
    ]


def _reads_as_month(spelling: str, number: int) -> bool:
    """Whether the full grammar's tokenizer reads ``spelling`` (before a year) as that month."""
    text = f"{spelling} 2565"
    try:
        found = tokens(text, text)
    except PeriodError:
        return False
    return [(t.kind, t.value) for t in found] == [("MONTH", number), ("NUM", "2565")]


_MONTH_SPELLINGS: dict[str, int] = {
    spelling: number
    for number in range(1, 13)
    for spelling in _candidate_spellings(number)
    if _reads_as_month(spelling, number)
}

# Digits may be Thai or Arabic: int() reads both, so the text needs no translation.
_DIGIT = "[0-9\u0e50-\u0e59]"
# One side of a range: [day] month [[พ.ศ.] year]. A month is a run of Thai letters and dots or
# a Latin word, looked up in _MONTH_SPELLINGS afterwards (a miss means: not a common form).
_POINT = (
    rf"(?:({_DIGIT}{{1,2}}) ?)?"
    r"([\u0e01-\u0e4e.]+|[A-Za-z]+\.?)"
    rf"(?: ?(พ\.ศ\.)? ?({_DIGIT}{{4}}|{_DIGIT}{{2}}))?"
)
_YEAR = rf"(?P<year>{_DIGIT}{{4}}|{_DIGIT}{{2}})"
# Groups: by, since, day, month, era, year, to, day, month, era, year, onward.
_DATES = re.compile(
    r"(?:(ภายใน|ไม่เกิน|(?i:by) )|(ตั้งแต่|นับจาก|(?i:from|since) ))? ?(?:เดือน ?)?"
    + _POINT
    + r"(?:((?: ?(?:[-–—−‐~]|จนถึง|ถึง) ?| (?i:to|until|through) ))"
    + _POINT
    + r")?( ?เป็นต้นไป)?"
)
_QUARTER = re.compile(rf"ไตรมาส(?: ?ที่)? ?(?P<quarter>[1-4๑-๔])(?:/{_YEAR})?")
_FISCAL_YEAR = re.compile(rf"(?:ตลอด ?)?ปีงบประมาณ(?: ?(?P<era>พ\.ศ\.)? ?{_YEAR})?")


def read_common(text: str, fiscal_year: int | None) -> Span | None:
    """``(start, end)`` of a common period form, as the full grammar reads it, else None.

    ``text`` is normalised but for its digits (:func:`schedules.period_words.normalize_layout`;
    Thai digits are read here as they are); ``fiscal_year`` is the BE context, already
    checked."""
    if text.startswith(("ไตรมาส", "ปีงบประมาณ", "ตลอด")):  # one test for the usual case
        if match := _QUARTER.fullmatch(text):
            return _quarter(match, fiscal_year)
        match = _FISCAL_YEAR.fullmatch(text)
        return _fiscal_year(match, fiscal_year) if match else None
    match = _DATES.fullmatch(text)
    return _dates(match.groups(), fiscal_year) if match else None


def _ce_year(digits: str, buddhist_era: object) -> int | None:
    """A written year as CE, by the full grammar's rule (``_Parser.ce_year``); None where it
    refuses: two digits are BE 25xx, four below 2400 are CE unless after พ.ศ."""
    value = int(digits)
    if len(digits) == 2:
        return 2500 + value - BE_OFFSET
    if value < 2400:
        return None if buddhist_era or value < 1 else value
    return value - BE_OFFSET


def _month_days(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


def _days(day: str | None, month: int, year: int) -> tuple[date, date] | None:
    """First and last day of a month, or the day itself; None for a day the month lacks."""
    if day is None:
        return date(year, month, 1), date(year, month, _month_days(year, month))
    number = int(day)
    if not 1 <= number <= _month_days(year, month):
        return None
    one = date(year, month, number)
    return one, one


def _dates(groups: tuple[str | None, ...], fiscal_year: int | None) -> Span | None:
    """[ภายใน|ตั้งแต่] [day] month [year] [– [day] month [year]] [เป็นต้นไป], with the full
    grammar's rules: a missing end year from the context (Oct-Dec in the year before), a
    missing start year from the end (the year before if its month is later)."""
    by, since, day1, month1, era1, year1, to, day2, month2, era2, year2, onward = groups
    assert month1 is not None
    first_month = _MONTH_SPELLINGS.get(month1.lower())
    if first_month is None:
        return None
    first_year = None if year1 is None else _ce_year(year1, era1)
    if year1 is not None and first_year is None:
        return None
    if to is None:
        if first_year is None:
            if fiscal_year is None:
                return None
            first_year = fiscal_year - BE_OFFSET - (1 if first_month >= 10 else 0)
        days = _days(day1, first_month, first_year)
        if days is None:
            return None
        start, end = days
        if onward is not None or since is not None:
            return start, None
        return (None, end) if by is not None and day1 is not None else (start, end)
    assert month2 is not None
    last_month = _MONTH_SPELLINGS.get(month2.lower())
    if last_month is None:
        return None
    if year2 is None:
        if fiscal_year is None:
            return None
        last_year = fiscal_year - BE_OFFSET - (1 if last_month >= 10 else 0)
    else:
        found = _ce_year(year2, era2)
        if found is None:
            return None
        last_year = found
    if first_year is None:
        first_year = last_year - 1 if first_month > last_month else last_year
        if first_year < 1:
            return None
    first, last = _days(day1, first_month, first_year), _days(day2, last_month, last_year)
    if first is None or last is None:
        return None
    if onward is not None:
        return first[0], None
    return (first[0], last[1]) if first[0] <= last[1] else None


def _be_fiscal_year(digits: str, buddhist_era: object) -> int | None:
    """A written fiscal year as BE (``_Parser.be_fiscal_year``): a CE year names the one
    ending in it. None where the full grammar refuses."""
    year = _ce_year(digits, buddhist_era)
    if year is None or year - 1 < 1:
        return None
    return year + BE_OFFSET


def _fiscal_bounds(fiscal_year: int, first_quarter: int, last_quarter: int) -> Span:
    """Quarters ``first_quarter``..``last_quarter`` of a BE fiscal year (Q1 = Oct-Dec of the
    year before), as schedules.fiscal.fiscal_quarter_bounds computes them."""
    start_year = fiscal_year - BE_OFFSET - 1
    start_index, end_index = 9 + 3 * (first_quarter - 1), 9 + 3 * (last_quarter - 1) + 2
    end_year, end_month = start_year + end_index // 12, end_index % 12 + 1
    start = date(start_year + start_index // 12, start_index % 12 + 1, 1)
    return start, date(end_year, end_month, _month_days(end_year, end_month))


def _quarter(match: re.Match[str], fiscal_year: int | None) -> Span | None:
    """ "ไตรมาสที่ 2" (the context's fiscal year) or "ไตรมาส 1/2567"."""
    digits = match.group("year")
    year = fiscal_year if digits is None else _be_fiscal_year(digits, None)
    if year is None:
        return None
    quarter = int(match.group("quarter"))
    return _fiscal_bounds(year, quarter, quarter)


def _fiscal_year(match: re.Match[str], fiscal_year: int | None) -> Span | None:
    """ "ปีงบประมาณ (พ.ศ.) 2566", "ตลอดปีงบประมาณ" (the context's)."""
    digits = match.group("year")
    if digits is None:
        if match.group("era") is not None:
            return None
        year = fiscal_year
    else:
        year = _be_fiscal_year(digits, match.group("era"))
    return None if year is None else _fiscal_bounds(year, 1, 4)
