"""Thai time: periods, fiscal years, meeting rules and calendars.

A pure library: no database, no imports from ``tracker`` or ``flows``.
"""

from schedules.fiscal import fiscal_year_bounds, fiscal_year_of
from schedules.recurrence import RecurrenceError, occurrences
from schedules.thai import (
    be_year,
    format_date,
    format_month,
    format_period,
    to_arabic_digits,
    to_thai_digits,
)

__all__ = [
    "RecurrenceError",
    "be_year",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_date",
    "format_month",
    "format_period",
    "occurrences",
    "to_arabic_digits",
    "to_thai_digits",
]
