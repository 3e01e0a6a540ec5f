"""Apprise: LINE, Telegram, MS Teams and the other services Apprise knows, one URL each.

One URL per recipient, because Apprise answers one true/false per notify call: with a URL
each, every failure belongs to one recipient. LINE (the Messaging API) takes text only.
"""

from __future__ import annotations

import re

from tracker.inputs import TextProblem
from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure
from tracker.redact import address_outline

_APPRISE = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


class AppriseTransport:
    @classmethod
    def from_settings(cls, _settings: NotifySettings) -> AppriseTransport:
        return cls()

    @staticmethod
    def check_address(text: str) -> str:
        """An Apprise URL, ``scheme://…`` (``line://…``, ``tgram://…``); Apprise reads the
        rest when it sends."""
        if not _APPRISE.fullmatch(text):
            raise TextProblem(
                f"{address_outline(text)} is not an Apprise URL: write scheme://…, "
                "e.g. line://TOKEN/USER_ID"
            )
        return text

    def send(self, address: str, message: Message) -> None:
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(address):
            raise PermanentFailure(f"Apprise does not understand the URL {_redact(address)!r}")
        if not notifier.notify(title=message.subject, body=message.text):
            raise TemporaryFailure(f"Apprise could not deliver to {_redact(address)!r}")


def _redact(url: str) -> str:
    """The scheme and host of a URL: tokens in Apprise URLs are secrets."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0][:4]}…" if rest else url[:8]
