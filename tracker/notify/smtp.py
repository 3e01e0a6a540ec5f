"""Email over SMTP: Thai subject and body as UTF-8, a plain-text part and an HTML part.

One :class:`SmtpTransport` serves every e-mail of a run (the dispatcher may send from several
threads at once: each send opens a connection of its own). What it guarantees:

- every copy of one ledger row carries the same ``Message-ID`` (``<key@domain of From>``), so
  a copy sent again after a crash is recognisably the same message;
- the Subject arrives with every character and every space it was queued with (see
  :func:`subject_lines`);
- connecting, the greeting and each command before the message wait at most the connect
  timeout; the reply to the message itself waits the data timeout (RFC 5321 4.5.3.2);
- STARTTLS and implicit TLS verify the server's certificate and host name; a password never
  crosses a connection without TLS unless plain login is allowed, and no error text shows
  the user name or the password.
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import Policy
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from tracker.inputs import TextProblem
from tracker.notify import (
    DeliveryFailure,
    Message,
    NotifySettings,
    PermanentFailure,
    TemporaryFailure,
)

_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
# RFC 2606 reserves .invalid: a Message-ID domain that is nobody's, for a From without one.
_NO_DOMAIN = "ita-tracker.invalid"

# RFC 5322 2.1.1: a line SHOULD be at most 78 characters (and MUST be at most 998).
_LINE_MAX = 78
# RFC 2047 2: an encoded word is at most 75 characters, "=?utf-8?b?" and "?=" included.
_WORD_MAX = 75
_WORD_OPEN, _WORD_CLOSE = "=?utf-8?b?", "?="
# Printable ASCII words, one space apart: written as they are, for there is nothing a reader
# could lose (no leading, trailing or doubled space for a parser to drop).
_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")


class SmtpTransport:
    """Sends each message in one SMTP session to ``host:port``, from ``sender``.

    Configuration errors raise PermanentFailure here, before any connection: STARTTLS and
    implicit TLS together, a login over a connection without TLS (unless
    ``allow_plain_login``), a CA file that cannot be read. ``timeout`` is the older name of
    ``connect_timeout``."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        tls: bool = False,
        ca_file: Path | None = None,
        allow_plain_login: bool = False,
        connect_timeout: float = 10.0,
        data_timeout: float = 600.0,
        timeout: float | None = None,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.tls = starttls, tls
        self.connect_timeout = connect_timeout if timeout is None else timeout
        self.data_timeout = data_timeout
        _check_security(starttls=starttls, tls=tls, login=bool(username), plain=allow_plain_login)
        self._context = _tls_context(ca_file) if starttls or tls else None
        self._secrets = _secret_forms(username, password)
        self._id_domain = _id_domain(sender)

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> SmtpTransport:
        if not settings.smtp_host:
            raise PermanentFailure("email is not configured: set TRACKER_SMTP_HOST")
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            tls=settings.smtp_tls,
            ca_file=settings.smtp_ca_file,
            allow_plain_login=settings.smtp_allow_plain_login,
            connect_timeout=settings.smtp_connect_timeout,
            data_timeout=settings.smtp_data_timeout,
        )

    @staticmethod
    def check_address(text: str) -> str:
        """One address (``name@example.go.th``), no display name, one ``@``, a domain with a
        dot; Thai and other non-ASCII domains are allowed (IDNA)."""
        if "<" in text or " " in text:
            raise TextProblem(
                f"{text!r} is not one e-mail address: write only the address, a@b.go.th"
            )
        local, at, domain = text.rpartition("@")
        if not at or "@" in local:
            raise TextProblem(
                f"{text!r} is not an e-mail address: it needs exactly one @ (name@example.go.th)"
            )
        if len(local) > 64 or not _LOCAL_PART.fullmatch(local):
            raise TextProblem(f"{text!r} is not an e-mail address: {local!r} is not a mailbox name")
        try:
            ascii_domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise TextProblem(
                f"{text!r} is not an e-mail address: {domain!r} is no domain"
            ) from None
        labels = ascii_domain.split(".")
        if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
            raise TextProblem(
                f"{text!r} is not an e-mail address: {domain!r} is no domain (example.go.th)"
            )
        return text

    def lane(self, address: str) -> str:
        """Where a send to ``address`` goes, for the dispatcher's per-destination limits and
        circuit breaker: every e-mail goes through the one server, whatever the address."""
        return f"smtp:{self.host}:{self.port}"

    def build(self, address: str, message: Message) -> EmailMessage:
        """The e-mail of ``message`` to ``address``; its Message-ID is ``<key@domain>`` for a
        message with a key, the same on every attempt."""
        email = EmailMessage()
        email["Subject"] = FoldedSubject(message.subject)
        email["From"] = self.sender
        email["To"] = address
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = self.message_id(message.key)
        for name, value in message.headers.items():
            email[name] = value
        email.set_content(message.text, charset="utf-8")
        if message.html:
            email.add_alternative(message.html, subtype="html", charset="utf-8")
        for attachment in message.attachments:
            main, _, sub = attachment.media_type.partition("/")
            email.add_attachment(
                attachment.content, maintype=main, subtype=sub, filename=attachment.filename
            )
        return email

    def message_id(self, key: str) -> str:
        """``<key@domain>`` (RFC 5322 3.6.4), the domain that of the From address; a fresh
        unique id when there is no key."""
        if not key:
            return make_msgid(domain=self._id_domain)
        if not _LOCAL_PART.fullmatch(key):
            raise PermanentFailure(f"message key {key!r} cannot be the left part of a Message-ID")
        return f"<{key}@{self._id_domain}>"

    def send(self, address: str, message: Message) -> None:
        """Deliver ``message`` to ``address``, or raise TemporaryFailure (trying again may
        work) or PermanentFailure (the address, the message or the configuration is wrong).
        Once the server has accepted the message, nothing that follows fails the send."""
        if "@" not in address:
            raise PermanentFailure(f"{address!r} is not an email address")
        email = self.build(address, message)
        try:
            self._deliver(email)
        except (smtplib.SMTPException, OSError) as error:
            # from None: a chained smtplib error may hold the server's reply to a login, and
            # nothing that may show the credentials goes to the ledger or to a log
            raise self._failure(error) from None

    def _deliver(self, email: EmailMessage) -> None:
        client = self._connect()
        try:
            if self.starttls:
                client.starttls(context=self._context)
            if self.username:
                self._login(client)
            client.send_message(email)
        finally:
            _quit(client, self.connect_timeout)

    def _connect(self) -> _Client:
        """A client connected and greeted, each command under the connect timeout and the
        reply to the message under the data timeout. (smtplib takes the host name that TLS
        verifies from its constructor only, so the constructor connects.)"""
        if self.tls:
            return _TlsClient(
                self.host,
                self.port,
                data_timeout=self.data_timeout,
                timeout=self.connect_timeout,
                context=self._context,
            )
        return _Client(
            self.host, self.port, data_timeout=self.data_timeout, timeout=self.connect_timeout
        )

    def _login(self, client: _Client) -> None:
        try:
            client.login(self.username or "", self.password or "")
        except UnicodeEncodeError:
            # smtplib sends both as ASCII; the error would quote the character of the secret
            raise PermanentFailure(
                f"cannot log in to {self.host}:{self.port}: the TRACKER_SMTP_USERNAME and "
                "TRACKER_SMTP_PASSWORD must be ASCII"
            ) from None

    def _failure(self, error: smtplib.SMTPException | OSError) -> DeliveryFailure:
        """The failure ``error`` means, worded without the user name or the password."""
        kind, text = self._classify(error)
        return kind(_hide(text, self._secrets))

    def _classify(
        self, error: smtplib.SMTPException | OSError
    ) -> tuple[type[DeliveryFailure], str]:
        server = f"{self.host}:{self.port}"
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            replies = list(error.recipients.values())
            reasons = "; ".join(f"{code} {_reply_text(text)}" for code, text in replies)
            every_one_permanent = all(_permanent(code) for code, _ in replies)
            return _kind(every_one_permanent), f"recipient refused: {reasons}"
        if isinstance(error, smtplib.SMTPResponseException):
            # the server's own words, code first (4xx: try again; 5xx: it will not work)
            reason = f"{error.smtp_code} {_reply_text(error.smtp_error)}"
            return _kind(_permanent(error.smtp_code)), reason
        if isinstance(error, smtplib.SMTPNotSupportedError):
            # STARTTLS, AUTH or SMTPUTF8 not offered: the configuration, not a passing fault
            return PermanentFailure, f"{server} cannot do what is configured: {error}"
        if isinstance(error, ssl.SSLCertVerificationError):
            return PermanentFailure, (
                f"the certificate of {server} does not verify ({error.verify_message}): for a "
                "private mail server, set TRACKER_SMTP_CA_FILE to the CA certificate that "
                "signed it"
            )
        if isinstance(error, ssl.SSLError):
            return TemporaryFailure, f"TLS with {server} failed: {error}"
        if _timed_out(error):
            return TemporaryFailure, f"{server} did not answer in time: {error}"
        return TemporaryFailure, f"cannot reach {server}: {error}"


