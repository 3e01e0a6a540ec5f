"""Fault trials of the dispatcher and the sweeps, as real processes hurt from outside.

- `tracker jobs run dispatch` killed with SIGKILL in the middle of sending, 20 times at
  random moments: in the end every message reached its recipient, every copy of one
  message carries the one Message-ID of its ledger row, nothing is left ``sending``, and
  every send a kill cut short is on record as interrupted.
- `tracker jobs run meeting-reminders` killed inside its transaction, then run to its end:
  the ledger holds exactly what the same sweep run uninterrupted queues.
- A mail server that is down: the first sends fail for a retry, the circuit breaker defers
  the rest untried; once it is back, everything is sent once.

Every trial runs on SQLite and, with TRACKER_TEST_DATABASE_URL, on PostgreSQL. The random
moments come from random.Random seeded with a fixed number, printed with the figures.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import fresh_database_url
from faults_support import (
    Listener,
    Process,
    SlowSmtpServer,
    emails,
    expected_message_id,
    ledger,
    message_id,
    queue,
    tracker_env,
)
from followup_support import REMINDER_MOMENT, SmtpServer, add_contact, free_port, seeded
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tracker.followup.ledger import idempotency_key
from tracker.models import Unit

BKK = ZoneInfo("Asia/Bangkok")
T0 = datetime(2026, 12, 14, 9, 30, tzinfo=BKK)  # the frozen now of the first trial


def smtp_env(url: str, port: int, now: datetime, **values: object) -> dict[str, str]:
    return tracker_env(
        url,
        TRACKER_NOW=now.isoformat(),
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=port,
        **values,
    )


# --- kill -9 of a dispatcher mid-send ----------------------------------------------------------

# Each trial's dispatch sends 4 at a time and is killed a random 0-300 ms after the first mail
# of the trial arrives, so 1 to 25 mails reach the server per trial, about 220 rows in all:
# 360 messages keep the queue from running dry before the 20th trial (150 would not).
TRIALS, MESSAGES, KILL_SEED = 20, 360, 20261224
STEP = timedelta(minutes=16)  # each trial's now: past the 15-minute lease of the one before
# The server keeps each message, then answers 250 after this long: a kill in between leaves
# a message the recipient has and the ledger still calls "sending". Kept to a few tens of ms:
# a cut-short message is sent first in the next trial, and each interruption counts as an
# attempt (claims.py), so a server slower than the kills are random (200 ms) makes the next
# kills cut the same messages again and again, until, cut short 6 times, they are failed
# "out of retries" (what a message that kills its sender every time must come to). For the
# same reason the seed is one whose pauses are never under 150 ms more than twice in a row.
SMTP_DELAY = 0.04


def longest_run_under(pauses: list[float], limit: float) -> int:
    longest = run = 0
    for pause in pauses:
        run = run + 1 if pause < limit else 0
        longest = max(longest, run)
    return longest


@pytest.mark.slow
def test_dispatchers_killed_mid_send_lose_nothing_and_resend_only_under_the_same_key(
    database_url: str,
) -> None:
    rng = random.Random(KILL_SEED)
    pauses = [rng.uniform(0, 0.3) for _ in range(TRIALS)]
    assert longest_run_under(pauses, 0.15) <= 2, "choose a seed that does not cut one row 6 times"
    queue(database_url, emails(MESSAGES, T0), T0)
    smtp = SlowSmtpServer(free_port(), SMTP_DELAY)
    smtp.start()
    try:
        cut: dict[str, int] = {}  # claim token -> message id: each send a kill cut short
        trials: list[str] = []
        for trial in range(TRIALS):
            env = smtp_env(database_url, smtp.port, T0 + trial * STEP, TRACKER_DISPATCH_THREADS=4)
            before = len(smtp.mails)
            dispatch = Process(env, "jobs", "run", "dispatch")
            arrived = smtp.wait_for_mails(before + 1, 60, dispatch.running)
            pause = pauses[trial]
            time.sleep(pause)
            code = dispatch.kill()
            seen = f"trial {trial}: mails {before} -> {len(smtp.mails)}\n{dispatch.describe()}"
            assert arrived, f"no mail before the dispatch ended: {seen}"
            assert code == -9, f"the dispatch had ended before the kill: {seen}"
            sending = ledger(database_url).by_status("sending")
            cut.update({row.claim_token: row.id for row in sending if row.claim_token})
            trials.append(
                f"trial {trial}: killed {pause * 1000:.0f} ms after its first mail; "
                f"{len(smtp.mails) - before} mails; {len(sending)} left sending"
            )
        last = Process(
            smtp_env(database_url, smtp.port, T0 + TRIALS * STEP, TRACKER_DISPATCH_THREADS=4),
            "jobs",
            "run",
            "dispatch",
        )
        assert last.finish(120) == 0, last.describe()
    finally:
        smtp.stop()

    book = ledger(database_url)
    copies = Counter(mail.recipients for mail in smtp.mails)
    interrupted = [row for row in book.rows if row.interruptions]
    figures = (
        f"random seed {KILL_SEED}; trials {TRIALS}; messages {len(book.rows)}; copies received "
        f"{len(smtp.mails)}; second copies (same Message-ID) {len(smtp.mails) - len(copies)}; "
        f"sends cut short {len(cut)}; rows interrupted {len(interrupted)} (at most "
        f"{max((r.interruptions for r in interrupted), default=0)} times one row)"
    )
    print("\n" + "\n".join([*trials, figures]))
    assert len(book.rows) == MESSAGES, figures
    assert [(r.id, r.status, r.last_error) for r in book.rows if r.status != "sent"] == [], figures
    assert cut, f"no kill caught a message sending: {figures}"
    by_recipient = {row.recipient: row for row in book.rows}
    for mail in smtp.mails:
        (recipient,) = mail.recipients
        row = by_recipient[recipient]
        assert row.idempotency_key == idempotency_key(row.key)
        assert message_id(mail) == expected_message_id(row.idempotency_key), figures
    for row in book.rows:
        received = copies[(row.recipient,)]
        assert received >= 1, f"{row.recipient} never received message {row.id}: {figures}"
        assert book.outcomes(row).count("sent") == 1, (row, book.outcomes(row), figures)
        # A second copy only ever follows a send that was cut short.
        assert received <= 1 + row.interruptions, (row, received, figures)
        assert book.outcomes(row).count("interrupted") == row.interruptions, (row, figures)
    attempts = {a.claim_token: a for rows in book.attempts.values() for a in rows}
    for token, message in cut.items():
        assert attempts[token].message_id == message
        assert attempts[token].outcome == "interrupted", (attempts[token], figures)
    assert Counter(cut.values()) == {r.id: r.interruptions for r in interrupted}, figures


class WriterWatch:
    """Whether a process is inside a write transaction of the database at ``url``: on
    SQLite, another connection cannot take the write lock (BEGIN IMMEDIATE, no waiting); on
    PostgreSQL, a backend of the application ``application`` (its URL's application_name)
    holds a transaction id, which it gets at its first write."""

    def __init__(self, url: str, application: str) -> None:
        self.parsed = make_url(url)
        self.application = application
        self._engine = None if self.parsed.get_backend_name() == "sqlite" else create_engine(url)

    def url_for_process(self) -> str:
        if self._engine is None:
            return self.parsed.render_as_string(hide_password=False)
        named = self.parsed.update_query_dict({"application_name": self.application})
        return named.render_as_string(hide_password=False)

    def writing(self) -> bool:
        if self._engine is None:
            probe = sqlite3.connect(str(self.parsed.database), timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:  # "database is locked": a writer holds it
                return True
            finally:
                probe.close()
        with self._engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                    "AND backend_xid IS NOT NULL"
                ),
                {"name": self.application},
            ).scalar()
        return bool(found)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# --- kill -9 of a sweep ------------------------------------------------------------------------

SWEEP_TRIALS, SWEEP_SEED, DESKS = 4, 20230726, 10


def with_desks(url: str) -> None:
    """The seed 20 times, each organization's unit with DESKS e-mail contacts."""
    factory = seeded(url, 20)
    try:
        with factory() as session:
            units = [
                u.id
                for u in session.scalars(select(Unit))
                if not u.all_units and u.merged_into_id is None
            ]
        for unit in units:
            for n in range(DESKS):
                add_contact(factory, unit, "email", f"desk{n}.unit{unit}@example.go.th")
    finally:
        factory.kw["bind"].dispose()


@contextmanager
def another_database(backend: str, request: pytest.FixtureRequest, path: Path) -> Iterator[str]:
    """One more fresh database of ``backend`` (conftest's), removed after."""
    made = fresh_database_url(backend, request, path)
    try:
        yield next(made)
    finally:
        next(made, None)


def sweep_env(url: str) -> dict[str, str]:
    return tracker_env(url, TRACKER_NOW=REMINDER_MOMENT.isoformat())


@pytest.mark.slow
def test_a_sweep_killed_in_its_transaction_then_run_to_its_end_queues_what_one_run_queues(
    backend: str, database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Each trial on a fresh database: the sweep killed a random 0-200 ms after it is first
    seen writing, then run to its end; the ledger is then what one whole run gives."""
    rng = random.Random(SWEEP_SEED)
    with_desks(database_url)
    started = time.monotonic()
    assert Process(sweep_env(database_url), "jobs", "run", "meeting-reminders").finish(120) == 0
    took = time.monotonic() - started
    whole = sorted((r.key, r.status, r.subject) for r in ledger(database_url).rows)
    assert whole, "the uninterrupted sweep queued nothing"

    trials = []
    for trial in range(SWEEP_TRIALS):
        with another_database(backend, request, tmp_path / f"trial{trial}.db") as url:
            with_desks(url)
            watch = WriterWatch(url, f"faults-sweep-{trial}")
            try:
                sweep = Process(sweep_env(watch.url_for_process()), "jobs", "run",
                                "meeting-reminders")  # fmt: skip
                while sweep.running() and not watch.writing():
                    time.sleep(0.005)
                seen = sweep.running()
                pause = rng.uniform(0, 0.2)
                time.sleep(pause)
                code = sweep.kill()
            finally:
                watch.close()
            left = len(ledger(url).rows)
            trials.append(
                f"trial {trial}: {'killed' if code == -9 else 'ended'} "
                f"{pause * 1000:.0f} ms after it was {'' if seen else 'not '}seen writing; "
                f"{left} rows left"
            )
            assert code in (-9, 0), sweep.describe()
            assert Process(sweep_env(url), "jobs", "run", "meeting-reminders").finish(120) == 0
            book = ledger(url)
        keys = [row.key for row in book.rows]
        assert len(set(keys)) == len(keys), f"a message queued twice: {trials}"
        assert sorted((r.key, r.status, r.subject) for r in book.rows) == whole, trials
    print(f"\nrandom seed {SWEEP_SEED}; one whole sweep {took:.2f} s, {len(whole)} rows")
    print("\n".join(trials))
    assert any(line.endswith("seen writing; 0 rows left") for line in trials), trials


# --- SMTP down, then up ------------------------------------------------------------------------


def test_a_mail_server_that_is_down_gets_a_few_tries_then_everything_once_it_is_back(
    database_url: str,
) -> None:
    threads, failures = 4, 3
    queue(database_url, emails(20, T0), T0)
    down = Listener("drop")  # the port answers, and closes every connection at once
    port = down.port
    try:
        env = smtp_env(database_url, port, T0, TRACKER_DISPATCH_THREADS=threads,
                       TRACKER_BREAKER_FAILURES=failures)  # fmt: skip
        dispatch = Process(env, "jobs", "run", "dispatch")
        assert dispatch.finish(60) == 0, dispatch.describe()
    finally:
        down.close()

    book = ledger(database_url)
    assert {row.status for row in book.rows} == {"pending"}, book.rows
    tried = [row for row in book.rows if row.attempts == 1]
    untried = [row for row in book.rows if row.attempts == 0]
    assert len(tried) + len(untried) == len(book.rows)
    # The breaker opens on the 3rd failure in a row; at most the other threads' messages
    # were on their way by then.
    assert failures <= len(tried) <= failures + threads - 1, tried
    assert len(down.connections) == len(tried)
    for row in tried:
        assert book.outcomes(row) == ["retrying"]
        assert f"127.0.0.1:{port}" in (row.last_error or ""), row
        assert row.next_attempt_at == T0 + timedelta(minutes=1), row  # the first backoff
    for row in untried:
        assert book.outcomes(row) == []
        assert (row.last_error or "").startswith("not tried"), row
        assert row.next_attempt_at == T0 + timedelta(minutes=5), row  # the cool-down

    tried_ids = {row.id for row in tried}
    smtp = SmtpServer(port)
    smtp.start()
    try:
        env = smtp_env(database_url, port, T0 + timedelta(minutes=6))
        assert Process(env, "jobs", "run", "dispatch").finish(60) == 0
    finally:
        smtp.stop()
    book = ledger(database_url)
    assert {row.status for row in book.rows} == {"sent"}, book.rows
    assert sorted(m.recipients for m in smtp.mails) == sorted((r.recipient,) for r in book.rows)
    for row in book.rows:
        (mail,) = smtp.to(row.recipient)
        assert message_id(mail) == expected_message_id(row.idempotency_key)
        assert book.outcomes(row) == (["retrying", "sent"] if row.id in tried_ids else ["sent"])
