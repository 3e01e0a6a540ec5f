"""A JSON webhook: POST {"subject", "text", "html"} to a URL.

Besides the body the receiver gets ``User-Agent: ita-tracker`` and, for a message of the
ledger, ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header): the message's key,
the same on every attempt, so a receiver can drop a copy sent again after a crash or a lost
reply. The draft makes the value an RFC 8941 string, so it is sent quoted:
``Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"``.

Where it may go: a host that resolves to public addresses only (tracker.notify.guard), checked
when sending; ``check_address`` has no settings to know whether private ones are allowed.
Redirects are never followed: urllib turns a redirected POST into a GET without the body, so
following one would record a message as sent that nobody received, and each hop would need the
destination check again. A redirect is a PermanentFailure saying where it points: store that
URL instead.

What error texts show of the URL: ``scheme://host[:port]`` only, never its path or query,
which for many webhooks (Slack, Teams, Discord) is the token.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin

from tracker.inputs import TextProblem, check_web_url
from tracker.notify import (
    DeliveryFailure,
    Message,
    NotifySettings,
    PermanentFailure,
    TemporaryFailure,
)
from tracker.notify.guard import check_public_destination, server_name, web_server
from tracker.redact import address_outline, mask_secrets

USER_AGENT = "ita-tracker"

# 4xx answers that trying again may cure: 408 (the request took too long), 425 (too early),
# 429 (too many requests), and 409, which the idempotency draft answers to a copy that
# arrives while the first is still being processed.
_RETRIED_CLIENT_ERRORS = (408, 409, 425, 429)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: urllib then raises the 3xx as an HTTPError (see the module)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


class WebhookTransport:
    def __init__(self, timeout: float = 30.0, *, allow_private_destinations: bool = False):
        self.timeout = timeout
        self.allow_private_destinations = allow_private_destinations

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> WebhookTransport:
        return cls(
            timeout=settings.send_timeout,
            allow_private_destinations=settings.allow_private_destinations,
        )

    @staticmethod
    def check_address(text: str) -> str:
        """An http or https URL with a host."""
        try:
            return check_web_url(text)
        except TextProblem as problem:
            raise TextProblem(f"{address_outline(text)} {problem}") from None

    def lane(self, address: str) -> str:
        """``http:HOST:PORT``, the server a send to ``address`` reaches (the port filled in
        from the scheme), for the dispatcher's limits and circuit breaker per server. Never
        raises: a URL naming no server has the lane ``http:?``."""
        try:
            return "http:" + server_name(*web_server(address))
        except ValueError:
            return "http:?"

    def send(self, address: str, message: Message) -> None:
        """POST the message to ``address``; TemporaryFailure when trying again may work (no
        answer, 5xx, 408/409/425/429), PermanentFailure otherwise (see the module)."""
        where = address_outline(address)
        if not address.lower().startswith(("http://", "https://")):
            raise PermanentFailure(f"{where} is not an http(s) URL")
        try:
            host, port = web_server(address)
        except ValueError as error:
            raise PermanentFailure(f"{where} is not a URL to send to: it {error}") from None
        check_public_destination(host, port, allow_private=self.allow_private_destinations)
        body = json.dumps(
            {"subject": message.subject, "text": message.text, "html": message.html},
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(address, data=body, headers=_headers(message))
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise _answer_failure(error, address) from error
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            raise TemporaryFailure(f"cannot reach {where}: {mask_secrets(str(reason))}") from error
        except ValueError as error:  # http.client refusing the URL; its text quotes the path
            raise PermanentFailure(f"{where} cannot be sent to: {type(error).__name__}") from None


def _headers(message: Message) -> dict[str, str]:
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if message.key:
        headers["Idempotency-Key"] = _sf_string(message.key)
    return headers


def _sf_string(text: str) -> str:
    """``text`` as an RFC 8941 sf-string (3.3.3): printable ASCII, quoted, ``\\`` and ``"``
    escaped. A key that cannot be one is a bug of the caller: PermanentFailure."""
    if not all(" " <= character <= "~" for character in text):
        raise PermanentFailure("the idempotency key is not printable ASCII")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _answer_failure(error: urllib.error.HTTPError, address: str) -> DeliveryFailure:
    """The failure an HTTP error answer means: a redirect or a 4xx is permanent except
    :data:`_RETRIED_CLIENT_ERRORS`; a 5xx is temporary."""
    reason = f"HTTP {error.code} {error.reason} from {address_outline(address)}"
    if 300 <= error.code < 400:
        location = error.headers.get("Location") if error.headers else None
        to = f" to {address_outline(urljoin(address, location))}" if location else ""
        return PermanentFailure(
            f"{reason}: a redirect{to}, which is not followed; store the URL it points to"
        )
    if 400 <= error.code < 500 and error.code not in _RETRIED_CLIENT_ERRORS:
        return PermanentFailure(reason)
    return TemporaryFailure(reason)
