"""The e-mail transport's STARTTLS, implicit TLS and logins, against aiosmtpd on 127.0.0.1
with certificates from a throwaway CA (both made in tests/notify_smtp_support.py)."""

from __future__ import annotations

import base64
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from notify_smtp_support import (
    PASSWORD,
    TO,
    USER,
    Certificates,
    Handler,
    Server,
    certificates_fixture,  # noqa: F401
    connections_waiting,
    message,
    server_context,
    silent_listener,
)

from tracker.notify import NotifySettings, PermanentFailure
from tracker.notify.smtp import SmtpTransport

# --- TLS ----------------------------------------------------------------------------------------


def test_starttls_with_the_ca_file_delivers_over_tls_and_logs_in(
    certificates: Certificates,
) -> None:
    handler = Handler()
    with Server(
        handler,
        tls_context=server_context(certificates.server),
        require_starttls=True,
        login=True,
    ) as server:
        server.transport(
            smtp_starttls=True,
            smtp_ca_file=certificates.ca,
            smtp_username=USER,
            smtp_password=PASSWORD,
        ).send(TO, message())
    assert handler.logins == [(USER, PASSWORD)]
    assert handler.sessions == [(True, True)]


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_certificate_that_does_not_verify_is_a_permanent_failure_naming_the_ca_file_setting(
    certificates: Certificates, mode: str
) -> None:
    """Without the private CA the system's CAs cannot verify the server's certificate."""
    handler = Handler()
    context = server_context(certificates.server)
    tls: dict[str, Any] = {"ssl_context" if mode == "tls" else "tls_context": context}
    with Server(handler, **tls) as server:
        transport = server.transport(**{f"smtp_{mode}": True})
        with pytest.raises(PermanentFailure, match="certificate") as refused:
            transport.send(TO, message())
    assert "TRACKER_SMTP_CA_FILE" in str(refused.value)
    assert f"127.0.0.1:{server.port}" in str(refused.value)
    assert handler.mails == []


def test_a_certificate_for_another_host_is_refused_even_from_the_trusted_ca(
    certificates: Certificates,
) -> None:
    handler = Handler()
    with Server(handler, tls_context=server_context(certificates.elsewhere)) as server:
        transport = server.transport(smtp_starttls=True, smtp_ca_file=certificates.ca)
        with pytest.raises(PermanentFailure, match="certificate"):
            transport.send(TO, message())
    assert handler.mails == []


def test_implicit_tls_with_the_ca_file_delivers(certificates: Certificates) -> None:
    handler = Handler()
    # aiosmtpd counts only STARTTLS as TLS for AUTH: on its implicit TLS, AUTH is offered
    # only with auth_require_tls=False (the connection is encrypted all the same)
    with Server(
        handler,
        ssl_context=server_context(certificates.server),
        login=True,
        auth_require_tls=False,
    ) as server:
        server.transport(
            smtp_tls=True,
            smtp_ca_file=certificates.ca,
            smtp_username=USER,
            smtp_password=PASSWORD,
        ).send(TO, message())
    assert len(handler.mails) == 1
    assert handler.logins == [(USER, PASSWORD)]


def test_starttls_to_a_server_that_does_not_offer_it_is_a_permanent_failure() -> None:
    """Sending in clear instead would quietly drop what the configuration asks for."""
    handler = Handler()
    with Server(handler) as server, pytest.raises(PermanentFailure, match="STARTTLS") as refused:
        server.transport(smtp_starttls=True).send(TO, message())
    assert f"127.0.0.1:{server.port}" in str(refused.value)
    assert handler.mails == []


def test_starttls_and_implicit_tls_at_once_is_a_configuration_error() -> None:
    settings = NotifySettings(
        outbox_dir=Path("unused"), smtp_host="127.0.0.1", smtp_starttls=True, smtp_tls=True
    )
    with pytest.raises(PermanentFailure, match=r"TRACKER_SMTP_STARTTLS.*TRACKER_SMTP_TLS"):
        SmtpTransport.from_settings(settings)


def test_a_ca_file_that_cannot_be_read_is_a_configuration_error(tmp_path: Path) -> None:
    settings = NotifySettings(
        outbox_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_starttls=True,
        smtp_ca_file=tmp_path / "missing.pem",
    )
    with pytest.raises(PermanentFailure, match="TRACKER_SMTP_CA_FILE"):
        SmtpTransport.from_settings(settings)


# --- logins -------------------------------------------------------------------------------------


def test_a_login_without_tls_is_refused_before_connecting() -> None:
    with silent_listener() as listener:
        settings = NotifySettings(
            outbox_dir=Path("unused"),
            smtp_host="127.0.0.1",
            smtp_port=listener.getsockname()[1],
            smtp_username=USER,
            smtp_password=PASSWORD,
        )
        with pytest.raises(PermanentFailure) as refused:
            SmtpTransport.from_settings(settings).send(TO, message())
        assert connections_waiting(listener) == 0
    text = str(refused.value)
    for setting in ("TRACKER_SMTP_STARTTLS=true", "TRACKER_SMTP_TLS=true"):
        assert setting in text
    assert "TRACKER_SMTP_ALLOW_PLAIN_LOGIN=true" in text
    assert PASSWORD not in text
    assert USER not in text


def test_connections_waiting_sees_a_connection() -> None:
    """The check above could fail: a client that connected is counted."""
    with silent_listener() as listener, socket.create_connection(listener.getsockname()[:2]):
        time.sleep(0.1)
        assert connections_waiting(listener) == 1


def test_a_login_without_tls_is_made_when_plain_login_is_allowed() -> None:
    handler = Handler()
    with Server(handler, login=True, auth_require_tls=False) as server:
        server.transport(
            smtp_username=USER, smtp_password=PASSWORD, smtp_allow_plain_login=True
        ).send(TO, message())
    assert handler.logins == [(USER, PASSWORD)]
    assert handler.sessions == [(False, True)]


def test_a_refused_login_is_permanent_and_its_text_shows_neither_password_nor_user(
    certificates: Certificates,
) -> None:
    """The server quotes the credentials in its 535 reply; the error text must not."""
    handler = Handler()
    wrong = "wr0ng-Pa55word!"
    with Server(
        handler,
        tls_context=server_context(certificates.server),
        require_starttls=True,
        login=True,
    ) as server:
        transport = server.transport(
            smtp_starttls=True,
            smtp_ca_file=certificates.ca,
            smtp_username=USER,
            smtp_password=wrong,
        )
        with pytest.raises(PermanentFailure) as refused:
            transport.send(TO, message())
    assert handler.logins  # the server did refuse a login
    text = str(refused.value)
    assert text.startswith("535")
    for secret in (wrong, USER, base64.b64encode(f"\0{USER}\0{wrong}".encode()).decode()):
        assert secret not in text
    assert handler.mails == []


def test_a_password_smtplib_cannot_send_is_refused_without_quoting_it(
    certificates: Certificates,
) -> None:
    thai = "รหัสผ่าน"  # smtplib sends credentials as ASCII only
    with Server(
        Handler(),
        tls_context=server_context(certificates.server),
        require_starttls=True,
        login=True,
    ) as server:
        transport = server.transport(
            smtp_starttls=True,
            smtp_ca_file=certificates.ca,
            smtp_username=USER,
            smtp_password=thai,
        )
        with pytest.raises(PermanentFailure, match="ASCII") as refused:
            transport.send(TO, message())
    assert not set(thai) & set(str(refused.value))
    assert USER not in str(refused.value)
