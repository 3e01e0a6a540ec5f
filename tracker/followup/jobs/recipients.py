"""Who a message goes to: a unit's contacts of a role, a series' report recipients, and the
file each falls back to (named after what the message is about; tracker.followup.delivery
holds the rule)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.followup.delivery import Destination, destinations
from tracker.followup.jobs.base import Options
from tracker.followup.ledger import Envelope
from tracker.models import MeetingSeries, Unit

if TYPE_CHECKING:
    from tracker.followup.jobs.sweep import Recorder


def unit_destinations(unit: Unit, role: str, fallback: str, options: Options) -> list[Destination]:
    """A unit's contacts of ``role`` (a head falls back to the unit's own contacts), or the
    file ``fallback`` when it has none."""
    pairs = [(c.channel, c.address) for c in unit.contacts_of(role)]
    return destinations(pairs, fallback, force_file=options.force_file)


def series_destinations(
    series: MeetingSeries, fallback: str, options: Options
) -> list[Destination]:
    """A series' report recipients, or the file ``fallback`` when it has none."""
    pairs = [(r.channel, r.address) for r in series.recipients]
    return destinations(pairs, fallback, force_file=options.force_file)


def slug(text: str) -> str:
    """A file-name-safe form of a Thai or English name (at most 60 characters)."""
    return re.sub(r"[^\w\u0e00-\u0e7f]+", "-", text).strip("-")[:60]


Message = tuple[str, str, str | None]  # (subject, text, html)


def to_unit(
    recorder: Recorder,
    unit: Unit,
    *,
    role: str,
    kind: str,
    occurrence: str,
    message: Message,
    due: datetime,
    missed: bool,
    fallback: str,
) -> None:
    """Record one message of ``kind`` to each of a unit's destinations of ``role``:
    ``occurrence`` is what it is about, unique for its kind."""
    _record_to_each(
        recorder,
        unit_destinations(unit, role, fallback, recorder.options),
        kind=kind,
        occurrence=occurrence,
        message=message,
        due=due,
        missed=missed,
        who=unit.name,
        organization_id=unit.organization_id,
        unit_id=unit.id,
        role=role,
    )


def to_series(
    recorder: Recorder,
    series: MeetingSeries,
    *,
    kind: str,
    occurrence: str,
    message: Message,
    due: datetime,
    missed: bool,
    fallback: str,
) -> None:
    """Record one message of ``kind`` to each of a series' report recipients (the file
    ``fallback`` when it has none)."""
    _record_to_each(
        recorder,
        series_destinations(series, fallback, recorder.options),
        kind=kind,
        occurrence=occurrence,
        message=message,
        due=due,
        missed=missed,
        who=series.name,
        organization_id=series.organization_id,
        unit_id=None,
        role=None,
    )


def _record_to_each(
    recorder: Recorder,
    to: list[Destination],
    *,
    kind: str,
    occurrence: str,
    message: Message,
    due: datetime,
    missed: bool,
    who: str,
    organization_id: int,
    unit_id: int | None,
    role: str | None,
) -> None:
    subject, text, html = message
    for channel, address in to:
        envelope = Envelope(
            job=kind,
            occurrence=occurrence,
            recipient=address,
            channel=channel,
            subject=subject,
            text=text,
            html=html,
            due_at=due,
            organization_id=organization_id,
            unit_id=unit_id,
            role=role,
        )
        recorder.add(envelope, missed=missed, who=who)
