"""The Apprise transport on its own: the refusal of private destinations, redirects,
lanes, and error texts that never show a URL's path or token.

The receiving end is an http.server on 127.0.0.1 (tests/notify_web_support.py); the refusals of
other private addresses (10.0.0.1, 169.254.169.254, …) happen before any connection, so nothing
leaves the machine. tests/conftest.py allows private destinations for the whole session: every
test here says which it wants.
"""

from __future__ import annotations

import json

import pytest
from notify_web_support import (
    MESSAGE,
    TOKEN,
    Sink,
    apprise_transport,
    closed_port,
    sink_fixture,  # noqa: F401
)

from tracker.inputs import TextProblem
from tracker.notify import PermanentFailure, TemporaryFailure
from tracker.notify.apprise_transport import AppriseTransport
from tracker.notify.guard import ALLOW_SETTING

# --- Apprise ------------------------------------------------------------------------------------


def test_an_apprise_url_apprise_refuses_shows_no_part_of_its_token() -> None:
    with pytest.raises(PermanentFailure) as refused:
        apprise_transport(allow_private=False).send(
            "line://SECRETTOKENabcdef/U0123456789abcdef0123456789abcdef?tz=Nowhere/Bad", MESSAGE
        )
    reason = str(refused.value)
    assert "line://***" in reason
    assert "SECR" not in reason  # the old text showed four characters of it
    assert "U0123" not in reason


def test_an_apprise_address_refused_when_stored_shows_no_token() -> None:
    with pytest.raises(TextProblem) as refused:
        AppriseTransport.check_address("line://SECRET TOKEN/U1")
    assert "SECRET" not in str(refused.value)


def test_an_apprise_web_url_to_a_private_address_is_refused_unless_allowed(sink: Sink) -> None:
    address = sink.url(f"/apprise/{TOKEN}", "json")
    with pytest.raises(PermanentFailure) as refused:
        apprise_transport(allow_private=False).send(address, MESSAGE)
    assert "private network" in str(refused.value)
    assert ALLOW_SETTING in str(refused.value)
    assert TOKEN not in str(refused.value)
    assert sink.received == []

    apprise_transport(allow_private=True).send(address, MESSAGE)
    (received,) = sink.received
    assert received.path == f"/apprise/{TOKEN}"
    assert json.loads(received.body)["title"] == MESSAGE.subject


@pytest.mark.parametrize("asks", ["", "?redirect=yes"])
def test_an_apprise_web_url_follows_no_redirect(sink: Sink, asks: str) -> None:
    sink.answers["/moved"] = (307, {"Location": sink.url(f"/elsewhere/{TOKEN}")})
    with pytest.raises(TemporaryFailure) as failed:
        apprise_transport(allow_private=True).send(sink.url("/moved", "json") + asks, MESSAGE)
    assert sink.paths() == ["/moved"]
    assert TOKEN not in str(failed.value)


@pytest.mark.parametrize("scheme", ["json", "form", "xml"])
def test_every_apprise_web_scheme_is_guarded(scheme: str) -> None:
    with pytest.raises(PermanentFailure, match="private network"):
        apprise_transport(allow_private=False).send(f"{scheme}://10.0.0.1/{TOKEN}", MESSAGE)


def test_an_apprise_send_that_fails_shows_the_host_but_not_the_path() -> None:
    port = closed_port()
    with pytest.raises(TemporaryFailure) as failed:
        apprise_transport(allow_private=True).send(f"json://127.0.0.1:{port}/{TOKEN}", MESSAGE)
    assert f"json://127.0.0.1:{port}/***" in str(failed.value)
    assert TOKEN not in str(failed.value)


@pytest.mark.parametrize(
    ("address", "lane"),
    [
        ("line://SECRETTOKEN/U0123456789abcdef0123456789abcdef", "apprise:line"),
        ("TGRAM://123:SECRET/456", "apprise:tgram"),
        (f"json://Hooks.example.go.th:8080/{TOKEN}", "apprise:json:hooks.example.go.th:8080"),
        (f"jsons://hooks.example.go.th/{TOKEN}", "apprise:jsons:hooks.example.go.th:443"),
        (f"xml://[fd00::1]/{TOKEN}", "apprise:xml:[fd00::1]:80"),
    ],
)
def test_the_apprise_lane_names_the_service_or_the_web_server_never_a_token(
    address: str, lane: str
) -> None:
    assert apprise_transport(allow_private=False).lane(address) == lane
    assert "SECRET" not in lane
