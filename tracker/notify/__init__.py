"""Delivery: one small transport per channel behind ``send(address, message)``.

Content is built elsewhere (tracker.reports.messages); this package only delivers a
rendered :class:`Message`. A transport raises :class:`TemporaryFailure` when trying again may
work (a server down, a timeout) and :class:`PermanentFailure` when it cannot (a malformed
address, a rejected recipient); the dispatcher retries the first with backoff and records the
second with the provider's reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol


@dataclass(frozen=True)
class Attachment:
    """A file a message carries (a progress report's PDF). Transports that can carry files
    (e-mail, the file channel) send it; the others send the message without it."""

    filename: str
    media_type: str  # "application/pdf"
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Message:
    """A rendered message. ``key`` is its idempotency key (a UUID, stable for its ledger row
    across every attempt): transports hand it to the receiver (e-mail ``Message-ID``, LINE's
    ``X-Line-Retry-Key``, a webhook's ``Idempotency-Key``) so that a copy sent again after a
    crash is recognisable as the same message. Empty for a message sent outside the ledger."""

    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    key: str = ""
    attachments: tuple[Attachment, ...] = ()


class DeliveryFailure(Exception):
    """A send that did not happen; ``str()`` is the provider's reason."""


class TemporaryFailure(DeliveryFailure):
    """Trying again later may work."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not work: fix the address or the configuration."""


class QuotaExhausted(PermanentFailure):
    """The channel refuses every message until its quota renews (LINE's monthly limit): not
    retried on this channel; the dispatcher sends the message to the unit's e-mail instead
    when it has one."""


class Transport(Protocol):
    """A channel's sender: ``send`` delivers one message to one address, or raises a
    DeliveryFailure saying whether trying again may work."""

    def send(self, address: str, message: Message) -> None: ...


@dataclass(frozen=True)
class NotifySettings:
    """What the transports are configured with: built from tracker.config.Settings at the edge
    (``Settings.notify()``), so nothing below it reads the environment."""

    outbox_dir: Path  # where the file channel writes
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "ITA Tracker <ita-tracker@localhost>"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_tls: bool = False  # implicit TLS from the first byte (port 465)
    smtp_ca_file: Path | None = None  # CA bundle for a private mail server's certificate
    smtp_allow_plain_login: bool = False  # a login without TLS: refused unless allowed
    smtp_connect_timeout: float = 10.0  # connecting and each command before the message
    smtp_data_timeout: float = 600.0  # the reply after the message (RFC 5321 4.5.3.2: 10 min)
    send_timeout: float = 30.0  # an HTTP send (webhook, LINE): connect and reply
    # Webhook and Apprise contacts on loopback, link-local or private addresses: refused
    # unless allowed (a contact must not reach the tracker's own network by accident).
    allow_private_destinations: bool = False
    # Settings of any other channel, by channel then field: TRACKER_<CHANNEL>_<FIELD> (or
    # ..._FILE) read at the edge for each registered channel, so a new transport reads its
    # token or endpoint here and needs no edit to tracker.config. Hidden from repr: they are
    # tokens as often as not.
    channels: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def channel(self, name: str) -> Mapping[str, str]:
        """The ``TRACKER_<NAME>_*`` settings of channel ``name`` (field names lower case);
        empty when none are set."""
        return self.channels.get(name, MappingProxyType({}))


# Each channel's transport, imported only when it is used. A transport class has
# ``from_settings(NotifySettings)``, ``check_address(text) -> text`` (raising
# tracker.inputs.TextProblem) and ``send``. A new channel is one module and one line here.
TRANSPORTS = {
    "email": "tracker.notify.smtp:SmtpTransport",
    "line": "tracker.notify.line:LineTransport",
    "apprise": "tracker.notify.apprise_transport:AppriseTransport",
    "webhook": "tracker.notify.webhook:WebhookTransport",
    "file": "tracker.notify.file:FileTransport",
}
CHANNELS = tuple(TRANSPORTS)
# Where a message goes when its channel refused it for good: a unit's e-mail contacts.
FALLBACK_CHANNEL = "email"


def transport_class(channel: str) -> type[Any]:
    """The transport class of ``channel`` (imported now); PermanentFailure when unknown."""
    try:
        module, _, name = TRANSPORTS[channel].partition(":")
    except KeyError:
        raise PermanentFailure(
            f"unknown channel {channel!r} (channels: {', '.join(CHANNELS)})"
        ) from None
    cls: type[Any] = getattr(import_module(module), name)
    return cls


def transport_for(channel: str, settings: NotifySettings) -> Transport:
    """The transport of ``channel``, configured from ``settings``."""
    transport: Transport = transport_class(channel).from_settings(settings)
    return transport
