"""Thai public holidays (from the ``holidays`` package) and working-day arithmetic.

Names come in the language asked for, Thai by default: without ``language`` the package
follows the machine's locale, which on a server is rarely Thai. Weekends (Saturday, Sunday)
and holidays are not working days.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_CATEGORIES = ("public",)
_MAX_SEARCH_DAYS = 366  # no run of non-working days is longer than a year


@cache
def _thai_holidays(year: int, language: str, categories: tuple[str, ...]) -> dict[date, str]:
    calendar = _thailand()(years=year, language=language, categories=categories)
    return dict(calendar.items())


@cache
def _thailand() -> Any:
    """The ``holidays`` package's Thailand calendar class.

    ``holidays.country_holidays("TH")`` imports ``holidays.countries``, which imports all
    250 countries' modules to find one: about 0.1 s of CPU in every command that shows a
    meeting (an import, a simulation, the web app's first page). The Thailand module needs
    none of them, so it is loaded from its own file; if the package's layout ever changes,
    the package's own way is used (tests/test_holidays_loading.py checks both agree).
    """
    import holidays

    path = Path(holidays.__file__).parent / "countries" / "thailand.py"
    spec = importlib.util.spec_from_file_location("schedules._holidays_thailand", path)
    try:
        if spec is None or spec.loader is None:
            raise ImportError(path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Thailand
    except (ImportError, OSError, AttributeError):
        return holidays.country_holidays("TH").__class__


class ThaiCalendar:
    """Which days are Thai public holidays, with their names, and which are working days.

    ``extra`` adds days off the package does not know (a province's own day, a special day
    off announced late); ``language`` is "th" (default) or "en_US".
    """

    def __init__(
        self,
        *,
        language: str = "th",
        categories: Iterable[str] = DEFAULT_CATEGORIES,
        extra: Mapping[date, str] | None = None,
    ) -> None:
        self.language = language
        self.categories = tuple(categories)
        self.extra = dict(extra or {})

    def holiday(self, day: date) -> str | None:
        """The holiday's name, or None on an ordinary day (weekends are not holidays)."""
        if day in self.extra:
            return self.extra[day]
        return _thai_holidays(day.year, self.language, self.categories).get(day)

    def holidays_between(self, start: date, end: date) -> dict[date, str]:
        """Every holiday from ``start`` to ``end`` (both included), by date."""
        found = {}
        for year in range(start.year, end.year + 1):
            found.update(_thai_holidays(year, self.language, self.categories))
        found.update(self.extra)
        return {day: name for day, name in sorted(found.items()) if start <= day <= end}

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: date, count: int) -> date:
        """Move ``count`` working days from ``day`` (negative: back). ``count=0`` is ``day``.

        "2 working days before Wednesday 2 Aug 2023" is add_working_days(that day, -2):
        1 August (Asalha Bucha), 31 July (a special day off), the weekend and 28 July (the
        King's birthday) are not working days, so it is Wednesday 26 July.
        """
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        current = day
        searched = 0
        while remaining:
            current += step
            searched += 1
            if searched > _MAX_SEARCH_DAYS * max(1, abs(count)):
                raise ValueError(f"no working day found near {day}")
            if self.is_working_day(current):
                remaining -= 1
        return current
