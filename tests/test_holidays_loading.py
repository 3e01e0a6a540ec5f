"""The Thai holidays come from the ``holidays`` package's Thailand module loaded on its own
(schedules.workdays._thailand), without the package's 250 other countries: the same days
and names as the package's own ``country_holidays("TH")``, every year a plan can span."""

from __future__ import annotations

import subprocess
import sys

import holidays
import pytest

from schedules.workdays import DEFAULT_CATEGORIES, _thailand


@pytest.mark.parametrize("language", ["th", "en_US"])
def test_the_thailand_module_alone_gives_the_packages_holidays(language: str) -> None:
    years = list(range(2015, 2036))
    alone = _thailand()(years=years, language=language, categories=DEFAULT_CATEGORIES)
    package = holidays.country_holidays(
        "TH", years=years, language=language, categories=DEFAULT_CATEGORIES
    )
    assert len(package) > 20 * len(years)  # a real calendar, not an empty one
    assert dict(alone.items()) == dict(package.items())


def test_a_working_day_question_does_not_load_the_other_countries() -> None:
    probe = (
        "import sys, datetime; from schedules.workdays import ThaiCalendar; "
        "print(ThaiCalendar().holiday(datetime.date(2023, 8, 1)), "
        "'holidays.countries' in sys.modules)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()
    assert shown == ["วันอาสาฬหบูชา", "False"]
