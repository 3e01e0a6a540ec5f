"""Follow-up through the real CLI: simulate, remind, report, outbox, jobs, run, series, contacts.

Most tests import the seed report (../shared/seeds/000_950678517d269ae1.txt) and take their
expected values from ../shared/vectors/seed-expected.json: one meeting series (1st, 3rd and
5th Wednesday, 28 meetings in FY2566), two units (the secretariat and the "every unit" group,
which is never messaged itself) and seven tasks, all not started. Due moments are worked out
here from the `holidays` package (Thai public holidays), never from the product's calendar:

- progress report: 1 working day before a meeting, 08:00 Bangkok;
- meeting reminder: 2 working days before, 09:00 Bangkok, to each unit with open tasks
  (started by the meeting day) at that meeting.

The scheduler tests use the demo plan (examples/demo-plan.yaml).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import holidays
import pytest
import yaml
from conftest import DEMO_PLAN, FROZEN_NOW, SHARED
from sqlalchemy import create_engine, text
from thai_words import ENGLISH_ABBREVIATED_MONTHS, THAI_ABBREVIATED_MONTHS, thai_short_date

SEED = SHARED / "seeds" / "000_950678517d269ae1.txt"
EXPECTED = json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))
MEETINGS = [date.fromisoformat(day) for day in EXPECTED["meetings_fy2566"]]
SEED_TASKS = EXPECTED["measures"][0]["tasks"]
SEED_IMPORTED_AT = "2022-10-01T00:00:00+07:00"

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_HOLIDAYS = holidays.Thailand(years=range(2022, 2028), language="th")

JOB_IDS = [
    "meeting-reminders",
    "progress-reports",
    "deadline-alerts",
    "overdue-digests",
    "dispatch",
]

AUG_2 = date(2023, 8, 2)  # a meeting on a holiday (วันเข้าพรรษา), held: the policy is "flag"
JUL_19 = date(2023, 7, 19)  # the meeting before it
BETWEEN_MEETINGS = "2023-07-25T10:00:00+07:00"
BEFORE_JUL_19 = "2023-07-10T10:00:00+07:00"


# --- expected values, worked out independently ------------------------------------------------


def working_days_before(day: date, count: int) -> date:
    """``count`` working days before ``day``: weekends and Thai public holidays skipped."""
    current = day
    while count:
        current -= timedelta(days=1)
        if current.weekday() < 5 and current not in THAI_HOLIDAYS:
            count -= 1
    return current


def bangkok(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BANGKOK)


def thai_date(day: date) -> str:
    return thai_short_date(day)


def english_date(day: date) -> str:
    return f"{day.day} {ENGLISH_ABBREVIATED_MONTHS[day.month - 1]} {day.year}"


def dates_named_in(subject: str) -> list[date]:
    """Every Thai BE date ("5 ต.ค. 2565") in a subject, as a date."""
    found = []
    for day, month, year in re.findall(r"(\d{1,2}) (\S+) (25\d\d)", subject):
        if month in THAI_ABBREVIATED_MONTHS:
            found.append(date(int(year) - 543, THAI_ABBREVIATED_MONTHS.index(month) + 1, int(day)))
    return found


def seed_open_at(meeting: date) -> list[int]:
    """Numbers of the seed's tasks that are open and started by ``meeting`` (none is closed)."""
    return [
        t["number"]
        for t in SEED_TASKS
        if t["status"] in ("not_started", "in_progress")
        and (t["start"] is None or date.fromisoformat(t["start"]) <= meeting)
    ]


def seed_overdue_on(day: date) -> list[int]:
    return [
        t["number"]
        for t in SEED_TASKS
        if t["end"] is not None and date.fromisoformat(t["end"]) < day
    ]


def meeting_around(meeting: date) -> tuple[date | None, date | None]:
    index = MEETINGS.index(meeting)
    previous = MEETINGS[index - 1] if index > 0 else None
    following = MEETINGS[index + 1] if index + 1 < len(MEETINGS) else None
    return previous, following


def squeeze(name: str) -> str:
    return re.sub(r"\s+", "", name)


