"""Who a message goes to: a unit's contacts of a role, a series' report recipients, and the
file each falls back to (named after what the message is about; tracker.followup.delivery
holds the rule); and what a unit message carries besides its words: the link to the unit's
page (:func:`unit_link`) and the headers (:func:`unit_headers`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.followup.delivery import Destination, destinations
from tracker.followup.jobs.base import Options
from tracker.followup.ledger import Envelope
from tracker.models import MeetingSeries, Unit
from tracker.notify import Attachment
from tracker.notify.line import TASKS_HEADER
from tracker.services import access

# The channels that carry a message's files (a report's PDF); LINE and webhooks get the text.
FILE_CARRYING_CHANNELS = frozenset({"email", "file"})
LINK_HEADER = "Link"  # the unit's page: LINE puts it in the note of a text it had to cut

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


def unit_link(recorder: Recorder, unit: Unit) -> str | None:
    """The address of ``unit``'s page for its messages of this sweep, or None when messages
    carry no link (TRACKER_PUBLIC_URL not set).

    The unit's current link (a new one when it has none usable), renewed: it stays valid
    TRACKER_LINK_DAYS after this sweep (tracker.services.access.current_unit_link). Asked
    once per unit per sweep, so a unit's messages of one round carry the same link, and its
    row is written in the sweep's transaction: a dry run keeps nothing of it.
    """
    links = recorder.options.links
    if links is None:
        return None
    if unit.id not in recorder.links:
        _row, secret = access.current_unit_link(
            recorder.session, links.key, unit, recorder.now, days=links.days
        )
        address = links.address(access.unit_link_path(secret))
        assert address is not None  # UnitLinks are made only with TRACKER_PUBLIC_URL set
        recorder.links[unit.id] = address
    return recorder.links[unit.id]


def unit_headers(task_ids: Sequence[int], link: str | None) -> dict[str, str]:
    """The headers of a unit message: ``X-Tracker-Tasks`` lists the ids of the tasks it is
    about, in its order ("12,15,18": LINE gives each a card with buttons), and ``Link`` the
    unit's page when it carries one."""
    headers = {}
    if task_ids:
        headers[TASKS_HEADER] = ",".join(str(task_id) for task_id in dict.fromkeys(task_ids))
    if link is not None:
        headers[LINK_HEADER] = f'<{link}>; rel="alternate"'
    return headers


def to_unit(
    recorder: Recorder,
    unit: Unit,
    *,
    role: str,
    kind: str,
    occurrence: str,
    message: Message,
    tasks: Sequence[int],
    link: str | None,
    due: datetime,
    missed: bool,
    fallback: str,
) -> None:
    """Record one message of ``kind`` to each of a unit's destinations of ``role``:
    ``occurrence`` is what it is about, unique for its kind; ``tasks`` the ids of the tasks
    it lists and ``link`` the unit's page it carries (:func:`unit_link`), for its headers."""
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
        headers=unit_headers(tasks, link),
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
    attachments: tuple[Attachment, ...] = (),
) -> None:
    """Record one message of ``kind`` to each of a series' report recipients (the file
    ``fallback`` when it has none), carrying ``attachments`` on the channels that can."""
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
        headers={},
        attachments=attachments,
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
    headers: Mapping[str, str],
    attachments: tuple[Attachment, ...] = (),
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
            headers=headers,
            attachments=attachments if channel in FILE_CARRYING_CHANNELS else (),
        )
        recorder.add(envelope, missed=missed, who=who)