class _Client(smtplib.SMTP):
    """smtplib's client with the reply to the message under a timeout of its own."""

    def __init__(self, host: str, port: int, *, data_timeout: float, **options: Any) -> None:
        self.data_timeout = data_timeout
        super().__init__(host, port, **options)

    def data(self, msg: Any) -> tuple[int, bytes]:
        """smtplib's DATA, the reply after the message waiting ``data_timeout``: a server may
        filter and store the message before it answers, and RFC 5321 4.5.3.2 gives it ten
        minutes. DATA itself and its 354 are a command like any other."""
        code, reply = self.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if self.sock is not None:
            self.sock.settimeout(self.data_timeout)
        self.send(_data_block(msg))
        return self.getreply()


class _TlsClient(_Client, smtplib.SMTP_SSL):
    """Implicit TLS (port 465): smtplib's SMTP_SSL with the data timeout of :class:`_Client`."""


def _data_block(msg: bytes | str) -> bytes:
    """The message as sent after DATA (RFC 5321 4.5.2): CRLF line ends, each line starting
    with a period doubled, then the line holding a lone period. As smtplib's ``data``."""
    raw = re.sub(r"\r\n|\r|\n", "\r\n", msg).encode("ascii") if isinstance(msg, str) else msg
    stuffed = re.sub(rb"(?m)^\.", b"..", raw)
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _quit(client: smtplib.SMTP, timeout: float) -> None:
    """Say QUIT and hang up, quietly: a message the server accepted is delivered whatever
    happens now, and reporting it failed would send it again."""
    try:
        if client.sock is not None:
            client.sock.settimeout(timeout)
            client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()


