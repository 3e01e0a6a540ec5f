"""Follow-up through the real CLI: settings that change what the jobs do: unit contacts,
a series' recipients and timing, and the language of the messages (TRACKER_LANG).

The seed, its expected values and how the due moments are worked out (from the `holidays`
package, never the product's calendar): followup_cli_support.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from followup_cli_support import (
    AUG_2,
    JUL_19,
    REMIND_AT,
    bangkok,
    dates_named_in,
    items,
    listed_task_ids,
    message_file,
    one_line_error,
    outbox,
    outbox_dir_fixture,  # noqa: F401
    secretariat,
    seed_cli_fixture,  # noqa: F401
    seed_open_at,
    seed_overdue_on,
    seed_task_ids,
    series_name,
    thai_date,
    working_days_before,
)
from thai_words import ENGLISH_ABBREVIATED_MONTHS, THAI_ABBREVIATED_MONTHS


def english_date(day: date) -> str:
    return f"{day.day} {ENGLISH_ABBREVIATED_MONTHS[day.month - 1]} {day.year}"


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
