"""Shared by the e-mail transport's tests (tests/test_notify_smtp_*.py): not a test module.

Each test starts its own aiosmtpd server on 127.0.0.1 (:class:`Server`): plain, STARTTLS or
implicit TLS with a throwaway CA made here with the ``cryptography`` package (the
``certificates`` fixture), with or without a login, replying late or refusing (:class:`Handler`).
What is checked is what the server received (the raw bytes, decoded with the standard
library's default policy) and the failure the transport raised.

A test module imports the fixture by its function name, ``certificates_fixture`` (with
``# noqa: F401``), and takes it as ``certificates``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from followup_support import Mail, free_port

from tracker.notify import Message, NotifySettings
from tracker.notify.smtp import SmtpTransport

FROM = "ITA Tracker <ita@phrae.go.th>"
TO = "finance@phrae-pao.example"
KEY = "5f0c6b8e-3d1a-4f5e-9b2c-7a8d9e0f1a2b"
USER = "ita-sender"
PASSWORD = "s3cret-Pa55word!"
DIGEST = "แจ้งเตือน: งานที่เลยกำหนด (4 รายการ) ของกองคลัง"


# --- a throwaway CA and the server's certificates ---------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA certificate, for TRACKER_SMTP_CA_FILE
    server: tuple[Path, Path]  # chain and key of a certificate naming 127.0.0.1 and localhost
    elsewhere: tuple[Path, Path]  # signed by the same CA, for mail.elsewhere.example only


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    names: list[x509.GeneralName],
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        builder = builder.add_extension(x509.SubjectAlternativeName(names), False)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module", name="certificates")
def certificates_fixture(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("ITA test CA", ca_key, None, [])
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def leaf(stem: str, names: list[x509.GeneralName]) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(stem, key, (ca.subject, ca_key), names)
        chain = folder / f"{stem}.pem"
        chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return chain, _write_key(key, folder / f"{stem}.key")

    server = leaf(
        "server",
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    elsewhere = leaf("elsewhere", [x509.DNSName("mail.elsewhere.example")])
    return Certificates(folder / "ca.pem", server, elsewhere)


def server_context(chain_and_key: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*chain_and_key)
    return context


# --- an SMTP server -----------------------------------------------------------------------------


class Handler:
    """aiosmtpd's handler: keeps each accepted message with whether its session was over TLS
    and logged in; refuses at RCPT or DATA, or replies late to DATA, when told to."""

    def __init__(
        self,
        *,
        rcpt_reply: str | None = None,
        data_reply: str | None = None,
        data_delay: float = 0.0,
        quit_reply: str | None = None,
    ) -> None:
        self.rcpt_reply, self.data_reply = rcpt_reply, data_reply
        self.data_delay, self.quit_reply = data_delay, quit_reply
        self.mails: list[Mail] = []
        self.sessions: list[tuple[bool, bool]] = []  # (over TLS, logged in) per mail
        self.logins: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.data_delay)
        if self.data_reply:
            return self.data_reply
        with self._lock:
            self.mails.append(
                Mail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
            self.sessions.append((session.ssl is not None, bool(session.authenticated)))
        return "250 2.0.0 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> Any:
        return self.quit_reply or MISSING

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        """USER and PASSWORD log in; any other pair is refused with a reply that quotes
        what the client sent, as a careless server might."""
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        if (login, password) == (USER, PASSWORD):
            return AuthResult(success=True)
        sent = base64.b64encode(f"\0{login}\0{password}".encode()).decode()
        return AuthResult(
            success=False,
            handled=False,
            message=f"535 5.7.8 no login for {login} with {password} ({sent})",
        )


class Server:
    """aiosmtpd on 127.0.0.1 at a free port, with ``handler`` and these SMTP parameters;
    implicit TLS with ``ssl_context``, AUTH (``handler.authenticate``) with ``login``."""

    def __init__(
        self,
        handler: Handler,
        *,
        ssl_context: ssl.SSLContext | None = None,
        login: bool = False,
        **smtp: Any,
    ) -> None:
        self.handler, self.port = handler, free_port()
        if login:
            smtp["authenticator"] = handler.authenticate
        self._controller = Controller(
            handler, hostname="127.0.0.1", port=self.port, ssl_context=ssl_context, **smtp
        )

    def __enter__(self) -> Server:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def mails(self) -> list[Mail]:
        return self.handler.mails

    def settings(self, **fields: Any) -> NotifySettings:
        values: dict[str, Any] = {
            "outbox_dir": Path("unused"),
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_from": FROM,
            "smtp_connect_timeout": 5.0,
            "smtp_data_timeout": 20.0,
        }
        return NotifySettings(**(values | fields))

    def transport(self, **fields: Any) -> SmtpTransport:
        return SmtpTransport.from_settings(self.settings(**fields))


@contextmanager
def silent_listener() -> Iterator[socket.socket]:
    """A port that accepts TCP connections (the kernel's backlog) and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        yield listener
    finally:
        listener.close()


def connections_waiting(listener: socket.socket) -> int:
    """How many connections reached ``listener`` (none is ever accepted by anybody else)."""
    listener.setblocking(False)
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def decoded_subject(mail: Mail) -> str:
    parsed = email.message_from_bytes(mail.raw, policy=email.policy.default)
    return str(parsed["Subject"])


def header_lines(mail: Mail) -> list[bytes]:
    head = mail.raw.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")


def message(subject: str = DIGEST, key: str = KEY) -> Message:
    return Message(subject, "มีงานเลยกำหนด 4 รายการ", "<p>มีงานเลยกำหนด 4 รายการ</p>", key=key)
