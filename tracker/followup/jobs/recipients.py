"""Who a message goes to, on which channel and address, and the file it falls back to.

Nothing is ever dropped: a unit (or a series) with no contact gets its message as a file in
the outbox folder, under a path that names what it is about; so does everyone when the run
delivers to files only (simulations, demos). A ``file`` contact names a folder: each message
gets its own file inside it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.followup.jobs.base import Options
from tracker.followup.ledger import Envelope
from tracker.models import MeetingSeries, Unit

if TYPE_CHECKING:
    from tracker.followup.jobs.sweep import Recorder

Destination = tuple[str, str]  # (channel, address)


def unit_destinations(unit: Unit, role: str, fallback: str, options: Options) -> list[Destination]:
    """A unit's contacts of ``role`` (a head falls back to the unit's own contacts), or the
    file ``fallback`` when it has none."""
    contacts = [c for c in unit.contacts if c.role == role]
    if not contacts and role == "head":
        contacts = [c for c in unit.contacts if c.role == "unit"]
    return _or_file([(c.channel, c.address) for c in contacts], fallback, options)


def series_destinations(
    series: MeetingSeries, fallback: str, options: Options
) -> list[Destination]:
    """A series' report recipients, or the file ``fallback`` when it has none."""
    return _or_file([(r.channel, r.address) for r in series.recipients], fallback, options)


def _or_file(pairs: list[Destination], fallback: str, options: Options) -> list[Destination]:
    if options.force_file or not pairs:
        return [("file", fallback)]
    return [_file_in_folder(channel, address, fallback) for channel, address in pairs]


def _file_in_folder(channel: str, address: str, message_path: str) -> Destination:
    """A file contact names a folder: the message is a file inside it."""
    if channel == "file":
        return channel, f"{address.rstrip('/')}/{message_path}"
    return channel, address


def slug(text: str) -> str:
    """A file-name-safe form of a Thai or English name (at most 60 characters)."""
    return re.sub(r"[^\w\u0e00-\u0e7f]+", "-", text).strip("-")[:60]


def to_unit(
    recorder: Recorder,
    unit: Unit,
    *,
    role: str,
    kind: str,
    occurrence: str,
    message: tuple[str, str, str | None],
    due: datetime,
    missed: bool,
    fallback: str,
) -> None:
    """Record one (subject, text, html) message of ``kind`` to each of a unit's destinations
    of ``role``: ``occurrence`` is what it is about, unique for its kind."""
    subject, text, html = message
    for channel, address in unit_destinations(unit, role, fallback, recorder.options):
        envelope = Envelope(
            job=kind,
            occurrence=occurrence,
            recipient=address,
            channel=channel,
            subject=subject,
            text=text,
            html=html,
            due_at=due,
            organization_id=unit.organization_id,
            unit_id=unit.id,
        )
        recorder.add(envelope, missed=missed, who=unit.name)