def _check_security(*, starttls: bool, tls: bool, login: bool, plain: bool) -> None:
    if starttls and tls:
        raise PermanentFailure(
            "set TRACKER_SMTP_STARTTLS or TRACKER_SMTP_TLS, not both: STARTTLS upgrades a plain "
            "connection (port 587), TLS speaks it from the first byte (port 465)"
        )
    if login and not (starttls or tls or plain):
        raise PermanentFailure(
            "refusing to send the SMTP password over a connection without TLS: set "
            "TRACKER_SMTP_STARTTLS=true or TRACKER_SMTP_TLS=true, or "
            "TRACKER_SMTP_ALLOW_PLAIN_LOGIN=true on a trusted local network"
        )


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """A context verifying the server's certificate and host name, against ``ca_file`` when
    given (a private server's CA) or else the system's CAs."""
    try:
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    except (OSError, ssl.SSLError) as error:
        raise PermanentFailure(f"cannot read TRACKER_SMTP_CA_FILE {ca_file}: {error}") from None


def _secret_forms(username: str | None, password: str | None) -> tuple[str, ...]:
    """The credentials as typed and as they cross the wire (base64, for AUTH LOGIN and AUTH
    PLAIN), which a server might quote back in a reply; longest first."""
    secrets = [s for s in (username, password) if s]
    wire = [base64.b64encode(s.encode()).decode("ascii") for s in secrets]
    if username and password:
        wire.append(base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii"))
    return tuple(sorted(set(secrets + wire), key=len, reverse=True))


def _hide(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[hidden]")
    return text


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _kind(permanent: bool) -> type[DeliveryFailure]:
    return PermanentFailure if permanent else TemporaryFailure


def _timed_out(error: BaseException) -> bool:
    # smtplib words a read that timed out as "Connection unexpectedly closed: timed out"
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def _reply_text(reply: bytes | str) -> str:
    """A reply's reason as text: the server's bytes, or smtplib's own words ("Line too long.",
    500) when it refuses a reply itself."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _id_domain(sender: str) -> str:
    """The domain of the From address, in ASCII: "ITA Tracker <ita@phrae.go.th>" gives
    phrae.go.th; a From without a usable domain gives ita-tracker.invalid."""
    _local, at, domain = parseaddr(sender)[1].rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return _NO_DOMAIN
    labels = ascii_domain.split(".")
    if not at or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return _NO_DOMAIN
    return ascii_domain


# --- the Subject ---------------------------------------------------------------------------


class FoldedSubject(str):
    """A Subject header the e-mail policy writes exactly as :func:`subject_lines` folds it.

    Left to itself, the policy folds a long Thai subject into encoded words with a space of
    the subject sometimes *between* two of them, where RFC 2047 6.2 has readers drop it:
    "(4 รายการ)" arrived as "(4รายการ)". A value with a ``name`` is a header object to
    ``email.policy.EmailPolicy``: stored as it is and written by its own ``fold``. As a str
    it is the subject itself, so ``email["Subject"]`` still reads as queued."""

    name = "Subject"
    _lines: tuple[str, ...]

    def __new__(cls, subject: str) -> FoldedSubject:
        header = super().__new__(cls, subject)
        header._lines = tuple(subject_lines(subject, len(cls.name) + 2))
        return header

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: " + policy.linesep.join(self._lines) + policy.linesep


def subject_lines(subject: str, first: int) -> list[str]:
    """``subject`` as the lines of an unstructured header whose first line already holds
    ``first`` characters ("Subject: "); each line after the first starts with a space.

    Printable ASCII words one space apart that fit on the first line are written as they are.
    Anything else becomes UTF-8 "B" encoded words (RFC 2047), one a line, each holding a
    whole number of characters (a Thai consonant with its vowel and tone marks), every space
    of the subject inside the encoded text: the only whitespace between two words is the
    folding, which readers drop, so the subject decodes to exactly what was queued. Every
    line is at most 78 characters."""
    if first + len(subject) <= _LINE_MAX and _plain(subject):
        return [subject]
    lines: list[str] = []
    room, later_room = min(_WORD_MAX, _LINE_MAX - first), min(_WORD_MAX, _LINE_MAX - 1)
    chunk = b""
    for piece in _pieces(subject, min(room, later_room)):  # each piece fits any line
        if chunk and _word_length(len(chunk) + len(piece)) > room:
            lines.append(_encoded_word(chunk))
            room, chunk = later_room, b""
        chunk += piece
    lines.append(_encoded_word(chunk))
    return [lines[0], *(" " + line for line in lines[1:])]


def _plain(subject: str) -> bool:
    # "=?" could start what a reader takes for an encoded word
    return (not subject or _PLAIN.fullmatch(subject) is not None) and "=?" not in subject


def _pieces(text: str, room: int) -> Iterator[bytes]:
    """``text`` in UTF-8, cut before each character that is not a combining mark, so no
    encoded word starts with a mark a reader might draw alone; a run of marks too long for
    one word is cut between characters. (An unpaired surrogate, which UTF-8 cannot carry,
    becomes "?".)"""
    cluster = ""
    for char in text:
        if cluster and not unicodedata.category(char).startswith("M"):
            yield from _fitting(cluster, room)
            cluster = ""
        cluster += char
    if cluster:
        yield from _fitting(cluster, room)


def _fitting(cluster: str, room: int) -> Iterator[bytes]:
    encoded = cluster.encode("utf-8", errors="replace")
    if _word_length(len(encoded)) <= room:
        yield encoded
    else:
        for char in cluster:
            yield char.encode("utf-8", errors="replace")


def _word_length(size: int) -> int:
    """The length of an encoded word holding ``size`` bytes: base64 makes 4 of each 3."""
    return len(_WORD_OPEN) + 4 * -(-size // 3) + len(_WORD_CLOSE)


def _encoded_word(chunk: bytes) -> str:
    return _WORD_OPEN + base64.b64encode(chunk).decode("ascii") + _WORD_CLOSE
