"""Meeting series as the secretariat sets them up: follow-up timing and report recipients.

A change to what a series' follow-up moments depend on (timing, holiday policy) asks the
planner to plan the series again (``MeetingSeries.replan``); nothing else resets the
planner's cached columns.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy.orm import Session

from tracker.errors import InvalidInput
from tracker.models import HolidayPolicy, MeetingSeries, SeriesRecipient

MAX_LEAD_DAYS = 20  # working days before a meeting a reminder or report may go out


def set_timing(
    series: MeetingSeries,
    *,
    reminder_days: int | None = None,
    reminder_time: time | None = None,
    report_days: int | None = None,
    report_time: time | None = None,
    holiday_policy: str | None = None,
) -> None:
    """Change what is given (None leaves it) and have the series planned again."""
    for name, days in (("reminder days", reminder_days), ("report days", report_days)):
        if days is not None and not 0 <= days <= MAX_LEAD_DAYS:
            raise InvalidInput(f"{name} must be 0 to {MAX_LEAD_DAYS} working days, not {days}")
    changes = {
        "reminder_days": reminder_days,
        "reminder_time": reminder_time,
        "report_days": report_days,
        "report_time": report_time,
        "holiday_policy": _policy(holiday_policy),
    }
    for field, value in changes.items():
        if value is not None:
            setattr(series, field, value)
    series.replan()


def _policy(text: str | None) -> HolidayPolicy | None:
    if text is None:
        return None
    try:
        return HolidayPolicy(text)
    except ValueError:
        known = ", ".join(p.value for p in HolidayPolicy)
        raise InvalidInput(f"holiday policy {text!r} is not one of {known}") from None


def add_recipient(
    session: Session, series: MeetingSeries, channel: str, address: str, *, name: str | None = None
) -> SeriesRecipient:
    """Send the series' progress report to ``address`` too (once, however often asked)."""
    from tracker.services.units import checked_address

    address = checked_address(channel, address)
    for recipient in series.recipients:
        if (recipient.channel, recipient.address) == (channel, address):
            return recipient
    recipient = SeriesRecipient(channel=channel, address=address, name=name)
    series.recipients.append(recipient)
    session.flush()
    return recipient


def remove_recipient(session: Session, series: MeetingSeries, channel: str, address: str) -> bool:
    """Stop sending the report to ``address``; False when it was not a recipient."""
    found = [r for r in series.recipients if (r.channel, r.address) == (channel, address.strip())]
    for recipient in found:
        series.recipients.remove(recipient)
    session.flush()
    return bool(found)
