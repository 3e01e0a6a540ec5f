"""Email over SMTP: Thai subject and body as UTF-8, a plain-text part and an HTML part."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.inputs import TextProblem
from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure

_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

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
            timeout=settings.send_timeout,
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

    def build(self, address: str, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.subject  # encoded as RFC 2047 UTF-8 words by the policy
        email["From"] = self.sender
        email["To"] = address
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain="ita-tracker")
        for name, value in message.headers.items():
            email[name] = value
        email.set_content(message.text, charset="utf-8")
        if message.html:
            email.add_alternative(message.html, subtype="html", charset="utf-8")
        return email

    def send(self, address: str, message: Message) -> None:
        if "@" not in address:
            raise PermanentFailure(f"{address!r} is not an email address")
        email = self.build(address, message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                if self.starttls:
                    client.starttls()
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            reasons = "; ".join(
                f"{code} {_reply_text(text)}" for code, text in error.recipients.values()
            )
            raise PermanentFailure(f"recipient refused: {reasons}") from error
        except smtplib.SMTPResponseException as error:
            reason = f"{error.smtp_code} {_reply_text(error.smtp_error)}"
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(reason) from error
            raise TemporaryFailure(reason) from error
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"cannot reach {self.host}:{self.port}: {error}") from error


def _reply_text(reply: bytes | str) -> str:
    """A reply's reason as text: the server's bytes, or smtplib's own words ("Line too long.",
    500) when it refuses a reply itself."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply
