"""Delivery: one small transport per channel behind ``send(address, message)``.

Content is built elsewhere (tracker.messages, tracker.reports); this package only delivers a
rendered :class:`Message`. A transport raises :class:`TemporaryFailure` when trying again may
work (a server down, a timeout) and :class:`PermanentFailure` when it cannot (a malformed
address, a rejected recipient); the dispatcher retries the first with backoff and records the
second with the provider's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class DeliveryFailure(Exception):
    """A send that did not happen; ``str()`` is the provider's reason."""


class TemporaryFailure(DeliveryFailure):
    """Trying again later may work."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not work: fix the address or the configuration."""


class Transport(Protocol):
    def send(self, address: str, message: Message) -> None: ...


TransportFactory = Callable[[Any], Transport]
CHANNELS = ("email", "apprise", "webhook", "file")


def transport_for(channel: str, settings: Any) -> Transport:
    """The transport of a channel, configured from settings (imported only when used)."""
    if channel == "email":
        from tracker.notify.smtp import SmtpTransport

        return SmtpTransport.from_settings(settings)
    if channel == "apprise":
        from tracker.notify.apprise_transport import AppriseTransport

        return AppriseTransport()
    if channel == "webhook":
        from tracker.notify.webhook import WebhookTransport

        return WebhookTransport(timeout=settings.send_timeout)
    if channel == "file":
        from tracker.notify.file import FileTransport

        return FileTransport(settings.outbox_path())
    raise PermanentFailure(f"unknown channel {channel!r} (channels: {', '.join(CHANNELS)})")
