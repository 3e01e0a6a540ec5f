"""Prefect flows over the follow-up jobs: the flows' plain functions without a Prefect server,
and one slow test that runs the reminders flow (an async flow) for real on a temporary Prefect
server (about 30-60 s, most of it the server starting), registers the deployments there, and
has a real process worker (`prefect worker start --run-once`) execute a run of the sweep
deployment. tests/test_prefect_office.py runs the whole office: server, two workers, schedule.

The demo series meets on the 1st, 3rd and 5th Wednesday at 09:30 (Asia/Bangkok); its
reminder for 16 Dec 2026 is due Mon 14 Dec 09:00, its progress report Tue 15 Dec 08:00
(worked out in tests/test_deployment_schedules.py). The schedules themselves are tested
there.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flows_support import (
    BANGKOK,
    BKK,
    IMPORTED_AT,
    ORGANIZATION,
    SECOND_ORGANIZATION,
    SERIES,
    SUBJECT_16_DEC,
    demo_factory_fixture,  # noqa: F401
    import_demo,
    ledger,
    local,
    outbox_files,
    plan_of,
    reminder_files_for_16_december,
    written_at,
)
from sqlalchemy.orm import Session, sessionmaker

from flows.deploy import REMINDERS_DEPLOYMENT, SWEEP_DEPLOYMENT
from tracker.db import open_database

# --- the flows' plain functions ----------------------------------------------------------------


def point_tracker_at(monkeypatch: pytest.MonkeyPatch, url: str, outbox: Path) -> Path:
    """TRACKER_* for a flow: this database, files written to ``outbox``, nothing else."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_OUTBOX_DIR", str(outbox))
    for name in ("TRACKER_NOW", "TRACKER_LANG", "TRACKER_TIMEZONE", "TRACKER_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    return outbox


@pytest.fixture
def tracker_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The outbox directory of this test's settings."""
    return point_tracker_at(monkeypatch, database_url, tmp_path / "outbox")


def assert_reminded_for_16_december(files: dict[str, str]) -> None:
    assert set(files) == reminder_files_for_16_december()
    for text in files.values():
        assert text.startswith(f"Subject: {SUBJECT_16_DEC}\n")


def test_run_jobs_queues_then_sends_and_a_second_run_does_nothing(
    demo_factory: sessionmaker[Session], tracker_env: Path
) -> None:
    from flows.flows import parse_now, run_jobs
    from tracker.config import load_settings

    settings = load_settings()
    now = parse_now("2026-12-14T10:00:00+07:00", settings)

    first = run_jobs(
        ["meeting-reminders"], now, settings=settings, factory=demo_factory, worker="test"
    )
    files, rows = outbox_files(tracker_env), ledger(demo_factory)
    second = run_jobs(
        ["meeting-reminders"], now, settings=settings, factory=demo_factory, worker="test"
    )

    assert list(first) == ["meeting-reminders", "dispatch"]
    # 16 Dec: one digest per unit; 2 Dec's reminders, found after that meeting, are missed.
    assert (first["meeting-reminders"]["queued"], first["meeting-reminders"]["missed"]) == (4, 4)
    assert first["dispatch"]["sent"] == 4
    assert_reminded_for_16_december(files)
    assert second["meeting-reminders"]["queued"] == second["meeting-reminders"]["missed"] == 0
    assert second["dispatch"]["sent"] == 0
    assert ledger(demo_factory) == rows
    assert outbox_files(tracker_env) == files


def test_a_dry_run_sweep_records_and_sends_nothing(
    demo_factory: sessionmaker[Session], tracker_env: Path
) -> None:
    from flows.flows import run_jobs
    from tracker.config import load_settings
    from tracker.followup.catalogue import QUEUEING

    now = local(2026, 12, 14, 10, 0)

    results = run_jobs(
        QUEUEING, now, settings=load_settings(), factory=demo_factory, worker="t", dry_run=True
    )

    assert list(results) == [*QUEUEING, "dispatch"]
    assert results["meeting-reminders"]["queued"] == 4
    assert results["dispatch"]["sent"] == 0
    assert ledger(demo_factory) == []
    assert outbox_files(tracker_env) == {}


def test_one_sweep_reminds_every_organization_in_one_pass(
    session_factory: sessionmaker[Session], tracker_env: Path
) -> None:
    """What one flow run does for two organizations: one call, both reminded, nothing more
    on a second call (a flow run per sweep, whatever the number of organizations)."""
    from flows.flows import run_jobs
    from tracker.config import load_settings
    from tracker.followup.catalogue import QUEUEING

    import_demo(session_factory)
    import_demo(session_factory, SECOND_ORGANIZATION)
    now, settings = local(2026, 12, 14, 10, 0), load_settings()

    first = run_jobs(QUEUEING, now, settings=settings, factory=session_factory, worker="t")
    files = outbox_files(tracker_env)
    second = run_jobs(QUEUEING, now, settings=settings, factory=session_factory, worker="t")

    # Each organization: 4 digests for 16 Dec queued, the 4 of 2 Dec missed.
    assert (first["meeting-reminders"]["queued"], first["meeting-reminders"]["missed"]) == (8, 8)
    reminders = {name for name in files if "/reminder-" in name}
    assert reminders == reminder_files_for_16_december() | reminder_files_for_16_december(
        SECOND_ORGANIZATION
    )
    assert second["meeting-reminders"]["queued"] == second["dispatch"]["sent"] == 0
    assert outbox_files(tracker_env) == files


def test_the_flows_are_async_and_log_their_counts() -> None:
    """Async flows: Prefect's sync engine waits ~1 s per run for its heartbeat thread."""
    import inspect

    from flows.flows import followup_sweep, meeting_reminders_flow, summary

    assert inspect.iscoroutinefunction(followup_sweep.fn)
    assert inspect.iscoroutinefunction(meeting_reminders_flow.fn)
    result = {"job": "meeting-reminders", "queued": 8, "missed": 0, "already": 2, "items": [1]}
    assert summary(result) == "queued=8, already=2"
    assert summary({"job": "dispatch", "sent": 0}) == "nothing to do"


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-12-14T10:00:00", "needs an offset"), ("next monday", "not an ISO date")],
)
def test_a_flow_refuses_a_now_without_an_offset_or_unreadable(value: str, message: str) -> None:
    from flows.flows import parse_now
    from tracker.config import Settings
    from tracker.errors import InvalidInput

    with pytest.raises(InvalidInput, match=message):
        parse_now(value, Settings())


