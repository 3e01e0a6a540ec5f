"""Properties of reading and writing Thai periods, checked with Hypothesis: any text is either a
period or a PeriodError that quotes it, and every period reads back from its own formatting
(`schedules.format_period` then `schedules.parse_period`) in every language and style.
"""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from periods_support import D, _quotes
from thai_words import THAI_ABBREVIATED_MONTHS, THAI_FULL_MONTHS

from schedules import Period, PeriodError, format_period, parse_period
from schedules.periods import MAX_PERIOD_LENGTH

# --- properties -----------------------------------------------------------------------------

THAI_ISH = [
    *THAI_ABBREVIATED_MONTHS,
    *THAI_FULL_MONTHS,
    "พย",
    "พ. ย.",
    *"๐๑๒๓๔๕๖๗๘๙",
    *"0123456789",
    ".",
    "-",
    "–",
    "—",
    " ",
    "/",
    "เป็นต้นไป",
    "ภายใน",
    "ภายในเดือน",
    "ตั้งแต่",
    "ถึง",
    "ไตรมาส",
    "ไตรมาสที่",
    "ปีงบประมาณ",
    "ปีงบ",
    "ตลอด",
    "รอบ",
    "เดือน",
    "พ.ศ.",
    "ค.ศ.",
    "Nov",
    "from",
    "by",
    "Q",
]
CONTEXTS = st.none() | st.integers(min_value=2400, max_value=2700)


def _parses_or_refuses(text: str, fiscal_year: int | None) -> None:
    try:
        period = parse_period(text, fiscal_year)
    except PeriodError as error:
        message = str(error)
    else:
        message = None
    if message is not None:
        # Whole, up to the longest text a period may be (longer ones: its first characters).
        assert _quotes(text, message) or (
            len(text) > MAX_PERIOD_LENGTH and "characters is too long" in message
        ), message
        return
    assert isinstance(period, Period)
    assert period.start is not None or period.end is not None
    if period.start is not None and period.end is not None:
        assert period.start <= period.end


@settings(deadline=None, max_examples=300)
@given(text=st.text(), fiscal_year=CONTEXTS)
def test_any_text_is_either_a_period_or_a_period_error(text, fiscal_year):
    _parses_or_refuses(text, fiscal_year)


@settings(deadline=None, max_examples=300)
@given(
    text=st.lists(st.sampled_from(THAI_ISH), max_size=12).map("".join),
    fiscal_year=CONTEXTS,
)
def test_any_thai_looking_text_is_either_a_period_or_a_period_error(text, fiscal_year):
    _parses_or_refuses(text, fiscal_year)


DAYS = st.dates(min_value=D(1900, 1, 1), max_value=D(2300, 12, 31))


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


BOUNDS = st.one_of(DAYS, DAYS.map(_first_of_month), DAYS.map(_last_of_month))


@st.composite
def periods(draw) -> Period:
    shape = draw(st.sampled_from(["closed", "open end", "open start", "one day", "months"]))
    if shape == "open end":
        return Period(draw(BOUNDS), None)
    if shape == "open start":
        return Period(None, draw(BOUNDS))
    if shape == "one day":
        day = draw(DAYS)
        return Period(day, day)
    first, second = sorted([draw(BOUNDS), draw(BOUNDS)])
    if shape == "months":
        return Period(_first_of_month(first), _last_of_month(second))
    return Period(first, second)


FORMATS = [
    pytest.param("th", False, False, id="th abbreviated arabic"),
    pytest.param("th", False, True, id="th abbreviated thai digits"),
    pytest.param("th", True, False, id="th full arabic"),
    pytest.param("th", True, True, id="th full thai digits"),
    pytest.param("en", False, False, id="en abbreviated"),
    pytest.param("en", True, False, id="en full"),
]


@pytest.mark.parametrize(("lang", "full", "thai_digits"), FORMATS)
@settings(deadline=None, max_examples=300)
@given(period=periods())
def test_every_period_reads_back_from_its_own_formatting(period, lang, full, thai_digits):
    text = format_period(period, lang, full=full, thai_digits=thai_digits)
    assert parse_period(text) == period, text
