"""ICS feeds behind secret addresses: ``GET /feeds/{secret}.ics`` (the secret is the whole
authorization), `tracker series feed` and `tracker units feed` (the address, or --revoke).

Expected meetings are worked out here from the demo plan (examples/demo-plan.yaml): its
series meets on the 1st, 3rd and 5th Wednesday of each month at 09:30 Bangkok (FREQ=MONTHLY;
BYDAY=1WE,3WE,5WE), holidays flagged, never moved, and 30 Dec 2026 is cancelled. The site's
clock stands at 14 Dec 2026 (web_support.NOW).
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select
from web_support import (  # noqa: F401
    DEMO_PLAN,
    FINANCE,
    PALAD,
    PUBLIC_URL,
    Site,
    site_fixture,
)

from tracker.errors import InvalidInput
from tracker.models import AccessToken, MeetingSeries, Role, Task, TokenKind
from tracker.plandoc import read_plan_document
from tracker.services import access, feeds
from tracker.services.meetings import get_series
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.tasks import Actor, mark_done
from tracker.services.units import get_unit

BANGKOK = ZoneInfo("Asia/Bangkok")
SERIES = "ประชุมหัวหน้าส่วนราชการ"
PLACE = "ห้องประชุมสภา อบต.ทุ่งดาวเรือง ชั้น ๒"
CANCELLED = date(2026, 12, 30)
DEMO_ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
OTHER_ORGANIZATION = "เทศบาลตำบลบ้านไกล"
OTHER_SERIES = "ประชุมพนักงานเทศบาล"


def held_days(start: date, end: date) -> list[date]:
    """The 1st, 3rd and 5th Wednesdays from ``start`` to ``end``: the demo series' rule."""
    days, day = [], start
    while day <= end:
        if day.weekday() == 2 and (day.day - 1) // 7 in (0, 2, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


def feed_window(site: Site) -> tuple[date, date]:
    today = site.now.astimezone(BANGKOK).date()
    return today - feeds.FEED_PAST, today + feeds.FEED_AHEAD


def secret_of(
    site: Site,
    *,
    series: str | None = None,
    unit: str | None = None,
    organization_name: str | None = None,
) -> str:
    """The feed address secret of a series or a unit (of the only organization, unless
    ``organization_name``)."""
    with site.session() as session:
        organization = get_organization(session, organization_name)
        return feeds.feed_secret(
            session,
            site.settings.secret_key_bytes(),
            organization,
            series=get_series(session, organization, series) if series else None,
            unit=get_unit(session, organization, unit) if unit else None,
            now=site.now,
        )


def events_of(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]


def read(site: Site, secret: str, **params: str) -> Any:
    response = site.anonymous().get(f"/feeds/{secret}.ics", params=params)
    return response


def meetings_in(events: list[icalendar.Event]) -> list[icalendar.Event]:
    return [e for e in events if isinstance(e.decoded("dtstart"), datetime)]


def deadlines_in(events: list[icalendar.Event]) -> list[icalendar.Event]:
    return [e for e in events if not isinstance(e.decoded("dtstart"), datetime)]


def task_ids(site: Site) -> dict[str, int]:
    with site.session() as session:
        return {f"{t.measure.position}.{t.number}": t.id for t in session.scalars(select(Task))}


# --- a series' feed --------------------------------------------------------------------------


def test_a_series_feed_lists_the_demo_meetings_with_the_cancellation(site: Site) -> None:
    response = read(site, secret_of(site, series=SERIES))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = events_of(response.content)
    start, end = feed_window(site)
    expected = [datetime.combine(day, time(9, 30), BANGKOK) for day in held_days(start, end)]
    assert [e.decoded("dtstart") for e in events] == expected
    assert date(2026, 12, 16) in [e.decoded("dtstart").date() for e in events]
    assert date(2026, 12, 23) not in [e.decoded("dtstart").date() for e in events]  # 4th Wed
    for event in events:
        assert str(event["summary"]) == SERIES
        assert str(event["location"]) == PLACE
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
        cancelled = event.decoded("dtstart").date() == CANCELLED
        assert (str(event.get("status", "")) == "CANCELLED") is cancelled


def test_a_series_feed_has_the_events_of_the_cli_calendar(site: Site, cli) -> None:  # type: ignore[no-untyped-def]
    # Subscribed and exported calendars must agree on every event's UID, or one meeting
    # would show twice.
    start, end = feed_window(site)
    exported = cli.ok(
        "meetings", "--series", SERIES, "--from", str(start), "--to", str(end), "--ics"
    ).stdout.encode()

    served = read(site, secret_of(site, series=SERIES)).content

    def shape(body: bytes) -> list[tuple[str, datetime, str]]:
        return [
            (str(e["uid"]), e.decoded("dtstart"), str(e.get("status", ""))) for e in events_of(body)
        ]

    assert shape(served) == shape(exported)
    assert len(shape(served)) > 20