# --- helpers -------------------------------------------------------------------------------


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """A refusal: non-zero exit, nothing on stdout, exactly one line on stderr."""
    assert result.exit_code != 0, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def outbox(cli, *options: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.ok("outbox", "--json", *options).json()


def items(results: list[dict]) -> list[dict]:
    return [item for result in results for item in result["items"]]


def totals(results: list[dict], key: str) -> int:
    return sum(result[key] for result in results)


def message_file(outbox_dir: Path, row: dict) -> Path:
    """Where the file channel wrote an outbox row (its address plus .txt)."""
    assert row["channel"] == "file", row
    return outbox_dir / f"{row['recipient']}.txt"


def listed_task_ids(message: str) -> set[int]:
    return {int(number) for number in re.findall(r"^ • #(\d+) \(", message, flags=re.MULTILINE)}


def seed_task_ids(cli) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Seed task number -> task id (one measure)."""
    return {row["number"]: row["id"] for row in cli.ok("tasks", "--json").json()}


def series_name(cli) -> str:  # type: ignore[no-untyped-def]
    rows = cli.ok("series", "--json").json()
    assert len(rows) == 1
    assert EXPECTED["meeting_series"][0]["name_contains"] in rows[0]["name"]
    return rows[0]["name"]


def secretariat(cli) -> str:  # type: ignore[no-untyped-def]
    """The seed's one ordinary unit, as the database spells it."""
    wanted = [squeeze(u["name"]) for u in EXPECTED["units"] if not u["all_units"]]
    names = [u["name"] for u in cli.ok("units", "--json").json() if not u["all_units"]]
    assert [squeeze(n) for n in names] == wanted
    return names[0]


def every_unit_group(cli) -> str:  # type: ignore[no-untyped-def]
    names = [u["name"] for u in cli.ok("units", "--json").json() if u["all_units"]]
    assert len(names) == 1
    return names[0]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def seed_cli(cli, outbox_dir: Path):  # type: ignore[no-untyped-def]
    """The CLI with the seed report imported on 1 Oct 2022, its file channel in tmp_path."""
    cli.env(
        TRACKER_NOW=SEED_IMPORTED_AT,
        TRACKER_OUTBOX_DIR=str(outbox_dir),
        TRACKER_SMTP_HOST=None,
        TRACKER_DEADLINE_ALERT_DAYS=None,
    )
    cli.ok("import", str(SEED), "--merge-similar-units")
    return cli


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


@pytest.fixture
def in_process_scheduler():  # type: ignore[no-untyped-def]
    """`tracker run` in this process installs signal handlers and a logging handler: put the
    test process back as it was afterwards."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    root = logging.getLogger()
    level, root_handlers = root.level, list(root.handlers)
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    root.setLevel(level)
    root.handlers[:] = root_handlers


# --- tracker simulate ----------------------------------------------------------------------


def simulate(cli, folder: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli.ok(
        "simulate", "--from", "2022-10-01", "--to", "2023-09-30", "--outbox", str(folder), *extra
    )


def timeline(stdout: str) -> list[tuple[str, str, str, str]]:
    """(local due "YYYY-MM-DD HH:MM", job, to, subject) for each line of `tracker simulate`."""
    lines = stdout.splitlines()
    assert re.fullmatch(rf"{len(lines) - 1} ข้อความ, เขียนไว้ที่ .+", lines[-1]), lines[-1]
    events = []
    for line in lines[:-1]:
        match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d)  (\S+) {2,}(.+?)  (\[ITA\] .+)", line)
        assert match, line
        events.append(match.groups())
    return events


def test_a_simulated_fiscal_year_reports_the_day_before_and_reminds_two_days_before_each_meeting(
    seed_cli, tmp_path: Path, outbox_dir: Path
) -> None:
    unit = secretariat(seed_cli)
    group = every_unit_group(seed_cli)
    folder = tmp_path / "simulation"

    events = timeline(simulate(seed_cli, folder).stdout)

    reports = [e for e in events if e[1] == "progress-report"]
    assert len(reports) == 28 == len(MEETINGS)
    named = [dates_named_in(subject) for _, _, _, subject in reports]
    assert all(len(days) == 1 for days in named), reports
    assert sorted(days[0] for days in named) == MEETINGS
    for (due, _, _, subject), (meeting,) in zip(reports, named, strict=True):
        assert thai_date(meeting) in subject
        expected = bangkok(working_days_before(meeting, 1), 8)
        assert due == expected.strftime("%Y-%m-%d %H:%M"), (meeting, due)

    # The unit gets a reminder before every meeting at which it has open tasks; the
    # "every unit" group is a way of naming units, never a recipient.
    reminders = [e for e in events if e[1] == "meeting-reminder"]
    expected_meetings = [m for m in MEETINGS if seed_open_at(m)]
    assert len(reminders) == len(expected_meetings)
    assert {to for _, _, to, _ in reminders} == {unit}
    assert group not in {to for _, _, to, _ in events}
    reminded = {}
    for due, _, _, subject in reminders:
        (meeting,) = dates_named_in(subject)
        reminded[meeting] = due
    assert sorted(reminded) == expected_meetings
    for meeting, due in reminded.items():
        expected = bangkok(working_days_before(meeting, 2), 9)
        assert due == expected.strftime("%Y-%m-%d %H:%M"), (meeting, due)

    # Every message went to a file in --outbox; the real ledger and file channel are untouched.
    assert len(snapshot(folder)) == len(events)
    assert outbox(seed_cli) == []
    assert not outbox_dir.exists()


def test_simulating_twice_gives_identical_output_and_files_and_json_lists_the_same_events(
    seed_cli, tmp_path: Path
) -> None:
    folder = tmp_path / "simulation"
    first = simulate(seed_cli, folder)
    first_files = snapshot(folder)
    shutil.rmtree(folder)
    second = simulate(seed_cli, folder)
    second_files = snapshot(folder)
    shutil.rmtree(folder)
    as_json = simulate(seed_cli, folder, "--json")

    assert first.stdout.encode() == second.stdout.encode()
    assert first_files
    assert list(first_files) == list(second_files)
    assert first_files == second_files

    events = as_json.json()
    assert [
        (e["due"][:16].replace("T", " "), e["job"], e["to"], e["subject"]) for e in events
    ] == timeline(first.stdout)
    assert {f"{e['file']}.txt" for e in events} == set(first_files)
    assert snapshot(folder) == first_files


def test_simulate_refuses_a_period_that_ends_before_it_starts(seed_cli, tmp_path: Path) -> None:
    folder = tmp_path / "simulation"
    result = seed_cli(
        "simulate", "--from", "2023-09-30", "--to", "2022-10-01", "--outbox", str(folder)
    )
    assert "2022-10-01" in one_line_error(result)
    assert not folder.exists()


# --- tracker remind ------------------------------------------------------------------------

REMIND_AT = "2023-07-26T09:30+07:00"  # the 2 Aug 2023 reminder was due at 09:00 that day


def test_remind_dry_run_lists_the_reminder_due_now_and_queues_sends_and_writes_nothing(
    seed_cli, outbox_dir: Path
) -> None:
    unit = secretariat(seed_cli)
    now = datetime.fromisoformat(REMIND_AT)
    assert working_days_before(AUG_2, 2) == now.date()

    results = seed_cli.ok("remind", "--now", REMIND_AT, "--dry-run", "--json").json()

    assert [r["job"] for r in results] == JOB_IDS
    queued = [i for i in items(results) if not i["missed"]]
    reminders = [i for i in queued if i["job"] == "meeting-reminder"]
    assert len(reminders) == 1
    assert reminders[0]["to"] == unit
    assert dates_named_in(reminders[0]["subject"]) == [AUG_2]
    assert reminders[0]["due"] == bangkok(working_days_before(AUG_2, 2), 9).isoformat()
    # The Monday digest of that week lists the tasks overdue by Monday 24 July.
    digests = [i for i in queued if i["job"] == "overdue-digest"]
    assert len(digests) == 1
    assert f"({len(seed_overdue_on(date(2023, 7, 24)))} รายการ)" in digests[0]["subject"]
    assert {i["job"] for i in queued} == {"meeting-reminder", "overdue-digest"}
    # What was due before meetings already held is listed as missed, never as queued.
    for item in items(results):
        if item["missed"]:
            assert all(day < now.date() for day in dates_named_in(item["subject"])), item
    assert totals(results, "queued") == len(queued)
    assert totals(results, "sent") == 0

    assert outbox(seed_cli) == []
    assert snapshot(outbox_dir) == {}


def test_remind_queues_and_sends_to_files_and_a_second_run_finds_everything_already_queued(
    seed_cli, outbox_dir: Path
) -> None:
    unit = secretariat(seed_cli)
    ids = seed_task_ids(seed_cli)

    first = seed_cli.ok("remind", "--now", REMIND_AT, "--json").json()

    recorded = totals(first, "queued") + totals(first, "missed")
    assert totals(first, "queued") == 2  # the 2 Aug reminder and the week's overdue digest
    assert totals(first, "sent") == 2
    rows = outbox(seed_cli)
    assert len(rows) == recorded
    assert sorted(r["status"] for r in rows if r["status"] != "missed") == ["sent", "sent"]
    reminder = next(
        r
        for r in rows
        if r["job"] == "meeting-reminder" and r["occurrence"].split("/")[1] == str(AUG_2)
    )
    assert reminder["status"] == "sent"
    assert thai_date(AUG_2) in reminder["subject"]
    assert reminder["subject"].startswith("[ITA] ขอรายงานความคืบหน้าก่อน")
    written = message_file(outbox_dir, reminder).read_text(encoding="utf-8")
    assert written.startswith(f"Subject: {reminder['subject']}\n")
    assert f"เรียน {unit}" in written
    assert listed_task_ids(written) == {ids[n] for n in seed_open_at(AUG_2)}
    files = snapshot(outbox_dir)
    assert len(files) == 2

    second = seed_cli.ok("remind", "--now", REMIND_AT, "--json").json()

    assert totals(second, "queued") == 0
    assert totals(second, "missed") == 0
    assert totals(second, "sent") == 0
    assert totals(second, "already") == recorded
    assert outbox(seed_cli) == rows
    assert snapshot(outbox_dir) == files


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
    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input"}

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
    assert parser.counts["table"] == 1
    assert parser.counts["tr"] == 1 + 7
    assert parser.counts["td"] == 6 * 7
    assert "ลงนาม &lt;b&gt;คำสั่ง&lt;/b&gt; &amp; เวียนแจ้ง" in page
    assert "<b>คำสั่ง</b>" not in page
    assert 'href="https://example.go.th/order.pdf?a=1&amp;b=2"' in page
    assert f"<title>{series_name(marked_seed_cli)} {thai_date(AUG_2)}</title>" in page


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


# --- tracker outbox ------------------------------------------------------------------------


@pytest.fixture
def mixed_outbox(seed_cli):  # type: ignore[no-untyped-def]
    """At 08:30 on 27 Jul 2023 with the unit reachable only by email (no SMTP configured):
    the 2 Aug reminder and the week's digest fail, the 2 Aug report (no recipients: a file)
    is sent, and what was due before the 5 and 19 Jul meetings is missed."""
    seed_cli.ok("units", "contact", secretariat(seed_cli), "email", "x@example.go.th")
    seed_cli.ok("remind", "--now", "2023-07-27T08:30+07:00")
    return seed_cli


def test_outbox_lists_messages_newest_first_and_filters_by_status(
    mixed_outbox, outbox_dir: Path
) -> None:
    rows = outbox(mixed_outbox)
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)

    failed = outbox(mixed_outbox, "--failed")
    assert sorted(r["job"] for r in failed) == ["meeting-reminder", "overdue-digest"]
    for row in failed:
        assert (row["status"], row["channel"], row["recipient"]) == (
            "failed",
            "email",
            "x@example.go.th",
        )
        assert "TRACKER_SMTP_HOST" in row["last_error"]
    assert outbox(mixed_outbox, "--status", "failed") == failed

    sent = outbox(mixed_outbox, "--status", "sent")
    assert [(r["job"], r["occurrence"].split("/")[1]) for r in sent] == [
        ("progress-report", AUG_2.isoformat())
    ]
    assert message_file(outbox_dir, sent[0]).exists()

    missed = outbox(mixed_outbox, "--status", "missed")
    held = {m.isoformat() for m in MEETINGS if m < date(2023, 7, 27)}
    assert len(missed) == 4
    assert all(r["occurrence"].split("/")[1] in held for r in missed)
    assert outbox(mixed_outbox, "--status", "pending") == []
    assert len(rows) == len(failed) + len(sent) + len(missed)
    assert outbox(mixed_outbox, "--limit", "2") == rows[:2]

    table = mixed_outbox.ok("outbox", "--failed").stdout
    assert "กล่องข้อความขาออก" in table
    assert all(str(r["id"]) in table for r in failed)
    assert "sent" not in table


def test_outbox_retry_requeues_a_failed_message_and_refuses_others(mixed_outbox) -> None:
    rows = outbox(mixed_outbox)
    sent = next(r for r in rows if r["status"] == "sent")
    failed = next(r for r in rows if r["status"] == "failed")

    refused = mixed_outbox("outbox", "retry", str(sent["id"]))
    assert "sent" in one_line_error(refused)
    unknown_id = max(r["id"] for r in rows) + 100
    assert str(unknown_id) in one_line_error(mixed_outbox("outbox", "retry", str(unknown_id)))
    assert outbox(mixed_outbox) == rows

    mixed_outbox.ok("outbox", "retry", str(failed["id"]))
    again = {r["id"]: r for r in outbox(mixed_outbox)}
    assert again[failed["id"]]["status"] == "pending"
    assert again[sent["id"]]["status"] == "sent"
    one_line_error(mixed_outbox("outbox", "retry", str(failed["id"])))  # pending now


# --- tracker jobs --------------------------------------------------------------------------


def test_jobs_lists_the_catalogue_with_each_next_run_after_the_frozen_now(cli) -> None:
    now = datetime.fromisoformat(FROZEN_NOW)  # a Wednesday, 10:00 Bangkok
    rows = cli.ok("jobs", "--json").json()

    assert [r["id"] for r in rows] == JOB_IDS
    runs = {r["id"]: datetime.fromisoformat(r["next_run"]) for r in rows}
    for job_id, moment in runs.items():
        assert moment > now, (job_id, moment)
    assert runs["dispatch"] <= now + timedelta(minutes=1)
    assert runs["meeting-reminders"] <= now + timedelta(minutes=15)
    assert runs["progress-reports"] <= now + timedelta(minutes=15)
    assert runs["deadline-alerts"] <= now + timedelta(minutes=30)
    next_monday = now.date() + timedelta(days=7 - now.weekday())
    assert (
        runs["overdue-digests"] == bangkok(next_monday, 8, 5) == bangkok(date(2026, 11, 30), 8, 5)
    )
    order = sorted(runs, key=lambda job_id: (runs[job_id], JOB_IDS.index(job_id)))
    assert order == [
        "dispatch",
        "meeting-reminders",
        "progress-reports",
        "deadline-alerts",
        "overdue-digests",
    ]


def test_jobs_run_dry_run_shows_what_one_job_would_queue_and_changes_nothing(
    seed_cli, outbox_dir: Path
) -> None:
    result = seed_cli.ok(
        "jobs", "run", "meeting-reminders", "--now", REMIND_AT, "--dry-run", "--json"
    ).json()

    assert result["job"] == "meeting-reminders"
    queued = [i for i in result["items"] if not i["missed"]]
    assert [(i["job"], dates_named_in(i["subject"])) for i in queued] == [
        ("meeting-reminder", [AUG_2])
    ]
    assert result["queued"] == 1
    table = seed_cli.ok("jobs", "run", "meeting-reminders", "--now", REMIND_AT, "--dry-run")
    assert "เข้าคิว 1," in table.stdout  # "queued 1" in Thai, the CLI's default language
    assert outbox(seed_cli) == []
    assert snapshot(outbox_dir) == {}


def test_jobs_run_refuses_an_unknown_job(seed_cli) -> None:
    assert "no-such-job" in one_line_error(seed_cli("jobs", "run", "no-such-job"))


# --- tracker run (the embedded scheduler) ---------------------------------------------------

DEMO_MEETING = date(2026, 12, 16)  # 3rd Wednesday; its reminder is due Mon 14 Dec 09:00


def demo_units_reminded_for(meeting: date) -> dict[str, set[tuple[int, int]]]:
    """Unit -> (measure, number) of its open tasks started by ``meeting``, from the demo plan:
    a task of the "every unit" group counts for every ordinary unit."""
    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    ordinary = [u["name"] for u in plan["units"] if not u["all_units"]]
    groups = {u["name"] for u in plan["units"] if u["all_units"]}
    series = plan["meeting_series"][0]["name"]
    wanted: dict[str, set[tuple[int, int]]] = {}
    for position, measure in enumerate(plan["measures"], start=1):
        for task in measure["tasks"]:
            start = task["start"] and date.fromisoformat(task["start"])
            if (
                task["follow_up"] != series
                or task["status"] not in ("not_started", "in_progress")
                or (start and start > meeting)
            ):
                continue
            units = ordinary if groups & set(task["units"]) else task["units"]
            for unit in units:
                wanted.setdefault(unit, set()).add((position, task["number"]))
    return wanted


def test_tracker_run_sends_the_due_reminders_and_stores_the_catalogue_in_the_database(
    demo_cli, database_url: str, outbox_dir: Path, in_process_scheduler
) -> None:
    now = datetime(2026, 12, 14, 9, 30, tzinfo=BANGKOK)
    assert bangkok(working_days_before(DEMO_MEETING, 2), 9) <= now < bangkok(DEMO_MEETING, 9)
    demo_cli.env(TRACKER_NOW=now.isoformat(), TRACKER_OUTBOX_DIR=str(outbox_dir))
    ids = {
        (row["measure"], row["number"]): row["id"] for row in demo_cli.ok("tasks", "--json").json()
    }
    expected = demo_units_reminded_for(DEMO_MEETING)
    assert len(expected) == 4  # the education unit only through the "every unit" task

    started = demo_cli.ok("run", "--for", "3")

    assert "เริ่มตัวจัดตารางงาน" in started.stdout
    assert "หยุดตัวจัดตารางงานแล้ว" in started.stdout
    rows = outbox(demo_cli)
    reminders = [
        r
        for r in rows
        if r["job"] == "meeting-reminder" and r["occurrence"].split("/")[1] == str(DEMO_MEETING)
    ]
    assert all(r["status"] == "sent" for r in reminders), reminders
    seen: dict[str, set[int]] = {}
    for row in reminders:
        assert thai_date(DEMO_MEETING) in row["subject"]
        written = message_file(outbox_dir, row).read_text(encoding="utf-8")
        (unit,) = re.findall(r"^เรียน (.+)$", written, flags=re.MULTILINE)
        seen[unit] = listed_task_ids(written)
    assert seen == {unit: {ids[key] for key in keys} for unit, keys in expected.items()}

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = set(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
    finally:
        engine.dispose()
    assert stored == set(JOB_IDS)

    files = snapshot(outbox_dir)
    again = demo_cli.ok("run", "--for", "3")

    assert "หยุดตัวจัดตารางงานแล้ว" in again.stdout
    assert outbox(demo_cli) == rows
    assert snapshot(outbox_dir) == files


class _Scheduler:
    """`tracker run` as a real process, its output lines read by two threads."""

    def __init__(self, tracker_bin: str, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(
            TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'scheduler.db'}",
            TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"),
            TRACKER_LANG="th",
        )
        # A new database on purpose: `tracker run` never makes one from a mistyped path.
        subprocess.run([tracker_bin, "db", "upgrade"], env=env, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [tracker_bin, "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.readers = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr))
        ]
        for reader in self.readers:
            reader.start()
        self.seen: list[tuple[str, str]] = []

    def _pump(self, name: str, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put((name, line))

    def wait_for(self, stream: str, words: str, seconds: float = 60) -> None:
        """Read lines until ``words`` appears on ``stream``; fail after ``seconds``."""
        deadline = datetime.now() + timedelta(seconds=seconds)
        while datetime.now() < deadline:
            try:
                name, line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append((name, line))
            if name == stream and words in line:
                return
        self.kill()
        pytest.fail(f"`tracker run` never printed {words!r}; it printed {self.seen}")

    def terminate(self, seconds: float = 30) -> tuple[int, str]:
        """SIGTERM; the exit code (within ``seconds``) and the stdout printed after."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"`tracker run` did not stop within {seconds} s of SIGTERM")
        for reader in self.readers:
            reader.join(timeout=10)
        after = []
        while not self.lines.empty():
            name, line = self.lines.get()
            self.seen.append((name, line))
            if name == "stdout":
                after.append(line)
        return code, "".join(after)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def test_tracker_run_stops_cleanly_on_sigterm_once_the_scheduler_is_running(
    tracker_bin: str, tmp_path: Path
) -> None:
    scheduler = _Scheduler(tracker_bin, tmp_path)
    # The scheduler's log line once its triggers have taken over (the catch-up is done).
    scheduler.wait_for("stderr", "ตัวจัดตารางงานทำงานตามกำหนดแล้ว")

    code, after = scheduler.terminate()

    assert code == 0, scheduler.seen
    assert "หยุดตัวจัดตารางงานแล้ว" in after


def test_tracker_run_stops_cleanly_on_sigterm_as_soon_as_it_says_it_started(
    tracker_bin: str, tmp_path: Path
) -> None:
    """A service manager may stop the scheduler right after it announces itself."""
    scheduler = _Scheduler(tracker_bin, tmp_path)
    scheduler.wait_for("stdout", "เริ่มตัวจัดตารางงาน")  # the CLI's own "started" line

    code, after = scheduler.terminate()

    assert code == 0, scheduler.seen
    assert "หยุดตัวจัดตารางงานแล้ว" in after


# --- contacts and series settings change what the jobs do ------------------------------------


def test_unit_contacts_decide_where_reminders_and_digests_go(seed_cli) -> None:
    unit = secretariat(seed_cli)

    def due_now() -> dict[str, tuple[str, str]]:
        results = seed_cli.ok("remind", "--now", REMIND_AT, "--dry-run", "--json").json()
        return {i["job"]: (i["channel"], i["address"]) for i in items(results) if not i["missed"]}

    before = due_now()
    assert before["meeting-reminder"][0] == "file"
    assert before["overdue-digest"][0] == "file"

    added = seed_cli.ok("units", "contact", unit, "email", "x@example.go.th")
    assert "email: x@example.go.th (unit)" in added.stdout
    # The head has no contact of its own, so the digest falls back to the unit's.
    assert due_now() == {
        "meeting-reminder": ("email", "x@example.go.th"),
        "overdue-digest": ("email", "x@example.go.th"),
    }

    seed_cli.ok("units", "contact", unit, "email", "head@example.go.th", "--role", "head")
    assert due_now() == {
        "meeting-reminder": ("email", "x@example.go.th"),
        "overdue-digest": ("email", "head@example.go.th"),
    }
    (row,) = [u for u in seed_cli.ok("units", "--json").json() if u["name"] == unit]
    assert {c["address"] for c in row["contacts"]} == {"x@example.go.th", "head@example.go.th"}

    removed = seed_cli.ok("units", "contact", unit, "email", "x@example.go.th", "--remove")
    assert "x@example.go.th" not in removed.stdout
    assert due_now() == {
        "meeting-reminder": before["meeting-reminder"],
        "overdue-digest": ("email", "head@example.go.th"),
    }
    assert outbox(seed_cli) == []

    assert "ไม่มีหน่วยงาน" in one_line_error(
        seed_cli("units", "contact", "ไม่มีหน่วยงาน", "email", "x@example.go.th")
    )


def test_series_recipients_receive_the_progress_report(seed_cli) -> None:
    name = series_name(seed_cli)
    report_due = bangkok(working_days_before(AUG_2, 1), 8, 30).isoformat()

    def report_channels() -> list[tuple[str, str]]:
        results = seed_cli.ok("remind", "--now", report_due, "--dry-run", "--json").json()
        return [
            (i["channel"], i["address"])
            for i in items(results)
            if i["job"] == "progress-report" and dates_named_in(i["subject"]) == [AUG_2]
        ]

    assert [channel for channel, _ in report_channels()] == ["file"]
    seed_cli.ok("series", "recipient", name, "email", "s@example.go.th")

    assert report_channels() == [("email", "s@example.go.th")]
    (row,) = seed_cli.ok("series", "--json").json()
    assert row["recipients"] == [{"channel": "email", "address": "s@example.go.th"}]
    listing = seed_cli.ok("series").stdout
    assert "s@example.go.th" in listing


def test_series_timing_moves_the_reminder_to_three_working_days_before(seed_cli) -> None:
    name = series_name(seed_cli)
    changed = seed_cli.ok(
        "series", "timing", name, "--reminder-days", "3", "--report-time", "07:30"
    ).json()
    assert (changed["reminder_days"], changed["reminder_time"]) == (3, "09:00")
    assert (changed["report_days"], changed["report_time"]) == (1, "07:30")

    due = bangkok(working_days_before(AUG_2, 3), 9)
    assert due.date() == date(2023, 7, 25)  # 1 Aug, 31 Jul, the weekend and 28 Jul are off
    day_before = bangkok(working_days_before(due.date(), 1), 9)

    def aug_2_items(moment: datetime, job: str) -> list[dict]:
        results = seed_cli.ok("remind", "--now", moment.isoformat(), "--dry-run", "--json").json()
        return [
            i for i in items(results) if i["job"] == job and dates_named_in(i["subject"]) == [AUG_2]
        ]

    (reminder,) = aug_2_items(due, "meeting-reminder")
    assert reminder["due"] == due.isoformat()
    assert reminder["missed"] is False
    assert aug_2_items(day_before, "meeting-reminder") == []
    assert aug_2_items(due - timedelta(minutes=1), "meeting-reminder") == []

    report_at = bangkok(working_days_before(AUG_2, 1), 7, 30)
    (sent,) = aug_2_items(report_at, "progress-report")
    assert sent["due"] == report_at.isoformat()
    assert aug_2_items(report_at - timedelta(minutes=1), "progress-report") == []


# --- language ------------------------------------------------------------------------------


def test_messages_are_thai_by_default_and_list_task_ids(seed_cli, outbox_dir: Path) -> None:
    ids = seed_task_ids(seed_cli)
    results = seed_cli.ok("remind", "--now", "2023-07-27T08:30+07:00", "--json").json()

    subjects = {i["job"]: i["subject"] for i in items(results) if not i["missed"]}
    assert subjects["meeting-reminder"].startswith("[ITA] ขอรายงานความคืบหน้าก่อน")
    assert thai_date(AUG_2) in subjects["meeting-reminder"]
    assert subjects["progress-report"].startswith("[ITA] รายงานผลการดำเนินการ")
    assert thai_date(AUG_2) in subjects["progress-report"]
    assert "งานเกินกำหนด" in subjects["overdue-digest"]

    rows = {r["job"]: r for r in outbox(seed_cli) if r["status"] == "sent"}
    reminder = message_file(outbox_dir, rows["meeting-reminder"]).read_text(encoding="utf-8")
    assert listed_task_ids(reminder) == {ids[n] for n in seed_open_at(AUG_2)}
    assert "เกินกำหนด\n" in reminder
    assert f"tracker done {ids[seed_overdue_on(AUG_2)[0]]} --by" in reminder
    digest = message_file(outbox_dir, rows["overdue-digest"]).read_text(encoding="utf-8")
    assert listed_task_ids(digest) == {ids[n] for n in seed_overdue_on(date(2023, 7, 24))}
    progress = message_file(outbox_dir, rows["progress-report"]).read_text(encoding="utf-8")
    for number in seed_open_at(AUG_2):
        assert f"#{ids[number]} (1.{number})" in progress


def test_messages_are_english_with_tracker_lang_en(seed_cli, outbox_dir: Path) -> None:
    ids = seed_task_ids(seed_cli)
    seed_cli.env(TRACKER_LANG="en")
    results = seed_cli.ok("remind", "--now", "2023-07-27T08:30+07:00", "--json").json()

    subjects = {i["job"]: i["subject"] for i in items(results) if not i["missed"]}
    assert subjects["meeting-reminder"].startswith("[ITA] Progress update due before")
    assert english_date(AUG_2) in subjects["meeting-reminder"]
    assert subjects["progress-report"].startswith("[ITA] Progress report for")
    assert english_date(AUG_2) in subjects["progress-report"]
    assert "overdue task(s)" in subjects["overdue-digest"]
    for subject in subjects.values():
        assert not any(month in subject for month in THAI_ABBREVIATED_MONTHS), subject
        assert "2566" not in subject

    rows = {r["job"]: r for r in outbox(seed_cli) if r["status"] == "sent"}
    reminder = message_file(outbox_dir, rows["meeting-reminder"]).read_text(encoding="utf-8")
    assert "\nOverdue\n" in reminder
    assert "Report progress with:" in reminder
    assert listed_task_ids(reminder) == {ids[n] for n in seed_open_at(AUG_2)}
    progress = message_file(outbox_dir, rows["progress-report"]).read_text(encoding="utf-8")
    assert "ITA measures: progress report" in progress
    assert f"Since the previous meeting ({english_date(JUL_19)})" in progress
