"""Every route's authorization rule, in one place per route: ``allow(...)``.

A route declares who may call it with a dependency made by :func:`allow` (roles) or
:data:`PUBLIC`. The rule finds the caller (:func:`find_principal`: a bearer API token, else
the session cookie), refuses whoever the rule leaves out, and checks the CSRF secret of every
unsafe request made with a cookie. ``tests/test_web_authorization.py`` walks the app's route
table and fails for a route without a rule, so no route is ever open by accident.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from tracker.models import Role, TokenKind
from tracker.services import access
from tracker.services.access import Principal
from tracker.web.context import request_now, web_context

SESSION_COOKIE = "tracker_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

STAFF = (Role.ADMIN, Role.SECRETARIAT)
READERS = (Role.ADMIN, Role.SECRETARIAT, Role.VIEWER)
EVERYONE = (Role.ADMIN, Role.SECRETARIAT, Role.VIEWER, Role.UNIT)


class NotSignedIn(Exception):
    """No usable session or token: a page sends the browser to the login page, the API
    answers 401."""


class NotAllowed(Exception):
    """Signed in, but this rule leaves the caller's role out (403)."""


class CsrfFailed(Exception):
    """An unsafe request with a session cookie but without the session's form secret."""


@dataclass(frozen=True)
class Rule:
    """Who may call a route: ``roles``, or anyone when ``public``."""

    roles: frozenset[Role]
    public: bool = False

    async def __call__(self, request: Request) -> Principal | None:
        principal = await run_in_threadpool(find_principal, request)
        if self.public:
            return principal
        if principal is None:
            raise NotSignedIn
        if principal.role not in self.roles:
            raise NotAllowed
        if request.method not in SAFE_METHODS and principal.csrf is not None:
            await check_csrf(request, principal.csrf)
        return principal


def allow(*roles: Role) -> Any:
    """The rule "only these roles", as a route parameter's default:
    ``principal: Principal = allow(*STAFF)``."""
    return Depends(Rule(frozenset(roles)))


PUBLIC: Any = Depends(Rule(frozenset(), public=True))
# The rules routes use (module-level, so a route's signature names one of them).
ADMIN_ONLY: Any = allow(Role.ADMIN)
STAFF_ONLY: Any = allow(*STAFF)
READERS_ONLY: Any = allow(*READERS)
UNIT_ONLY: Any = allow(Role.UNIT)
SIGNED_IN: Any = allow(*EVERYONE)


def find_principal(request: Request) -> Principal | None:
    """The caller: an ``Authorization: Bearer`` API token, else the session cookie, else
    None. Cached on the request."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    context = web_context(request)
    now = request_now(request)
    principal: Principal | None = None
    bearer = _bearer(request)
    with context.transaction() as session:
        if bearer is not None:
            token = access.find_token(session, bearer, TokenKind.API, now)
            principal = access.token_principal(token) if token is not None else None
        elif cookie := request.cookies.get(SESSION_COOKIE):
            principal = access.session_principal(session, cookie, now)
    request.state.principal = principal
    return principal


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


async def check_csrf(request: Request, expected: str) -> None:
    """The request carries the session's form secret, in the X-CSRF-Token header (htmx, the
    API from a browser) or the ``csrf`` form field."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and _is_form(request):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfFailed


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def rule_of(dependencies: list[Any]) -> Rule | None:
    """The Rule among a route's dependencies (for the authorization test), or None."""
    for dependency in dependencies:
        if isinstance(dependency.call, Rule):
            return dependency.call
    return None


# Routes that carry no rule because they hold no data: the OpenAPI document and the app's own
# CSS, JavaScript and htmx. Every other route must have one (the authorization test).
OPEN_BY_NATURE = frozenset({"/api/v1/openapi.json", "/static"})


@dataclass(frozen=True)
class RouteEntry:
    path: str
    methods: frozenset[str]
    rule: Rule | None


def route_table(routes: list[Any], prefix: str = "") -> list[RouteEntry]:
    """Every route of the app with its methods and rule, included routers walked through
    (FastAPI 0.150 keeps an included router as one lazy entry)."""
    from fastapi.routing import APIRoute
    from starlette.routing import Mount, Route

    table: list[RouteEntry] = []
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            context = getattr(route, "include_context", None)
            table += route_table(original.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, APIRoute):
            methods = frozenset(set(route.methods or ()) - {"HEAD"})
            table.append(
                RouteEntry(prefix + route.path, methods, rule_of(route.dependant.dependencies))
            )
        elif isinstance(route, Mount | Route):
            methods = frozenset(getattr(route, "methods", None) or {"GET"}) - {"HEAD"}
            table.append(RouteEntry(prefix + route.path, methods, None))
    return table
