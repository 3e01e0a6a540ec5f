"""The fast path of `schedules.parse_period` (schedules/period_fast.py) reads every text it
takes exactly as the full grammar does, and leaves every other text, errors included, to it.

The reference is the full grammar alone (`schedules.periods._read_by_full_grammar`): for the
shared vectors, for the seed's own forms, for every formatted period and for generated text
built from the pieces the fast path reads (and near misses: impossible days, short years,
missing contexts, words run together), `parse_period` must return the same period or raise
the same message, and the fast path must answer either nothing or that same span.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SHARED
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_period_properties import periods

from schedules import PeriodError, format_period, parse_period
from schedules.period_fast import read_common
from schedules.period_words import normalize_layout
from schedules.periods import _read_by_full_grammar

VECTORS = SHARED / "vectors" / "thai-periods.tsv"


def _outcome(read, text: str, fiscal_year: int | None) -> tuple[object, ...]:
    """(start, end, text) of the period read, or ("error", message)."""
    try:
        period = read(text, fiscal_year)
    except PeriodError as error:
        return ("error", str(error))
    return (period.start, period.end, period.text)


def _assert_same_reading(text: str, fiscal_year: int | None) -> tuple[object, ...]:
    """parse_period and the fast path agree with the full grammar; returns its outcome."""
    expected = _outcome(_read_by_full_grammar, text, fiscal_year)
    assert _outcome(parse_period, text, fiscal_year) == expected, text
    fast = read_common(normalize_layout(text), fiscal_year)
    if fast is not None:
        assert expected[0] != "error", (text, fast, expected)
        assert fast == expected[:2], text
    return expected


def _vector_cases() -> list[tuple[str, int | None]]:
    cases = []
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, fiscal_year, *_ = line.split("\t")
            cases.append((text, int(fiscal_year) if fiscal_year else None))
    return cases


@pytest.mark.parametrize(("text", "fiscal_year"), _vector_cases())
def test_every_vector_reads_the_same_with_and_without_the_fast_path(text, fiscal_year):
    _assert_same_reading(text, fiscal_year)


# Worked out by hand from the rules in schedules/periods.py (BE - 543 = CE; ไตรมาส 2 of 2566
# is Jan-Mar 2023): the forms the fast path exists for must take it.
SEED_FORMS = [
    ("พ.ย.๒๕๖๕", None, (date(2022, 11, 1), date(2022, 11, 30))),
    ("ภายในเดือน ม.ค. - มี.ค. ๒๕๖๖", None, (date(2023, 1, 1), date(2023, 3, 31))),
    ("ต.ค.๒๕๖๕ เป็นต้นไป", None, (date(2022, 10, 1), None)),
    ("ไตรมาสที่ ๒", 2566, (date(2023, 1, 1), date(2023, 3, 31))),
    ("ต.ค. - มี.ค.", 2566, (date(2022, 10, 1), date(2023, 3, 31))),
    ("ภายใน ๓๐ ก.ย. ๒๕๖๖", None, (None, date(2023, 9, 30))),
    ("ตั้งแต่ 2 Nov 2022", None, (date(2022, 11, 2), None)),
    ("by 29 Feb 2024", None, (None, date(2024, 2, 29))),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๖", None, (date(2022, 10, 1), date(2023, 9, 30))),
    ("ไตรมาส 1/2567", None, (date(2023, 10, 1), date(2023, 12, 31))),
]


@pytest.mark.parametrize(("text", "fiscal_year", "span"), SEED_FORMS)
def test_the_common_forms_take_the_fast_path(text, fiscal_year, span):
    assert read_common(normalize_layout(text), fiscal_year) == span
    assert _assert_same_reading(text, fiscal_year)[:2] == span


# What the full grammar refuses, the fast path leaves to it (so the message is its own).
NEAR_MISSES = [
    ("31 ก.พ. 2566", None),  # no such day
    ("พ.ย.", None),  # no year, no context
    ("ไตรมาสที่ 2", None),
    ("May. 2022", None),  # the tokenizer reads "May" and a stray "."
    ("fromNov 2022", None),  # a Latin word cut short
    ("พ.ย. 1", None),  # a one-digit year
    ("พ.ศ. 2000", None),
    ("15 พ.ย. 2565 - 1 พ.ย. 2565", None),  # ends before it starts
    ("ไตรมาส 1/0001", None),  # a fiscal year before the first a calendar holds
]


@pytest.mark.parametrize(("text", "fiscal_year"), NEAR_MISSES)
def test_what_the_full_grammar_refuses_the_fast_path_leaves_to_it(text, fiscal_year):
    assert read_common(normalize_layout(text), fiscal_year) is None
    assert _assert_same_reading(text, fiscal_year)[0] == "error"


STYLES = [("th", False, False), ("th", False, True), ("th", True, False), ("th", True, True)]
STYLES += [("en", False, False), ("en", True, False)]


@settings(deadline=None, max_examples=300)
@given(period=periods(), style=st.sampled_from(STYLES))
def test_every_formatted_period_takes_the_fast_path_and_reads_back(period, style):
    lang, full, thai_digits = style
    text = format_period(period, lang, full=full, thai_digits=thai_digits)
    assert read_common(normalize_layout(text), None) == (period.start, period.end), text
    _assert_same_reading(text, None)


MONTHS = [
    *("ม.ค.", "มค", "ม.ค", "มค.", "มกราคม", "ก.พ.", "กุมภาพันธ์", "มี.ค.", "มีค", "มีนาคม"),
    *("เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "ตค", "พ.ย.", "พย.", "ธ.ค."),
    *("ตุลาคม", "พฤศจิกายน", "ธันวาคม", "มี. ค.", "พ.ศ.", "ค.ศ."),
    *("Jan", "FEB", "mar.", "March", "May", "May.", "sept", "Nov", "november", "Dec."),
]
PIECES = [
    *MONTHS,
    *("ภายใน", "ภายในเดือน", "ไม่เกิน", "ตั้งแต่", "นับจาก", "เดือน", "เป็นต้นไป", "by", "from"),
    *("since", "to", "until", "through", "throughout", "ถึง", "จนถึง", "-", "–", "—", "~"),
    *("ไตรมาส", "ไตรมาสที่", "ที่", "/", "ปีงบประมาณ", "ตลอด", "และ", ".", "x", " ", " ", " "),
    *("1", "๑", "2", "๒๙", "29", "30", "31", "00", "0", "15", "65", "๖๖", "2566", "๒๕๖๗"),
    *("2022", "1999", "0001", "2400", "9999", "25651", "\u200b", "\u0e4d\u0e32"),
]
CONTEXTS = st.none() | st.integers(min_value=2400, max_value=2700) | st.just(9999)


@settings(deadline=None, max_examples=600)
@given(text=st.lists(st.sampled_from(PIECES), max_size=9).map("".join), fiscal_year=CONTEXTS)
@example(text="ต.ค. 15 - 20 พ.ย. 2565", fiscal_year=None)
@example(text="ม.ค.ถึง มี.ค. 2566", fiscal_year=None)
@example(text="ภายใน 1 ต.ค. 2565 - 30 ก.ย. 2566", fiscal_year=None)
def test_generated_text_reads_the_same_with_and_without_the_fast_path(text, fiscal_year):
    _assert_same_reading(text, fiscal_year)


# [prefix] [day] month [year] [dash [day] month [year]] [onward], spaced or run together: the
# shape the fast path reads, with days and years that may not exist.
_DAY = st.sampled_from(["", "1", "๑", "15", "28", "29", "30", "31", "0", "00", "32", "123"])
_YEAR = st.sampled_from(["", "65", "๖๖", "2566", "๒๕๖๗", "2024", "1", "123", "0000", "พ.ศ. 2566"])
_SPACE = st.sampled_from(["", " "])


@st.composite
def _date_shaped(draw) -> str:
    def point() -> str:
        return (
            draw(_DAY) + draw(_SPACE) + draw(st.sampled_from(MONTHS)) + draw(_SPACE) + draw(_YEAR)
        )

    text = draw(st.sampled_from(["", "ภายใน", "ภายในเดือน", "ตั้งแต่", "by ", "from ", "เดือน"]))
    text += draw(_SPACE) + point()
    if draw(st.booleans()):
        dash = draw(st.sampled_from(["-", "–", "ถึง", " to ", "จนถึง"]))
        text += draw(_SPACE) + dash + draw(_SPACE) + point()
    if draw(st.booleans()):
        text += draw(_SPACE) + "เป็นต้นไป"
    return text


@settings(deadline=None, max_examples=600)
@given(text=_date_shaped(), fiscal_year=CONTEXTS)
def test_date_shaped_text_reads_the_same_with_and_without_the_fast_path(text, fiscal_year):
    _assert_same_reading(text, fiscal_year)
