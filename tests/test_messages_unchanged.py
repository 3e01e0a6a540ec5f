"""The words of reminders, alerts and digests (text and HTML) stay byte for byte as they were
when their templates were rearranged: recorded (as SHA-256) at 7887090 for fixed messages in
Thai and English, before the wording moved into templates. `tracker simulate`'s recorded
outbox (test_simulate_unchanged) covers the text of real rounds; this covers the HTML too.

Regenerate (only on purpose): `python tests/test_messages_unchanged.py` from the clone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "expected" / "messages.json"
BANGKOK = ZoneInfo("Asia/Bangkok")


def _lines():  # type: ignore[no-untyped-def]
    from tracker.reports.messages import TaskLine

    return [
        TaskLine(
            1,
            "1.1",
            'แต่งตั้งคณะทำงาน <ITA> & ทบทวน "ข้อมูล"',
            date(2026, 10, 1),
            date(2026, 10, 31),
            0,
            "not_started",
        ),
        TaskLine(2, "1.2", "ก" * 90, date(2026, 11, 1), None, 60, "in_progress"),
        TaskLine(3, "2.1", "Publish the monthly report", None, date(2027, 1, 31), 100, "done"),
    ]


def messages() -> dict[str, list[str | None]]:
    """Every message builder, in both languages, on fixed lines."""
    from tracker.reports import messages as m

    lines = _lines()
    start = datetime.combine(date(2026, 12, 16), time(9, 30), BANGKOK)
    built: dict[str, list[str | None]] = {}
    for lang in ("th", "en"):
        groups = m.reminder_groups(lang, lines[:1], lines[1:2], [], lines[2:])
        built[f"reminder-{lang}"] = list(
            m.reminder(lang, "กองคลัง", "ประชุมหัวหน้าส่วนราชการ", start, groups)
        )
        for kind in ("7d", "1d", "overdue"):
            alert = m.deadline_alert(lang, "สำนักปลัด", lines[0], kind)
            built[f"alert-{kind}-{lang}"] = list(alert)
        built[f"digest-{lang}"] = list(m.overdue_digest(lang, "กองช่าง", lines, "2026-W51"))
    return built


def digests() -> dict[str, list[str | None]]:
    return {
        name: [hashlib.sha256(part.encode("utf-8")).hexdigest() if part else None for part in parts]
        for name, parts in messages().items()
    }


def test_every_message_reads_as_recorded():
    assert digests() == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_a_reminder_names_the_meeting_the_unit_and_how_to_answer_in_thai():
    reminder = messages()["reminder-th"]
    assert reminder[0] == "[ITA] ขอรายงานความคืบหน้าก่อนประชุมหัวหน้าส่วนราชการ 16 ธ.ค. 2569 09:30 น."
    text = reminder[1] or ""
    assert text.startswith("เรียน กองคลัง\n")
    assert ' • #1 (1.1) แต่งตั้งคณะทำงาน <ITA> & ทบทวน "ข้อมูล" [ต.ค. 2569, 0%]' in text
    assert '  tracker done 1 --by "กองคลัง" --evidence https://…' in text
    html = reminder[2] or ""
    assert "แต่งตั้งคณะทำงาน &lt;ITA&gt; &amp; ทบทวน &quot;ข้อมูล&quot;" in html
    assert html.startswith('<!doctype html><html lang="th">')


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_long_title_is_cut_with_an_ellipsis_at_70_characters(lang):
    text = messages()[f"digest-{lang}"][1] or ""
    assert f"#2 (1.2) {'ก' * 69}…" in text


if __name__ == "__main__":  # re-record, on purpose only
    sys.path.insert(0, str(ROOT))
    GOLDEN.write_text(json.dumps(digests(), indent=2) + "\n", encoding="utf-8")
    print(len(digests()), "messages recorded")


def test_how_to_answer_is_a_parameter_a_web_front_end_can_fill_with_a_link():
    from tracker.reports import messages as m

    def link(_lang: str, unit: str, task_id: int) -> list[str]:
        return [f"ตอบได้ที่ https://ita.example.go.th/u/{unit}#task-{task_id}"]

    lines = _lines()
    start = datetime.combine(date(2026, 12, 16), time(9, 30), BANGKOK)
    groups = m.reminder_groups("th", lines[:1], [], [], [])
    _subject, text, html = m.reminder("th", "กองคลัง", "ประชุม", start, groups, link)
    assert text.endswith("ตอบได้ที่ https://ita.example.go.th/u/กองคลัง#task-1\n")
    assert "tracker done" not in text
    assert "<p>ตอบได้ที่ https://ita.example.go.th/u/กองคลัง#task-1</p>" in html
    _subject, alert, _html = m.deadline_alert("th", "กองคลัง", lines[0], "1d", link)
    assert "tracker" not in alert


def test_a_context_name_that_hides_a_template_helper_is_refused():
    from tracker.reports.render import render

    with pytest.raises(TypeError, match=r"status would hide the template helper"):
        render("reminder.txt.j2", escape=False, lang="th", status="done")
