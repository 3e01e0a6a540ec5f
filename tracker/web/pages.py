"""Rendering a page: the templates, and what every page is given (language, words, dates,
the signed-in principal and its form secret)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from schedules.thai import format_date, format_span
from tracker.i18n import TASK_STATUS, label
from tracker.services.access import Principal
from tracker.services.offices import oversees
from tracker.web.auth import READERS
from tracker.web.context import web_context
from tracker.web.words import pick_language, word

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def language(request: Request) -> str:
    lang: str | None = getattr(request.state, "lang", None)
    if lang is None:
        lang = pick_language(request, web_context(request).settings.lang)
        request.state.lang = lang
    return lang


def render(
    request: Request, template: str, *, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """The page ``template`` in the request's language. Values every template may use:
    ``t(key)`` (a word), ``lang``, ``day(d)`` and ``span(a, b)`` (Thai BE dates or English),
    ``status(value)``, ``principal`` and ``csrf`` (the form secret, when signed in)."""
    lang = language(request)
    principal: Principal | None = getattr(request.state, "principal", None)
    context = {
        "request": request,
        "lang": lang,
        "other_lang": "en" if lang == "th" else "th",
        "t": lambda key: word(key, lang),
        "day": lambda d: _day(d, lang, web_context(request)),
        "span": lambda start, end: format_span(start, end, lang),  # type: ignore[arg-type]
        "status": lambda value: label(TASK_STATUS, value, lang),
        "principal": principal,
        "csrf": principal.csrf if principal else None,
        "is_office": lambda: _is_office(request, principal),
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def _is_office(request: Request, principal: Principal | None) -> bool:
    """Whether the signed-in reader's organization oversees others (its navigation then links
    the office page); asked only by a page that shows the link, once per request."""
    if principal is None or principal.role not in READERS:
        return False
    found: bool | None = getattr(request.state, "is_office", None)
    if found is None:
        with web_context(request).transaction() as session:
            found = oversees(session, principal.organization_id)
        request.state.is_office = found
    return found


def _day(value: date | datetime | None, lang: str, context: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        local = value.astimezone(context.zone)
        return f"{format_date(local.date(), lang)} {local:%H:%M}"  # type: ignore[arg-type]
    return format_date(value, lang)  # type: ignore[arg-type]
