"""Follow-up through the real CLI: `tracker report` for a meeting, in JSON, Markdown, HTML
and plain text.

The seed, its expected values and how the due moments are worked out (from the `holidays`
package, never the product's calendar): followup_cli_support.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from followup_cli_support import (
    AUG_2,
    BETWEEN_MEETINGS,
    JUL_19,
    MEETINGS,
    SEED_TASKS,
    one_line_error,
    outbox_dir_fixture,  # noqa: F401
    secretariat,
    seed_cli_fixture,  # noqa: F401
    seed_open_at,
    seed_task_ids,
    series_name,
    thai_date,
)

BEFORE_JUL_19 = "2023-07-10T10:00:00+07:00"


def meeting_around(meeting: date) -> tuple[date | None, date | None]:
    index = MEETINGS.index(meeting)
    previous = MEETINGS[index - 1] if index > 0 else None
    following = MEETINGS[index + 1] if index + 1 < len(MEETINGS) else None
    return previous, following


@pytest.fixture
def marked_seed_cli(seed_cli):  # type: ignore[no-untyped-def]
    """The seed with #7 done before the 19 Jul 2023 meeting, #1 done and #2 at 40% after it."""
    unit = secretariat(seed_cli)
    ids = seed_task_ids(seed_cli)
    seed_cli.env(TRACKER_NOW=BEFORE_JUL_19)
    seed_cli.ok("done", str(ids[7]), "--by", unit)
    seed_cli.env(TRACKER_NOW=BETWEEN_MEETINGS)
    seed_cli.ok(
        "done",
        str(ids[1]),
        "--by",
        unit,
        "--note",
        "ลงนาม <b>คำสั่ง</b> & เวียนแจ้ง",
        "--evidence",
        "https://example.go.th/order.pdf?a=1&b=2",
    )
    seed_cli.ok("progress", str(ids[2]), "40", "--by", unit, "--note", "ร่างแล้ว")
    return seed_cli


# --- tracker report ------------------------------------------------------------------------


def report(cli, fmt: str, meeting: date = AUG_2):  # type: ignore[no-untyped-def]
    return cli.ok("report", "--meeting", meeting.isoformat(), "--format", fmt)


def test_the_json_report_shows_each_step_with_the_progress_units_reported(
    marked_seed_cli,
) -> None:
    ids = seed_task_ids(marked_seed_cli)
    previous, following = meeting_around(AUG_2)

    data = report(marked_seed_cli, "json").json()

    assert data["meeting"] == AUG_2.isoformat()
    assert data["previous_meeting"] == previous.isoformat() == JUL_19.isoformat()
    assert data["next_meeting"] == following.isoformat()
    steps = [step for measure in data["measures"] for step in measure["steps"]]
    assert [s["id"] for s in steps] == [ids[t["number"]] for t in SEED_TASKS]
    assert len(steps) == 7
    by_number = {int(s["ref"].split(".")[1]): s for s in steps}
    wanted = {1: ("done", 100), 2: ("in_progress", 40), 7: ("done", 100)}
    for number, step in by_number.items():
        assert (step["status"], step["percent"]) == wanted.get(number, ("not_started", 0))
    assert by_number[1]["last_note"] == "ลงนาม <b>คำสั่ง</b> & เวียนแจ้ง"
    assert by_number[1]["evidence_url"] == "https://example.go.th/order.pdf?a=1&b=2"
    assert by_number[2]["last_note"] == "ร่างแล้ว"
    assert by_number[2]["evidence_url"] is None
    assert all(by_number[n]["last_note"] is None for n in (3, 4, 5, 6, 7))
    # Overdue on the meeting day: not done and past its end.
    for task in SEED_TASKS:
        ended = task["end"] is not None and date.fromisoformat(task["end"]) < AUG_2
        assert by_number[task["number"]]["overdue"] == (ended and task["number"] not in (1, 7))

    def label(number: int) -> str:
        return f"#{ids[number]} (1.{number})"

    # #1 was done after the 19 July meeting, #7 before it.
    assert data["newly_done"] == [label(1)]
    assert data["no_update"] == [label(n) for n in seed_open_at(AUG_2) if n not in wanted]
    assert data["done"] == 2
    assert data["total"] == 7
    assert data["completion"] == round((100 + 40 + 100) / 7, 1)


