"""Writing Thai periods with `schedules.format_period`, and the `schedules.Period` value itself
(its bounds, what it contains, its equality).

Expected texts follow ../shared/design/domain.md §3 and the docstring of schedules/periods.py
(BE year = CE year + 543); none of them were copied from the program's output.
"""

from __future__ import annotations

import pytest
from periods_support import D

from schedules import Period, format_period

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
