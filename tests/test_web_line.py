"""LINE, both ways: the webhook that links a LINE chat to a unit with a code, and the buttons of
a reminder acting on the unit's tasks.

Events are posted to the app as LINE sends them (Messaging API reference, "Webhook event
objects": ``events[]`` with ``type``, ``source``, ``replyToken``, ``webhookEventId``,
``deliveryContext.isRedelivery``, ``timestamp`` in milliseconds), signed as LINE signs them
(``X-Line-Signature``: base64 of the HMAC-SHA256 of the body with the channel secret). The
replies are read back from the local fake of the LINE API (tests/line_fake.py), which
refuses what LINE would refuse. Tasks are the demo plan's (tests/cli_support.py's table):
#3 (1.3) is กองคลัง's, not started; #6 (2.2) สำนักปลัด's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_support import DEMO_TASKS
from conftest import FROZEN_NOW, Cli
from httpx import Response
from line_fake import LineApi, Reply, line_api_fixture  # noqa: F401
from sqlalchemy import func, select
from web_support import NOW, PALAD, Site, csrf_of, make_site, site_fixture  # noqa: F401

from tracker.models import LineLinkCode, Task, TaskEvent, TaskStatus, Unit, UnitContact
from tracker.services import access, line_links, units
from tracker.services.organizations import get_organization

FINANCE = "กองคลัง"
SECRET = "0123456789abcdef-line-channel-secret"
USER = "U4af4980629a1b2c3d4e5f60718293a4b"
OTHER_USER = "U0123456789abcdef0123456789abcdef"
GROUP = "Cfd0123456789abcdef0123456789abcd"
FINANCE_TASK, PALAD_TASK = 3, 6  # #3 (1.3) กองคลัง, not started; #6 (2.2) สำนักปลัด
FINANCE_TITLE = DEMO_TASKS[FINANCE_TASK - 1]["title"]
LATER = NOW + timedelta(hours=1)  # the tests' "now": after the plan was imported (at NOW)
CODE_ON_PAGE = re.compile(r'class="line-code" lang="en">([A-Z0-9]{4}-[A-Z0-9]{4})<')


@pytest.fixture(name="line_site")
def line_site_fixture(tmp_path: Path, database_url: str, line_api: LineApi) -> Iterator[Site]:
    """The demo site with LINE configured: the channel secret, and the fake API's token."""
    made = make_site(
        tmp_path,
        database_url,
        line_channel_secret=SECRET,
        channel_settings={"line": {"token": line_api.token, "api_url": line_api.url}},
    )
    made.at(LATER)
    yield made
    made.close()


# ---------------------------------------------------------------- events as LINE sends them


def user_chat(user: str = USER) -> dict[str, str]:
    return {"type": "user", "userId": user}


def group_chat(group: str = GROUP, user: str = USER) -> dict[str, str]:
    return {"type": "group", "groupId": group, "userId": user}


def event(
    kind: str,
    source: dict[str, str],
    *,
    at: datetime,
    redelivered: bool = False,
    event_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A webhook event; a fresh reply token each time (LINE gives one per delivery)."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(at.timestamp() * 1000),
        "source": source,
        "webhookEventId": event_id or uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": redelivered},
        "replyToken": uuid.uuid4().hex,
        **fields,
    }


def text(words: str, source: dict[str, str], at: datetime, **extra: Any) -> dict[str, Any]:
    message = {"type": "text", "id": "468789577898262530", "text": words}
    return event("message", source, at=at, message=message, **extra)


def tap(data: str, source: dict[str, str], at: datetime, **extra: Any) -> dict[str, Any]:
    return event("postback", source, at=at, postback={"data": data}, **extra)


