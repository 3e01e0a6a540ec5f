"""Reading Thai and English periods with `schedules.parse_period`: month names in all their
spellings, digits, years, era markers, open ends, ranges, fiscal years, quarters and rounds.

Expected values come from ../shared/design/domain.md §3 and the docstring of
schedules/periods.py, and from calendar reasoning written next to each case (BE year = CE
year + 543; fiscal year N runs from 1 Oct of CE N-544 to 30 Sep of CE N-543). None of them were
copied from the program's output.
"""

from __future__ import annotations

import pytest
from periods_support import D
from thai_words import THAI_ABBREVIATED_MONTHS, THAI_FULL_MONTHS

from schedules import parse_period

# --- readable cases, derived from domain.md §3 and the periods.py docstring -----------------


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
