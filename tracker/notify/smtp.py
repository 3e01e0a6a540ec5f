"""Email over SMTP: Thai subject and body as UTF-8, a plain-text part and an HTML part."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure


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
                f"{code} {text.decode(errors='replace')}"
                for code, text in error.recipients.values()
            )
            raise PermanentFailure(f"recipient refused: {reasons}") from error
        except smtplib.SMTPResponseException as error:
            reason = f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(reason) from error
            raise TemporaryFailure(reason) from error
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"cannot reach {self.host}:{self.port}: {error}") from error
