"""The webhook transport on its own: the headers a receiver gets, the addresses it connects to,
https against a throwaway CA (tests/notify_smtp_support.py), redirects, and error texts that
never show a URL's path or token.

The receiving end is an http.server on 127.0.0.1 (tests/notify_web_support.py); the refusals of
other private addresses (10.0.0.1, 169.254.169.254, …) happen before any connection, so nothing
leaves the machine. tests/conftest.py allows private destinations for the whole session: every
test here says which it wants.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_smtp_support import (
    Certificates,
    certificates_fixture,  # noqa: F401
    server_context,
)
from notify_web_support import (
    MESSAGE,
    TOKEN,
    Resolver,
    Sink,
    closed_port,
    serving,
    sf_string,
    sink_fixture,  # noqa: F401
    webhook,
)

from tracker.config import channel_variables
from tracker.notify import Message, NotifySettings, PermanentFailure, TemporaryFailure
from tracker.notify.webhook import CA_SETTING, WebhookTransport

# --- what the receiver gets ---------------------------------------------------------------------


def test_the_webhook_sends_the_message_key_as_idempotency_key_and_names_itself(
    sink: Sink,
) -> None:
    transport = webhook(allow_private=True)
    transport.send(sink.url("/hook"), MESSAGE)
    transport.send(sink.url("/hook"), MESSAGE)  # a second attempt of the same ledger row

    first, second = sink.received
    assert sf_string(first.headers["Idempotency-Key"]) == MESSAGE.key
    assert first.headers["Idempotency-Key"] == f'"{MESSAGE.key}"'  # the draft's sf-string
    assert second.headers["Idempotency-Key"] == first.headers["Idempotency-Key"]
    assert first.headers["User-Agent"] == "ita-tracker"
    assert json.loads(first.body) == {"subject": MESSAGE.subject, "text": "ข้อความ", "html": None}


def test_a_message_outside_the_ledger_is_sent_without_an_idempotency_key(sink: Sink) -> None:
    webhook(allow_private=True).send(sink.url("/hook"), Message("s", "t"))
    (received,) = sink.received
    assert "Idempotency-Key" not in received.headers
    assert received.headers["User-Agent"] == "ita-tracker"


def test_every_ledger_key_arrives_whole(sink: Sink) -> None:
    # A UUID that starts with a digit is no RFC 8941 token: only the quoted form is valid.
    keys = [str(uuid.uuid4()) for _ in range(20)]
    transport = webhook(allow_private=True)
    for key in keys:
        transport.send(sink.url("/hook"), Message("s", "t", key=key))
    assert [sf_string(r.headers["Idempotency-Key"]) for r in sink.received] == keys


def test_the_host_header_is_the_urls_name_though_the_connection_goes_to_its_address(
    sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = Resolver(monkeypatch, {"hooks.test": [["127.0.0.1"]]})
    webhook(allow_private=True).send(f"http://Hooks.test:{sink.port}/hook?token={TOKEN}", MESSAGE)
    (received,) = sink.received
    assert received.headers["Host"] == f"hooks.test:{sink.port}"
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    assert received.path == "/hook"
    assert resolver.asked == ["hooks.test"]


def test_each_address_is_tried_in_the_resolvers_order_until_one_accepts(
    sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on 127.0.0.3 at the sink's port; 127.0.0.2 does once it is started.
    Resolver(monkeypatch, {"hooks.test": [["127.0.0.3", "127.0.0.2", "127.0.0.1"]]})
    address = f"http://hooks.test:{sink.port}/hook"
    webhook(allow_private=True).send(address, MESSAGE)
    assert sink.paths() == ["/hook"]  # past the refusing 127.0.0.3 and 127.0.0.2

    with serving("127.0.0.2", sink.port) as second:
        webhook(allow_private=True).send(address, MESSAGE)
    assert second.paths() == ["/hook"]
    assert sink.paths() == ["/hook"]  # not reached: an earlier address accepted


@pytest.fixture
def ipv6_sink() -> Iterator[Sink]:
    try:
        with serving("::1") as recorder:
            yield recorder
    except OSError as error:  # no IPv6 loopback on this machine
        pytest.skip(f"cannot listen on [::1]: {error}")


def test_an_ipv6_server_is_reached_by_its_literal_and_by_a_name(
    ipv6_sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    Resolver(monkeypatch, {"hooks6.test": [["::1"]]})
    transport = webhook(allow_private=True)
    transport.send(f"http://[::1]:{ipv6_sink.port}/literal", MESSAGE)
    transport.send(f"http://hooks6.test:{ipv6_sink.port}/named", MESSAGE)
    literal, named = ipv6_sink.received
    assert literal.headers["Host"] == f"[::1]:{ipv6_sink.port}"
    assert named.headers["Host"] == f"hooks6.test:{ipv6_sink.port}"


def test_the_answer_is_read_at_most_64_kib_and_the_connection_closed(sink: Sink) -> None:
    # The answer says 1 GB and stops after 128 KiB: reading it all would wait for the timeout.
    sink.endless.add("/chatty")
    started = time.monotonic()
    webhook(allow_private=True).send(sink.url("/chatty"), MESSAGE)
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while not sink.hung_up and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sink.hung_up == ["/chatty"]


# --- https: the certificate of the URL's name -------------------------------------------------


def _tls_webhook(ca_file: Path | None) -> WebhookTransport:
    """The transport as TRACKER_WEBHOOK_CA_FILE configures it (through tracker.config)."""
    channels = channel_variables({CA_SETTING: str(ca_file)}) if ca_file else {}
    settings = NotifySettings(
        outbox_dir=Path("unused"), allow_private_destinations=True, channels=channels
    )
    return WebhookTransport.from_settings(settings)


@pytest.fixture
def tls_sink(certificates: Certificates) -> Iterator[Sink]:
    """Over TLS with a certificate for localhost and 127.0.0.1, from the throwaway CA."""
    with serving(tls=server_context(certificates.server)) as recorder:
        yield recorder


def test_an_https_webhook_verifies_the_certificate_against_the_ca_file(
    tls_sink: Sink, certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    Resolver(monkeypatch, {"localhost": [["127.0.0.1"]]})
    _tls_webhook(certificates.ca).send(
        tls_sink.url(f"/hook/{TOKEN}", "https", "localhost"), MESSAGE
    )
    (received,) = tls_sink.received
    assert received.headers["Host"] == f"localhost:{tls_sink.port}"
    assert tls_sink.server_names == ["localhost"]  # SNI: the URL's name
    assert json.loads(received.body)["subject"] == MESSAGE.subject


def test_a_certificate_not_naming_the_urls_host_is_a_permanent_failure(
    tls_sink: Sink, certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hooks.test connects to 127.0.0.1, which the certificate names: the name is what counts.
    Resolver(monkeypatch, {"hooks.test": [["127.0.0.1"]]})
    with pytest.raises(PermanentFailure) as refused:
        _tls_webhook(certificates.ca).send(
            tls_sink.url(f"/{TOKEN}", "https", "hooks.test"), MESSAGE
        )
    reason = str(refused.value)
    assert reason.startswith(f"the certificate of https://hooks.test:{tls_sink.port}")
    assert "does not verify" in reason
    assert "not valid for 'hooks.test'" in reason
    assert CA_SETTING in reason
    assert TOKEN not in reason
    assert tls_sink.server_names == ["hooks.test"]
    assert tls_sink.received == []


def test_a_certificate_of_another_name_verifies_when_the_url_names_it(
    certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    Resolver(monkeypatch, {"mail.elsewhere.example": [["127.0.0.1"]], "localhost": [["127.0.0.1"]]})
    with serving(tls=server_context(certificates.elsewhere)) as elsewhere:
        transport = _tls_webhook(certificates.ca)
        with pytest.raises(PermanentFailure, match="not valid for 'localhost'"):
            transport.send(elsewhere.url("/hook", "https", "localhost"), MESSAGE)
        transport.send(elsewhere.url("/hook", "https", "mail.elsewhere.example"), MESSAGE)
    assert elsewhere.paths() == ["/hook"]
    assert elsewhere.received[0].headers["Host"] == f"mail.elsewhere.example:{elsewhere.port}"


def test_without_the_ca_file_a_private_ca_does_not_verify(tls_sink: Sink) -> None:
    with pytest.raises(PermanentFailure) as refused:
        _tls_webhook(None).send(tls_sink.url("/hook", "https"), MESSAGE)
    assert "does not verify (unable to get local issuer certificate)" in str(refused.value)
    assert tls_sink.received == []


def test_a_ca_setting_that_is_no_certificate_fails_https_sends_only(
    sink: Sink, tmp_path: Path
) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    transport = _tls_webhook(bogus)
    with pytest.raises(PermanentFailure, match=f"{CA_SETTING} holds no CA certificate"):
        transport.send(f"https://127.0.0.1:{sink.port}/hook", MESSAGE)
    transport.send(sink.url("/hook"), MESSAGE)
    assert sink.paths() == ["/hook"]  # only the http send reached the server


def test_plain_http_to_an_https_url_is_a_temporary_tls_failure(sink: Sink) -> None:
    with pytest.raises(TemporaryFailure) as failed:
        webhook(allow_private=True).send(sink.url(f"/{TOKEN}", "https"), MESSAGE)
    assert str(failed.value).startswith(f"TLS with https://127.0.0.1:{sink.port}/… failed: ")
    assert "WRONG_VERSION_NUMBER" in str(failed.value)
    assert TOKEN not in str(failed.value)


# --- redirects ----------------------------------------------------------------------------------


def test_a_redirect_is_not_followed_even_to_an_allowed_host(sink: Sink) -> None:
    sink.answers["/moved"] = (307, {"Location": sink.url(f"/elsewhere/{TOKEN}")})
    sink.answers["/metadata"] = (302, {"Location": "http://169.254.169.254/latest/" + TOKEN})
    transport = webhook(allow_private=True)

    with pytest.raises(PermanentFailure) as moved:
        transport.send(sink.url("/moved"), MESSAGE)
    with pytest.raises(PermanentFailure) as metadata:
        transport.send(sink.url("/metadata"), MESSAGE)

    assert sink.paths() == ["/moved", "/metadata"]  # nothing reached /elsewhere
    assert "redirect" in str(moved.value)
    assert "307" in str(moved.value)
    assert f"127.0.0.1:{sink.port}" in str(moved.value)
    assert "http://169.254.169.254" in str(metadata.value)
    for failure in (moved.value, metadata.value):
        assert TOKEN not in str(failure)
        assert "elsewhere" not in str(failure)


# --- error texts and their classes --------------------------------------------------------------


def test_http_errors_are_classified_and_name_the_server_only(sink: Sink) -> None:
    sink.answers.update(
        {
            f"/gone/{TOKEN}": (404, {}),
            f"/busy/{TOKEN}": (503, {}),
            f"/outstanding/{TOKEN}": (409, {}),
            f"/slow/{TOKEN}": (429, {}),
        }
    )
    transport = webhook(allow_private=True)
    failures = {}
    for path in ("gone", "busy", "outstanding", "slow"):
        with pytest.raises((PermanentFailure, TemporaryFailure)) as failed:
            transport.send(sink.url(f"/{path}/{TOKEN}?token={TOKEN}"), MESSAGE)
        failures[path] = failed.value

    assert type(failures["gone"]) is PermanentFailure
    assert type(failures["busy"]) is TemporaryFailure
    assert type(failures["outstanding"]) is TemporaryFailure  # the first copy still processing
    assert type(failures["slow"]) is TemporaryFailure
    for path, failure in failures.items():
        reason = str(failure)
        assert f"http://127.0.0.1:{sink.port}" in reason
        assert TOKEN not in reason
        assert path not in reason
    assert "404" in str(failures["gone"])
    assert "503" in str(failures["busy"])


def test_a_refused_connection_is_temporary_and_shows_no_path() -> None:
    port = closed_port()
    with pytest.raises(TemporaryFailure) as refused:
        webhook(allow_private=True).send(f"http://127.0.0.1:{port}/hook/{TOKEN}", MESSAGE)
    reason = str(refused.value)
    assert reason.startswith(f"cannot reach http://127.0.0.1:{port}")
    assert "refused" in reason.lower()
    assert TOKEN not in reason
    assert "hook" not in reason


@pytest.mark.parametrize(
    ("address", "says"),
    [
        (f"ftp://example.go.th/{TOKEN}", "is not an http(s) URL"),
        (f"json://example.go.th/{TOKEN}", "is not an http(s) URL"),
        (f"http://example.go.th:99999/{TOKEN}", "has no valid port"),
        (f"http://example.go.th:abc/{TOKEN}", "has no valid port"),
        (f"http:///{TOKEN}", "names no host"),
        (f"http://[::1/{TOKEN}", "is not a URL"),
    ],
)
def test_an_address_that_is_no_web_url_is_a_permanent_failure_without_its_path(
    address: str, says: str
) -> None:
    with pytest.raises(PermanentFailure) as refused:
        webhook(allow_private=False).send(address, MESSAGE)
    assert says in str(refused.value)
    assert TOKEN not in str(refused.value)


@pytest.mark.parametrize(
    ("address", "lane"),
    [
        (f"https://Hooks.Example.go.th/{TOKEN}", "http:hooks.example.go.th:443"),
        (f"http://hooks.example.go.th/{TOKEN}", "http:hooks.example.go.th:80"),
        (f"http://127.0.0.1:8080/{TOKEN}", "http:127.0.0.1:8080"),
        (f"https://user:{TOKEN}@[2001:db8::1]:8443/x", "http:[2001:db8::1]:8443"),
        (f"http://example.go.th:abc/{TOKEN}", "http:?"),
        ("not a url", "http:?"),
    ],
)
def test_the_webhook_lane_is_the_server(address: str, lane: str) -> None:
    assert webhook(allow_private=False).lane(address) == lane
