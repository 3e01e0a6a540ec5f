"""The Thai fiscal year: 1 October to 30 September, named by the BE year in which it ends."""

from __future__ import annotations

from datetime import date

from schedules.thai import BE_OFFSET


def fiscal_year_of(day: date) -> int:
    """The BE fiscal year containing ``day``: 2022-10-01 and 2023-09-30 are both in 2566."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year: 2566 -> (2022-10-01, 2023-09-30)."""
    end_ce = fiscal_year - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)