def signed(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def deliver(
    site: Site, *events: dict[str, Any], signature: str | bytes | None = "sign"
) -> Response:
    """POST the events to the webhook as LINE does (``signature="sign"``: signed rightly)."""
    body = json.dumps({"destination": "U" + "f" * 32, "events": list(events)}).encode()
    headers: dict[str, str | bytes] = {"content-type": "application/json"}
    if signature == "sign":
        headers["x-line-signature"] = signed(body)
    elif signature is not None:
        headers["x-line-signature"] = signature
    return site.anonymous().post("/line/webhook", content=body, headers=headers)


def reply_to(line_api: LineApi, sent: dict[str, Any]) -> Reply:
    """The one reply the app made to event ``sent``."""
    (reply,) = line_api.replies_to(sent["replyToken"])
    return reply


# ---------------------------------------------------------------- reading the database


def new_code(site: Site, unit_name: str = FINANCE) -> str:
    with site.session() as session:
        unit = units.get_unit(session, get_organization(session, None), unit_name)
        _, code = line_links.new_code(session, unit, site.now)
    return code


def line_contacts(site: Site) -> list[tuple[str, str, str]]:
    """Every ``line`` contact: (unit, address, role)."""
    with site.session() as session:
        rows = session.execute(
            select(Unit.name, UnitContact.address, UnitContact.role)
            .join(UnitContact.unit)
            .where(UnitContact.channel == "line")
            .order_by(UnitContact.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def link(site: Site, address: str, *unit_names: str) -> None:
    """Make ``address`` a line contact of the units (as a code would have)."""
    with site.session() as session:
        organization = get_organization(session, None)
        for name in unit_names:
            units.add_contact(session, units.get_unit(session, organization, name), "line", address)


def task_state(site: Site, task_id: int) -> tuple[TaskStatus, int, int]:
    """(status, percent, number of audit events) of a task."""
    with site.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        count = session.scalar(select(func.count()).where(TaskEvent.task_id == task_id))
        return task.status, task.percent, int(count or 0)


def events_of(site: Site, task_id: int) -> list[tuple[str, str, str | None, int | None]]:
    """(field, actor, after, actor unit id) of a task's audit events after the import."""
    with site.session() as session:
        rows = session.scalars(
            select(TaskEvent)
            .where(TaskEvent.task_id == task_id, TaskEvent.field != "created")
            .order_by(TaskEvent.id)
        )
        return [(e.field, e.actor, e.after, e.actor_unit_id) for e in rows]


def unit_id(site: Site, name: str) -> int:
    with site.session() as session:
        found = session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return int(found)


# ---------------------------------------------------------------- the signature


def test_a_request_not_signed_by_line_is_refused_and_changes_nothing(
    line_site: Site, line_api: LineApi
) -> None:
    code = new_code(line_site)
    sent = text(code, user_chat(), line_site.now)
    body = json.dumps({"events": [sent]}).encode()
    for signature in (
        None,  # missing
        "",  # empty
        signed(body, "another channel's secret"),
        signed(b'{"events": []}'),  # the right secret, another body
        "not base64 at all",
        "ไม่ใช่ลายเซ็น".encode(),  # not even ASCII
    ):
        answer = deliver(line_site, sent, signature=signature)
        assert answer.status_code == 401, (signature, answer.text)
        assert answer.json()["error"]["message"] == (
            "this request is not from LINE: its X-Line-Signature is missing or wrong"
        )
    assert line_contacts(line_site) == []
    with line_site.session() as session:
        assert session.scalar(select(LineLinkCode.used_at)) is None
    assert line_api.requests == []  # nothing answered in any chat either


def test_without_a_channel_secret_the_webhook_says_how_to_set_it(site: Site) -> None:
    answer = deliver(site, text("ABCD-2345", user_chat(), site.now), signature="anything")
    assert answer.status_code == 503
    message = answer.json()["error"]["message"]
    assert "TRACKER_LINE_CHANNEL_SECRET" in message
    assert "\n" not in message


def test_a_signed_body_that_is_no_webhook_is_a_bad_request(line_site: Site) -> None:
    body = b'["not", "events"]'
    answer = line_site.anonymous().post(
        "/line/webhook", content=body, headers={"x-line-signature": signed(body)}
    )
    assert answer.status_code == 400
    assert '"events"' in answer.json()["error"]["message"]


def test_lines_verify_request_with_no_events_is_answered_200(line_site: Site) -> None:
    assert deliver(line_site).status_code == 200  # the console's "Verify" button sends this


# ---------------------------------------------------------------- linking with a code


def test_a_code_sent_in_a_one_to_one_chat_links_the_user_to_the_unit(
    line_site: Site, line_api: LineApi
) -> None:
    code = new_code(line_site)
    typed = f"  {code[:4].lower()}-{code[4:].lower()} "  # as a phone keyboard may send it
    sent = text(typed, user_chat(), line_site.now)
    assert deliver(line_site, sent).status_code == 200
    assert line_contacts(line_site) == [(FINANCE, USER, "unit")]
    with line_site.session() as session:
        row = session.scalar(select(LineLinkCode))
        assert row is not None
        assert (row.used_at, row.used_by) == (LATER, USER)
    (words,) = reply_to(line_api, sent).texts
    assert words.startswith(f"เชื่อมห้องแชตนี้กับ {FINANCE} แล้ว")


def test_a_code_sent_in_a_group_links_the_group_not_the_person(
    line_site: Site, line_api: LineApi
) -> None:
    sent = text(new_code(line_site), group_chat(GROUP, USER), line_site.now)
    assert deliver(line_site, sent).status_code == 200
    assert line_contacts(line_site) == [(FINANCE, GROUP, "unit")]
    assert FINANCE in reply_to(line_api, sent).texts[0]


def test_an_expired_code_is_refused_politely_and_links_nothing(
    line_site: Site, line_api: LineApi
) -> None:
    code = new_code(line_site)
    line_site.at(LATER + timedelta(hours=24))  # a code is good for 24 hours, not one second more
    sent = text(code, user_chat(), line_site.now)
    assert deliver(line_site, sent).status_code == 200
    assert line_contacts(line_site) == []
    assert reply_to(line_api, sent).texts == [
        "ขออภัย รหัสนี้หมดอายุแล้ว (ใช้ได้ 24 ชั่วโมง) โปรดขอรหัสใหม่จากหน้าหน่วยงาน"
    ]


def test_a_code_is_used_once_and_sending_it_again_changes_nothing(
    line_site: Site, line_api: LineApi
) -> None:
    code = new_code(line_site)
    deliver(line_site, text(code, user_chat(USER), line_site.now))
    by_another = text(code, user_chat(OTHER_USER), line_site.now)
    again = text(code, user_chat(USER), line_site.now)
    unknown = text("ZZZZ-2222", user_chat(OTHER_USER), line_site.now)
    assert deliver(line_site, by_another, again, unknown).status_code == 200
    assert line_contacts(line_site) == [(FINANCE, USER, "unit")]  # the other user is not linked
    refusal = "ขออภัย รหัสนี้ใช้ไม่ได้ (ไม่ถูกต้อง หรือถูกใช้ไปแล้ว) โปรดขอรหัสใหม่จากหน้าหน่วยงาน"
    assert reply_to(line_api, by_another).texts == [refusal]
    assert reply_to(line_api, unknown).texts == [refusal]
    assert reply_to(line_api, again).texts == [f"ห้องแชตนี้เชื่อมกับ {FINANCE} อยู่แล้ว"]


def test_talk_in_a_group_is_not_answered_and_a_private_chat_gets_help(
    line_site: Site, line_api: LineApi
) -> None:
    in_group = text("whatever", group_chat(), line_site.now)  # 8 letters, but no digit
    in_private = text("สวัสดีครับ", user_chat(), line_site.now)
    assert deliver(line_site, in_group, in_private).status_code == 200
    assert line_api.replies_to(in_group["replyToken"]) == []
    (words,) = reply_to(line_api, in_private).texts
    assert words.startswith("ส่งรหัสเชื่อม LINE 8 ตัว")
    assert line_contacts(line_site) == []


def test_the_unit_page_gives_a_code_that_links_line(line_site: Site, line_api: LineApi) -> None:
    client = line_site.unit_client(FINANCE)
    page = client.get("/unit")
    assert 'action="/unit/line-code"' in page.text
    answer = client.post("/unit/line-code", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"  # shown once: only its digest is kept
    found = CODE_ON_PAGE.search(answer.text)
    assert found, answer.text
    assert "ใช้ได้ครั้งเดียว ภายใน 15 ธ.ค. 2569 10:30" in answer.text  # LATER + 24 h, Bangkok
    assert "ส่งรหัสนี้ในห้องแชตนั้น" in answer.text
    sent = text(found.group(1), user_chat(), line_site.now)
    deliver(line_site, sent)
    assert line_contacts(line_site) == [(FINANCE, USER, "unit")]
    english = client.post("/unit/line-code?lang=en", data={"csrf": csrf_of(page.text)})
    assert "Single use, valid until" in english.text
    assert "LINE chats linked to the unit: 1" in english.text


def test_only_a_unit_asks_for_a_code_and_with_its_form_secret(line_site: Site) -> None:
    client = line_site.unit_client(FINANCE)
    assert client.post("/unit/line-code", data={}).status_code == 403  # no CSRF secret
    with line_site.session() as session:
        assert session.scalar(select(func.count()).select_from(LineLinkCode)) == 0


def test_tracker_units_link_line_prints_a_code_that_links(
    line_site: Site, line_api: LineApi, cli: Cli
) -> None:
    result = cli.ok("units", "link", FINANCE, "--line", "--json").json()
    assert result["unit"] == FINANCE
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", result["line_code"])
    made = datetime.fromisoformat(FROZEN_NOW)
    assert datetime.fromisoformat(result["expires_at"]) == made + timedelta(hours=24)
    shown = cli.ok("units", "link", FINANCE, "--line").stdout.splitlines()
    assert re.fullmatch(rf"{FINANCE}: รหัสเชื่อม LINE [A-Z0-9]{{4}}-[A-Z0-9]{{4}}", shown[0])
    assert shown[1] == "ใช้ได้ครั้งเดียว ภายใน 26 พ.ย. 2569 10:00"
    line_site.at(made + timedelta(hours=1))
    sent = text(result["line_code"], user_chat(), line_site.now)
    deliver(line_site, sent)
    assert line_contacts(line_site) == [(FINANCE, USER, "unit")]
    refused = cli("units", "link", FINANCE, "--line", "--revoke")
    assert refused.exit_code == 2
    assert "not both" in refused.stderr


# ---------------------------------------------------------------- the buttons


def test_a_done_button_marks_the_task_done_as_the_unit_from_line(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    line_api.profiles[USER] = "สมหญิง ใจดี"
    sent = tap(f"action=done&task={FINANCE_TASK}", user_chat(), line_site.now)
    assert deliver(line_site, sent).status_code == 200
    status, percent, _ = task_state(line_site, FINANCE_TASK)
    assert (status, percent) == (TaskStatus.DONE, 100)
    actor = f"LINE สมหญิง ใจดี ({FINANCE})"
    finance = unit_id(line_site, FINANCE)
    assert events_of(line_site, FINANCE_TASK) == [
        ("status", actor, "done", finance),
        ("percent", actor, "100", finance),
    ]
    (words,) = reply_to(line_api, sent).texts
    assert words == f"บันทึกแล้ว: งาน #3 (1.3) {FINANCE_TITLE} เสร็จแล้ว ขอบคุณ"


def test_a_button_in_a_group_acts_as_the_groups_unit_named_by_the_tappers_id(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, GROUP, FINANCE)  # no profile in the fake: the audit log shows the id
    sent = tap(f"action=done&task={FINANCE_TASK}", group_chat(GROUP, USER), line_site.now)
    deliver(line_site, sent)
    assert {actor for _, actor, _, _ in events_of(line_site, FINANCE_TASK)} == {
        f"LINE {USER} ({FINANCE})"
    }


def test_a_button_for_another_units_task_is_refused_and_writes_nothing(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    before = task_state(line_site, PALAD_TASK)
    sent = tap(f"action=done&task={PALAD_TASK}", user_chat(), line_site.now)
    missing = tap("action=done&task=999999", user_chat(), line_site.now)
    assert deliver(line_site, sent, missing).status_code == 200
    assert task_state(line_site, PALAD_TASK) == before
    assert reply_to(line_api, sent).texts == [f"งาน #6 (2.2) ไม่ใช่งานของ {FINANCE} จึงไม่ได้บันทึก"]
    assert reply_to(line_api, missing).texts == ["ไม่พบงาน #999999"]


def test_a_chat_linked_to_several_units_or_none_is_told_to_use_the_unit_page(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE, PALAD)  # #4 (1.4) is both units' task
    shared = tap("action=done&task=4", user_chat(USER), line_site.now)
    unlinked = tap("action=done&task=4", user_chat(OTHER_USER), line_site.now)
    before = task_state(line_site, 4)
    deliver(line_site, shared, unlinked)
    assert task_state(line_site, 4) == before
    (words,) = reply_to(line_api, shared).texts
    assert words.startswith(f"ห้องแชตนี้เชื่อมกับหลายหน่วยงาน ({PALAD}, {FINANCE})")
    assert "หน้าหน่วยงาน" in words
    assert reply_to(line_api, unlinked).texts[0].startswith("ห้องแชตนี้ยังไม่ได้เชื่อมกับหน่วยงานใด")


def test_a_redelivered_tap_changes_nothing_more(line_site: Site, line_api: LineApi) -> None:
    link(line_site, USER, FINANCE)
    tapped_at = line_site.now - timedelta(seconds=3)
    first = tap(f"action=done&task={FINANCE_TASK}", user_chat(), tapped_at)
    deliver(line_site, first)
    after_first = task_state(line_site, FINANCE_TASK)
    assert after_first[:2] == (TaskStatus.DONE, 100)
    line_site.at(line_site.now + timedelta(minutes=1))
    again = dict(first, replyToken=uuid.uuid4().hex, deliveryContext={"isRedelivery": True})
    assert deliver(line_site, again).status_code == 200
    assert task_state(line_site, FINANCE_TASK) == after_first  # not one more audit event
    assert "จึงไม่บันทึกซ้ำ" in reply_to(line_api, again).texts[0]


def test_a_late_copy_of_a_tap_does_not_undo_a_newer_change(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    tapped_at = line_site.now - timedelta(seconds=2)
    fifty = tap(f"action=progress&task={FINANCE_TASK}&percent=50", user_chat(), tapped_at)
    deliver(line_site, fifty)
    line_site.at(line_site.now + timedelta(minutes=5))  # then the unit page says 75 %
    client = line_site.unit_client(FINANCE)
    csrf = csrf_of(client.get("/unit").text)
    client.post(f"/unit/tasks/{FINANCE_TASK}/progress", data={"percent": "75", "csrf": csrf})
    settled = task_state(line_site, FINANCE_TASK)
    assert settled[:2] == (TaskStatus.IN_PROGRESS, 75)
    line_site.at(line_site.now + timedelta(minutes=5))  # LINE delivers the 50 % tap again
    late = dict(fifty, replyToken=uuid.uuid4().hex, deliveryContext={"isRedelivery": True})
    deliver(line_site, late)
    assert task_state(line_site, FINANCE_TASK) == settled


def test_a_redelivered_tap_that_never_got_through_is_applied(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    tapped_at = line_site.now - timedelta(seconds=30)  # the first delivery was lost on the way
    late = tap(f"action=done&task={FINANCE_TASK}", user_chat(), tapped_at, redelivered=True)
    deliver(line_site, late)
    assert task_state(line_site, FINANCE_TASK)[:2] == (TaskStatus.DONE, 100)


def test_report_progress_offers_quick_replies_whose_taps_set_the_percent(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    ask = tap(f"action=progress&task={FINANCE_TASK}", user_chat(), line_site.now)
    deliver(line_site, ask)
    assert task_state(line_site, FINANCE_TASK)[:2] == (TaskStatus.NOT_STARTED, 0)  # asked only
    (message,) = reply_to(line_api, ask).messages
    assert message["text"] == (f"งาน #3 (1.3) {FINANCE_TITLE}\nความคืบหน้าขณะนี้ 0% เลือกความคืบหน้าล่าสุด")
    actions = [item["action"] for item in message["quickReply"]["items"]]
    assert all(item["type"] == "action" for item in message["quickReply"]["items"])
    assert [(a["type"], a["label"], a["data"]) for a in actions] == [
        ("postback", "25%", "action=progress&task=3&percent=25"),
        ("postback", "50%", "action=progress&task=3&percent=50"),
        ("postback", "75%", "action=progress&task=3&percent=75"),
        ("postback", "เสร็จแล้ว", "action=done&task=3"),
    ]
    assert all(a["displayText"] for a in actions)  # LINE requires it in a quick reply
    chosen = tap(actions[1]["data"], user_chat(), line_site.now)
    deliver(line_site, chosen)
    assert task_state(line_site, FINANCE_TASK)[:2] == (TaskStatus.IN_PROGRESS, 50)
    assert reply_to(line_api, chosen).texts == ["บันทึกแล้ว: งาน #3 (1.3) ความคืบหน้า 50%"]
    events = events_of(line_site, FINANCE_TASK)
    assert {actor for _, actor, _, _ in events} == {f"LINE {USER} ({FINANCE})"}
    again = tap(actions[1]["data"], user_chat(), line_site.now)  # a second tap, not a redelivery
    deliver(line_site, again)
    assert events_of(line_site, FINANCE_TASK) == events
    assert reply_to(line_api, again).texts == ["งาน #3 (1.3) มีความคืบหน้า 50% อยู่แล้ว"]
    next_ask = tap(f"action=progress&task={FINANCE_TASK}", user_chat(), line_site.now)
    deliver(line_site, next_ask)
    labels = [
        i["action"]["label"]
        for i in reply_to(line_api, next_ask).messages[0]["quickReply"]["items"]
    ]
    assert labels == ["75%", "เสร็จแล้ว"]  # only steps ahead of 50 %


def test_events_in_standby_mode_or_of_other_kinds_are_left_alone(
    line_site: Site, line_api: LineApi
) -> None:
    link(line_site, USER, FINANCE)
    standby = tap(f"action=done&task={FINANCE_TASK}", user_chat(), line_site.now)
    standby["mode"] = "standby"  # another channel of the account answers this chat
    sticker = event("message", user_chat(), at=line_site.now, message={"type": "sticker"})
    unfollow = event("unfollow", user_chat(), at=line_site.now)
    # A group event without the group's id is not taken for the person's own chat.
    no_group = tap(f"action=done&task={FINANCE_TASK}", {"type": "group", "userId": USER}, LATER)
    before = task_state(line_site, FINANCE_TASK)
    assert deliver(line_site, standby, sticker, unfollow, no_group).status_code == 200
    assert task_state(line_site, FINANCE_TASK) == before
    assert line_api.replies == []


def test_an_account_added_to_a_group_says_how_to_link_it(
    line_site: Site, line_api: LineApi
) -> None:
    joined = event("join", {"type": "group", "groupId": GROUP}, at=line_site.now)
    deliver(line_site, joined)
    assert reply_to(line_api, joined).texts[0].startswith("ส่งรหัสเชื่อม LINE 8 ตัว")


def test_a_code_lives_only_as_its_digest(line_site: Site) -> None:
    code = new_code(line_site)
    with line_site.session() as session:
        row = session.scalar(select(LineLinkCode))
        assert row is not None
        assert row.code_hash == access.digest(code) != code
        assert row.expires_at == LATER.astimezone(UTC) + timedelta(hours=24)


def test_without_a_token_a_code_still_links_and_the_missing_answer_is_logged(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    made = make_site(tmp_path, database_url, line_channel_secret=SECRET)  # no TRACKER_LINE_TOKEN
    try:
        made.at(LATER)
        with caplog.at_level("WARNING", logger="tracker.web.line"):
            answer = deliver(made, text(new_code(made), user_chat(), made.now))
        assert answer.status_code == 200
        assert line_contacts(made) == [(FINANCE, USER, "unit")]
        assert "TRACKER_LINE_TOKEN" in caplog.text
    finally:
        made.close()
