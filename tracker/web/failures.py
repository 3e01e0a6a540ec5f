"""How a failure reaches the person: a page for a browser, one JSON shape for the API.

The JSON shape, for every error of ``/api/`` (and of any request asking for JSON)::

    {"error": {"code": "not_found", "message": "no task with id 7", "what": "task"}}

``code`` is one of :data:`CODES`; the message is the TrackerError's one line (never a
traceback, never a secret). A server error says only that it happened and is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from tracker.errors import (
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    Refused,
    TrackerError,
)
from tracker.web.auth import CsrfFailed, NotAllowed, NotSignedIn
from tracker.web.pages import render

log = logging.getLogger("tracker.web")

CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "refused",
    413: "too_large",
    415: "unsupported_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def error_response(
    request: Request, status: int, message: str, *, what: str | None = None, **extra: Any
) -> Response:
    code = CODES.get(status, "error")
    if wants_json(request):
        body: dict[str, Any] = {"code": code, "message": message}
        if what:
            body["what"] = what
        body.update(extra)
        return JSONResponse({"error": body}, status_code=status)
    if request.headers.get("hx-request"):  # htmx puts the line beside the form (app.js)
        return render(request, "error_fragment.html", status_code=status, message=message)
    return render(
        request, "error.html", status_code=status, code=code, message=message, http_status=status
    )


def status_of(error: TrackerError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Refused):
        return 409
    if isinstance(error, DatabaseUnavailable):
        return 503
    if isinstance(error, InvalidInput):
        return 422
    return 400


def install(app: FastAPI) -> None:
    """Register the handlers of every failure the app can meet."""

    @app.exception_handler(TrackerError)
    async def tracker_error(request: Request, error: TrackerError) -> Response:
        extra = {"choices": list(error.choices)} if error.choices else {}
        return error_response(request, status_of(error), str(error), what=error.what, **extra)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _error: NotSignedIn) -> Response:
        if wants_json(request):
            response = error_response(request, 401, "sign in, or give an API token")
            response.headers["www-authenticate"] = "Bearer"
            return response
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quoted(target)}", status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, _error: NotAllowed) -> Response:
        return error_response(request, 403, "your role may not do this")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _error: CsrfFailed) -> Response:
        return error_response(request, 403, "the form's security token is missing or stale")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, 422, _first_problem(error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        response = error_response(request, error.status_code, str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(request, 500, "the server failed; the error is logged")


def _first_problem(error: RequestValidationError) -> str:
    problems = error.errors()
    if not problems:
        return "invalid request"
    first = problems[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
