"""The LINE channel (tracker.notify.line) against a local fake of the Messaging API: its
configuration and the addresses it takes.

Every test sends through the real transport, over HTTP, to tests/line_fake.py on 127.0.0.1,
which answers as LINE documents: bearer token, retry key, body limits (5 text objects of
5,000 characters), 409 to a retry key already accepted, 429 for the monthly limit. The
expected texts and statuses come from those rules, not from the transport.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from line_fake import LineApi, line_api_fixture  # noqa: F401
from notify_line_support import EXAMPLE, GROUP, ROOM, USER, message, settings, transport

from tracker.config import load_settings
from tracker.inputs import TextProblem
from tracker.notify import CHANNELS, PermanentFailure, transport_for
from tracker.notify.addresses import check_address
from tracker.notify.line import LineTransport

# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("line", [{}, {"api_url": "https://api.line.me"}, {"token": "  "}])
def test_without_a_token_line_is_not_configured(tmp_path: Path, line: dict[str, str]) -> None:
    with pytest.raises(PermanentFailure) as failure:
        LineTransport.from_settings(settings(tmp_path, line))

    assert str(failure.value) == (
        "LINE is not configured: set TRACKER_LINE_TOKEN (or TRACKER_LINE_TOKEN_FILE)"
    )


def test_a_token_with_a_line_break_is_refused_without_showing_it(tmp_path: Path) -> None:
    head, tail = secrets.token_hex(20), secrets.token_hex(20)

    with pytest.raises(PermanentFailure, match="TRACKER_LINE_TOKEN") as failure:
        LineTransport.from_settings(settings(tmp_path, {"token": f"{head}\n{tail}"}))

    assert head not in str(failure.value)
    assert tail not in str(failure.value)


@pytest.mark.parametrize(
    "api_url",
    ["http://api.line.me", "ftp://api.line.me", "https://api.line.me/v2/bot", "api.line.me"],
)
def test_an_api_url_that_is_not_the_apis_address_is_refused(tmp_path: Path, api_url: str) -> None:
    with pytest.raises(PermanentFailure, match="TRACKER_LINE_API_URL"):
        LineTransport.from_settings(settings(tmp_path, {"token": "t", "api_url": api_url}))


def test_the_lane_is_the_api_host_and_port(line_api: LineApi, tmp_path: Path) -> None:
    assert transport(line_api, tmp_path).lane(USER) == f"line:127.0.0.1:{line_api.port}"
    default = LineTransport.from_settings(settings(tmp_path, {"token": "t"}))
    assert default.lane(USER) == "line:api.line.me:443"
    assert default.lane(GROUP) == default.lane(USER)


def test_a_token_file_read_by_load_settings_reaches_the_transport(
    line_api: LineApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "line-token"
    token_file.write_text(line_api.token + "\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_LINE_TOKEN", "not-the-token")  # the _FILE variant wins
    monkeypatch.setenv("TRACKER_LINE_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("TRACKER_LINE_API_URL", line_api.url)

    line = transport_for("line", load_settings().notify(outbox_dir=tmp_path))
    line.send(USER, message("จากไฟล์"))

    assert "line" in CHANNELS
    assert isinstance(line, LineTransport)
    (push,) = line_api.pushes_to(USER)
    assert push.headers["authorization"] == f"Bearer {line_api.token}"


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize("address", [USER, GROUP, ROOM, EXAMPLE])
def test_user_group_and_room_ids_are_addresses(address: str) -> None:
    assert LineTransport.check_address(address) == address
    assert check_address("line", f"  {address} ") == address  # the channel's check trims


@pytest.mark.parametrize(
    "address",
    [
        "u4af4980629a1b2c3d4e5f60718293a4b",  # lower-case u
        "U4AF4980629A1B2C3D4E5F60718293A4B",  # upper-case hex
        "U4af4980629a1b2c3d4e5f60718293a4",  # 31 hex characters
        "U4af4980629a1b2c3d4e5f60718293a4b0",  # 33
        "X4af4980629a1b2c3d4e5f60718293a4b",  # no such kind of id
        "U4af4980629a1b2c3d4e5f60718293a4g",  # g is no hex digit
        "@agency_office",  # an official account's basic ID
        "somchai.k",  # a LINE ID chosen in the app
        "somchai@example.go.th",
        "https://line.me/ti/p/~somchai",
    ],
)
def test_anything_else_is_refused_with_an_example(address: str) -> None:
    with pytest.raises(TextProblem) as problem:
        LineTransport.check_address(address)

    assert "LINE" in str(problem.value)
    assert EXAMPLE in str(problem.value)


def test_a_refused_long_string_is_not_echoed() -> None:
    pasted = secrets.token_urlsafe(200)[:200]

    with pytest.raises(TextProblem) as problem:
        LineTransport.check_address(pasted)

    assert pasted[:16] not in str(problem.value)
    assert "200" in str(problem.value)


def test_send_refuses_an_address_that_is_no_id_before_any_request(
    line_api: LineApi, tmp_path: Path
) -> None:
    with pytest.raises(PermanentFailure):
        transport(line_api, tmp_path).send("somchai.k", message("ไม่ส่ง"))

    assert line_api.requests == []