def test_the_markdown_report_has_one_table_row_per_step(marked_seed_cli) -> None:
    ids = seed_task_ids(marked_seed_cli)
    markdown = report(marked_seed_cli, "md").stdout

    rows = [line for line in markdown.splitlines() if re.match(r"\| #\d+ ", line)]
    assert [row.split(" | ")[0] for row in rows] == [
        f"| #{ids[t['number']]} (1.{t['number']})" for t in SEED_TASKS
    ]
    for row in rows:
        assert row.endswith(" |")
        assert len(re.split(r"(?<!\\)\|", row)) == 6 + 2, row
    assert "| # |" in markdown
    assert "|---|---|---|---|---|---|" in markdown
    assert f"2/7 ขั้นตอนเสร็จ, ความคืบหน้าเฉลี่ย {round(240 / 7, 1)}%" in markdown
    assert "[หลักฐาน](https://example.go.th/order.pdf?a=1&b=2)" in markdown
    assert f"- เสร็จใหม่: #{ids[1]} (1.1)" in markdown


def test_a_note_with_a_pipe_stays_inside_its_markdown_table_cell(seed_cli) -> None:
    unit = secretariat(seed_cli)
    ids = seed_task_ids(seed_cli)
    seed_cli.env(TRACKER_NOW=BETWEEN_MEETINGS)
    seed_cli.ok("progress", str(ids[2]), "40", "--by", unit, "--note", "ร่างแล้ว | รอลงนาม")

    markdown = report(seed_cli, "md").stdout

    (row,) = [line for line in markdown.splitlines() if line.startswith(f"| #{ids[2]} (1.2)")]
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 6, row


class _TagBalance(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_the_html_report_is_a_balanced_page_with_user_text_escaped(marked_seed_cli) -> None:
    page = report(marked_seed_cli, "html").stdout

    assert page.lower().startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>")
    parser = _TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.problems == []
    assert parser.stack == []
    # The printable document: a row per step (7), then the changes since 19 Jul: newly done
    # #1 (1 row), newly overdue none, no update #3 #4 #5 #6 (4 rows; #2 was updated).
    assert page.count('<td class="text">1.') == 7 + 1 + 4
    assert "ลงนาม &lt;b&gt;คำสั่ง&lt;/b&gt; &amp; เวียนแจ้ง" in page
    assert "<b>คำสั่ง</b>" not in page
    assert 'href="https://example.go.th/order.pdf?a=1&amp;b=2"' in page
    assert f"{series_name(marked_seed_cli)} วันที่ 2 สิงหาคม 2566" in page  # AUG_2, in BE


def test_the_text_report_names_the_meetings_around_it_and_the_latest_notes(
    marked_seed_cli,
) -> None:
    ids = seed_task_ids(marked_seed_cli)
    previous, following = meeting_around(AUG_2)
    plain = report(marked_seed_cli, "txt").stdout
    assert plain == report(marked_seed_cli, "txt").stdout  # no clock in it

    assert f"{series_name(marked_seed_cli)} {thai_date(AUG_2)}" in plain
    assert f"({thai_date(previous)}):" in plain
    assert f"({thai_date(following)}):" in plain
    assert "ล่าสุด: ลงนาม <b>คำสั่ง</b> & เวียนแจ้ง (https://example.go.th/order.pdf?a=1&b=2)" in plain
    assert f"เสร็จใหม่: #{ids[1]} (1.1)\n" in plain
    for task in SEED_TASKS:
        assert f"  #{ids[task['number']]} (1.{task['number']}) " in plain


def test_report_refuses_a_day_the_series_does_not_meet_and_an_unknown_series(seed_cli) -> None:
    not_a_meeting = AUG_2 + timedelta(days=1)
    assert not_a_meeting not in MEETINGS
    refused = seed_cli("report", "--meeting", not_a_meeting.isoformat(), "--format", "json")
    assert not_a_meeting.isoformat() in one_line_error(refused)

    unknown = seed_cli("report", "--meeting", AUG_2.isoformat(), "--series", "ประชุมที่ไม่มีอยู่")
    assert "ประชุมที่ไม่มีอยู่" in one_line_error(unknown)
