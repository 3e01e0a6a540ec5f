"""Follow-up through the real CLI: `tracker outbox`, its listing, filters and retries.

The seed, its expected values and how the due moments are worked out (from the `holidays`
package, never the product's calendar): followup_cli_support.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from followup_cli_support import (
    AUG_2,
    MEETINGS,
    message_file,
    mixed_outbox_fixture,  # noqa: F401
    one_line_error,
    outbox,
    outbox_dir_fixture,  # noqa: F401
    seed_cli_fixture,  # noqa: F401
)

# --- tracker outbox ------------------------------------------------------------------------


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
