"""Thai time: periods, fiscal years, meeting rules, holidays, meeting calendars, ICS feeds.

A pure library: no database, no imports from ``tracker`` or ``flows``.

Each name below is imported from its module when first used (PEP 562): importing one part,
``schedules.meetings`` for the models, say, does not compile the period reader's patterns,
which every command would otherwise pay for at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schedules.expansion import DEFAULT_ZONE, occurrences
    from schedules.fiscal import (
        fiscal_quarter_bounds,
        fiscal_quarter_of,
        fiscal_year_bounds,
        fiscal_year_of,
    )
    from schedules.instants import InstantError, parse_instant
    from schedules.periods import Period, PeriodError, find_periods, format_period, parse_period
    from schedules.recurrence import describe_recurrence, find_recurrence, parse_recurrence
    from schedules.rrules import RecurrenceError, check_rrule
    from schedules.thai import (
        be_year,
        format_date,
        format_month,
        format_span,
        to_arabic_digits,
        to_thai_digits,
    )

# Where each public name lives.
_HOMES = {
    "DEFAULT_ZONE": "schedules.expansion",
    "InstantError": "schedules.instants",
    "Period": "schedules.periods",
    "PeriodError": "schedules.periods",
    "RecurrenceError": "schedules.rrules",
    "be_year": "schedules.thai",
    "check_rrule": "schedules.rrules",
    "describe_recurrence": "schedules.recurrence",
    "find_periods": "schedules.periods",
    "find_recurrence": "schedules.recurrence",
    "fiscal_quarter_bounds": "schedules.fiscal",
    "fiscal_quarter_of": "schedules.fiscal",
    "fiscal_year_bounds": "schedules.fiscal",
    "fiscal_year_of": "schedules.fiscal",
    "format_date": "schedules.thai",
    "format_month": "schedules.thai",
    "format_period": "schedules.periods",
    "format_span": "schedules.thai",
    "occurrences": "schedules.expansion",
    "parse_instant": "schedules.instants",
    "parse_period": "schedules.periods",
    "parse_recurrence": "schedules.recurrence",
    "to_arabic_digits": "schedules.thai",
    "to_thai_digits": "schedules.thai",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'schedules' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found once; later uses are a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
