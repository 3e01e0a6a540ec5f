"""A JSON webhook: POST {"subject", "text", "html"} to a URL.

Besides the body the receiver gets ``User-Agent: ita-tracker`` and, for a message of the
ledger, ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header): the message's key,
the same on every attempt, so a receiver can drop a copy sent again after a crash or a lost
reply. The draft makes the value an RFC 8941 string, so it is sent quoted:
``Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"``.

Where it may go: a host that resolves to public addresses only (tracker.notify.guard), checked
when sending; ``check_address`` has no settings to know whether private ones are allowed. The
name is resolved once, and the connection goes to the first of the checked addresses that
accepts, each tried in turn (a second lookup could answer ``127.0.0.1``: DNS rebinding), while
the ``Host`` header and, for https, the TLS server name (SNI) and the certificate's check are
the URL's host name. A private server's certificate verifies against TRACKER_WEBHOOK_CA_FILE
(the CA certificate that signed it; the channel's setting ``ca``, which tracker.config reads
from that file) instead of the system's CAs.

Redirects are never followed: a redirected POST would be retried as a GET without the body by
most clients, recording a message as sent that nobody received, and each hop would need the
destination check again. A redirect is a PermanentFailure saying where it points: store that
URL instead. The answer's body is read, at most :data:`MAX_ANSWER_BYTES` of it, and dropped.
The connection is direct: HTTP(S)_PROXY is not used (a proxy would resolve the name itself).

What error texts show of the URL: ``scheme://host[:port]`` only, never its path or query,
which for many webhooks (Slack, Teams, Discord) is the token.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from tracker.inputs import TextProblem, check_web_url
from tracker.notify import (
    DeliveryFailure,
    Message,
    NotifySettings,
    PermanentFailure,
    TemporaryFailure,
)
from tracker.notify.guard import public_addresses, server_name, web_server
from tracker.redact import address_outline, mask_secrets

USER_AGENT = "ita-tracker"
CA_SETTING = "TRACKER_WEBHOOK_CA_FILE"
MAX_ANSWER_BYTES = 64 * 1024  # of an answer's body: read so far, then the connection closed

# 4xx answers that trying again may cure: 408 (the request took too long), 425 (too early),
# 429 (too many requests), and 409, which the idempotency draft answers to a copy that
# arrives while the first is still being processed.
_RETRIED_CLIENT_ERRORS = (408, 409, 425, 429)


class WebhookTransport:
    """POSTs to a webhook URL. ``ca_certificates``: the PEM text of the CA certificates an
    https server's certificate must verify against, instead of the system's."""

    def __init__(
        self,
        timeout: float = 30.0,
        *,
        allow_private_destinations: bool = False,
        ca_certificates: str | None = None,
    ):
        self.timeout = timeout
        self.allow_private_destinations = allow_private_destinations
        self.ca_certificates = ca_certificates or None
        self._tls: ssl.SSLContext | None = None  # made at the first https send

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> WebhookTransport:
        """From the send timeout, TRACKER_ALLOW_PRIVATE_DESTINATIONS and the channel's ``ca``
        (TRACKER_WEBHOOK_CA_FILE: tracker.config reads the file into it)."""
        return cls(
            timeout=settings.send_timeout,
            allow_private_destinations=settings.allow_private_destinations,
            ca_certificates=settings.channel("webhook").get("ca"),
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
        addresses = public_addresses(host, port, allow_private=self.allow_private_destinations)
        body = json.dumps(
            {"subject": message.subject, "text": message.text, "html": message.html},
            ensure_ascii=False,
        ).encode("utf-8")
        connection = self._connection(address, host, port, addresses)
        try:
            status, reason, location = _post(connection, address, body, _headers(message))
        except ssl.SSLCertVerificationError as error:  # before OSError and ValueError: both
            raise PermanentFailure(
                f"the certificate of {where} does not verify ({error.verify_message}): for a "
                f"private server, set {CA_SETTING} to the CA certificate that signed it"
            ) from None
        except ssl.SSLError as error:
            raise TemporaryFailure(
                f"TLS with {where} failed: {mask_secrets(str(error))}"
            ) from error
        except (http.client.InvalidURL, ValueError) as error:  # their texts quote the path
            raise PermanentFailure(f"{where} cannot be sent to: {type(error).__name__}") from None
        except (OSError, http.client.HTTPException) as error:
            raise TemporaryFailure(f"cannot reach {where}: {mask_secrets(str(error))}") from error
        finally:
            connection.close()
        if not 200 <= status < 300:
            raise _answer_failure(status, reason, location, address)

    def _connection(
        self, address: str, host: str, port: int, addresses: list[str]
    ) -> http.client.HTTPConnection:
        if address.lower().startswith("https://"):
            return _CheckedHTTPSConnection(host, port, addresses, self.timeout, self._context())
        return _CheckedHTTPConnection(host, port, addresses, self.timeout)

    def _context(self) -> ssl.SSLContext:
        """Verifying the certificate and its host name, against ``ca_certificates`` when
        given; PermanentFailure when they are no certificate."""
        if self._tls is None:
            try:
                self._tls = ssl.create_default_context(cadata=self.ca_certificates)
            except (ssl.SSLError, ValueError) as error:
                raise PermanentFailure(
                    f"{CA_SETTING} holds no CA certificate that can be used: {error}"
                ) from None
        return self._tls


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection to ``host`` (its ``Host`` header) that connects to one of
    ``addresses``, the checked ones (see the module), never resolving ``host`` again."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses, self.connect_timeout = list(addresses), timeout

    def connect(self) -> None:
        self.sock = connect_first(self.addresses, self.port, self.connect_timeout)


class _CheckedHTTPSConnection(_CheckedHTTPConnection):
    """The same over TLS: SNI and the certificate's host-name check are ``host``."""

    default_port = http.client.HTTPS_PORT

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        timeout: float,
        context: ssl.SSLContext,
    ):
        super().__init__(host, port, addresses, timeout)
        self.context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


