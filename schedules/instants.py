"""Instants people type: ISO date and time, with an offset or in a zone given as the default.

One reader for every way in (the CLI's ``--now``, a flow's ``now`` parameter, `tracker
deploy --now`), so they agree on what a time without an offset means: nothing, unless the
caller says which zone it is in.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BE_YEARS_FROM = 2400  # a four-digit year from here on is Buddhist-era, not CE


class InstantError(ValueError):
    """Text that is not an instant; the message quotes it and says what to write."""


def parse_instant(text: str, *, default_zone: str | None = None) -> datetime:
    """An aware datetime from ISO text ("2023-07-31T09:00+07:00"); text without an offset is
    local time in ``default_zone``, and refused when there is none."""
    shown = text.strip()[:40]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InstantError(
            f"{shown!r} is not an ISO date and time: write 2023-07-31T09:00+07:00"
        ) from None
    if moment.year >= BE_YEARS_FROM:
        raise InstantError(f"{shown!r} has a Buddhist-era year: ISO dates and times are CE")
    if moment.tzinfo is not None:
        return moment
    if default_zone is None:
        raise InstantError(f"{shown!r} needs an offset, e.g. 2026-12-14T09:00:00+07:00")
    return moment.replace(tzinfo=ZoneInfo(default_zone))
