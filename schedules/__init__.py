"""Thai time: periods, fiscal years, meeting rules, holidays, meeting calendars, ICS feeds.

A pure library: no database, no imports from ``tracker`` or ``flows``.
"""

from schedules.fiscal import (
    fiscal_quarter_bounds,
    fiscal_quarter_of,
    fiscal_year_bounds,
    fiscal_year_of,
)
from schedules.instants import InstantError, parse_instant
from schedules.periods import Period, PeriodError, find_periods, format_period, parse_period
from schedules.recurrence import (
    DEFAULT_ZONE,
    describe_recurrence,
    find_recurrence,
    occurrences,
    parse_recurrence,
)
from schedules.rrules import RecurrenceError, check_rrule
from schedules.thai import (
    be_year,
    format_date,
    format_month,
    format_span,
    to_arabic_digits,
    to_thai_digits,
)

__all__ = [
    "DEFAULT_ZONE",
    "InstantError",
    "Period",
    "PeriodError",
    "RecurrenceError",
    "be_year",
    "check_rrule",
    "describe_recurrence",
    "find_periods",
    "find_recurrence",
    "fiscal_quarter_bounds",
    "fiscal_quarter_of",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_date",
    "format_month",
    "format_period",
    "format_span",
    "occurrences",
    "parse_instant",
    "parse_period",
    "parse_recurrence",
    "to_arabic_digits",
    "to_thai_digits",
]
