"""Recovery an operator can use, through the real CLI: `tracker outbox show ID` with every
attempt, `tracker outbox --interrupted`, bulk `tracker outbox retry --failed|--missed
[--job] [--since]` in one transaction, and no token of a webhook or Apprise contact in any
listing. The outbox of ``mixed_outbox`` (followup_cli_support.py): on 27 Jul 2023 the 2 Aug
reminder and the week's digest failed (no SMTP), the 2 Aug report went to a file, and four
messages of the 5 and 19 Jul meetings were missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from followup_cli_support import (
    mixed_outbox_fixture,  # noqa: F401
    outbox,
    outbox_dir_fixture,  # noqa: F401
    secretariat,
    seed_cli_fixture,  # noqa: F401
)
from sqlalchemy import update

from tracker.db import open_database, unit_of_work
from tracker.models import OutboxMessage, OutboxStatus

WEBHOOK = "https://hooks.example.go.th/services/T000/B000/SECRET-TOKEN-42"


def test_show_tells_one_message_with_its_key_and_each_attempt(mixed_outbox) -> None:
    rows = outbox(mixed_outbox)
    sent = next(r for r in rows if r["status"] == "sent")

    detail = mixed_outbox.ok("outbox", "show", str(sent["id"]), "--json").json()

    assert detail["id"] == sent["id"]
    assert detail["idempotency_key"] == sent["idempotency_key"]
    assert detail["text"].strip()
    (attempt,) = detail["attempt_history"]
    assert attempt["outcome"] == "sent"
    assert attempt["finished_at"] is not None
    failed = next(r for r in rows if r["status"] == "failed")
    shown = mixed_outbox.ok("outbox", "show", str(failed["id"])).stdout
    assert failed["idempotency_key"] in shown
    assert "TRACKER_SMTP_HOST" in shown  # the reason of its one failed attempt
    assert "ส่งไม่สำเร็จ" in shown
    unknown = max(r["id"] for r in rows) + 100
    line = mixed_outbox("outbox", "show", str(unknown)).error_line(1)
    assert str(unknown) in line


def test_retry_failed_of_one_kind_queues_them_all_in_one_command(mixed_outbox) -> None:
    before = {r["id"]: r for r in outbox(mixed_outbox)}
    failed = {i for i, r in before.items() if r["status"] == "failed"}
    assert len(failed) == 2  # the reminder and the digest

    done = mixed_outbox.ok("outbox", "retry", "--failed", "--job", "overdue-digest")

    assert done.stdout.strip() == "กลับเข้าคิว 1 ข้อความ"
    after = {r["id"]: r for r in outbox(mixed_outbox)}
    changed = {i for i in before if after[i]["status"] != before[i]["status"]}
    (digest,) = changed
    assert (before[digest]["job"], after[digest]["status"]) == ("overdue-digest", "pending")
    assert after[digest]["idempotency_key"] == before[digest]["idempotency_key"]

    mixed_outbox.ok("outbox", "retry", "--failed")
    assert all(r["status"] != "failed" for r in outbox(mixed_outbox))


def test_retry_missed_since_a_day_takes_only_those_due_from_that_day(mixed_outbox) -> None:
    missed = [r for r in outbox(mixed_outbox) if r["status"] == "missed"]
    assert len(missed) == 4
    # Due 1–2 working days before the 5 and 19 Jul meetings: "since 10 Jul" keeps the latter.
    later = [r for r in missed if r["due_at"] >= "2023-07-10"]
    assert 0 < len(later) < len(missed)

    done = mixed_outbox.ok("outbox", "retry", "--missed", "--since", "10 ก.ค. 2566")

    assert done.stdout.strip() == f"กลับเข้าคิว {len(later)} ข้อความ"
    pending = {r["id"] for r in outbox(mixed_outbox) if r["status"] == "pending"}
    assert pending == {r["id"] for r in later}


def test_retry_wants_one_id_or_one_filter(mixed_outbox) -> None:
    failed = next(r for r in outbox(mixed_outbox) if r["status"] == "failed")
    assert "--failed" in mixed_outbox("outbox", "retry").error_line(2)
    assert "not both" in mixed_outbox("outbox", "retry", str(failed["id"]), "--failed").error_line(
        2
    )
    assert "--job" in mixed_outbox(
        "outbox", "retry", str(failed["id"]), "--job", "overdue-digest"
    ).error_line(2)
    assert "'reminder' is not a kind" in mixed_outbox(
        "outbox", "retry", "--failed", "--job", "reminder"
    ).error_line(2)
    assert failed in outbox(mixed_outbox)  # nothing changed


def test_a_message_whose_lease_ended_is_listed_as_interrupted(mixed_outbox, database_url) -> None:
    rows = outbox(mixed_outbox)
    failed = next(r for r in rows if r["status"] == "failed")
    long_ago = datetime(2022, 9, 1, 2, 0, tzinfo=UTC)  # before the CLI's frozen now
    factory = open_database(database_url)
    with unit_of_work(factory) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == failed["id"])
            .values(
                status=OutboxStatus.SENDING,
                claimed_by="host:4242",
                claimed_at=long_ago,
                lease_until=long_ago + timedelta(minutes=15),
            )
        )
    factory.kw["bind"].dispose()
    mixed_outbox.env(TRACKER_LANG="en")

    listed = outbox(mixed_outbox, "--interrupted")
    table = mixed_outbox.ok("outbox", "--interrupted").stdout

    assert [r["id"] for r in listed] == [failed["id"]]
    assert listed[0]["lease_until"] == (long_ago + timedelta(minutes=15)).isoformat()
    assert "interrupted: to be resent" in table
    shown = mixed_outbox.ok("outbox", "show", str(failed["id"]), "--json").json()
    *earlier, current = shown["attempt_history"]
    assert [a["outcome"] for a in earlier] == ["failed"]  # its one try on 27 Jul
    assert (current["outcome"], current["worker"], current["finished_at"]) == (
        "sending",
        "host:4242",
        None,
    )


def test_no_listing_shows_a_webhook_token(mixed_outbox, database_url) -> None:
    unit = secretariat(mixed_outbox)
    added = mixed_outbox.ok("units", "contact", unit, "webhook", WEBHOOK).stdout
    listed = mixed_outbox.ok("units", "--json").stdout
    mixed_outbox.ok("remind", "--now", "2023-08-15T09:30+07:00")  # the 16 Aug reminder
    factory = open_database(database_url)
    with unit_of_work(factory) as session:  # a reason that quotes the whole URL
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.channel == "webhook")
            .values(last_error=f"cannot reach {WEBHOOK}: Bearer abc.def")
        )
    factory.kw["bind"].dispose()
    shown = [
        added,
        listed,
        mixed_outbox.ok("outbox", "--json").stdout,
        mixed_outbox.ok("outbox").stdout,
    ]
    hooks = [r for r in outbox(mixed_outbox) if r["channel"] == "webhook"]
    assert hooks
    shown += [mixed_outbox.ok("outbox", "show", str(r["id"]), "--json").stdout for r in hooks]

    for text in shown:
        assert "SECRET-TOKEN-42" not in text
        assert "T000" not in text
        assert "abc.def" not in text
    assert "https://hooks.example.go.th/***" in added
    assert all(r["recipient"] == "https://hooks.example.go.th/***" for r in hooks)


def test_a_message_waiting_out_a_backoff_says_when_it_is_tried_next(
    mixed_outbox, database_url
) -> None:
    failed = next(r for r in outbox(mixed_outbox) if r["status"] == "failed")
    retry_at = datetime(2022, 10, 1, 3, 30, tzinfo=UTC)  # 10:30 in Bangkok, after the CLI's now
    factory = open_database(database_url)
    with unit_of_work(factory) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == failed["id"])
            .values(status=OutboxStatus.PENDING, next_attempt_at=retry_at)
        )
    factory.kw["bind"].dispose()

    (waiting,) = outbox(mixed_outbox, "--status", "pending")
    table = mixed_outbox.ok("outbox", "--status", "pending").stdout

    assert waiting["next_attempt_at"] == retry_at.isoformat()
    assert "ส่งอีกครั้ง 1 ต.ค. 2565 10:30" in table
    assert all(
        r["next_attempt_at"] is None for r in outbox(mixed_outbox) if r["status"] != "pending"
    )
