"""The webhook transport on its own: the headers a receiver gets, redirects, and error
texts that never show a URL's path or token.

The receiving end is an http.server on 127.0.0.1 (tests/notify_web_support.py); the refusals of
other private addresses (10.0.0.1, 169.254.169.254, …) happen before any connection, so nothing
leaves the machine. tests/conftest.py allows private destinations for the whole session: every
test here says which it wants.
"""

from __future__ import annotations

import json
import uuid

import pytest
from notify_web_support import (
    MESSAGE,
    TOKEN,
    Sink,
    closed_port,
    sf_string,
    sink_fixture,  # noqa: F401
    webhook,
)

from tracker.notify import Message, PermanentFailure, TemporaryFailure

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
