"""Quarters as Thai agencies write them, read by `schedules.parse_period` and found by
`schedules.find_periods`: with the months in brackets, ranges and lists of quarters, short
years, Thai digits, "ทุกไตรมาส", and the English forms "Q3/2568", "Q3 FY2568".

Every expected date is worked out by hand from the rule in ../shared/design/domain.md §1:
the fiscal year is named by the BE year it ends in (BE - 543 = CE), so fiscal year 2568 runs
2024-10-01 .. 2025-09-30, and its quarters are
    Q1 = ต.ค.-ธ.ค. 2567 = 2024-10-01 .. 2024-12-31
    Q2 = ม.ค.-มี.ค. 2568 = 2025-01-01 .. 2025-03-31
    Q3 = เม.ย.-มิ.ย. 2568 = 2025-04-01 .. 2025-06-30
    Q4 = ก.ค.-ก.ย. 2568 = 2025-07-01 .. 2025-09-30
(fiscal year 2567 one CE year earlier; 2564 three years before that). None of the values
below was copied from the program's output.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from periods_support import D, _cli_args, _quotes, _reason

from schedules import Period, PeriodError, find_periods, parse_period

FY2568 = (D(2024, 10, 1), D(2025, 9, 30))
Q1_2568 = (D(2024, 10, 1), D(2024, 12, 31))
Q2_2568 = (D(2025, 1, 1), D(2025, 3, 31))
Q3_2568 = (D(2025, 4, 1), D(2025, 6, 30))
Q4_2568 = (D(2025, 7, 1), D(2025, 9, 30))
H1_2568 = (Q1_2568[0], Q2_2568[1])  # quarters 1-2: 2024-10-01 .. 2025-03-31
Q2_Q3_2568 = (Q2_2568[0], Q3_2568[1])  # 2025-01-01 .. 2025-06-30

# (text, fiscal-year context, (start, end))
QUARTERS = [
    # the months in brackets state the quarter, and their year its fiscal year
    ("ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)", None, Q3_2568),
    ("ไตรมาสที่ ๓ (เม.ย. - มิ.ย. ๒๕๖๘)", None, Q3_2568),
    ("ไตรมาสที่ 3 (1 เม.ย. - 30 มิ.ย. 2568)", None, Q3_2568),
    ("ไตรมาสที่ 3 (เมษายน - มิถุนายน 2568)", None, Q3_2568),
    ("ไตรมาส 4 (ก.ค.-ก.ย.68)", None, Q4_2568),  # ก.ย. 68 = Sep 2025, the end of FY2568
    ("ไตรมาสที่ 2 (ม.ค. - มี.ค. 68)", None, Q2_2568),
    # Oct-Dec 2567 (2024) is quarter 1 of the fiscal year ending in 2568
    ("ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", None, Q1_2568),
    ("ไตรมาส 1-2 (ต.ค. 67 - มี.ค. 68)", None, H1_2568),
    # months without a year: the written fiscal year, else the context (Oct-Dec the year before)
    ("ไตรมาสที่ 1 (ต.ค. - ธ.ค.) ปีงบประมาณ 2568", None, Q1_2568),
    ("ไตรมาสที่ 1 (ต.ค. - ธ.ค.)", 2568, Q1_2568),
    # the fiscal year after the quarter
    ("ไตรมาส 3/2568", None, Q3_2568),
    ("ไตรมาสที่ ๓ ปีงบประมาณ ๒๕๖๘", None, Q3_2568),
    ("ไตรมาสที่ 3 ปีงบ 68", None, Q3_2568),
    ("ไตรมาสที่ 3 ปี 2568", None, Q3_2568),
    ("ไตรมาสที่ 3 พ.ศ. 2568", None, Q3_2568),
    ("ไตรมาส 3/68", None, Q3_2568),
    # several adjacent quarters are one span
    ("ไตรมาส 1-2 ปี 2568", None, H1_2568),
    ("ไตรมาสที่ 1 - 2/2568", None, H1_2568),
    ("ไตรมาสที่ ๑ - ๒/๒๕๖๘", None, H1_2568),
    ("ไตรมาสที่ 2 และ 3", 2568, Q2_Q3_2568),
    ("ไตรมาสที่ ๒ และ ๓ ปีงบประมาณ ๒๕๖๘", None, Q2_Q3_2568),
    ("ไตรมาสที่ 1, 2 และ 3 ปีงบประมาณ 2568", None, (Q1_2568[0], Q3_2568[1])),
    ("ไตรมาส 1/2568 - ไตรมาส 2/2568", None, H1_2568),
    # first and last
    ("ไตรมาสแรก", 2568, Q1_2568),
    ("ไตรมาสสุดท้าย ปีงบ 68", None, Q4_2568),
    # a quarter without a year takes the context; a written year wins over it
    ("ไตรมาสที่ 3", 2568, Q3_2568),
    ("ไตรมาส 3/2568", 2567, Q3_2568),
    ("ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)", 2567, Q3_2568),
    # kept as before: the quarter of report-b (fiscal year 2564 ends Sep 2021)
    ("ไตรมาสที่ ๒/๒๕๖๔", None, (D(2021, 1, 1), D(2021, 3, 31))),
    # every quarter spans the fiscal year, like ตลอดปีงบประมาณ
    ("ทุกไตรมาส", 2568, FY2568),
    ("ทุกไตรมาส ปีงบประมาณ 2568", None, FY2568),
    ("รายไตรมาส", 2567, (D(2023, 10, 1), D(2024, 9, 30))),
    # a round with its months
    ("รอบ 6 เดือน (ต.ค. 2567 - มี.ค. 2568)", None, H1_2568),
    ("รอบ 12 เดือน ปี 2568", None, FY2568),
    # within a quarter is the quarter, as ภายในเดือน X is X
    ("ภายในไตรมาสที่ 2/2568", None, Q2_2568),
    # English
    ("Q3/2568", None, Q3_2568),
    ("Q3 FY2568", None, Q3_2568),
    ("q3 fy68", None, Q3_2568),
    ("Q1-Q2 FY2568", None, H1_2568),
    ("Q2 and Q3 FY2568", None, Q2_Q3_2568),
    ("quarter 3 of fiscal year 2568", None, Q3_2568),
    ("Q3 (Apr - Jun 2025)", None, Q3_2568),
    ("quarterly", 2568, FY2568),
    # a fiscal year in CE is the one ending that year: FY2025 ends Sep 2025, so it is BE 2568
    ("Q3 FY2025", None, Q3_2568),
    ("fiscal year 2025", None, FY2568),
    ("ปีงบประมาณ 2025", None, FY2568),
]


@pytest.mark.parametrize(
    ("text", "fiscal_year", "expected"),
    [
        pytest.param(*case, id=f"{case[0]!r}" + (f" fy{case[1]}" if case[1] else ""))
        for case in QUARTERS
    ],
)
def test_quarters_read_as_the_fiscal_quarters_they_name(text, fiscal_year, expected):
    period = parse_period(text, fiscal_year)
    assert (period.start, period.end) == expected
    assert period.text == text


def test_a_quarter_from_its_start_onwards_has_an_open_end():
    period = parse_period("ไตรมาส 2/2568 เป็นต้นไป")
    assert (period.start, period.end) == (D(2025, 1, 1), None)


# --- errors ---------------------------------------------------------------------------------

# (text, fiscal-year context, patterns the reason must all match)
ERRORS = [
    # April-June is quarter 3, not 2: the message names both
    (
        "ไตรมาสที่ 2 (เม.ย. - มิ.ย. 2568)",
        None,
        [r"ไตรมาสที่ 2", r"ม\.ค\. – มี\.ค\.", r"เม\.ย\. – มิ\.ย\. 2568", r"ไตรมาสที่ 3"],
    ),
    # quarter 1 is Oct-Dec; Jan-Mar is quarter 2
    ("ไตรมาส 1 (ม.ค. - มี.ค. 2568)", None, [r"ไตรมาสที่ 1", r"ต\.ค\. – ธ\.ค\.", r"ไตรมาสที่ 2"]),
    # April-May is not a whole quarter
    ("ไตรมาสที่ 3 (เม.ย. - พ.ค. 2568)", None, [r"ไตรมาสที่ 3", r"เม\.ย\. – พ\.ค\. 2568", r"not"]),
    # the months of quarter 3 of 2568 under a written fiscal year 2567
    ("ไตรมาส 3/2567 (เม.ย. - มิ.ย. 2568)", None, [r"2567", r"2568"]),
    # Oct 2567 - Jun 2568 is three quarters, a round of 6 months is two
    ("รอบ 6 เดือน (ต.ค. 2567 - มิ.ย. 2568)", None, [r"รอบ 6 เดือน", r"ต\.ค\. – มี\.ค\."]),
    # quarters 1 and 3 leave quarter 2 out: not one span
    ("ไตรมาสที่ 1 และ 3/2568", None, [r"1, 3", r"span"]),
    ("ไตรมาส 3 - 1/2568", None, [r"backwards"]),
    ("ไตรมาส 5 และ 6/2568", None, [r"1 to 4"]),
    ("ไตรมาสที่ 2 - 5/2568", None, [r"1 to 4"]),
    # no year written and none given
    ("ไตรมาสที่ 2 และ 3", None, [r"fiscal year"]),
    ("ทุกไตรมาส", None, [r"fiscal year"]),
    ("ไตรมาสที่ 1 (ต.ค. - ธ.ค.)", None, [r"fiscal year"]),
    ("ไตรมาส ๒ ปีงบประมาณ พ.ศ.", None, [r"year"]),
    # fiscal year 0001 would start in October of year 0
    ("ปีงบประมาณ 0001", None, [r"0001"]),
]


@pytest.mark.parametrize(
    ("text", "fiscal_year", "problems"),
    [pytest.param(*case, id=f"{case[0]!r}") for case in ERRORS],
)
def test_unreadable_quarters_are_errors_that_quote_the_text_and_say_why(
    text, fiscal_year, problems
):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, fiscal_year)
    message = str(caught.value)
    assert _quotes(text, message), message
    reason = _reason(text, message)
    for problem in problems:
        assert re.search(problem, reason), message


def test_the_cli_reads_a_quarter_with_its_months(cli):
    result = cli(*_cli_args("ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)", None))
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "start": "2025-04-01",
        "end": "2025-06-30",
        "text": "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)",
    }


def test_the_cli_refuses_a_quarter_its_months_contradict_on_one_line(cli):
    result = cli(*_cli_args("ไตรมาสที่ 2 (เม.ย. - มิ.ย. 2568)", None))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "ไตรมาสที่ 2" in line
    assert "ไตรมาสที่ 3" in line


# --- every quarter of many fiscal years, with its months written out ------------------------

# The months of each quarter as plans write them, and the BE year they are in relative to
# the fiscal year (quarter 1 is in the year before).
QUARTER_MONTHS = {
    1: ("ต.ค.", "ธ.ค.", -1, (10, 1), (12, 31)),
    2: ("ม.ค.", "มี.ค.", 0, (1, 1), (3, 31)),
    3: ("เม.ย.", "มิ.ย.", 0, (4, 1), (6, 30)),
    4: ("ก.ค.", "ก.ย.", 0, (7, 1), (9, 30)),
}


@settings(deadline=None, max_examples=100)
@given(fiscal_year=st.integers(2450, 2700), quarter=st.integers(1, 4), short=st.booleans())
def test_a_quarter_with_its_months_is_the_quarter_of_its_fiscal_year(fiscal_year, quarter, short):
    first, last, offset, (m1, d1), (m2, d2) = QUARTER_MONTHS[quarter]
    be = fiscal_year + offset
    year = str(be)[2:] if short and 2500 <= be <= 2599 else str(be)
    ce = be - 543
    expected = (D(ce, m1, d1), D(ce, m2, d2))
    with_months = parse_period(f"ไตรมาสที่ {quarter} ({first} - {last} {year})")
    assert (with_months.start, with_months.end) == expected
    assert parse_period(f"ไตรมาส {quarter}/{fiscal_year}") == with_months


QUARTER_WORDS = [
    "ไตรมาส",
    "ไตรมาสที่",
    "ทุกไตรมาส",
    "แรก",
    "สุดท้าย",
    "และ",
    " ",
    "-",
    "/",
    "(",
    ")",
    ",",
    "ปีงบ",
    "ปี",
    "Q",
    "FY",
    "เม.ย.",
    "มิ.ย.",
    "ต.ค.",
    *"01234567๓",
    "2568",
    "68",
]


@settings(deadline=None, max_examples=200)
@given(
    text=st.lists(st.sampled_from(QUARTER_WORDS), max_size=10).map("".join),
    fiscal_year=st.none() | st.integers(2450, 2700),
)
def test_any_quarter_looking_text_is_a_period_or_a_period_error_quoting_it(text, fiscal_year):
    try:
        period = parse_period(text, fiscal_year)
    except PeriodError as error:
        message = str(error)
    else:
        message = None
    if message is not None:
        assert _quotes(text, message), message
        return
    assert isinstance(period, Period)
    assert period.start is None or period.end is None or period.start <= period.end


# --- quarters inside free text --------------------------------------------------------------


def test_quarters_are_found_in_a_steps_own_text_with_their_months():
    text = "จัดอบรมเจ้าหน้าที่ในไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568) ณ ห้องประชุม และรายงานผลไตรมาส 4/2568"
    assert [(p.start, p.end) for p in find_periods(text)] == [Q3_2568, Q4_2568]


def test_a_quarter_in_prose_takes_its_fiscal_year_after_of():
    found = find_periods("สรุปผลในไตรมาสแรกของปีงบประมาณ 2568 แล้วเผยแพร่")
    assert [(p.start, p.end) for p in found] == [Q1_2568]


def test_a_count_after_a_quarter_in_prose_is_not_its_year():
    # "20 ครั้ง" is twenty times, not BE 2520.
    found = find_periods("ไตรมาสที่ 2 20 ครั้ง", fiscal_year=2568)
    assert [(p.start, p.end) for p in found] == [Q2_2568]


def test_a_quarter_its_months_contradict_is_not_found_in_prose():
    assert find_periods("ไตรมาสที่ 2 (เม.ย. - มิ.ย. 2568) อบรม") == []


def test_words_of_frequency_in_prose_are_not_periods():
    text = "แจ้งผลการเบิกจ่ายให้ทราบทุกไตรมาส และเผยแพร่รายงานผลรอบ 6 เดือน"
    assert find_periods(text, fiscal_year=2568) == []
