"""Signing in and out: password accounts, unit links, and the language switch."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tracker.models import Role, TokenKind
from tracker.services import access
from tracker.services.access import Principal
from tracker.web.auth import PUBLIC, SESSION_COOKIE, SIGNED_IN
from tracker.web.context import WebContext, request_now, web_context
from tracker.web.pages import language, render
from tracker.web.words import LANG_COOKIE, LANGS

router = APIRouter()
LOGIN_CSRF_COOKIE = "login_csrf"


def set_session_cookie(response: Response, context: WebContext, secret: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=max_age,
        httponly=True,
        secure=context.secure_cookies,
        samesite="lax",  # the unit link arrives from another site (LINE, a mail client)
        path="/",
    )


def home_of(principal: Principal) -> str:
    return "/unit" if principal.role is Role.UNIT else "/dashboard"


def safe_next(target: str | None) -> str | None:
    """A same-site path to go back to after signing in; anything else is dropped."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/", include_in_schema=False)
def root(request: Request, principal: Principal | None = PUBLIC) -> Response:
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(principal), status_code=303)


@router.get("/login", include_in_schema=False)
def login_page(
    request: Request, next: str | None = None, principal: Principal | None = PUBLIC
) -> Response:
    secret = request.cookies.get(LOGIN_CSRF_COOKIE) or access.new_secret()
    response = render(request, "login.html", login_csrf=secret, next=safe_next(next), error=None)
    _set_login_csrf(response, web_context(request), secret)
    return response


def _set_login_csrf(response: Response, context: WebContext, secret: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        secret,
        httponly=True,
        secure=context.secure_cookies,
        samesite="strict",
        max_age=3600,
    )


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str | None, Form(max_length=2000)] = None,
    _principal: Principal | None = PUBLIC,
) -> Response:
    """Sign in with a password. The form carries the secret of the login_csrf cookie (a
    page of another site cannot sign someone in as somebody else), and too many failures
    for a username or an address refuse further tries for a while (429)."""
    context = web_context(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        return _login_again(request, "csrf_failed", 403, next)
    address = request.client.host if request.client else "unknown"
    outcome = await run_in_threadpool(_sign_in, context, username, password, address, request)
    if isinstance(outcome, str):
        return _login_again(request, outcome, 429 if outcome == "login_throttled" else 401, next)
    secret, principal_home = outcome
    response = RedirectResponse(safe_next(next) or principal_home, status_code=303)
    set_session_cookie(response, context, secret, int(access.USER_SESSION.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _sign_in(
    context: WebContext, username: str, password: str, address: str, request: Request
) -> tuple[str, str] | str:
    now = request_now(request)
    with context.transaction() as session:
        if not access.login_allowed(session, username, address, now):
            return "login_throttled"
        user = access.authenticate(session, username, password, address, now)
        if user is None:
            return "login_failed"
        secret = access.open_session(session, now, user=user, lang=language(request))
        return secret, "/unit" if user.role is Role.UNIT else "/dashboard"


def _login_again(request: Request, error: str, status: int, next: str | None) -> Response:
    secret = access.new_secret()
    response = render(
        request,
        "login.html",
        status_code=status,
        login_csrf=secret,
        next=safe_next(next),
        error=error,
    )
    _set_login_csrf(response, web_context(request), secret)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, _principal: Principal = SIGNED_IN) -> Response:
    context = web_context(request)
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        with context.transaction() as session:
            access.close_session(session, secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/u/{link}", include_in_schema=False)
def open_unit_link(request: Request, link: str, _principal: Principal | None = PUBLIC) -> Response:
    """A unit link from a reminder: a session for that unit, then its page (the link's
    secret leaves the address bar at once)."""
    context = web_context(request)
    now = request_now(request)
    with context.transaction() as session:
        token = access.find_token(session, link, TokenKind.UNIT_LINK, now)
        secret = (
            access.open_session(session, now, link=token, lang=language(request))
            if token is not None
            else None
        )
    if secret is None:
        return render(
            request,
            "error.html",
            status_code=404,
            code="link_invalid",
            message=None,
            http_status=404,
            word_key="link_invalid",
        )
    response = RedirectResponse("/unit", status_code=303)
    set_session_cookie(response, context, secret, int(access.LINK_SESSION.total_seconds()))
    return response


@router.get("/lang/{lang}", include_in_schema=False)
def switch_language(
    request: Request, lang: str, back: str | None = None, _principal: Principal | None = PUBLIC
) -> Response:
    """Switch the language (remembered in a cookie) and go back where the person was."""
    response = RedirectResponse(safe_next(back) or "/", status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/healthz", include_in_schema=False)
def health(request: Request, _principal: Principal | None = PUBLIC) -> dict[str, str]:
    """Alive, and the database answers."""
    from sqlalchemy import text

    with web_context(request).transaction() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
