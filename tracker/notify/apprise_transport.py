"""Apprise: LINE, Telegram, MS Teams and the other services Apprise knows, one URL each.

One URL per recipient, because Apprise answers one true/false per notify call: with a URL
each, every failure belongs to one recipient. LINE (the Messaging API) takes text only.

An Apprise URL is a secret as a whole: in ``line://TOKEN/USER`` or ``tgram://BOT_TOKEN/CHAT``
what stands where a host would is the token. So errors show it as tracker.redact.mask_address
does, ``line://***``; only the web schemes (``json://``, ``jsons://``, ``form(s)://``,
``xml(s)://``, tracker.redact.WEB_SCHEMES), which POST to the host they name, show that host,
and only they are checked against private destinations (tracker.notify.guard) before sending.
Like the webhook, they follow no redirect (each hop would need the check again): Apprise
would, even past ``?redirect=no`` when the URL says ``?redirect=yes``, so the transport turns
it off on the loaded service itself. A redirect answer is then a failed delivery.
"""

from __future__ import annotations

import re

from tracker.inputs import TextProblem
from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure
from tracker.notify.guard import check_public_destination, server_name, web_server
from tracker.redact import WEB_SCHEMES, mask_address

_APPRISE = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


class AppriseTransport:
    def __init__(self, *, allow_private_destinations: bool = False) -> None:
        self.allow_private_destinations = allow_private_destinations

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> AppriseTransport:
        return cls(allow_private_destinations=settings.allow_private_destinations)

    @staticmethod
    def check_address(text: str) -> str:
        """An Apprise URL, ``scheme://…`` (``line://…``, ``tgram://…``); Apprise reads the
        rest when it sends."""
        if not _APPRISE.fullmatch(text):
            raise TextProblem(
                f"{mask_address('apprise', text)} is not an Apprise URL: write scheme://…, "
                "e.g. line://TOKEN/USER_ID"
            )
        return text

    def lane(self, address: str) -> str:
        """``apprise:SCHEME`` (``apprise:line``: one service's server), or for a web scheme
        ``apprise:SCHEME:HOST:PORT``, the server it POSTs to; never a token. Never raises."""
        scheme = _scheme(address)
        if scheme in WEB_SCHEMES:
            try:
                return f"apprise:{scheme}:{server_name(*web_server(address))}"
            except ValueError:
                pass
        return f"apprise:{scheme}"

    def send(self, address: str, message: Message) -> None:
        import apprise

        shown = mask_address("apprise", address)
        web = _scheme(address) in WEB_SCHEMES
        if web:
            try:
                host, port = web_server(address)
            except ValueError as error:
                raise PermanentFailure(f"{shown} is not a URL to send to: it {error}") from None
            check_public_destination(host, port, allow_private=self.allow_private_destinations)
        notifier = apprise.Apprise()
        if not notifier.add(address):
            raise PermanentFailure(f"Apprise does not understand the URL {shown!r}")
        if web:
            for service in notifier:  # the URL's own ?redirect=yes must not win (see the module)
                service.redirects = False
        if not notifier.notify(title=message.subject, body=message.text):
            raise TemporaryFailure(f"Apprise could not deliver to {shown!r}")


def _scheme(address: str) -> str:
    return address.partition("://")[0].lower()
