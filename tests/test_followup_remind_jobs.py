"""Follow-up through the real CLI: `tracker remind` and `tracker jobs` (the catalogue, and
one job run at a given moment).

The seed, its expected values and how the due moments are worked out (from the `holidays`
package, never the product's calendar): followup_cli_support.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from conftest import FROZEN_NOW
from followup_cli_support import (
    AUG_2,
    JOB_IDS,
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
    snapshot,
    thai_date,
    working_days_before,
)


def totals(results: list[dict], key: str) -> int:
    return sum(result[key] for result in results)


# --- tracker remind ------------------------------------------------------------------------


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
