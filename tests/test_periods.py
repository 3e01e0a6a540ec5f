"""Reading and writing Thai periods: `schedules.parse_period`, `schedules.format_period`,
`schedules.Period` and the `tracker period` command.

Expected values come from ../shared/vectors/thai-periods.tsv (read at test time), from
../shared/design/domain.md §3 and the docstring of schedules/periods.py, and from calendar
reasoning written next to each case (BE year = CE year + 543; fiscal year N runs from
1 Oct of CE N-544 to 30 Sep of CE N-543). None of them were copied from the program's output.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st
from thai_words import THAI_ABBREVIATED_MONTHS, THAI_FULL_MONTHS

from schedules import Period, PeriodError, format_period, parse_period
from schedules.periods import MAX_PERIOD_LENGTH

VECTORS = SHARED / "vectors" / "thai-periods.tsv"


# --- the shared vectors ---------------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    line: int
    text: str
    fiscal_year: int | None
    start: date | None
    end: date | None
    error: bool

    @property
    def id(self) -> str:
        context = f" (fiscal year {self.fiscal_year})" if self.fiscal_year else ""
        return f"line {self.line}: {self.text!r}{context}"


def _iso(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _read_vectors() -> list[Vector]:
    vectors = []
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 4, f"{VECTORS}:{number} does not have 4 tab-separated fields"
        text, fiscal_year, start, end = fields
        error = end == "ERROR"
        vectors.append(
            Vector(
                line=number,
                text=text,
                fiscal_year=int(fiscal_year) if fiscal_year else None,
                start=None if error else _iso(start),
                end=None if error else _iso(end),
                error=error,
            )
        )
    return vectors


ALL_VECTORS = _read_vectors()
READABLE = [pytest.param(v, id=v.id) for v in ALL_VECTORS if not v.error]
REJECTED = [pytest.param(v, id=v.id) for v in ALL_VECTORS if v.error]


def _quotes(text: str, message: str) -> bool:
    """Whether ``message`` quotes ``text`` (in any usual quotation marks)."""
    return any(
        quoted in message
        for quoted in (repr(text), f"'{text}'", f'"{text}"', f"“{text}”", f"«{text}»")
    )


def _reason(text: str, message: str) -> str:
    """The part of an error message after the quoted text: what it says is wrong."""
    for quoted in (repr(text), f"'{text}'", f'"{text}"', f"“{text}”", f"«{text}»"):
        if quoted in message:
            return message.split(quoted, 1)[1]
    return message


def _cli_args(text: str, fiscal_year: int | None) -> list[str]:
    args = ["period", text, "--json"]
    if fiscal_year is not None:
        args += ["--fiscal-year", str(fiscal_year)]
    return args


def test_the_vector_file_holds_readable_cases_and_errors():
    assert len(READABLE) >= 20
    assert len(REJECTED) >= 3
    assert any(v.fiscal_year is not None for v in ALL_VECTORS)
    assert any(v.start is None and not v.error for v in ALL_VECTORS)
    assert any(v.end is None and not v.error for v in ALL_VECTORS)


@pytest.mark.parametrize("vector", READABLE)
def test_every_readable_vector_parses_to_its_start_and_end(vector: Vector):
    period = parse_period(vector.text, vector.fiscal_year)
    assert isinstance(period, Period)
    assert (period.start, period.end) == (vector.start, vector.end)
    assert period.text == vector.text


@pytest.mark.parametrize("vector", REJECTED)
def test_every_error_vector_raises_a_period_error_quoting_the_text(vector: Vector):
    with pytest.raises(PeriodError) as caught:
        parse_period(vector.text, vector.fiscal_year)
    assert isinstance(caught.value, ValueError)
    assert _quotes(vector.text, str(caught.value)), str(caught.value)
    assert _reason(vector.text, str(caught.value)).strip(" :.")


@pytest.mark.parametrize("vector", READABLE)
def test_every_readable_vector_reads_the_same_through_the_cli(cli, vector: Vector):
    result = cli(*_cli_args(vector.text, vector.fiscal_year))
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "start": vector.start.isoformat() if vector.start else None,
        "end": vector.end.isoformat() if vector.end else None,
        "text": vector.text,
    }


@pytest.mark.parametrize("vector", REJECTED)
def test_every_error_vector_makes_the_cli_exit_2_with_one_line_on_stderr(cli, vector: Vector):
    result = cli(*_cli_args(vector.text, vector.fiscal_year))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert _quotes(vector.text, lines[0]), lines[0]


# --- more readable cases, derived from domain.md §3 and the periods.py docstring ------------

D = date

# Thai month names as written in plans; days in each month of CE 2024 (BE 2567), a leap year.
DAYS_IN_2024 = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _month_name_forms():
    for month in range(1, 13):
        full, abbr = THAI_FULL_MONTHS[month - 1], THAI_ABBREVIATED_MONTHS[month - 1]
        expected = (D(2024, month, 1), D(2024, month, DAYS_IN_2024[month - 1]))
        forms = {
            "full": full,
            "abbreviated": abbr,
            "without dots": abbr.replace(".", ""),
            "without the last dot": abbr[:-1],
            "with spaces": abbr.replace(".", ". ").strip(),
        }
        for form, name in forms.items():
            for year in ("2567", "๒๕๖๗"):
                yield pytest.param(f"{name} {year}", expected, id=f"{month} {form} {year}")
        yield pytest.param(f"{abbr}67", expected, id=f"{month} abbreviated, no space, 67")


@pytest.mark.parametrize(("text", "expected"), list(_month_name_forms()))
def test_every_thai_month_name_full_or_abbreviated_is_the_whole_month(text, expected):
    period = parse_period(text)
    assert (period.start, period.end) == expected


# (text, fiscal-year context, start, end)
DERIVED = [
    # a month alone, in its spellings; พ.ย. 2565 = November 2022
    ("พ.ย. 2565", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พย 2565", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พ. ย. 2565", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พ.ย 2565", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พฤศจิกายน ๒๕๖๕", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("  พ.ย.   2565  ", None, D(2022, 11, 1), D(2022, 11, 30)),
    # Thai and Arabic digits are equal, even mixed
    ("15 พ.ย. 2565", None, D(2022, 11, 15), D(2022, 11, 15)),
    ("๑๕ พ.ย. 2565", None, D(2022, 11, 15), D(2022, 11, 15)),
    ("15 พ.ย. ๖๕", None, D(2022, 11, 15), D(2022, 11, 15)),
    ("วันที่ 15 พฤศจิกายน 2565", None, D(2022, 11, 15), D(2022, 11, 15)),
    # 2-digit years are BE 25xx: 66 = 2566 = 2023, 00 = 2500 = 1957, 99 = 2599 = 2056
    ("ม.ค. 66", None, D(2023, 1, 1), D(2023, 1, 31)),
    ("ม.ค. 00", None, D(1957, 1, 1), D(1957, 1, 31)),
    ("ธ.ค. ๙๙", None, D(2056, 12, 1), D(2056, 12, 31)),
    # 4 digits below 2400 are CE, from 2400 on BE (2400 BE = 1857 CE)
    ("ก.พ. 2024", None, D(2024, 2, 1), D(2024, 2, 29)),
    ("ม.ค. 1999", None, D(1999, 1, 1), D(1999, 1, 31)),
    ("ธ.ค. 2399", None, D(2399, 12, 1), D(2399, 12, 31)),
    ("ม.ค. 2400", None, D(1857, 1, 1), D(1857, 1, 31)),
    # era markers
    ("พ.ย. พ.ศ. 2565", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พ.ย. พ.ศ.๒๕๖๕", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("พ.ย. ค.ศ. 2022", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("ธ.ค. พ.ศ. 66", None, D(2023, 12, 1), D(2023, 12, 31)),
    # open ends
    ("ตั้งแต่ ต.ค. 2565 เป็นต้นไป", None, D(2022, 10, 1), None),
    ("ตั้งแต่ ต.ค. 2565", None, D(2022, 10, 1), None),
    ("ตั้งแต่ 15 ต.ค. 2565", None, D(2022, 10, 15), None),
    ("15 ต.ค. 2565 เป็นต้นไป", None, D(2022, 10, 15), None),
    ("ภายใน 30 ก.ย. 2566", None, None, D(2023, 9, 30)),
    ("ภายใน ๑ มี.ค. ๒๕๖๖", None, None, D(2023, 3, 1)),
    # "ภายใน(เดือน) X" longer than a day is X itself
    ("ภายในเดือน มี.ค. 2566", None, D(2023, 3, 1), D(2023, 3, 31)),
    ("ภายในเดือน ธ.ค. ๒๕๖๕", None, D(2022, 12, 1), D(2022, 12, 31)),
    ("ภายใน มี.ค. 2566", None, D(2023, 3, 1), D(2023, 3, 31)),
    # ranges with words and dashes
    ("ตั้งแต่ ต.ค. 2565 ถึง มี.ค. 2566", None, D(2022, 10, 1), D(2023, 3, 31)),
    ("ตั้งแต่ 1 ต.ค. 2565 ถึง 31 มี.ค. 2566", None, D(2022, 10, 1), D(2023, 3, 31)),
    ("ตั้งแต่ ม.ค. ถึง มี.ค. 2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("ม.ค. - มี.ค. 2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("ม.ค. – มี.ค. 2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("ม.ค. — มี.ค. 2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("ม.ค.-มี.ค.2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("มกราคม – มีนาคม 2566", None, D(2023, 1, 1), D(2023, 3, 31)),
    # a start day without a month shares the end's month
    ("1 - 15 พ.ย. 2565", None, D(2022, 11, 1), D(2022, 11, 15)),
    ("๑ – ๑๕ พ.ย. ๒๕๖๕", None, D(2022, 11, 1), D(2022, 11, 15)),
    ("1-15 พ.ย. 2565", None, D(2022, 11, 1), D(2022, 11, 15)),
    # cross-year ranges: a start month after the end month is in the year before
    ("พ.ย. 2565 - ก.พ. 2566", None, D(2022, 11, 1), D(2023, 2, 28)),
    ("ธ.ค. 2566 - ก.พ. 2567", None, D(2023, 12, 1), D(2024, 2, 29)),
    ("15 ธ.ค. - 15 ม.ค. 2566", None, D(2022, 12, 15), D(2023, 1, 15)),
    ("พ.ย. - ก.พ. 2567", None, D(2023, 11, 1), D(2024, 2, 29)),
    ("ต.ค. - ธ.ค. 2565", None, D(2022, 10, 1), D(2022, 12, 31)),
    ("ต.ค. 65 - ก.ย. 66", None, D(2022, 10, 1), D(2023, 9, 30)),
    # leap years: 2567 = 2024 and 2543 = 2000 (divisible by 400) are leap, 2563 = 2020 too
    ("29 ก.พ. 2567", None, D(2024, 2, 29), D(2024, 2, 29)),
    ("29 ก.พ. 2543", None, D(2000, 2, 29), D(2000, 2, 29)),
    ("ก.พ. 2563", None, D(2020, 2, 1), D(2020, 2, 29)),
    ("ก.พ. 2566", None, D(2023, 2, 1), D(2023, 2, 28)),
    ("ก.พ. 2443", None, D(1900, 2, 1), D(1900, 2, 28)),
    # fiscal years: FY2566 = 2022-10-01 .. 2023-09-30
    ("ปีงบประมาณ 2566", None, D(2022, 10, 1), D(2023, 9, 30)),
    ("ปีงบประมาณ ๒๕๖๗", None, D(2023, 10, 1), D(2024, 9, 30)),
    ("ปีงบ 66", None, D(2022, 10, 1), D(2023, 9, 30)),
    ("ปีงบ ๖๖", None, D(2022, 10, 1), D(2023, 9, 30)),
    ("ตลอดปีงบประมาณ 2567", None, D(2023, 10, 1), D(2024, 9, 30)),
    ("ตลอดปีงบประมาณ", 2567, D(2023, 10, 1), D(2024, 9, 30)),
    ("ตลอดปีงบประมาณ", 2566, D(2022, 10, 1), D(2023, 9, 30)),
    # quarters: Q1 = Oct-Dec of the year before, Q2 Jan-Mar, Q3 Apr-Jun, Q4 Jul-Sep
    ("ไตรมาสที่ 1", 2566, D(2022, 10, 1), D(2022, 12, 31)),
    ("ไตรมาสที่ 2", 2566, D(2023, 1, 1), D(2023, 3, 31)),
    ("ไตรมาสที่ 3", 2566, D(2023, 4, 1), D(2023, 6, 30)),
    ("ไตรมาสที่ 4", 2566, D(2023, 7, 1), D(2023, 9, 30)),
    ("ไตรมาส ๓", 2566, D(2023, 4, 1), D(2023, 6, 30)),
    ("ไตรมาส 1/2567", None, D(2023, 10, 1), D(2023, 12, 31)),
    ("ไตรมาส 2/2567", None, D(2024, 1, 1), D(2024, 3, 31)),
    ("ไตรมาส 4/2567", None, D(2024, 7, 1), D(2024, 9, 30)),
    ("ไตรมาสที่ ๒/๒๕๖๗", None, D(2024, 1, 1), D(2024, 3, 31)),
    ("ไตรมาสที่ 3 ปีงบประมาณ 2567", None, D(2024, 4, 1), D(2024, 6, 30)),
    ("ไตรมาสที่ 3 ปีงบประมาณ พ.ศ. 2567", None, D(2024, 4, 1), D(2024, 6, 30)),
    # a year written in the text wins over the context
    ("ไตรมาส 1/2567", 2566, D(2023, 10, 1), D(2023, 12, 31)),
    ("พ.ย. 2565", 2570, D(2022, 11, 1), D(2022, 11, 30)),
    # half-year rounds: รอบ 6 เดือน = Oct-Mar, รอบ 12 เดือน = the whole fiscal year
    ("รอบ 6 เดือน", 2566, D(2022, 10, 1), D(2023, 3, 31)),
    ("รอบ 12 เดือน", 2566, D(2022, 10, 1), D(2023, 9, 30)),
    ("รอบ ๖ เดือน", 2567, D(2023, 10, 1), D(2024, 3, 31)),
    ("รอบ 6 เดือน ปีงบประมาณ 2567", None, D(2023, 10, 1), D(2024, 3, 31)),
    # months without a year: Oct-Dec are in the earlier CE year of the fiscal year
    ("ต.ค.", 2566, D(2022, 10, 1), D(2022, 10, 31)),
    ("ธันวาคม", 2566, D(2022, 12, 1), D(2022, 12, 31)),
    ("ม.ค.", 2566, D(2023, 1, 1), D(2023, 1, 31)),
    ("ก.ย.", 2566, D(2023, 9, 1), D(2023, 9, 30)),
    ("ก.พ.", 2567, D(2024, 2, 1), D(2024, 2, 29)),
    ("15 พ.ย.", 2566, D(2022, 11, 15), D(2022, 11, 15)),
    ("ต.ค. - มี.ค.", 2566, D(2022, 10, 1), D(2023, 3, 31)),
    ("พ.ย. เป็นต้นไป", 2566, D(2022, 11, 1), None),
    # English
    ("Nov 2022", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("November 2022", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("nov. 2022", None, D(2022, 11, 1), D(2022, 11, 30)),
    ("from Oct 2022", None, D(2022, 10, 1), None),
    ("Oct 2022 onwards", None, D(2022, 10, 1), None),
    ("by 30 Sep 2023", None, None, D(2023, 9, 30)),
    ("Jan – Mar 2023", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("Jan - Mar 2023", None, D(2023, 1, 1), D(2023, 3, 31)),
    ("Oct 2022 - Mar 2023", None, D(2022, 10, 1), D(2023, 3, 31)),
    ("from 1 Oct 2022 to 31 March 2023", None, D(2022, 10, 1), D(2023, 3, 31)),
    ("29 February 2024", None, D(2024, 2, 29), D(2024, 2, 29)),
    ("June 2023", None, D(2023, 6, 1), D(2023, 6, 30)),
]


@pytest.mark.parametrize(
    ("text", "fiscal_year", "start", "end"),
    [
        pytest.param(*case, id=f"{case[0]!r}" + (f" fy{case[1]}" if case[1] else ""))
        for case in DERIVED
    ],
)
def test_thai_and_english_periods_read_as_domain_md_says(text, fiscal_year, start, end):
    period = parse_period(text, fiscal_year)
    assert (period.start, period.end) == (start, end)
    assert period.text == text


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


# --- formatting examples --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "lang", "options", "expected"),
    [
        (Period(D(2022, 11, 1), D(2022, 11, 30)), "th", {}, "พ.ย. 2565"),
        (Period(D(2023, 1, 1), D(2023, 3, 31)), "th", {}, "ม.ค. – มี.ค. 2566"),
        (Period(D(2022, 10, 1), None), "th", {}, "ตั้งแต่ ต.ค. 2565"),
        (Period(None, D(2023, 9, 30)), "th", {}, "ภายใน 30 ก.ย. 2566"),
        (
            Period(D(2022, 11, 2), D(2022, 11, 2)),
            "th",
            {"full": True, "thai_digits": True},
            "๒ พฤศจิกายน ๒๕๖๕",
        ),
        (
            Period(D(2023, 1, 1), D(2023, 3, 31)),
            "th",
            {"thai_digits": True},
            "ม.ค. – มี.ค. ๒๕๖๖",
        ),
        (Period(D(2022, 11, 1), D(2022, 11, 30)), "en", {}, "Nov 2022"),
        (Period(D(2022, 10, 1), None), "en", {}, "from Oct 2022"),
        (Period(None, D(2023, 9, 30)), "en", {}, "by 30 Sep 2023"),
        (Period(D(2023, 1, 1), D(2023, 3, 31)), "en", {}, "Jan – Mar 2023"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_periods_are_written_the_way_thai_plans_write_them(period, lang, options, expected):
    assert format_period(period, lang, **options) == expected


# --- Period itself --------------------------------------------------------------------------


def test_a_period_with_neither_start_nor_end_is_refused():
    with pytest.raises(ValueError, match=r"start|end"):
        Period(None, None)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before"):
        Period(D(2023, 3, 31), D(2023, 1, 1))


def test_a_one_day_period_is_allowed():
    assert Period(D(2023, 1, 1), D(2023, 1, 1)).contains(D(2023, 1, 1))


def test_a_closed_period_contains_its_bounds_and_nothing_outside():
    period = Period(D(2023, 1, 1), D(2023, 3, 31))
    assert period.contains(D(2023, 1, 1))
    assert period.contains(D(2023, 2, 15))
    assert period.contains(D(2023, 3, 31))
    assert not period.contains(D(2022, 12, 31))
    assert not period.contains(D(2023, 4, 1))


def test_a_period_with_an_open_end_contains_every_day_from_its_start():
    period = Period(D(2022, 10, 1), None)
    assert not period.contains(D(2022, 9, 30))
    assert period.contains(D(2022, 10, 1))
    assert period.contains(D(2999, 12, 31))


def test_a_period_with_an_open_start_contains_every_day_up_to_its_end():
    period = Period(None, D(2023, 9, 30))
    assert period.contains(D(1900, 1, 1))
    assert period.contains(D(2023, 9, 30))
    assert not period.contains(D(2023, 10, 1))


def test_period_equality_ignores_the_text_it_was_read_from():
    assert Period(D(2022, 11, 1), D(2022, 11, 30), "พ.ย. 2565") == Period(
        D(2022, 11, 1), D(2022, 11, 30), "Nov 2022"
    )
    assert Period(D(2022, 11, 1), D(2022, 11, 30)) != Period(D(2022, 11, 1), D(2022, 11, 29))
