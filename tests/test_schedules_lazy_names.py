"""schedules' public names load their module when first used, so a part of the library (the
models use schedules.meetings) does not pay for the rest at every command's start-up."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import schedules


def test_every_public_name_is_the_object_of_its_module() -> None:
    assert sorted(schedules.__all__) == sorted(schedules._HOMES)
    for name, home in schedules._HOMES.items():
        assert getattr(schedules, name) is getattr(importlib.import_module(home), name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'parse_periods'"):
        schedules.parse_periods  # noqa: B018 - the lookup is the test


def test_the_models_load_only_the_calendar_parts_they_use() -> None:
    """Not the period reader nor the meeting-phrase reader: their patterns cost start-up."""
    probe = (
        "import sys, tracker.models; "
        "print(sorted(m for m in sys.modules if m.startswith('schedules.')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert shown.strip() == str(
        ["schedules.expansion", "schedules.meetings", "schedules.rrules", "schedules.workdays"]
    )