def test_the_same_feed_keeps_its_address_until_it_is_revoked(site: Site) -> None:
    first = secret_of(site, series=SERIES)
    assert secret_of(site, series=SERIES) == first
    assert secret_of(site, unit=FINANCE) != first
    with site.session() as session:
        tokens = list(
            session.scalars(select(AccessToken).where(AccessToken.kind == TokenKind.FEED))
        )
        assert [(t.role, t.series_id is not None, t.unit_id) for t in tokens] == [
            (Role.VIEWER, True, None),
            (Role.VIEWER, False, get_unit(session, get_organization(session, None), FINANCE).id),
        ]
        assert all(
            t.token_hash
            == access.digest(feeds.feed_token_secret(site.settings.secret_key_bytes(), t))
            for t in tokens
        )
        assert first not in {t.token_hash for t in tokens}  # only its hash is stored


# --- a unit's feed ---------------------------------------------------------------------------


def test_a_unit_feed_lists_its_open_deadlines_and_the_meetings_that_follow_them(
    site: Site,
) -> None:
    secret = secret_of(site, unit=FINANCE)
    ids = task_ids(site)

    events = events_of(read(site, secret).content)

    # กองคลัง's open tasks with a last day: 1.4 (30 Apr 2027), 2.1 (31 Jan 2027) and the
    # every-unit 2.4 (30 Sep 2027); 1.3 has none; 1.2 and 2.3 are other units'.
    deadlines = {e.decoded("dtstart"): str(e["summary"]) for e in deadlines_in(events)}
    assert sorted(deadlines) == [date(2027, 1, 31), date(2027, 4, 30), date(2027, 9, 30)]
    assert deadlines[date(2027, 1, 31)].startswith(f"ครบกำหนด #{ids['2.1']} (2.1) จัดทำแนวปฏิบัติ")
    assert deadlines[date(2027, 4, 30)].startswith(f"ครบกำหนด #{ids['1.4']} (1.4) ")
    for event in deadlines_in(events):
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1)
        assert str(event["transp"]) == "TRANSPARENT"
    series_feed = events_of(read(site, secret_of(site, series=SERIES)).content)
    assert [str(e["uid"]) for e in meetings_in(events)] == [str(e["uid"]) for e in series_feed]


def test_a_task_done_leaves_the_unit_feed_and_english_is_asked_for_with_lang(
    site: Site,
) -> None:
    secret = secret_of(site, unit=FINANCE)
    ids = task_ids(site)
    with site.session() as session:
        unit = get_unit(session, get_organization(session, None), FINANCE)
        task = session.get(Task, ids["2.1"])
        assert task is not None
        mark_done(session, task, Actor(unit), site.now)

    events = events_of(read(site, secret, lang="en").content)

    summaries = sorted(str(e["summary"]) for e in deadlines_in(events))
    assert len(summaries) == 2
    assert all(s.startswith("Due #") for s in summaries)
    assert not any(f"#{ids['2.1']} " in s for s in summaries)


# --- what a secret does not open -------------------------------------------------------------


def test_a_revoked_or_unknown_feed_is_not_found(site: Site) -> None:
    secret = secret_of(site, unit=FINANCE)
    assert read(site, secret).status_code == 200
    with site.session() as session:
        organization = get_organization(session, None)
        unit = get_unit(session, organization, FINANCE)
        assert feeds.revoke_feeds(session, organization, unit=unit, now=site.now) == 1

    assert read(site, secret).status_code == 404
    assert read(site, "unknown-secret-of-nothing").status_code == 404
    renewed = secret_of(site, unit=FINANCE)
    assert renewed != secret
    assert read(site, renewed).status_code == 200
    assert read(site, secret).status_code == 404


def test_a_unit_link_is_no_feed_address(site: Site) -> None:
    link = site.unit_link(FINANCE).removeprefix("/u/")
    assert read(site, link).status_code == 404


def _import_other_organization(site: Site) -> None:
    """A second organization in the same database: the demo plan with other names."""
    document = copy.deepcopy(read_plan_document(DEMO_PLAN))
    document["organization"]["name"] = OTHER_ORGANIZATION
    document["meeting_series"][0]["name"] = OTHER_SERIES
    document["meeting_series"][0]["rrule"] = "FREQ=MONTHLY;BYDAY=2TU"
    for measure in document["measures"]:
        for task in measure["tasks"]:
            task["title"] = f"งานของเทศบาล {task['number']}"
            task["follow_up"] = OTHER_SERIES
    with site.session() as session:
        import_plan(session, document, now=site.now, actor="import: other")


