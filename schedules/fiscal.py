"""The Thai fiscal year: 1 October to 30 September, named by the BE year in which it ends."""

from __future__ import annotations

import calendar
from datetime import date

from schedules.thai import BE_OFFSET


def fiscal_year_of(day: date) -> int:
    """The BE fiscal year containing ``day``: 2022-10-01 and 2023-09-30 are both in 2566."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year: 2566 -> (2022-10-01, 2023-09-30)."""
    end_ce = fiscal_year - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_quarter_bounds(fiscal_year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter of a BE fiscal year: Q1 is Oct-Dec of the year before.

    2566 Q1 -> (2022-10-01, 2022-12-31); 2566 Q2 -> (2023-01-01, 2023-03-31).
    """
    if not 1 <= quarter <= 4:
        raise ValueError(f"a fiscal quarter is 1 to 4, not {quarter}")
    first, _ = fiscal_year_bounds(fiscal_year)
    month_index = 9 + 3 * (quarter - 1)  # 0-based months counted from January of first.year
    start = date(first.year + month_index // 12, month_index % 12 + 1, 1)
    end_index = month_index + 2
    end_year, end_month = first.year + end_index // 12, end_index % 12 + 1
    return start, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def fiscal_quarter_of(day: date) -> int:
    """The quarter (1-4) of the fiscal year that ``day`` falls in."""
    return (day.month - 10) % 12 // 3 + 1
