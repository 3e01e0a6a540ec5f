"""Reading the periods Thai plans are written with: "พ.ย.๒๕๖๕", "ภายในเดือน ม.ค. - มี.ค. ๒๕๖๖",
"ต.ค.๒๕๖๕ เป็นต้นไป", "ไตรมาสที่ ๒", "ปีงบประมาณ พ.ศ. ๒๕๖๖", and their English equivalents.

Semantics (the project's domain notes, "Thai dates and periods"):
- a month alone is the whole month; a day alone is that day;
- years: four digits >= 2400 are BE, four digits < 2400 are CE, two digits are BE 25xx;
- a range shares the year written at its end; a start month after the end month is in the
  year before ("ต.ค. - มี.ค. 2566" = 2022-10-01..2023-03-31); a start day without a month
  shares the end's month ("1 - 15 พ.ย. 2565");
- "X เป็นต้นไป", "ตั้งแต่ X" = from the start of X, open end; "ภายใน <day>" = by that day
  (no start); "ภายใน(เดือน) X" for anything longer than a day = X itself;
- fiscal years, quarters and half-year rounds follow the Thai fiscal year (1 Oct - 30 Sep);
  "ตลอดปีงบประมาณ", "ไตรมาสที่ 2", "รอบ 6 เดือน" and months without a year take the year from
  the ``fiscal_year`` context, and are an error without one;
- a fiscal year is named by the year it ends in, so one written in CE names the BE year of its
  end: "FY2025" = "ปีงบประมาณ 2568" (2024-10-01..2025-09-30);
- quarters (Q1 = Oct-Dec of the year before, Q2 Jan-Mar, Q3 Apr-Jun, Q4 Jul-Sep) are written
  "ไตรมาสที่ 3", "ไตรมาส 3/2568", "ไตรมาสที่ 3 ปีงบ(ประมาณ) 68", "ไตรมาส 3 ปี 2568", "Q3/2568",
  "Q3 FY2568", "ไตรมาสแรก"/"ไตรมาสสุดท้าย" (1/4); several adjacent ones are one span
  ("ไตรมาส 1-2", "ไตรมาสที่ 1 - 2/2568", "ไตรมาสที่ 2 และ 3", "Q1-Q2"), quarters that leave a
  gap ("ไตรมาสที่ 1 และ 3") an error. The year of a quarter is always a fiscal year;
- months in brackets after a quarter or round state it again: "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)",
  "ไตรมาส 4 (ก.ค.-ก.ย.68)", "รอบ 6 เดือน (ต.ค. 67 - มี.ค. 68)". Months with a year give the
  fiscal year; months that are not exactly the quarters said, or a written fiscal year they are
  not in, are an error that names both;
- "ทุกไตรมาส" / "รายไตรมาส" / "quarterly" (a report every quarter) span the whole fiscal year,
  like "ตลอดปีงบประมาณ".

Anything else is a :class:`PeriodError` that quotes the text and says what is wrong: this
module never guesses.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from schedules.fiscal import (
    fiscal_quarter_bounds,
    fiscal_quarter_of,
    fiscal_year_bounds,
    fiscal_year_of,
)
from schedules.period_fast import read_common
from schedules.period_words import (
    MAX_PERIOD_LENGTH,
    MONTHS,
    PeriodError,
    Token,
    normalize,
    normalize_layout,
    quoted,
    tokens,
)
from schedules.thai import (
    BE_OFFSET,
    RANGE_DASH,
    THAI_MONTHS_ABBR,
    THAI_MONTHS_FULL,
    Lang,
    format_span,
    to_arabic_digits,
)

__all__ = [
    "MAX_PERIOD_LENGTH",
    "Period",
    "PeriodError",
    "find_periods",
    "format_period",
    "parse_period",
]

MIN_CE_YEAR = 1  # the first year a Python date can hold
MIN_BE_FISCAL_YEAR, MAX_BE_FISCAL_YEAR = 2400, 9999


@dataclass(frozen=True)
class Period:
    """A span of days; ``start`` or ``end`` may be None (open), never both.

    ``text`` is the text it was read from; it does not take part in equality, so a period
    read back from its own formatting equals the original.
    """

    start: date | None
    end: date | None
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("a period needs a start, an end, or both")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the period (open ends stretch forever)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


# --- points: what one side of a range says --------------------------------------------------


@dataclass
class _Point:
    """One side of a range as written: a day and/or month and/or year, or a whole span."""

    day: int | None = None
    month: int | None = None
    year: int | None = None  # CE
    span: tuple[date, date] | None = None  # a fiscal year, quarter, round or calendar year

    @property
    def is_day(self) -> bool:
        return self.span is None and self.day is not None


@dataclass(frozen=True)
class FiscalPart:
    """Quarters ``first`` to ``last`` of a fiscal year, as a period names them."""

    label: str  # what the text says, for messages: "ไตรมาสที่ 3", "รอบ 6 เดือน"
    first: int
    last: int

    def bounds(self, fiscal_year: int) -> tuple[date, date]:
        start, _ = fiscal_quarter_bounds(fiscal_year, self.first)
        _, end = fiscal_quarter_bounds(fiscal_year, self.last)
        return start, end

    def months(self) -> str:
        """ "ต.ค. – มี.ค.": the months it spans, without a year."""
        first_month = (9 + 3 * (self.first - 1)) % 12 + 1
        last_month = (9 + 3 * (self.last - 1) + 2) % 12 + 1
        first_name, last_name = THAI_MONTHS_ABBR[first_month - 1], THAI_MONTHS_ABBR[last_month - 1]
        return f"{first_name} {RANGE_DASH} {last_name}"


def _quarters_label(first: int, last: int) -> str:
    return f"ไตรมาสที่ {first}" if first == last else f"ไตรมาสที่ {first}{RANGE_DASH}{last}"


def _is_its_month(token: Token | None) -> bool:
    """Whether ``token`` is the month of the day number before it ("1 เม.ย.", not "2 (ต.ค.")."""
    return token is not None and token.kind == "MONTH" and not token.after_bracket


def _whole_quarters(start: date, end: date) -> tuple[int, int] | None:
    """The quarters (first, last) of one fiscal year that ``start``..``end`` is exactly."""
    fiscal_year = fiscal_year_of(start)
    first, last = fiscal_quarter_of(start), fiscal_quarter_of(end)
    try:
        bounds = FiscalPart("", first, last).bounds(fiscal_year)
    except (ValueError, OverflowError):
        return None
    return (first, last) if bounds == (start, end) else None


class _Parser:
    """The full grammar, over ``normalized`` (``normalize(original)``); messages quote
    ``original``."""

    def __init__(self, original: str, normalized: str, fiscal_year: int | None):
        self.original = original
        self.fiscal_year = fiscal_year
        self.tokens = tokens(normalized, original)
        self.index = 0

    # token helpers
    def peek(self, offset: int = 0) -> Token | None:
        position = self.index + offset
        return self.tokens[position] if position < len(self.tokens) else None

    def take(self, kind: str) -> Token | None:
        token = self.peek()
        if token is not None and token.kind == kind:
            self.index += 1
            return token
        return None

    def fail(self, reason: str) -> PeriodError:
        return PeriodError(f"cannot read period {quoted(self.original)}: {reason}")

    # grammar
    def parse(self) -> Period:
        if not self.tokens:
            raise self.fail("it names no month, day or fiscal year")
        since = self.take("FROM") is not None
        by = not since and self.take("BY") is not None
        first = self.point()
        last = None
        if self.take("TO"):
            last = self.point()
        onward = self.take("ONWARD") is not None
        if (extra := self.peek()) is not None:
            raise self.fail(f"unexpected {extra.text!r} after the period")
        start, end = self.resolve(first, last)
        if onward or (since and last is None):
            return self.period(start, None)
        if by and last is None and first.is_day:
            return self.period(None, end)
        return self.period(start, end)

    def period(self, start: date | None, end: date | None) -> Period:
        if start and end and start > end:
            raise self.fail(f"it ends ({end}) before it starts ({start})")
        return Period(start, end, self.original)

    def point(self) -> _Point:
        token = self.peek()
        if token is None:
            raise self.fail("a range needs a date on both sides")
        if token.kind == "THROUGHOUT":
            self.index += 1
            if not self.take("FY"):
                raise self.fail(f"{token.text!r} should be followed by ปีงบประมาณ")
            return self.fiscal_year_point(required_context="ตลอดปีงบประมาณ")
        if token.kind == "FY":
            self.index += 1
            return self.fiscal_year_point(required_context="ปีงบประมาณ")
        if token.kind == "QUARTER":
            self.index += 1
            return self.quarter_point()
        if token.kind == "EVERY_QUARTER":
            self.index += 1
            return self.fiscal_part(FiscalPart("ทุกไตรมาส", 1, 4))
        if token.kind == "ROUND":
            self.index += 1
            return self.round_point()
        return self.date_point()

    def date_point(self) -> _Point:
        point = _Point()
        first = self.peek()
        if first is not None and first.kind == "NUM" and len(str(first.value)) <= 2:
            following = self.peek(1)
            if following is not None and following.kind in ("MONTH", "TO"):
                point.day = int(first.value)
                self.index += 1
        month = self.take("MONTH")
        if month is not None:
            point.month = int(month.value)
            point.year = self.year(optional=True)
        elif point.day is None:
            token = self.peek()
            if token is not None and token.kind in ("ERA_BE", "ERA_CE", "NUM"):
                year = self.year(optional=False)
                assert year is not None
                return _Point(span=(date(year, 1, 1), date(year, 12, 31)))
            found = repr(token.text) if token else "nothing"
            raise self.fail(f"expected a day, a month or a fiscal year, found {found}")
        return point

    def year(self, *, optional: bool) -> int | None:
        """A year as written (BE or CE, 2 or 4 digits, optionally after พ.ศ./ค.ศ.), as CE."""
        era = self.take("ERA_BE") or self.take("ERA_CE")
        number = self.take("NUM")
        if number is None:
            if era is not None or not optional:
                raise self.fail("a year is missing its number")
            return None
        return self.ce_year(str(number.value), era.kind if era else None)

    def ce_year(self, digits: str, era: str | None) -> int:
        value = int(digits)
        if len(digits) == 2 and era != "ERA_CE":
            return 2500 + value - BE_OFFSET
        if len(digits) != 4:
            raise self.fail(f"{digits!r} is not a year (write 4 digits, or 2 for BE 25xx)")
        if era == "ERA_CE" or (era is None and value < 2400):
            if value < MIN_CE_YEAR:
                raise self.fail(f"{digits!r} is not a year this calendar can hold")
            return value
        if value < 2400:
            raise self.fail(f"พ.ศ. {digits} is not a Buddhist-era year (those are 2400 and later)")
        return value - BE_OFFSET

    def be_fiscal_year(self, digits: str, era: str | None) -> int:
        """A written fiscal year as BE. It is named by the year it ends in, so a CE year
        (four digits below 2400, or after ค.ศ.) names the one ending then: FY2025 = 2568."""
        year = self.ce_year(digits, era) + BE_OFFSET
        if year - 1 - BE_OFFSET < MIN_CE_YEAR:
            raise self.fail(f"fiscal year {digits} starts before the first year a calendar holds")
        return year

    def context_fiscal_year(self, what: str) -> int:
        if self.fiscal_year is None:
            raise self.fail(f"{what} needs a fiscal year: write it, or give one as context")
        return self.fiscal_year

    def fiscal_year_point(self, required_context: str) -> _Point:
        era = self.take("ERA_BE") or self.take("ERA_CE")
        number = self.take("NUM")
        year = (
            self.be_fiscal_year(str(number.value), era.kind if era else None)
            if number
            else self.context_fiscal_year(required_context)
        )
        return _Point(span=self.fiscal_bounds(lambda: fiscal_year_bounds(year)))

    # quarters and rounds: parts of a fiscal year, with the year and months they may state
    def quarter_point(self) -> _Point:
        """ "ไตรมาสที่ 3", "ไตรมาส 1-2", "ไตรมาสที่ 2 และ 3", "Q1-Q2", "ไตรมาสแรก", then the year
        and the months they may state (see :meth:`fiscal_part`)."""
        numbers = [self.quarter_number()]
        while (following := self.next_quarter_number()) is not None:
            joined_by_range, number = following
            if joined_by_range:
                if number < numbers[-1]:
                    raise self.fail(f"quarter {numbers[-1]} to {number} runs backwards")
                numbers += range(numbers[-1] + 1, number + 1)
            else:
                numbers.append(number)
        first, last = min(numbers), max(numbers)
        if sorted(set(numbers)) != list(range(first, last + 1)):
            listed = ", ".join(str(n) for n in sorted(set(numbers)))
            raise self.fail(
                f"quarters {listed} are not one span of months: write each part on its own"
            )
        return self.fiscal_part(FiscalPart(_quarters_label(first, last), first, last))

    def quarter_number(self) -> int:
        if self.take("FIRST"):
            return 1
        if self.take("LAST"):
            return 4
        number = self.take("NUM")
        if number is None or not 1 <= int(number.value) <= 4:
            raise self.fail("a quarter is numbered 1 to 4")
        return int(number.value)

    def next_quarter_number(self) -> tuple[bool, int] | None:
        """The next quarter of a list or range ("- 2", "และ 3", ", 3", "- Q2"): (is a range, n).

        A number that starts a date ("(1 เม.ย. …") or a year ("/2568", "2568") is left alone.
        """
        offset, joined_by_range = 0, False
        token = self.peek()
        if token is not None and token.kind in ("TO", "AND"):
            offset, joined_by_range = 1, token.kind == "TO"
            after = self.peek(offset)
            if after is not None and after.kind == "QUARTER":
                offset += 1
        number, following = self.peek(offset), self.peek(offset + 1)
        if number is None or number.kind != "NUM" or len(str(number.value)) != 1:
            return None
        if _is_its_month(following):
            return None  # "(1 เม.ย. …": a day
        self.index += offset + 1
        if not 1 <= int(number.value) <= 4:
            raise self.fail("a quarter is numbered 1 to 4")
        return joined_by_range, int(number.value)

    def round_point(self) -> _Point:
        months = self.take("NUM")
        if months is None or int(months.value) not in (3, 6, 9, 12):
            raise self.fail("a round (รอบ) is 3, 6, 9 or 12 months of the fiscal year")
        label = f"รอบ {months.value} เดือน"
        return self.fiscal_part(FiscalPart(label, 1, int(months.value) // 3))

    def fiscal_part(self, part: FiscalPart) -> _Point:
        """Quarters ``part`` of a fiscal year, which the text may state three ways.

        The year after the part ("/2568", "ปีงบประมาณ 2568", "ปีงบ 68", "ปี 2568", "FY2568"),
        the months in brackets ("(เม.ย. - มิ.ย. 2568)", "(ก.ค.-ก.ย.68)"; a year may also follow
        them), or else the fiscal-year context. Months with a year name the fiscal year
        themselves; months and part (and written year) that disagree are an error saying both.
        """
        year = self.written_fiscal_year()
        months = self.bracket_months()
        if year is None and months is not None:
            year = self.written_fiscal_year()
        if months is None:
            fiscal_year = year if year is not None else self.context_fiscal_year(part.label)
            return _Point(span=self.fiscal_bounds(lambda: part.bounds(fiscal_year)))
        first, last = months
        if year is None and first.year is None and last.year is None:
            year = self.context_fiscal_year(part.label)
        start, end = self.resolve(first, last, fiscal_year=year)
        self.check_months(part, year, start, end)
        return _Point(span=(start, end))

    def written_fiscal_year(self) -> int | None:
        """The BE fiscal year written after a part: "/2568", "ปีงบ(ประมาณ) (พ.ศ.) 2568",
        "ปี 2568" (ปี is a filler word, so a bare year), "FY2568"; None when there is none."""
        if self.take("SLASH"):
            number = self.take("NUM")
            if number is None:
                raise self.fail("a fiscal year is missing after '/'")
            return self.be_fiscal_year(str(number.value), None)
        self.take("FY")  # "ปีงบประมาณ 2568"; a bare "2568" after "ปี" (a filler word) too
        era = self.take("ERA_BE") or self.take("ERA_CE")
        number, following = self.peek(), self.peek(1)
        is_year = (
            number is not None
            and number.kind == "NUM"
            and len(str(number.value)) in (2, 4)
            and not _is_its_month(following)
        )
        if number is None or not is_year:
            if era is not None:
                raise self.fail("a year is missing its number")
            return None  # "ไตรมาส 2 ปีงบประมาณนี้" and the like: the context decides
        self.index += 1
        return self.be_fiscal_year(str(number.value), era.kind if era else None)

    def bracket_months(self) -> tuple[_Point, _Point] | None:
        """ "(เม.ย. - มิ.ย. 2568)", "(1 ต.ค. 67 - 31 ธ.ค. 67)", "(ก.ค.)" (brackets are filler)."""
        if not self.starts_date():
            return None
        first = self.date_point()
        dash = self.peek()
        if dash is not None and dash.kind == "TO" and self.starts_date(1):
            self.index += 1
            return first, self.date_point()
        return first, first

    def starts_date(self, offset: int = 0) -> bool:
        token, following = self.peek(offset), self.peek(offset + 1)
        if token is None:
            return False
        if token.kind == "MONTH":
            return True
        return token.kind == "NUM" and len(str(token.value)) <= 2 and _is_its_month(following)

    def check_months(self, part: FiscalPart, year: int | None, start: date, end: date) -> None:
        """Months and the part (and its written year) must say the same."""
        months_year = fiscal_year_of(start)
        expected = self.fiscal_bounds(lambda: part.bounds(months_year))
        said = format_span(start, end)
        if (start, end) != expected:
            quarters = _whole_quarters(start, end)
            which = (
                f"{_quarters_label(*quarters)} of fiscal year {months_year}"
                if quarters
                else "not whole quarters of a fiscal year"
            )
            raise self.fail(
                f"it says {part.label} ({part.months()}) but its months are {said} ({which})"
            )
        if year is not None and year != months_year:
            raise self.fail(
                f"it says fiscal year {year} but its months {said} are in fiscal year {months_year}"
            )

    def fiscal_bounds(self, bounds: Callable[[], tuple[date, date]]) -> tuple[date, date]:
        try:
            return bounds()
        except (ValueError, OverflowError):
            raise self.fail("the fiscal year is outside the years this calendar can hold") from None

    # turning points into dates
    def resolve(
        self, first: _Point, last: _Point | None, fiscal_year: int | None = None
    ) -> tuple[date, date]:
        """The days from ``first`` to ``last``; ``fiscal_year`` (else the context) fills a
        missing year."""
        if last is None:
            return self.span_of(self.complete_alone(first, fiscal_year))
        last = self.complete_alone(last, fiscal_year)
        first = self.borrow(first, last)
        return self.span_of(first)[0], self.span_of(last)[1]

    def complete_alone(self, point: _Point, fiscal_year: int | None = None) -> _Point:
        """Fill a missing year from the fiscal-year context (Oct-Dec fall in the year before)."""
        if point.span is not None or point.year is not None:
            return point
        if point.month is None:
            raise self.fail("a day needs a month")
        fiscal_year = fiscal_year if fiscal_year is not None else self.fiscal_year
        if fiscal_year is None:
            raise self.fail("the month has no year: write one, or give a fiscal year as context")
        start, _ = self.fiscal_bounds(lambda: fiscal_year_bounds(fiscal_year))
        year = start.year if point.month >= 10 else start.year + 1
        return _Point(day=point.day, month=point.month, year=year)

    def borrow(self, first: _Point, last: _Point) -> _Point:
        """The start of a range takes what it leaves out from the end of the range."""
        if first.span is not None or first.year is not None:
            return first
        if last.span is not None:
            raise self.fail("a range from a month or day to a fiscal period needs a year")
        month = first.month if first.month is not None else last.month
        assert month is not None
        assert last.year is not None
        assert last.month is not None
        # Only a start *month* after the end month means the year before ("ต.ค. - มี.ค.");
        # a start day after the end day in one month is a range that ends before it starts.
        later = first.month is not None and first.month > last.month
        year = last.year - 1 if later else last.year
        if year < MIN_CE_YEAR:
            raise self.fail("the range starts before the first year this calendar can hold")
        return _Point(day=first.day, month=month, year=year)

    def span_of(self, point: _Point) -> tuple[date, date]:
        if point.span is not None:
            return point.span
        assert point.month is not None
        assert point.year is not None
        if point.day is None:
            last_day = calendar.monthrange(point.year, point.month)[1]
            return date(point.year, point.month, 1), date(point.year, point.month, last_day)
        days = calendar.monthrange(point.year, point.month)[1]
        if not 1 <= point.day <= days:
            month_name = THAI_MONTHS_FULL[point.month - 1]
            raise self.fail(
                f"{month_name} {point.year + BE_OFFSET} has {days} days, not {point.day}"
            )
        day = date(point.year, point.month, point.day)
        return day, day


def parse_period(text: str, fiscal_year: int | None = None) -> Period:
    """Read a Thai (or English) period; ``fiscal_year`` (BE) resolves what the text leaves out.

    Raises PeriodError (a ValueError) for text that states no period, an impossible date, or
    a month, quarter or round whose year is neither written nor given.
    """
    if not isinstance(text, str):
        raise PeriodError(f"cannot read period {text!r}: not text")
    if len(text) > MAX_PERIOD_LENGTH:
        raise PeriodError(
            f"cannot read period {quoted(text, 80)}: {len(text):,} characters is too long for "
            f"a period ({MAX_PERIOD_LENGTH} at most)"
        )
    if fiscal_year is not None:
        fiscal_year = be_fiscal_year(fiscal_year)
    return _read_period(text, fiscal_year)


# Plans repeat the same few periods on many rows (a cache hit costs a dictionary look-up); the
# entries are immutable Periods, and errors are not cached. ``typed``: a str subclass or a
# float fiscal year is read, and fails, as it would uncached.
@lru_cache(maxsize=4096, typed=True)
def _read_period(text: str, fiscal_year: int | None) -> Period:
    """:func:`parse_period` of checked arguments (``fiscal_year`` BE): the common forms by
    schedules.period_fast, which reads them exactly as the full grammar does, the rest (and
    every error) by the full grammar."""
    layout = normalize_layout(text)
    common = read_common(layout, fiscal_year)
    if common is not None:
        return Period(common[0], common[1], text)
    return _Parser(text, to_arabic_digits(layout), fiscal_year).parse()


def _read_by_full_grammar(text: str, fiscal_year: int | None) -> Period:
    """What :func:`_read_period` returns (or raises) without the cache and the fast path: the
    reference tests/test_period_fast.py and the bench compare the fast path with."""
    return _Parser(text, normalize(text), fiscal_year).parse()


def format_period(
    period: Period, lang: Lang = "th", *, full: bool = False, thai_digits: bool = False
) -> str:
    """Write a Period as a Thai plan would ("ม.ค. – มี.ค. 2566") or in English.

    ``parse_period(format_period(p)) == p`` for every period, in both languages, with full or
    abbreviated month names and Thai or Arabic digits.
    """
    return format_span(period.start, period.end, lang, full=full, thai_digits=thai_digits)


def be_fiscal_year(value: int) -> int:
    """A fiscal-year context as people write it: 2566, or 66 for BE 2566."""
    if 0 <= value < 100:
        return 2500 + value
    if not MIN_BE_FISCAL_YEAR <= value <= MAX_BE_FISCAL_YEAR:
        raise PeriodError(
            f"fiscal year {value} is not a Buddhist-era year (write 2566, or 66 for 2566)"
        )
    return value


_ERA = r"(?:พ\s*\.?\s*ศ\s*\.?|ค\s*\.?\s*ศ\s*\.?)"
_POINT = (
    r"(?:\d{1,2}\s*)?(?:" + "|".join(pattern for pattern, _ in MONTHS) + r")"
    rf"(?:\s*{_ERA}?\s*\d{{4}}|\s*{_ERA}?\s*\d{{2}}(?!\d))?"
)
_PREFIX = r"(?:(?:ภายใน|ตั้งแต่|ระหว่าง)\s*(?:เดือน)?\s*)?"
_DASH = r"(?:-|–|—|ถึง)"
_MONTH_RANGE = rf"{_POINT}(?:\s*{_DASH}\s*(?:เดือน)?\s*{_POINT})?"
_QUARTER_WORD = r"(?:ไตรมาส(?:\s*ที่)?|quarter|(?<![a-z])q(?=\s*\d))"
_QUARTERS = (
    rf"{_QUARTER_WORD}\s*(?:[1-4](?!\d)|แรก|สุดท้าย)"
    rf"(?:\s*(?:{_DASH}|และ|,|and|&)\s*(?:{_QUARTER_WORD}\s*)?[1-4](?!\d))*"
)
# In prose a bare number after a quarter may be a count ("ไตรมาสที่ 2 20 ครั้ง"): only a year
# after "/" or a year word is taken, though parse_period reads "ไตรมาส 3 2568" too.
_FISCAL_WORD = r"(?:ปีงบประมาณ|ปีงบ\s*\.?\s*ประมาณ|ปีงบฯ|ปีงบ|ปี|fiscal\s+year|fy)"
_QUARTER_YEAR = (
    rf"(?:\s*/\s*(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\s*(?:(?:ของ\s*)?{_FISCAL_WORD}\s*{_ERA}?|{_ERA})\s*(?:\d{{4}}|\d{{2}})(?!\d))"
)
_QUARTER_CANDIDATE = (
    rf"{_QUARTERS}{_QUARTER_YEAR}?(?:\s*\(?\s*{_MONTH_RANGE}\s*\)?)?{_QUARTER_YEAR}?"
)
_ONWARD = r"(?:\s*เป็นต้นไป)?"
# Quarters first, so "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)" is one period, not its months alone.
_CANDIDATE = re.compile(
    rf"{_PREFIX}(?:{_QUARTER_CANDIDATE}|{_MONTH_RANGE}){_ONWARD}",
    re.IGNORECASE,
)


def find_periods(text: str, fiscal_year: int | None = None) -> list[Period]:
    """Every readable period mentioned inside free text, in order of appearance.

    "จัดอบรม ... ภายในเดือน มกราคม - มีนาคม พ.ศ.๒๕๖๖ ณ ห้องประชุม" -> [2023-01-01..2023-03-31];
    "... ในไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568) ..." -> [2025-04-01..2025-06-30]. Months and
    quarters are looked for; words of frequency ("ทุกไตรมาส") and report rounds ("รายงานผลรอบ
    6 เดือน") are not, as in prose they say how often, not when. Used to cross-check a plan's
    period column against what a step's own text says.
    """
    found = []
    for match in _CANDIDATE.finditer(normalize(text)):
        try:
            found.append(parse_period(match.group(), fiscal_year))
        except PeriodError:
            continue  # a quarter whose months say another: neither is taken
    return found
