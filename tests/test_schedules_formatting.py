"""The parts of the `schedules` library the foundation uses: Thai formatting, fiscal years,
expanding a meeting rule. Expected values come from ../shared/design/domain.md and the
vectors in ../shared/vectors, not from this code."""

from __future__ import annotations

import json
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from conftest import SHARED

from schedules import (
    be_year,
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    format_span,
    occurrences,
    to_arabic_digits,
    to_thai_digits,
)
from schedules.recurrence import RecurrenceError


def test_thai_and_arabic_digits_convert_both_ways():
    assert to_arabic_digits("พ.ย.๒๕๖๕") == "พ.ย.2565"
    assert to_thai_digits("2 พ.ย. 2565") == "๒ พ.ย. ๒๕๖๕"


def test_the_buddhist_era_year_is_the_common_era_year_plus_543():
    assert be_year(date(2022, 11, 2)) == 2565


@pytest.mark.parametrize(
    ("day", "lang", "kwargs", "expected"),
    [
        (date(2022, 11, 2), "th", {}, "2 พ.ย. 2565"),
        (date(2022, 11, 2), "th", {"full": True, "thai_digits": True}, "๒ พฤศจิกายน ๒๕๖๕"),
        (date(2022, 11, 2), "en", {}, "2 Nov 2022"),
        (date(2024, 2, 29), "en", {"full": True}, "29 February 2024"),
    ],
)
def test_dates_are_written_the_thai_or_english_way(day, lang, kwargs, expected):
    assert format_date(day, lang, **kwargs) == expected


@pytest.mark.parametrize(
    ("start", "end", "lang", "expected"),
    [
        (date(2022, 11, 1), date(2022, 11, 30), "th", "พ.ย. 2565"),
        (date(2023, 1, 1), date(2023, 3, 31), "th", "ม.ค. – มี.ค. 2566"),
        (date(2022, 10, 1), date(2023, 3, 31), "th", "ต.ค. 2565 – มี.ค. 2566"),
        (date(2022, 10, 1), None, "th", "ตั้งแต่ ต.ค. 2565"),
        (date(2022, 10, 15), None, "th", "ตั้งแต่ 15 ต.ค. 2565"),
        (None, date(2023, 9, 30), "th", "ภายใน 30 ก.ย. 2566"),
        (date(2022, 11, 15), date(2022, 11, 15), "th", "15 พ.ย. 2565"),
        (date(2022, 11, 15), date(2022, 12, 20), "th", "15 พ.ย. 2565 – 20 ธ.ค. 2565"),
        (None, None, "th", "ไม่ระบุ"),
        (date(2023, 1, 1), date(2023, 3, 31), "en", "Jan – Mar 2023"),
        (date(2022, 10, 1), None, "en", "from Oct 2022"),
        (None, date(2023, 9, 30), "en", "by 30 Sep 2023"),
    ],
)
def test_spans_are_written_as_a_thai_plan_writes_them(start, end, lang, expected):
    assert format_span(start, end, lang) == expected


def test_a_period_can_be_written_with_thai_digits():
    assert format_span(date(2023, 1, 1), date(2023, 3, 31), thai_digits=True) == (
        "ม.ค. – มี.ค. ๒๕๖๖"
    )


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2022, 9, 30), 2565),
        (date(2022, 10, 1), 2566),
        (date(2022, 12, 31), 2566),
        (date(2023, 1, 1), 2566),
        (date(2023, 9, 30), 2566),
    ],
)
def test_the_fiscal_year_starts_on_the_first_of_october(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_2566_runs_from_october_2022_to_september_2023():
    assert fiscal_year_bounds(2566) == (date(2022, 10, 1), date(2023, 9, 30))


def _seed_expected() -> dict:
    return json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))


def test_the_seed_series_has_the_28_expected_meetings_in_fiscal_year_2566():
    expected = _seed_expected()["meetings_fy2566"]
    start, end = fiscal_year_bounds(2566)
    found = occurrences("FREQ=MONTHLY;BYDAY=1WE,3WE,5WE", start, end)
    assert [moment.date().isoformat() for moment in found] == expected
    assert len(found) == 28


def test_occurrences_are_at_the_series_time_in_its_timezone():
    found = occurrences(
        "FREQ=MONTHLY;BYDAY=1WE", date(2022, 11, 1), date(2022, 11, 30), at=time(9, 30)
    )
    assert [m.isoformat() for m in found] == ["2022-11-02T09:30:00+07:00"]
    assert found[0].tzinfo == ZoneInfo("Asia/Bangkok")


def test_a_dst_change_does_not_move_the_local_meeting_time():
    # Europe/London leaves summer time on 2023-10-29 (a Sunday): both Mondays meet at 10:00
    # local time, so their UTC offsets differ by one hour.
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=MO",
        date(2023, 10, 23),
        date(2023, 10, 30),
        timezone="Europe/London",
        at=time(10, 0),
    )
    assert [m.isoformat() for m in found] == [
        "2023-10-23T10:00:00+01:00",
        "2023-10-30T10:00:00+00:00",
    ]


def test_an_unreadable_rule_is_an_error_quoting_it():
    with pytest.raises(RecurrenceError, match="FREQ=SOMETIMES"):
        occurrences("FREQ=SOMETIMES", date(2022, 1, 1), date(2022, 2, 1))