def test_another_organizations_feed_never_shows_this_ones_data(site: Site) -> None:
    _import_other_organization(site)

    theirs = read(site, secret_of(site, unit=FINANCE, organization_name=OTHER_ORGANIZATION)).text
    their_series = events_of(
        read(
            site, secret_of(site, series=OTHER_SERIES, organization_name=OTHER_ORGANIZATION)
        ).content
    )

    assert "งานของเทศบาล" in theirs
    assert "จัดทำแนวปฏิบัติ" not in theirs  # this organization's กองคลัง task
    assert SERIES not in theirs
    assert {str(e["summary"]) for e in their_series} == {OTHER_SERIES}
    assert all(e.decoded("dtstart").weekday() == 1 for e in their_series)  # their Tuesdays
    ours = read(site, secret_of(site, unit=FINANCE, organization_name=DEMO_ORGANIZATION)).text
    assert "งานของเทศบาล" not in ours
    assert OTHER_SERIES not in ours


def test_a_feed_token_pointing_at_another_organizations_series_is_not_found(
    site: Site,
) -> None:
    # However such a row came to be, a feed shows only what its own organization holds.
    _import_other_organization(site)
    key = site.settings.secret_key_bytes()
    with site.session() as session:
        other = get_organization(session, OTHER_ORGANIZATION)
        ours = session.scalar(select(MeetingSeries).where(MeetingSeries.name == SERIES))
        assert ours is not None
        token = AccessToken(
            kind=TokenKind.FEED,
            token_hash="0" * 64,
            organization_id=other.id,
            role=Role.VIEWER,
            series_id=ours.id,
            created_at=site.now,
        )
        session.add(token)
        session.flush()
        secret = feeds.feed_token_secret(key, token)
        token.token_hash = access.digest(secret)

    response = read(site, secret)

    assert response.status_code == 404
    assert SERIES not in response.text


def test_a_feed_of_another_organizations_unit_is_refused(site: Site) -> None:
    _import_other_organization(site)
    with site.session() as session:
        ours = get_organization(session, DEMO_ORGANIZATION)
        their_unit = get_unit(session, get_organization(session, OTHER_ORGANIZATION), FINANCE)
        with pytest.raises(InvalidInput) as refused:
            feeds.feed_secret(session, b"key", ours, unit=their_unit, now=site.now)
    assert str(refused.value) == f"{FINANCE!r} is not of {DEMO_ORGANIZATION!r}"


# --- the commands ----------------------------------------------------------------------------


def _feed_cli(cli, site: Site):  # type: ignore[no-untyped-def]
    cli.env(
        TRACKER_PUBLIC_URL=PUBLIC_URL,
        TRACKER_SECRET_KEY=site.settings.secret_key,
        TRACKER_DATA_DIR=str(site.settings.data_dir),
    )
    return cli


def test_series_feed_prints_the_address_the_web_app_serves_and_revoke_ends_it(
    site: Site, cli
) -> None:  # type: ignore[no-untyped-def]
    _feed_cli(cli, site)

    printed = cli.ok("series", "feed", SERIES).stdout
    again = cli.ok("series", "feed", SERIES, "--json").json()

    name, url = printed.strip().split(": ", 1)
    assert name == SERIES
    assert url.startswith(f"{PUBLIC_URL}/feeds/")
    assert url.endswith(".ics")
    assert again == {"name": SERIES, "url": url, "path": url.removeprefix(PUBLIC_URL)}
    served = site.anonymous().get(url.removeprefix(PUBLIC_URL))
    assert served.status_code == 200
    assert {str(e["summary"]) for e in events_of(served.content)} == {SERIES}

    revoked = cli.ok("series", "feed", SERIES, "--revoke").stdout

    assert revoked.strip() == f"{SERIES}: ยกเลิกปฏิทิน 1 รายการ"
    assert site.anonymous().get(url.removeprefix(PUBLIC_URL)).status_code == 404
    assert cli.ok("series", "feed", SERIES).stdout.strip() != printed.strip()


def test_units_feed_prints_the_unit_calendar_address_or_the_path_without_a_public_url(
    site: Site, cli
) -> None:  # type: ignore[no-untyped-def]
    _feed_cli(cli, site)
    cli.env(TRACKER_PUBLIC_URL=None)

    lines = cli.ok("units", "feed", FINANCE).stdout.splitlines()
    english = cli.ok("--lang", "en", "units", "feed", FINANCE, "--revoke").stdout

    assert lines[0].startswith(f"{FINANCE}: /feeds/")
    assert lines[1] == "(ตั้ง TRACKER_PUBLIC_URL เพื่อให้ได้ลิงก์เต็ม)"
    path = lines[0].split(": ", 1)[1]
    assert english.strip() == f"{FINANCE}: 1 feed(s) revoked"
    assert site.anonymous().get(path).status_code == 404


def test_feed_commands_refuse_what_has_no_feed_in_one_line(site: Site, cli) -> None:  # type: ignore[no-untyped-def]
    _feed_cli(cli, site)

    unknown = cli("series", "feed", "ประชุมที่ไม่มี").error_line()
    group = cli("units", "feed", "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง").error_line()

    assert "no meeting series 'ประชุมที่ไม่มี'" in unknown
    assert "every-unit group" in group
    with site.session() as session:
        assert (
            session.scalars(select(AccessToken).where(AccessToken.kind == TokenKind.FEED)).all()
            == []
        )