def connect_first(addresses: Sequence[str], port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first of ``addresses`` (IP addresses, IPv6 ones with their
    ``%zone`` when getaddrinfo gave one) that accepts at ``port``, each tried in turn for
    ``timeout`` seconds; the last one's OSError when none does. Nothing is resolved."""
    failure: OSError = OSError("no address to connect to")
    for address in addresses:
        family, socket_address = _socket_address(address, port)
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(socket_address)
        except OSError as error:
            sock.close()
            failure = error
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise failure


def _socket_address(address: str, port: int) -> tuple[socket.AddressFamily, tuple[object, ...]]:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv4Address):
        return socket.AF_INET, (str(ip), port)
    zone = ip.scope_id or ""
    scope = int(zone) if zone.isdigit() else socket.if_nametoindex(zone) if zone else 0
    return socket.AF_INET6, (str(ip).partition("%")[0], port, 0, scope)


def _post(
    connection: http.client.HTTPConnection, address: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str, str | None]:
    """POST ``body`` to ``address``'s path and query; the answer's status, reason and
    ``Location``, its body read (:data:`MAX_ANSWER_BYTES` at most) and dropped."""
    connection.request("POST", _target(address), body=body, headers=headers)
    with connection.getresponse() as response:
        response.read(MAX_ANSWER_BYTES)
        return response.status, response.reason, response.getheader("Location")


def _target(address: str) -> str:
    """The request target of ``address``: its path (``/`` when none) and query."""
    parts = urlsplit(address)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _headers(message: Message) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Connection": "close",
    }
    if message.key:
        headers["Idempotency-Key"] = _sf_string(message.key)
    return headers


def _sf_string(text: str) -> str:
    """``text`` as an RFC 8941 sf-string (3.3.3): printable ASCII, quoted, ``\\`` and ``"``
    escaped. A key that cannot be one is a bug of the caller: PermanentFailure."""
    if not all(" " <= character <= "~" for character in text):
        raise PermanentFailure("the idempotency key is not printable ASCII")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _answer_failure(
    status: int, reason: str, location: str | None, address: str
) -> DeliveryFailure:
    """The failure an answer other than 2xx means: a redirect or a 4xx is permanent except
    :data:`_RETRIED_CLIENT_ERRORS`; a 5xx (or anything else) is temporary."""
    text = f"HTTP {status} {reason} from {address_outline(address)}"
    if 300 <= status < 400:
        to = f" to {address_outline(urljoin(address, location))}" if location else ""
        return PermanentFailure(
            f"{text}: a redirect{to}, which is not followed; store the URL it points to"
        )
    if 400 <= status < 500 and status not in _RETRIED_CLIENT_ERRORS:
        return PermanentFailure(text)
    return TemporaryFailure(text)
