"""The LINE channel (tracker.notify.line) against a local fake of the Messaging API: LINE's
refusals, errors and timeouts.

Every test sends through the real transport, over HTTP, to tests/line_fake.py on 127.0.0.1,
which answers as LINE documents: bearer token, retry key, body limits (5 text objects of
5,000 characters), 409 to a retry key already accepted, 429 for the monthly limit. The
expected texts and statuses come from those rules, not from the transport.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import pytest
from line_fake import LineApi, line_api_fixture  # noqa: F401
from notify_line_support import USER, message, settings, transport
from notify_web_support import closed_port

from tracker.notify import PermanentFailure, QuotaExhausted, TemporaryFailure
from tracker.notify.line import LineTransport

# --- LINE's refusals --------------------------------------------------------------------------


def test_the_monthly_limit_is_quota_exhausted(line_api: LineApi, tmp_path: Path) -> None:
    line_api.quota_exhausted = True

    with pytest.raises(QuotaExhausted, match="monthly limit"):
        transport(line_api, tmp_path).send(USER, message("โควตาหมด", str(uuid.uuid4())))

    assert issubclass(QuotaExhausted, PermanentFailure)
    assert line_api.pushes == []


def test_a_rate_limit_is_temporary_and_the_next_try_is_delivered(
    line_api: LineApi, tmp_path: Path
) -> None:
    line = transport(line_api, tmp_path)
    sent = message("ลองใหม่", str(uuid.uuid4()))
    line_api.fail_next(429)  # {"message": "Too many requests"}

    with pytest.raises(TemporaryFailure, match="429") as failure:
        line.send(USER, sent)
    assert not isinstance(failure.value, PermanentFailure)
    assert "Too many requests" in str(failure.value)
    line.send(USER, sent)

    assert line_api.statuses() == [429, 200]
    assert len(line_api.pushes_to(USER)) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_server_errors_and_request_timeouts_are_temporary(
    line_api: LineApi, tmp_path: Path, status: int
) -> None:
    line_api.fail_next(status)

    with pytest.raises(TemporaryFailure, match=f"HTTP {status}"):
        transport(line_api, tmp_path).send(USER, message("ลองใหม่ภายหลัง"))

    assert line_api.pushes == []


@pytest.mark.parametrize(
    ("status", "said", "shown"),
    [
        (
            400,
            {"message": "The property, 'to', in the request body is invalid"},
            "HTTP 400: The property, 'to', in the request body is invalid",
        ),
        (
            400,
            {
                "message": "The request body has 1 error(s)",
                "details": [{"message": "May not be empty", "property": "messages[0].text"}],
            },
            "HTTP 400: The request body has 1 error(s): May not be empty (messages[0].text)",
        ),
        (403, {"message": "Not authorized"}, "HTTP 403: Not authorized"),
        (
            404,
            {"message": "The user hasn't added the LINE Official Account as a friend."},
            "HTTP 404: The user hasn't added the LINE Official Account as a friend.",
        ),
    ],
)
def test_refusals_are_permanent_with_lines_own_reason(
    line_api: LineApi, tmp_path: Path, status: int, said: dict[str, object], shown: str
) -> None:
    line_api.fail_next(status, body=said)

    with pytest.raises(PermanentFailure) as failure:
        transport(line_api, tmp_path).send(USER, message("ไม่ถึง"))

    assert str(failure.value) == shown
    assert not isinstance(failure.value, QuotaExhausted)


def test_a_409_without_a_retry_key_is_no_proof_of_delivery(
    line_api: LineApi, tmp_path: Path
) -> None:
    line_api.fail_next(409, body={"message": "Conflict"})

    with pytest.raises(PermanentFailure, match="409"):
        transport(line_api, tmp_path).send(USER, message("ไม่มีคีย์"))


def test_a_wrong_token_is_permanent_and_never_shown(line_api: LineApi, tmp_path: Path) -> None:
    wrong = "wrong" + secrets.token_urlsafe(60)
    line = LineTransport.from_settings(
        settings(tmp_path, {"token": wrong, "api_url": line_api.url})
    )

    with pytest.raises(PermanentFailure) as failure:
        line.send(USER, message("โทเคนผิด"))

    assert line_api.statuses() == [401]
    assert "HTTP 401: Authentication failed" in str(failure.value)
    assert wrong not in str(failure.value)
    assert wrong not in repr(failure.value)
    assert wrong not in repr(line)


def test_a_redirect_is_not_followed_with_the_token(line_api: LineApi, tmp_path: Path) -> None:
    line_api.fail_next(302, headers={"Location": f"{line_api.url}/elsewhere"})

    with pytest.raises(PermanentFailure, match="302"):
        transport(line_api, tmp_path).send(USER, message("ไปที่อื่น"))

    assert [received.path for received in line_api.requests] == ["/v2/bot/message/push"]


def test_an_unreachable_api_is_temporary_and_named_by_its_host(tmp_path: Path) -> None:
    port = closed_port()
    token = secrets.token_urlsafe(40)
    line = LineTransport.from_settings(
        settings(tmp_path, {"token": token, "api_url": f"http://127.0.0.1:{port}"})
    )

    with pytest.raises(TemporaryFailure) as failure:
        line.send(USER, message("ไม่มีใครรับ"))

    assert f"127.0.0.1:{port}" in str(failure.value)
    assert "/v2/bot" not in str(failure.value)
    assert token not in str(failure.value)


def test_a_late_answer_is_a_temporary_timeout_and_the_retry_is_not_a_second_delivery(
    line_api: LineApi, tmp_path: Path
) -> None:
    line = transport(line_api, tmp_path, timeout=0.3)
    sent = message("ตอบช้า", str(uuid.uuid4()))
    line_api.delay = 1.0  # the fake delivers, then answers too late

    with pytest.raises(TemporaryFailure, match="timed out") as failure:
        line.send(USER, sent)
    assert f"127.0.0.1:{line_api.port}" in str(failure.value)
    line_api.delay = 0
    line.send(USER, sent)

    assert len(line_api.pushes_to(USER)) == 1
    assert line_api.statuses() == [200, 409]
