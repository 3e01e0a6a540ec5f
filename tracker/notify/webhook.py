"""A JSON webhook: POST {"subject", "text", "html"} to a URL."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tracker.inputs import TextProblem, check_web_url
from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure
from tracker.redact import address_outline


class WebhookTransport:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> WebhookTransport:
        return cls(timeout=settings.send_timeout)

    @staticmethod
    def check_address(text: str) -> str:
        """An http or https URL with a host."""
        try:
            return check_web_url(text)
        except TextProblem as problem:
            raise TextProblem(f"{address_outline(text)} {problem}") from None

    def send(self, address: str, message: Message) -> None:
        if not address.startswith(("http://", "https://")):
            raise PermanentFailure(f"{address!r} is not an http(s) URL")
        body = json.dumps(
            {"subject": message.subject, "text": message.text, "html": message.html},
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(
            address, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code} {error.reason}"
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise PermanentFailure(reason) from error
            raise TemporaryFailure(reason) from error
        except (urllib.error.URLError, OSError) as error:
            raise TemporaryFailure(f"cannot reach {address}: {error}") from error