def test_now_defaults_to_the_clock_of_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.flows import parse_now
    from tracker.config import load_settings

    monkeypatch.setenv("TRACKER_NOW", "2026-12-14T09:00:00+07:00")
    assert parse_now(None, load_settings()) == local(2026, 12, 14, 9, 0)
    monkeypatch.delenv("TRACKER_NOW")
    before = datetime.now(UTC)
    assert before <= parse_now(None, load_settings()) <= datetime.now(UTC)


# --- a real Prefect server ------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_flow_run_reminds_each_unit_once_and_deployments_run_on_a_worker(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "tracker.db"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite:///{database}"
    factory = open_database(url)
    import_demo(factory)
    outbox = point_tracker_at(monkeypatch, url, tmp_path / "outbox")
    # The harness chooses the server and its throwaway database: nothing from outside.
    for name in (
        "PREFECT_API_URL",
        "PREFECT_API_DATABASE_CONNECTION_URL",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL",
    ):
        monkeypatch.delenv(name, raising=False)

    from prefect import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from flows.deploy import deploy
    from flows.flows import meeting_reminders_flow

    with prefect_test_harness(server_startup_timeout=180):
        # An async flow: calling it gives a coroutine, run as a worker's engine runs it.
        first = asyncio.run(
            meeting_reminders_flow(now="2026-12-14T10:00:00+07:00", return_state=True)
        )
        files, times, rows = outbox_files(outbox), written_at(outbox), ledger(factory)
        second = asyncio.run(
            meeting_reminders_flow(now="2026-12-14T10:00:00+07:00", return_state=True)
        )
        files_again, times_again = outbox_files(outbox), written_at(outbox)
        rows_again = ledger(factory)
        with get_client(sync_client=True) as client:
            runs = [
                client.read_flow_run(state.state_details.flow_run_id) for state in (first, second)
            ]

        deploy(now=IMPORTED_AT, horizon_days=150, work_pool="ita-tracker-test")
        with get_client(sync_client=True) as client:
            reminders = client.read_deployment_by_name(f"meeting-reminders/{REMINDERS_DEPLOYMENT}")
            sweep = client.read_deployment_by_name(f"followup-sweep/{SWEEP_DEPLOYMENT}")
            client.request(  # what the server's scheduler does, over December
                "POST",
                "/deployments/{id}/schedule",
                path_params={"id": reminders.id},
                json={
                    "start_time": "2026-12-01T00:00:00Z",
                    "end_time": "2026-12-31T23:59:59Z",
                    "max_runs": 10,
                },
            )
            scheduled = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[reminders.id]))
            )
            # A worker, as `prefect worker start --pool …` runs it, executes a run of the sweep
            # deployment after the 16 Dec report came due (Tue 15 Dec 08:00).
            run = client.create_flow_run_from_deployment(
                sweep.id, parameters={"now": "2026-12-15T08:30:00+07:00"}
            )
        worker = run_worker_once("ita-tracker-test", PREFECT_API_URL.value(), tmp_path)
        with get_client(sync_client=True) as client:
            worked = client.read_flow_run(run.id)

    assert [run.state.type.value for run in runs] == ["COMPLETED", "COMPLETED"]
    assert runs[0].id != runs[1].id
    assert runs[0].flow_id == runs[1].flow_id
    result, again = first.result(), second.result()
    assert result["meeting-reminders"]["queued"] == 4
    assert result["dispatch"]["sent"] == 4
    assert_reminded_for_16_december(files)
    assert again["meeting-reminders"]["queued"] == again["dispatch"]["sent"] == 0
    assert files_again == files
    assert times_again == times  # nothing written again
    assert rows_again == rows
    assert {row[4] for row in rows} == {"sent", "missed"}

    plan = plan_of(factory, IMPORTED_AT, 150)
    assert reminders.entrypoint == "flows.flows.meeting_reminders_flow"
    assert reminders.work_pool_name == "ita-tracker-test"
    assert not reminders.paused
    assert [(s.schedule.rrule, s.schedule.timezone) for s in reminders.schedules] == [
        (plan.reminder_rrules()[0], BANGKOK)
    ]
    assert sweep.entrypoint == "flows.flows.followup_sweep"
    kinds = sorted(type(s.schedule).__name__ for s in sweep.schedules)
    assert kinds == ["IntervalSchedule", "RRuleSchedule"]
    # The API answers in UTC: 02:00 on Monday. In Bangkok it is the Monday, 09:00.
    starts = sorted({run.expected_start_time for run in scheduled})
    assert [f"{s.astimezone(UTC):%a %d %H:%M}" for s in starts] == ["Mon 14 02:00"]
    assert [f"{s.astimezone(BKK):%a %Y-%m-%d %H:%M}" for s in starts] == ["Mon 2026-12-14 09:00"]

    assert worker.returncode == 0, worker.stderr[-2000:]
    assert worked.state is not None
    assert worked.state.type.value == "COMPLETED", worker.stderr[-2000:]
    # The sweep queued and sent what was due by then: the report, and alerts and digests.
    report = f"{ORGANIZATION}/2026-12-16/progress-report.txt"
    after = outbox_files(outbox)
    assert report in after
    assert after[report].startswith(
        f"Subject: [ITA] รายงานผลการดำเนินการ สำหรับ{SERIES} 16 ธ.ค. 2569\n"
    )
    assert written_at(outbox).items() >= times.items()  # the reminders were not written again
    factory.kw["bind"].dispose()


def run_worker_once(pool: str, api_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`prefect worker start --run-once` against the test server: it takes the pool's due runs
    and runs each flow in a subprocess of its own, with this test's TRACKER_* settings."""
    environment = {
        **os.environ,
        "PREFECT_API_URL": api_url,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "DO_NOT_TRACK": "1",
    }
    return subprocess.run(
        [
            *(sys.executable, "-m", "prefect", "worker", "start"),
            *("--pool", pool, "--type", "process", "--run-once"),
            *("--install-policy", "never", "--no-create-pool-if-not-found"),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
