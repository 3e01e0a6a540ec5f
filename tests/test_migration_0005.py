"""Migration 0005 on a database that holds messages: each row gets an idempotency key of its
own, a row left ``sending`` a lease that ends 15 minutes after its claim (the rule it was
claimed under), and APScheduler's pickled job table is dropped; down again, it all goes.
On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text

from tracker.db import downgrade, make_engine, upgrade

CLAIMED = datetime(2023, 7, 26, 2, 5, tzinfo=UTC)


def _insert_old_rows(connection) -> None:  # type: ignore[no-untyped-def]
    """Three messages as revision 0004 stored them: one sent, one sending, one pending."""
    for number, status in enumerate(("sent", "sending", "pending")):
        connection.execute(
            text(
                "INSERT INTO outbox (job, occurrence, recipient, channel, subject, body_text,"
                " status, attempts, due_at, next_attempt_at, created_at, claimed_at)"
                " VALUES ('meeting-reminder', :occurrence, 'a@x.example', 'email', 's', 't',"
                " :status, 0, :at, :at, :at, :claimed)"
            ),
            {
                "occurrence": f"1/2023-08-0{number + 1}",
                "status": status,
                "at": CLAIMED,
                "claimed": CLAIMED if status == "sending" else None,
            },
        )
    connection.execute(text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY)"))


def test_0005_keys_every_old_row_leases_the_sending_one_and_drops_the_job_table(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0004")
        with engine.begin() as connection:
            _insert_old_rows(connection)

        upgrade(engine)

        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT status, idempotency_key, lease_until, interruptions FROM outbox")
            ).all()
            tables = set(inspect(connection).get_table_names())
        keys = [key for _status, key, _lease, _n in rows]
        assert len(set(keys)) == 3
        assert all(uuid.UUID(key) for key in keys)
        leases = {status: lease for status, _key, lease, _n in rows}
        sending_lease = leases["sending"]
        if isinstance(sending_lease, str):  # SQLite hands back its text
            sending_lease = datetime.fromisoformat(sending_lease)
        assert sending_lease.replace(tzinfo=UTC) == CLAIMED + timedelta(minutes=15)
        assert leases["sent"] is None
        assert leases["pending"] is None
        assert {n for *_rest, n in rows} == {0}
        assert "apscheduler_jobs" not in tables
        assert "outbox_attempts" in tables

        downgrade(engine, "0004")

        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("outbox")}
            tables = set(inspect(connection).get_table_names())
            kept = connection.execute(text("SELECT count(*) FROM outbox")).scalar()
        assert "idempotency_key" not in columns
        assert "outbox_attempts" not in tables
        assert kept == 3
    finally:
        engine.dispose()
