"""The delivery settings and the schema's first migration under concurrency.

A lease must outlast the longest send (else a second dispatcher would resend a message still
being sent): a setting that breaks that is refused at start-up in one line naming the
variables. Two processes opening a new database at once both find it migrated: one migrates
under a lock, the other waits and finds the work done.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tracker.config import load_settings
from tracker.db import HEAD_REVISION, current_revision, open_database
from tracker.errors import InvalidInput
from tracker.followup.runner import delivery_policy


def test_a_lease_shorter_than_a_send_may_take_is_refused_naming_the_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_SEND_LEASE_MINUTES", "5")  # the data timeout is 600 s
    with pytest.raises(InvalidInput) as refused:
        load_settings()
    message = str(refused.value)
    assert message.startswith("TRACKER_SEND_LEASE_MINUTES (5) must be longer than")
    assert "TRACKER_SMTP_DATA_TIMEOUT" in message
    assert "650 s" in message  # 5 x 10 s to connect and converse, then 600 s for the reply

    monkeypatch.setenv("TRACKER_SMTP_DATA_TIMEOUT", "120")
    assert load_settings().send_lease_minutes == 5


def test_the_cli_refuses_a_short_lease_in_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    cli.env(TRACKER_SEND_LEASE_MINUTES="1")
    line = cli("outbox").error_line(2)
    assert "TRACKER_SEND_LEASE_MINUTES" in line


def test_the_delivery_policy_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert delivery_policy(load_settings()).threads == 4
    monkeypatch.setenv("TRACKER_DISPATCH_THREADS", "2")
    monkeypatch.setenv("TRACKER_SEND_LEASE_MINUTES", "20")
    monkeypatch.setenv("TRACKER_BREAKER_FAILURES", "5")
    monkeypatch.setenv("TRACKER_BREAKER_COOLDOWN_MINUTES", "0.5")

    policy = delivery_policy(load_settings())

    assert (policy.threads, policy.lease) == (2, timedelta(minutes=20))
    assert (policy.breaker.failures, policy.breaker.cooldown) == (5, timedelta(seconds=30))


def test_two_processes_opening_a_new_database_at_once_both_find_it_migrated(
    empty_database_url: str,
) -> None:
    def open_it(_: int) -> str | None:
        factory = open_database(empty_database_url)
        try:
            return current_revision(factory.kw["bind"])
        finally:
            factory.kw["bind"].dispose()

    with ThreadPoolExecutor(4) as pool:
        revisions = list(pool.map(open_it, range(4)))

    assert revisions == [HEAD_REVISION] * 4
