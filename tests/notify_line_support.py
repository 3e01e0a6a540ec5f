"""Shared by the LINE channel's tests (tests/test_notify_line_*.py): not a test module.

The ids, limits and notes the tests expect, and the transport built to talk to the local fake
of the Messaging API (tests/line_fake.py, whose ``line_api_fixture`` a test module imports
itself).
"""

from __future__ import annotations

from pathlib import Path

from line_fake import LineApi

from tracker.notify import Message, NotifySettings
from tracker.notify.line import LineTransport

USER = "U4af4980629a1b2c3d4e5f60718293a4b"
GROUP = "Cfd0123456789abcdef0123456789abcd"
ROOM = "Rabcdef0123456789abcdef0123456789"
EXAMPLE = "U0123456789abcdef0123456789abcdef"  # the example a refusal must show
LIMIT = 5000  # characters in one text object
THAI_NOTE = "ข้อความยาวเกินกว่าที่ LINE ส่งได้"
ENGLISH_NOTE = "message shortened"


def settings(tmp_path: Path, line: dict[str, str], timeout: float = 5) -> NotifySettings:
    return NotifySettings(outbox_dir=tmp_path, send_timeout=timeout, channels={"line": line})


def transport(line_api: LineApi, tmp_path: Path, timeout: float = 5) -> LineTransport:
    line = {"token": line_api.token, "api_url": line_api.url}
    return LineTransport.from_settings(settings(tmp_path, line, timeout))


def message(text: str, key: str = "", **extra: object) -> Message:
    return Message(subject="แจ้งเตือนงานค้าง", text=text, key=key, **extra)  # type: ignore[arg-type]


def digest(lines: int) -> str:
    """A Thai overdue digest of ``lines`` lines (about 60 characters each)."""
    return "".join(
        f"{n}. งานที่ {n}: ปรับปรุงข้อมูลข่าวสารบนเว็บไซต์ของหน่วยงาน ครบกำหนด 30 ก.ย.\n"
        for n in range(1, lines + 1)
    )
