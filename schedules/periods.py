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
  the ``fiscal_year`` context, and are an error without one.

Anything else is a :class:`PeriodError` that quotes the text and says what is wrong: this
module never guesses.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from schedules.fiscal import fiscal_quarter_bounds, fiscal_year_bounds
from schedules.period_words import (
    MAX_PERIOD_LENGTH,
    MONTHS,
    PeriodError,
    Token,
    normalize,
    quoted,
    tokens,
)
from schedules.thai import BE_OFFSET, THAI_MONTHS_FULL, Lang, format_span

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


class _Parser:
    def __init__(self, text: str, fiscal_year: int | None):
        self.original = text
        self.fiscal_year = fiscal_year
        self.tokens = tokens(normalize(text), text)
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

    def be_fiscal_year(self, digits: str) -> int:
        return self.ce_year(digits, "ERA_BE") + BE_OFFSET

    def context_fiscal_year(self, what: str) -> int:
        if self.fiscal_year is None:
            raise self.fail(f"{what} needs a fiscal year: write it, or give one as context")
        return self.fiscal_year

    def fiscal_year_point(self, required_context: str) -> _Point:
        self.take("ERA_BE")
        number = self.take("NUM")
        year = (
            self.be_fiscal_year(str(number.value))
            if number
            else self.context_fiscal_year(required_context)
        )
        return _Point(span=fiscal_year_bounds(year))

    def quarter_point(self) -> _Point:
        number = self.take("NUM")
        if number is None or not 1 <= int(number.value) <= 4:
            raise self.fail("a quarter is numbered 1 to 4")
        year = self.trailing_fiscal_year("ไตรมาส")
        return _Point(span=fiscal_quarter_bounds(year, int(number.value)))

    def round_point(self) -> _Point:
        months = self.take("NUM")
        if months is None or int(months.value) not in (3, 6, 9, 12):
            raise self.fail("a round (รอบ) is 3, 6, 9 or 12 months of the fiscal year")
        year = self.trailing_fiscal_year("รอบ")
        first, last = fiscal_year_bounds(year)
        end_month_index = 9 + int(months.value)  # months counted from October
        end_year = first.year + (end_month_index - 1) // 12
        end_month = (end_month_index - 1) % 12 + 1
        end = date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        return _Point(span=(first, min(end, last)))

    def trailing_fiscal_year(self, what: str) -> int:
        """The fiscal year after a quarter or round: "/2567", "ปีงบประมาณ 2567", or context."""
        if self.take("SLASH"):
            number = self.take("NUM")
            if number is None:
                raise self.fail(f"{what} needs a fiscal year after '/'")
            return self.be_fiscal_year(str(number.value))
        if self.take("FY"):
            self.take("ERA_BE")
            number = self.take("NUM")
            if number is not None:
                return self.be_fiscal_year(str(number.value))
        return self.context_fiscal_year(what)

    # turning points into dates
    def resolve(self, first: _Point, last: _Point | None) -> tuple[date, date]:
        if last is None:
            return self.span_of(self.complete_alone(first))
        last = self.complete_alone(last)
        first = self.borrow(first, last)
        return self.span_of(first)[0], self.span_of(last)[1]

    def complete_alone(self, point: _Point) -> _Point:
        """Fill a missing year from the fiscal-year context (Oct-Dec fall in the year before)."""
        if point.span is not None or point.year is not None:
            return point
        if point.month is None:
            raise self.fail("a day needs a month")
        if self.fiscal_year is None:
            raise self.fail("the month has no year: write one, or give a fiscal year as context")
        start, _ = fiscal_year_bounds(self.fiscal_year)
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
    return _Parser(text, fiscal_year).parse()


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
_CANDIDATE = re.compile(
    r"(?:(?:ภายใน|ตั้งแต่|ระหว่าง)\s*(?:เดือน)?\s*)?"
    rf"{_POINT}(?:\s*(?:-|–|—|ถึง)\s*(?:เดือน)?\s*{_POINT})?(?:\s*เป็นต้นไป)?",
    re.IGNORECASE,
)


def find_periods(text: str, fiscal_year: int | None = None) -> list[Period]:
    """Every readable period mentioned inside free text, in order of appearance.

    "จัดอบรม ... ภายในเดือน มกราคม - มีนาคม พ.ศ.๒๕๖๖ ณ ห้องประชุม" -> [2023-01-01..2023-03-31].
    Used to cross-check a plan's period column against what a step's own text says.
    """
    found = []
    for match in _CANDIDATE.finditer(normalize(text)):
        try:
            found.append(parse_period(match.group(), fiscal_year))
        except PeriodError:
            continue
    return found
