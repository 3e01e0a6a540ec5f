"""The e-mail transport's timeouts and a server's refusals, against aiosmtpd on 127.0.0.1 (the
servers: tests/notify_smtp_support.py).

Expected values come from RFC 5321: 4.2.1 (4yz: try again, 5yz: do not) and 4.5.3.2 (the reply
to the end of the message may take minutes).
"""

from __future__ import annotations

import time

import pytest
from followup_support import free_port
from notify_smtp_support import FROM, TO, Handler, Server, message, silent_listener

from tracker.notify import DeliveryFailure, PermanentFailure, TemporaryFailure
from tracker.notify.smtp import SmtpTransport

# --- timeouts -----------------------------------------------------------------------------------


def test_a_server_that_never_greets_is_a_temporary_failure_after_the_connect_timeout() -> None:
    with silent_listener() as listener:
        port = listener.getsockname()[1]
        transport = SmtpTransport("127.0.0.1", port, FROM, connect_timeout=1, data_timeout=30)
        started = time.monotonic()
        with pytest.raises(TemporaryFailure, match=f"127.0.0.1:{port}"):
            transport.send(TO, message())
        took = time.monotonic() - started
    assert took < 15  # the connect timeout, not the data timeout


def test_a_slow_reply_after_the_message_waits_the_data_timeout_and_delivers() -> None:
    with Server(Handler(data_delay=3)) as server:
        server.transport(smtp_connect_timeout=1, smtp_data_timeout=20).send(TO, message())
    assert len(server.mails) == 1


def test_a_reply_after_the_message_later_than_the_data_timeout_is_a_temporary_failure() -> None:
    with Server(Handler(data_delay=3)) as server:
        transport = server.transport(smtp_connect_timeout=1, smtp_data_timeout=1)
        with pytest.raises(TemporaryFailure, match=f"127.0.0.1:{server.port}"):
            transport.send(TO, message())


def test_a_refused_quit_after_the_message_was_accepted_is_no_failure() -> None:
    """The server has the message: reporting a failure now would send it a second time."""
    with Server(Handler(quit_reply="554 5.3.0 not today")) as server:
        server.transport().send(TO, message())
    assert len(server.mails) == 1


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "kind", "code"),
    [
        (Handler(rcpt_reply="550 5.1.1 no such mailbox"), PermanentFailure, "550"),
        (Handler(rcpt_reply="450 4.2.0 greylisted, try again later"), TemporaryFailure, "450"),
        (Handler(data_reply="554 5.7.1 rejected as spam"), PermanentFailure, "554"),
        (Handler(data_reply="451 4.3.0 local error, try again"), TemporaryFailure, "451"),
    ],
    ids=["rcpt-5xx", "rcpt-4xx", "data-5xx", "data-4xx"],
)
def test_a_5xx_refusal_is_permanent_and_a_4xx_one_temporary(
    handler: Handler, kind: type[DeliveryFailure], code: str
) -> None:
    with Server(handler) as server, pytest.raises(DeliveryFailure) as refused:
        server.transport().send(TO, message())
    assert type(refused.value) is kind
    assert code in str(refused.value)


def test_a_server_that_is_down_is_a_temporary_failure_naming_host_and_port() -> None:
    port = free_port()
    with pytest.raises(TemporaryFailure, match=f"127.0.0.1:{port}"):
        SmtpTransport("127.0.0.1", port, FROM, connect_timeout=2).send(TO, message())


def test_every_email_shares_the_lane_of_its_server() -> None:
    transport = SmtpTransport("mail.phrae.go.th", 587, FROM)
    assert transport.lane("a@phrae.go.th") == "smtp:mail.phrae.go.th:587"
    assert transport.lane("b@other.example") == "smtp:mail.phrae.go.th:587"
