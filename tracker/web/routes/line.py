"""LINE, both ways: the webhook that links LINE users and groups to units, and postbacks.

``POST /line/webhook`` is where the LINE platform sends a bot's events. It is public, but
acts only on a request signed with the channel secret (``X-Line-Signature``, the base64
HMAC-SHA256 of the raw body with TRACKER_LINE_CHANNEL_SECRET): anything else is refused
(401) before its body is read as JSON, and without a secret configured the webhook answers
503. Each event is its own unit of work (:mod:`tracker.services.line_links` does the work):
a text message holding a link code links the chat to the code's unit; a postback from a
reminder's button marks a task done or reports its progress. The answers go back through
LINE's reply API once the webhook has answered LINE (200 as soon as what the events ask is
recorded), so a slow reply never makes LINE deliver the events again.

``POST /unit/line-code`` (a unit's page) makes a link code and shows it with how to use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from tracker.config import Settings
from tracker.notify import DeliveryFailure
from tracker.notify.line import LineTransport, text_message
from tracker.services import line_links
from tracker.services.access import Principal
from tracker.services.line_links import LineEvent, LineReply, LineSource
from tracker.web.auth import PUBLIC, UNIT_ONLY
from tracker.web.context import WebContext, request_now, web_context
from tracker.web.failures import CODES
from tracker.web.pages import render
from tracker.web.routes.unit import acting_unit

router = APIRouter()
log = logging.getLogger("tracker.web.line")

SIGNATURE_HEADER = "x-line-signature"
NOT_CONFIGURED = (
    "the LINE webhook is not configured: set TRACKER_LINE_CHANNEL_SECRET to the channel "
    "secret of the LINE Developers console"
)
BAD_SIGNATURE = "this request is not from LINE: its X-Line-Signature is missing or wrong"
NOT_A_WEBHOOK = 'the body is not a LINE webhook: JSON with an "events" list'
EVENT_KINDS = ("message", "postback", "follow", "join")


@dataclass(frozen=True)
class Incoming:
    """One webhook event, as much of it as the tracker uses. ``content`` is the message's
    text or the postback's data."""

    kind: str  # one of EVENT_KINDS
    source: LineSource
    event: LineEvent
    reply_token: str | None
    content: str = ""


