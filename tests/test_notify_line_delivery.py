"""The LINE channel (tracker.notify.line) against a local fake of the Messaging API: delivery and
long messages.

Every test sends through the real transport, over HTTP, to tests/line_fake.py on 127.0.0.1,
which answers as LINE documents: bearer token, retry key, body limits (5 text objects of
5,000 characters), 409 to a retry key already accepted, 429 for the monthly limit. The
expected texts and statuses come from those rules, not from the transport.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

import pytest
from line_fake import LineApi, line_api_fixture  # noqa: F401
from notify_line_support import (
    ENGLISH_NOTE,
    GROUP,
    LIMIT,
    ROOM,
    THAI_NOTE,
    USER,
    digest,
    message,
    transport,
)

from tracker.notify import TemporaryFailure

# --- delivery ---------------------------------------------------------------------------------


def test_a_push_carries_the_token_the_retry_key_and_subject_blank_line_text(
    line_api: LineApi, tmp_path: Path
) -> None:
    key = str(uuid.uuid4())
    text = "ประชุมคณะทำงาน ITA วันพุธที่ 25 พ.ย. 2569\nเวลา 09.30 น. ห้องประชุม 1"
    sent = message(text, key, html="<p>ไม่ส่ง HTML</p>")

    transport(line_api, tmp_path).send(USER, sent)

    (push,) = line_api.pushes_to(USER)
    assert push.headers["authorization"] == f"Bearer {line_api.token}"
    assert push.headers["content-type"] == "application/json"
    assert push.retry_key == key
    assert push.body == {
        "to": USER,
        "messages": [{"type": "text", "text": "แจ้งเตือนงานค้าง\n\n" + text}],
    }
    assert line_api.statuses() == [200]


def test_groups_and_rooms_are_pushed_to_like_users(line_api: LineApi, tmp_path: Path) -> None:
    line = transport(line_api, tmp_path)
    line.send(GROUP, message("ถึงกลุ่ม"))
    line.send(ROOM, message("ถึงห้อง"))

    assert line_api.texts_to(GROUP) == ["แจ้งเตือนงานค้าง\n\nถึงกลุ่ม"]
    assert line_api.texts_to(ROOM) == ["แจ้งเตือนงานค้าง\n\nถึงห้อง"]


def test_the_same_key_sent_twice_is_delivered_once_and_both_sends_succeed(
    line_api: LineApi, tmp_path: Path
) -> None:
    sent = message("ส่งครั้งเดียว", str(uuid.uuid4()))
    line = transport(line_api, tmp_path)

    line.send(USER, sent)
    line.send(USER, sent)  # LINE answers 409: already accepted, so this is sent too

    assert line_api.statuses() == [200, 409]
    assert len(line_api.pushes_to(USER)) == 1


def test_an_answer_lost_after_delivery_is_retried_without_a_second_delivery(
    line_api: LineApi, tmp_path: Path
) -> None:
    sent = message("คำตอบหาย", str(uuid.uuid4()))
    line = transport(line_api, tmp_path)
    line_api.fail_next(500, after_delivery=True)

    with pytest.raises(TemporaryFailure):
        line.send(USER, sent)
    line.send(USER, sent)

    assert line_api.statuses() == [500, 409]
    assert line_api.texts_to(USER) == ["แจ้งเตือนงานค้าง\n\nคำตอบหาย"]


def test_a_key_that_is_no_uuid_becomes_a_stable_uuid(line_api: LineApi, tmp_path: Path) -> None:
    line = transport(line_api, tmp_path)

    line.send(USER, message("แถว 17", "outbox:17"))
    line.send(USER, message("แถว 17", "outbox:17"))
    line.send(USER, message("แถว 18", "outbox:18"))

    # A retry key that is no UUID would be a 400 at LINE (and at the fake).
    assert line_api.statuses() == [200, 409, 200]
    first, second, third = (received.headers["x-line-retry-key"] for received in line_api.requests)
    assert str(uuid.UUID(first)) == first
    assert second == first
    assert third != first
    assert line_api.texts_to(USER) == ["แจ้งเตือนงานค้าง\n\nแถว 17", "แจ้งเตือนงานค้าง\n\nแถว 18"]


def test_without_a_key_there_is_no_retry_key_and_every_send_is_a_delivery(
    line_api: LineApi, tmp_path: Path
) -> None:
    line = transport(line_api, tmp_path)

    line.send(USER, message("ไม่มีคีย์"))
    line.send(USER, message("ไม่มีคีย์"))

    pushes = line_api.pushes_to(USER)
    assert len(pushes) == 2
    assert [push.retry_key for push in pushes] == [None, None]


# --- long messages ----------------------------------------------------------------------------


def test_a_long_thai_digest_is_split_at_line_boundaries_into_five_objects_at_most(
    line_api: LineApi, tmp_path: Path
) -> None:
    text = digest(300)
    whole = "แจ้งเตือนงานค้าง\n\n" + text
    assert 3 * LIMIT < len(whole) < 5 * LIMIT - 300  # needs 4 or 5 objects, fits in 5

    transport(line_api, tmp_path).send(USER, message(text))

    (push,) = line_api.pushes_to(USER)
    objects = push.texts
    assert 4 <= len(objects) <= 5
    assert all(len(part) <= LIMIT for part in objects)
    assert "".join(objects) == whole
    assert all(part.endswith("\n") for part in objects)  # each ends where a line ends
    for part, following in itertools.pairwise(objects):
        next_line = following.split("\n")[0] + "\n"
        assert len(part) + len(next_line) > LIMIT  # no object could have held one more line


def test_a_single_line_longer_than_the_limit_is_cut_at_5000_characters(
    line_api: LineApi, tmp_path: Path
) -> None:
    text = "ก" * 7000 + "\nท้าย"

    transport(line_api, tmp_path).send(USER, message(text))

    assert line_api.texts_to(USER) == [
        "แจ้งเตือนงานค้าง\n\n",
        "ก" * 5000,
        "ก" * 2000 + "\nท้าย",
    ]


def test_a_digest_too_long_for_five_objects_is_shortened_with_a_note(
    line_api: LineApi, tmp_path: Path
) -> None:
    whole = "แจ้งเตือนงานค้าง\n\n" + digest(600)
    assert len(whole) > 5 * LIMIT

    transport(line_api, tmp_path).send(USER, message(digest(600)))

    objects = line_api.texts_to(USER)
    assert len(objects) == 5
    assert all(len(part) <= LIMIT for part in objects)
    last = objects[-1]
    assert last.endswith("… (ข้อความยาวเกินกว่าที่ LINE ส่งได้ ตัดส่วนที่เหลือ / message shortened)")
    kept = "".join(objects)[: -len(last)] + last[: last.index("…")]
    assert kept.endswith("\n")  # cut where a line ends
    assert whole.startswith(kept)
    assert len(kept) > 4 * LIMIT  # the fifth object is filled, not dropped


def test_the_note_of_a_shortened_message_holds_its_link(line_api: LineApi, tmp_path: Path) -> None:
    link = "https://ita.example.go.th/digests/2569-11-25/secretariat"
    line = transport(line_api, tmp_path)

    line.send(USER, message(digest(600), headers={"Link": link}))
    line.send(GROUP, message(digest(600), headers={"Link": f'<{link}>; rel="alternate"'}))

    for to in (USER, GROUP):
        objects = line_api.texts_to(to)
        assert len(objects) == 5
        last = objects[-1]
        assert len(last) <= LIMIT
        assert link in last
        assert last.index(THAI_NOTE) < last.index(ENGLISH_NOTE)  # Thai first
        assert "rel=" not in last


def test_a_short_message_with_a_link_has_no_note(line_api: LineApi, tmp_path: Path) -> None:
    link = "https://ita.example.go.th/digests/1"

    transport(line_api, tmp_path).send(USER, message("สั้น", headers={"Link": link}))

    assert line_api.texts_to(USER) == ["แจ้งเตือนงานค้าง\n\nสั้น"]
