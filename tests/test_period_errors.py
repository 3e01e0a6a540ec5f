"""Unreadable periods: `schedules.parse_period` raises a PeriodError that quotes the text and
names the problem, and the `tracker period` command reports it on one line with exit code 2.

Why each text is wrong is written next to it, from ../shared/design/domain.md §3 and calendar
reasoning (BE year = CE year + 543; February 2023 has 28 days; 1900 is not a leap year).
"""

from __future__ import annotations

import re

import pytest
from periods_support import _cli_args, _quotes, _reason

from schedules import PeriodError, parse_period

# --- errors ---------------------------------------------------------------------------------

# (text, fiscal-year context, a pattern the reason must match: it names the problem)
ERRORS = [
    # no period at all
    ("ไม่กำหนด", None, r"ไม่กำหนด|date|period|month|day"),
    ("", None, r"date|period|month|day|empty|nothing"),
    ("   ", None, r"date|period|month|day|empty|nothing"),
    ("เร็วๆ นี้", 2566, r"เร็วๆ|date|period|month|day"),
    # impossible dates: February 2023 has 28 days, April 30, January 31; 1900 is not leap
    ("31 ก.พ. 2566", None, r"31"),
    ("29 ก.พ. 2566", None, r"29"),
    ("29 Feb 2023", None, r"29"),
    ("29 ก.พ. 2443", None, r"29"),
    ("31 เม.ย. 2566", None, r"31"),
    ("32 ม.ค. 2566", None, r"32"),
    ("31 ก.พ.", 2566, r"31"),
    # a year that is not a year
    ("พ.ย. 256", None, r"256"),
    ("พ.ย. พ.ศ. 2022", None, r"2022"),
    # a month without a year and no context: the message says the year is missing
    ("มี.ค.", None, r"year|ปี"),
    ("ม.ค. - มี.ค.", None, r"year|ปี"),
    ("15 พ.ย.", None, r"year|ปี"),
    # fiscal forms that need a context
    ("ตลอดปีงบประมาณ", None, r"fiscal year|ปีงบ"),
    ("ไตรมาสที่ 2", None, r"fiscal year|ปีงบ"),
    ("รอบ 6 เดือน", None, r"fiscal year|ปีงบ"),
    # quarters are 1 to 4
    ("ไตรมาสที่ 5", 2566, r"quarter|ไตรมาส"),
    ("ไตรมาส 5/2567", None, r"quarter|ไตรมาส"),
    ("ไตรมาส 0/2567", None, r"quarter|ไตรมาส"),
    # ranges ending before they start
    ("มี.ค. 2566 - ม.ค. 2566", None, r"before|after|ends"),
    ("1 ม.ค. 2566 - 31 ธ.ค. 2565", None, r"before|after|ends"),
    ("ตั้งแต่ 1 ต.ค. 2566 ถึง 30 ก.ย. 2566", None, r"before|after|ends"),
    # a day range sharing its month: 15 พ.ย. 2565 .. 1 พ.ย. 2565 ends before it starts
    ("15 - 1 พ.ย. 2565", None, r"before|after|ends"),
    ("20 ม.ค. - 10 ม.ค. 2566", None, r"before|after|ends"),
    # trailing junk
    ("พ.ย. 2565 abc", None, r"abc"),
    ("พ.ย. 2565 ครับ", None, r"ครับ"),
    ("พ.ย. 2565 เป็นต้นไป xyz", None, r"xyz"),
    ("พ.ย. 2565 2566", None, r"2566"),
    # half a range
    ("ม.ค. 2566 -", None, r"range|both|end|date"),
    # CE year 0 does not exist
    ("0000", None, r"0000|year|ปี"),
    ("พ.ย. 0000", None, r"0000|year|ปี"),
    ("1 พ.ย. 0000", None, r"0000|year|ปี"),
    ("ธ.ค. - ม.ค. 0001", None, r"year|ปี|0001|0000"),
]


@pytest.mark.parametrize(
    ("text", "fiscal_year", "problem"),
    [
        pytest.param(*case, id=f"{case[0]!r}" + (f" fy{case[1]}" if case[1] else ""))
        for case in ERRORS
    ],
)
def test_unreadable_periods_are_errors_that_quote_the_text_and_name_the_problem(
    text, fiscal_year, problem
):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, fiscal_year)
    message = str(caught.value)
    assert _quotes(text, message), message
    assert re.search(problem, _reason(text, message), re.IGNORECASE), message


def test_a_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_a_month_without_a_year_says_the_year_is_missing():
    with pytest.raises(PeriodError, match=r"year") as caught:
        parse_period("พ.ย.")
    assert "'พ.ย.'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "fiscal_year"),
    [
        pytest.param("ไม่กำหนด", None, id="no period"),
        pytest.param("31 ก.พ. 2566", None, id="impossible date"),
        pytest.param("มี.ค.", None, id="month without year"),
        pytest.param("ไตรมาสที่ 5", 2566, id="quarter 5"),
        pytest.param("พ.ย. 0000", None, id="year zero"),
    ],
)
def test_the_cli_reports_unreadable_periods_on_one_line_with_exit_code_2(cli, text, fiscal_year):
    result = cli(*_cli_args(text, fiscal_year))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert _quotes(text, lines[0]), lines[0]


def test_the_cli_does_not_crash_on_a_two_digit_fiscal_year_context(cli):
    # `--fiscal-year 66` is how people write FY2566 ("ปีงบ 66"); it may be read as 2566
    # or refused as user error, but never end in a traceback.
    result = cli("period", "ไตรมาสที่ 2", "--json", "--fiscal-year", "66")
    if result.exit_code == 0:
        assert result.json()["start"] == "2023-01-01"
        assert result.json()["end"] == "2023-03-31"
    else:
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_the_cli_prints_a_readable_period_in_thai_without_json(cli):
    result = cli("period", "ต.ค.๒๕๖๕ เป็นต้นไป")
    assert result.exit_code == 0, result.stderr
    assert "ตั้งแต่ ต.ค. 2565" in result.stdout