def signature_ok(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is the base64 HMAC-SHA256 of ``body`` under ``secret``."""
    if not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("latin-1"))


def read_events(body: bytes) -> list[Incoming] | None:
    """The events of a webhook body that the tracker acts on (in order), skipping events of
    other kinds, in standby mode (another channel answers the chat then) or from a source
    with no usable id; None when the body is no webhook at all."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return None
    found = [_incoming(raw) for raw in data["events"] if isinstance(raw, dict)]
    return [item for item in found if item is not None]


def _incoming(raw: dict[str, Any]) -> Incoming | None:
    kind = raw.get("type")
    source = _source(raw.get("source"))
    if kind not in EVENT_KINDS or source is None or raw.get("mode", "active") != "active":
        return None
    content = ""
    if kind == "message":
        message = raw.get("message")
        if not isinstance(message, dict) or message.get("type") != "text":
            return None
        content = str(message.get("text", ""))
    elif kind == "postback":
        postback = raw.get("postback")
        content = str(postback.get("data", "")) if isinstance(postback, dict) else ""
    delivery = raw.get("deliveryContext")
    redelivered = isinstance(delivery, dict) and delivery.get("isRedelivery") is True
    token = raw.get("replyToken")
    return Incoming(
        kind=str(kind),
        source=source,
        event=LineEvent(_moment(raw.get("timestamp")), redelivered),
        reply_token=token if isinstance(token, str) and token else None,
        content=content,
    )


def _source(raw: object) -> LineSource | None:
    """Who an event came from: the chat (a group's or room's id, else the user's) and the
    person; None without a valid id."""
    if not isinstance(raw, dict):
        return None
    user = _line_id(raw.get("userId"))
    kind = raw.get("type")
    if kind == "user":
        address = user
    elif kind in ("group", "room"):
        address = _line_id(raw.get(f"{kind}Id"))
    else:
        return None
    return LineSource(address, user) if address is not None else None


def _line_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return LineTransport.check_address(value)
    except ValueError:
        return None


def _moment(timestamp: object) -> datetime:
    """An event's time (LINE gives milliseconds since the epoch); the epoch when it gives
    none, so that a redelivered event without a time is never taken to be newer than a
    change."""
    if isinstance(timestamp, int) and not isinstance(timestamp, bool) and timestamp >= 0:
        return datetime.fromtimestamp(timestamp / 1000, UTC)
    return datetime.fromtimestamp(0, UTC)


def _refusal(status: int, message: str) -> Response:
    return JSONResponse({"error": {"code": CODES[status], "message": message}}, status)


@router.post("/line/webhook", include_in_schema=False)
async def line_webhook(
    request: Request, background: BackgroundTasks, _principal: Principal | None = PUBLIC
) -> Response:
    """LINE's events: verified, acted on (each in its own transaction), answered 200; the
    replies are sent after the answer."""
    context = web_context(request)
    secret = (context.settings.line_channel_secret or "").strip()
    if not secret:
        return _refusal(503, NOT_CONFIGURED)
    body = await request.body()
    if not signature_ok(secret, body, request.headers.get(SIGNATURE_HEADER)):
        return _refusal(401, BAD_SIGNATURE)
    events = read_events(body)
    if events is None:
        return _refusal(400, NOT_A_WEBHOOK)
    transport = _transport(context.settings) if events else None
    now = request_now(request)
    replies = await run_in_threadpool(_handle_all, context, transport, now, events)
    if replies and transport is not None:
        background.add_task(send_replies, transport, replies)
    return JSONResponse({})


def _handle_all(
    context: WebContext, transport: LineTransport | None, now: datetime, events: list[Incoming]
) -> list[tuple[str, LineReply]]:
    """Act on each event; the replies to send, with their reply tokens. A failure (the
    database gone) stops here: LINE then delivers the events again, and those already done
    change nothing the second time."""
    replies = []
    for item in events:
        if item.kind == "postback" and transport is not None and item.source.user_id:
            item = _named(transport, item)
        reply = _handle(context, now, item)
        if reply is not None and item.reply_token is not None:
            replies.append((item.reply_token, reply))
    return replies


def _handle(context: WebContext, now: datetime, item: Incoming) -> LineReply | None:
    lang = context.settings.lang
    if item.kind in ("follow", "join"):
        return None if item.event.redelivered else line_links.welcome(lang)
    with context.transaction() as session:
        if item.kind == "message":
            return line_links.link_chat(session, item.content, item.source, now, lang)
        return line_links.apply_postback(session, item.content, item.source, item.event, now, lang)


def _named(transport: LineTransport, item: Incoming) -> Incoming:
    """The event with the person's LINE display name, for the audit log (outside any
    transaction: it is a call to LINE)."""
    source = item.source
    chat = source.address if source.is_group else None
    name = transport.display_name(source.user_id or "", chat)
    return item if name is None else replace(item, source=replace(source, name=name))


def _transport(settings: Settings) -> LineTransport | None:
    """The LINE transport, or None (logged) when TRACKER_LINE_TOKEN is not set: events are
    still acted on, only not answered."""
    try:
        return LineTransport.from_settings(settings.notify())
    except DeliveryFailure as problem:
        log.warning("LINE webhook: cannot answer in the chat: %s", problem)
        return None


def send_replies(transport: LineTransport, replies: list[tuple[str, LineReply]]) -> None:
    """Send each reply with its token. A reply that fails is logged (LINE's reason, never a
    token) and dropped: what the event asked is recorded already."""
    for token, reply in replies:
        try:
            transport.reply(token, [text_message(reply.text, reply.choices)])
        except DeliveryFailure as problem:
            log.warning("LINE webhook: a reply was not delivered: %s", problem)


# ---------------------------------------------------------------- the unit page's code


@router.post("/unit/line-code", include_in_schema=False)
def line_code(request: Request, principal: Principal = UNIT_ONLY) -> Response:
    """A new link code for the caller's unit, shown once (only its digest is kept, so the
    page is not cached and a reload makes another code)."""
    context = web_context(request)
    now = request_now(request)
    with context.transaction() as session:
        unit = acting_unit(session, principal)
        row, code = line_links.new_code(session, unit, now)
        linked = sum(1 for c in unit.contacts if c.channel == line_links.LINE)
        response = render(
            request,
            "line/code.html",
            unit=unit,
            code=line_links.shown_code(code),
            expires_at=row.expires_at,
            linked=linked,
        )
    response.headers["cache-control"] = "no-store"
    return response
