"""ICS feeds of meetings and tasks behind secret URLs: ``/feeds/{secret}.ics``.

The secret in the address is the whole authorization (a calendar app sends no cookie), so
the route is PUBLIC and an unknown or revoked secret is a plain 404. What a feed holds is
:mod:`tracker.services.feeds`'s; `tracker series feed` and `tracker units feed` give the
addresses and revoke them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schedules.workdays import ThaiCalendar
from tracker.services import feeds
from tracker.services.access import Principal
from tracker.web.auth import PUBLIC
from tracker.web.context import request_now, web_context
from tracker.web.pages import language

router = APIRouter()

# Calendar apps poll a subscription (Outlook every few hours, Google about daily); a feed
# changes when a meeting or a task does, so a short private cache is enough.
CACHE_CONTROL = "private, max-age=900"


@router.get("/feeds/{secret}.ics", include_in_schema=False)
def calendar_feed(request: Request, secret: str, _principal: Principal | None = PUBLIC) -> Response:
    """The feed whose address holds ``secret`` as text/calendar, in the request's language
    (``?lang=en``; the server's otherwise); 404 for an unknown or revoked secret."""
    context = web_context(request)
    now = request_now(request)
    lang = language(request)
    holidays = ThaiCalendar(language="th" if lang == "th" else "en_US")
    with context.transaction() as session:
        name, body = feeds.read_feed(
            session, secret, now, today=context.today(now), lang=lang, calendar=holidays
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": CACHE_CONTROL,
            "Content-Disposition": f'inline; filename="{name}"',
        },
    )
