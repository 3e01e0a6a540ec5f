"""ICS feeds behind secret addresses: a series' meetings, or a unit's open deadlines with the
meetings that follow them up, for a calendar (Outlook, Google, a phone) to subscribe to.

A feed's address is its key: an AccessToken of kind FEED (role viewer) scoped to its
organization and to one series or one unit, made once and reused until it is revoked. Only
its hash is stored, so its secret is derived from the server's key and the row
(:func:`feed_token_secret`), as a unit link's is: the same address can be shown again, and
revoking makes the next one a new address. Nothing else lets anyone read a feed, so a
revoked or unknown secret is NotFound, never a hint of what it was.

A series feed is the CLI's (`tracker meetings --series NAME --ics`): the same meetings and the
same event UIDs, so a calendar that imported one and subscribes to the other sees one event
per meeting. A unit feed adds each open task's last day as an all-day event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from schedules.ics import UID_DOMAIN, meetings_to_ics
from schedules.meetings import MeetingDay
from schedules.workdays import ThaiCalendar
from tracker.errors import InvalidInput, NotFound
from tracker.i18n import TASK_STATUS, label, t
from tracker.models import (
    OPEN_STATUSES,
    AccessToken,
    MeetingSeries,
    Organization,
    Role,
    Task,
    TokenKind,
    Unit,
)
from tracker.services import access
from tracker.services.meetings import series_meetings
from tracker.services.tasks import TaskQuery, list_tasks

if TYPE_CHECKING:
    import icalendar

# What a feed covers, around the day it is read: the last quarter's meetings (a calendar
# keeps what it showed) and a little over a year ahead.
FEED_PAST = timedelta(days=92)
FEED_AHEAD = timedelta(days=400)
UNIT_PRODUCT_ID = "-//ITA Tracker//Unit calendar//TH"


# ---------------------------------------------------------------- the secret address


def feed_token_secret(key: bytes, token: AccessToken) -> str:
    """The secret of a feed's address: derived from the server's key, the token's kind and
    its id, so it can be shown again while only its hash is stored."""
    mac = hmac.new(key, f"{token.kind.value}:{token.id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def feed_path(secret: str) -> str:
    """The path of a feed (the web app's ``/feeds/{secret}.ics``)."""
    return f"/feeds/{secret}.ics"


def feed_secret(
    session: Session,
    key: bytes,
    organization: Organization,
    *,
    series: MeetingSeries | None = None,
    unit: Unit | None = None,
    now: datetime,
) -> str:
    """The secret of the feed of ``series`` or of ``unit`` (exactly one), both of
    ``organization``: its current token's, else a new token's (made now, no expiry)."""
    series_id, unit_id, name = _scope(organization, series, unit)
    token = session.scalar(
        _feed_tokens(organization, series_id, unit_id).order_by(AccessToken.id.desc()).limit(1)
    )
    if token is None:
        token = AccessToken(
            kind=TokenKind.FEED,
            token_hash=access.digest(access.new_secret()),  # replaced below, once the id is known
            organization_id=organization.id,
            role=Role.VIEWER,
            unit_id=unit_id,
            series_id=series_id,
            label=name,
            created_at=now,
        )
        session.add(token)
        session.flush()
        token.token_hash = access.digest(feed_token_secret(key, token))
        session.flush()
    return feed_token_secret(key, token)


def revoke_feeds(
    session: Session,
    organization: Organization,
    *,
    series: MeetingSeries | None = None,
    unit: Unit | None = None,
    now: datetime,
) -> int:
    """Revoke the feed of ``series`` or of ``unit``: its address answers 404 from now on, and
    the next :func:`feed_secret` makes a new one. Returns how many tokens it revoked."""
    series_id, unit_id, _name = _scope(organization, series, unit)
    tokens = list(session.scalars(_feed_tokens(organization, series_id, unit_id)))
    for token in tokens:
        token.revoked_at = now
    session.flush()
    return len(tokens)


def _scope(
    organization: Organization, series: MeetingSeries | None, unit: Unit | None
) -> tuple[int | None, int | None, str]:
    """(series id, unit id, its name) of a feed: of exactly one series or one unit (not the
    every-unit group: each unit's feed lists the group's tasks), of ``organization``."""
    if series is not None and unit is None:
        owner: MeetingSeries | Unit = series
    elif unit is not None and series is None:
        if unit.all_units:
            raise InvalidInput(
                f"{unit.name!r} is the every-unit group: each unit's own feed lists its tasks"
            )
        owner = unit
    else:
        raise InvalidInput("a feed is of one meeting series or of one unit")
    if owner.organization_id != organization.id:
        raise InvalidInput(f"{owner.name!r} is not of {organization.name!r}")
    return (series.id if series else None), (unit.id if unit else None), owner.name


def _feed_tokens(
    organization: Organization, series_id: int | None, unit_id: int | None
) -> Select[AccessToken]:
    """The unrevoked feed tokens of one scope (a feed never expires). ``is_not_distinct_from``:
    a None scope matches NULL, as ``==`` would not."""
    return select(AccessToken).where(
        AccessToken.kind == TokenKind.FEED,
        AccessToken.organization_id == organization.id,
        AccessToken.series_id.is_not_distinct_from(series_id),
        AccessToken.unit_id.is_not_distinct_from(unit_id),
        AccessToken.revoked_at.is_(None),
    )


# ---------------------------------------------------------------- the calendars


def series_key(organization: Organization, series: MeetingSeries) -> str:
    """What identifies a series across exports, its events' UIDs made from it (as
    `tracker meetings --ics` makes them)."""
    return f"{organization.key}/{series.name}"


def series_calendar(
    organization: Organization,
    series: MeetingSeries,
    start: date,
    end: date,
    *,
    stamp: datetime,
    calendar: ThaiCalendar | None = None,
) -> bytes:
    """The iCalendar of ``series``' meetings from ``start`` to ``end`` (cancelled ones with
    STATUS:CANCELLED); ``stamp`` is every event's DTSTAMP."""
    meetings = series_meetings(series, start, end, calendar=calendar)
    return meetings_to_ics(
        meetings,
        series_name=series.name,
        series_key=series_key(organization, series),
        stamp=stamp,
        place=series.place,
    )


def unit_calendar(
    session: Session,
    organization: Organization,
    unit: Unit,
    start: date,
    end: date,
    *,
    today: date,
    stamp: datetime,
    lang: str,
    calendar: ThaiCalendar | None = None,
) -> bytes:
    """The iCalendar of ``unit``: the last day of each of its open tasks (its own and the
    every-unit group's) as an all-day event, and the meetings from ``start`` to ``end`` of
    the series that follow those tasks up, each event as the series' own feed has it."""
    import icalendar

    open_tasks = [
        task
        for task in list_tasks(session, TaskQuery(as_of=today, unit=unit))
        if task.status in OPEN_STATUSES
    ]
    merged = icalendar.Calendar()
    merged.add("prodid", UNIT_PRODUCT_ID)
    merged.add("version", "2.0")
    merged.add("calscale", "GREGORIAN")
    merged.add("x-wr-calname", t(lang, f"{unit.name}: งานและการประชุม", f"{unit.name}: work"))
    followed = {task.series.id: task.series for task in open_tasks if task.series is not None}
    days: list[date] = []
    for series in sorted(followed.values(), key=lambda s: s.id):
        meetings = series_meetings(series, start, end, calendar=calendar)
        days += [m.date for m in meetings]
        for event in _events(organization, series, meetings, stamp):
            merged.add_component(event)
    for task in open_tasks:
        if task.end_date is not None:
            merged.add_component(_deadline(organization, task, stamp, lang))
    if days:
        merged.add_missing_timezones(first_date=min(days), last_date=max(days) + timedelta(1))
    ical: bytes = merged.to_ical()
    return ical


def _events(
    organization: Organization,
    series: MeetingSeries,
    meetings: list[MeetingDay],
    stamp: datetime,
) -> Iterable[icalendar.Event]:
    """The VEVENTs of ``meetings`` exactly as the series' feed writes them (read back from
    it, so the two can never differ)."""
    import icalendar

    ical = meetings_to_ics(
        meetings,
        series_name=series.name,
        series_key=series_key(organization, series),
        stamp=stamp,
        place=series.place,
    )
    events = icalendar.Calendar.from_ical(ical).walk("VEVENT")
    return [event for event in events if isinstance(event, icalendar.Event)]


def _deadline(
    organization: Organization, task: Task, stamp: datetime, lang: str
) -> icalendar.Event:
    """A task's last day as an all-day event that does not block the day (TRANSPARENT)."""
    import icalendar

    assert task.end_date is not None
    ref = f"#{task.id} ({task.measure.position}.{task.number})"
    status = label(TASK_STATUS, task.status.value, lang)
    event = icalendar.Event()
    scope = hashlib.sha1(organization.key.encode("utf-8")).hexdigest()[:12]
    event.add("uid", f"task-{task.id}-{scope}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", task.end_date)
    event.add("dtend", task.end_date + timedelta(days=1))
    event.add("summary", t(lang, f"ครบกำหนด {ref} {task.title}", f"Due {ref} {task.title}"))
    event.add(
        "description",
        t(
            lang,
            f"{task.title}\nสถานะ: {status} {task.percent}%",
            f"{task.title}\nStatus: {status}, {task.percent}%",
        ),
    )
    event.add("transp", "TRANSPARENT")
    return event


# ---------------------------------------------------------------- reading a feed


def read_feed(
    session: Session,
    secret: str,
    now: datetime,
    *,
    today: date,
    lang: str,
    calendar: ThaiCalendar | None = None,
) -> tuple[str, bytes]:
    """The feed whose address holds ``secret``: (the name it is saved as, its iCalendar),
    covering FEED_PAST before ``today`` to FEED_AHEAD after it. NotFound when no usable feed
    has that secret, or what it was of is gone."""
    token = access.find_token(session, secret, TokenKind.FEED, now)
    if token is None:
        raise NotFound("no such calendar feed (its address was revoked, or never made)")
    organization = session.get(Organization, token.organization_id)
    start, end = today - FEED_PAST, today + FEED_AHEAD
    if organization is not None and token.series_id is not None:
        series = session.get(MeetingSeries, token.series_id)
        if series is not None and series.organization_id == organization.id:
            body = series_calendar(organization, series, start, end, stamp=now, calendar=calendar)
            return f"series-{series.id}.ics", body
    if organization is not None and token.unit_id is not None:
        unit = session.get(Unit, token.unit_id)
        if unit is not None and unit.organization_id == organization.id:
            body = unit_calendar(
                session,
                organization,
                unit,
                start,
                end,
                today=today,
                stamp=now,
                lang=lang,
                calendar=calendar,
            )
            return f"unit-{unit.id}.ics", body
    raise NotFound("no such calendar feed (what it showed is gone)")
