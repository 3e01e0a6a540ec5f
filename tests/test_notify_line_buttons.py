"""The LINE channel's buttons: a message about tasks (its ``X-Tracker-Tasks`` header lists
their ids) is pushed with a carousel after its text, a card per task with the buttons
"เสร็จแล้ว" (done) and "ขอรายงานความคืบหน้า" (report progress).

The expected objects are written from the Messaging API reference: a template message
(``type: template``, ``altText`` of at most 400 characters, ``template: {type: carousel,
columns}``), at most 10 columns of a text of at most 120 characters (no title, no image) and
1 to 3 actions, the same number in every column; a postback action (``type: postback``,
``label`` at most 20 characters, ``data`` at most 300, ``displayText``); at most 5 objects in
one push. The fake API (tests/line_fake.py) refuses a push that breaks those limits, so an
accepted push is one LINE would take.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from line_fake import LineApi, line_api_fixture  # noqa: F401
from notify_line_support import ENGLISH_NOTE, LIMIT, THAI_NOTE, USER, digest, message, transport

from tracker.notify.line import Postback, postback_data, read_postback

REMINDER = (
    "กองคลัง: งานที่ต้องรายงานก่อนการประชุม 16 ธ.ค. 2569\n"
    "ยังไม่เริ่ม\n"
    " • #3 (1.3) เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือน [ตั้งแต่ พ.ย. 2569, 0%]\n"
    " • #5 (2.1) จัดทำแผนการใช้จ่ายงบประมาณ [ธ.ค. 2569 - ม.ค. 2570, 0%]\n"
)


def tasks_header(*ids: int) -> dict[str, str]:
    return {"X-Tracker-Tasks": ",".join(str(i) for i in ids)}


def buttons_of(task_id: int) -> list[dict[str, Any]]:
    """The two actions of a task's card, as the reference describes a postback action."""
    return [
        {
            "type": "postback",
            "label": "เสร็จแล้ว",
            "data": f"action=done&task={task_id}",
            "displayText": f"งาน #{task_id} เสร็จแล้ว",
        },
        {
            "type": "postback",
            "label": "ขอรายงานความคืบหน้า",
            "data": f"action=progress&task={task_id}",
            "displayText": f"รายงานความคืบหน้างาน #{task_id}",
        },
    ]


def test_a_message_about_tasks_gets_a_card_with_two_buttons_per_task(
    line_api: LineApi, tmp_path: Path
) -> None:
    sent = message(REMINDER, headers=tasks_header(3, 5))
    transport(line_api, tmp_path).send(USER, sent)
    (push,) = line_api.pushes_to(USER)
    assert push.body["messages"] == [
        {"type": "text", "text": "แจ้งเตือนงานค้าง\n\n" + REMINDER},
        {
            "type": "template",
            "altText": "ปุ่มรายงานผลงาน #3, #5 / buttons to report on the tasks",
            "template": {
                "type": "carousel",
                "columns": [
                    {
                        "text": "#3 (1.3) เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือน [ตั้งแต่ พ.ย. 2569, 0%]",
                        "actions": buttons_of(3),
                    },
                    {
                        "text": "#5 (2.1) จัดทำแผนการใช้จ่ายงบประมาณ [ธ.ค. 2569 - ม.ค. 2570, 0%]",
                        "actions": buttons_of(5),
                    },
                ],
            },
        },
    ]
    assert len("ขอรายงานความคืบหน้า") <= 20  # LINE's limit on a label, met without cutting


def test_without_the_header_or_with_a_garbled_one_the_push_is_text_only(
    line_api: LineApi, tmp_path: Path
) -> None:
    line = transport(line_api, tmp_path)
    line.send(USER, message(REMINDER))
    line.send(USER, message(REMINDER, headers={"X-Tracker-Tasks": "3, five"}))
    line.send(USER, message(REMINDER, headers={"X-Tracker-Tasks": ""}))
    for push in line_api.pushes_to(USER):
        assert [m["type"] for m in push.body["messages"]] == ["text"]


def test_a_task_the_text_does_not_name_gets_a_card_with_its_number(
    line_api: LineApi, tmp_path: Path
) -> None:
    transport(line_api, tmp_path).send(USER, message("ไม่มีรายการ", headers=tasks_header(7, 3, 7)))
    (push,) = line_api.pushes_to(USER)
    columns = push.body["messages"][-1]["template"]["columns"]
    assert [c["text"] for c in columns] == ["งาน #7", "งาน #3"]  # each task once, in order


def test_ten_tasks_fill_one_carousel_and_eleven_go_as_text_only(
    line_api: LineApi, tmp_path: Path
) -> None:
    line = transport(line_api, tmp_path)
    line.send(USER, message(REMINDER, headers=tasks_header(*range(1, 11))))
    line.send(USER, message(REMINDER, headers=tasks_header(*range(1, 12))))
    ten, eleven = line_api.pushes_to(USER)
    assert [m["type"] for m in ten.body["messages"]] == ["text", "template"]
    columns = ten.body["messages"][1]["template"]["columns"]
    assert [c["actions"] for c in columns] == [buttons_of(i) for i in range(1, 11)]
    assert [m["type"] for m in eleven.body["messages"]] == ["text"]


def test_a_long_card_text_is_cut_to_lines_limit(line_api: LineApi, tmp_path: Path) -> None:
    title = "ปรับปรุงข้อมูลข่าวสารบนเว็บไซต์" * 10
    transport(line_api, tmp_path).send(
        USER, message(f" • #9 (2.4) {title}\n", headers=tasks_header(9))
    )
    (push,) = line_api.pushes_to(USER)
    (column,) = push.body["messages"][1]["template"]["columns"]
    assert len(column["text"]) == 120
    assert column["text"] == f"#9 (2.4) {title}"[:119] + "…"


def test_a_long_message_with_buttons_keeps_to_four_texts_and_the_carousel(
    line_api: LineApi, tmp_path: Path
) -> None:
    long_digest = digest(500)  # about 30,000 characters: six texts' worth
    sent = message(long_digest, headers={**tasks_header(3), "Link": "<https://t.example/u/abc>"})
    transport(line_api, tmp_path).send(USER, sent)
    (push,) = line_api.pushes_to(USER)
    kinds = [m["type"] for m in push.body["messages"]]
    assert kinds == ["text", "text", "text", "text", "template"]  # 5 objects: LINE's limit
    last = push.texts[-1]
    assert THAI_NOTE in last
    assert ENGLISH_NOTE in last
    assert "https://t.example/u/abc" in last
    assert all(len(text) <= LIMIT for text in push.texts)


def test_the_buttons_data_reads_back_and_foreign_data_does_not() -> None:
    for postback in (Postback("done", 12), Postback("progress", 12), Postback("progress", 12, 50)):
        assert read_postback(postback_data(postback)) == postback
    assert postback_data(Postback("progress", 12, 50)) == "action=progress&task=12&percent=50"
    for foreign in (
        "",
        "richmenu=1",
        "action=delete&task=12",
        "action=done&task=abc",
        "action=done&task=12&percent=50",
        "action=progress&task=12&percent=-5",
    ):
        assert read_postback(foreign) is None, foreign
