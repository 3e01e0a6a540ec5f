"""Prefect flows and deployments over the follow-up jobs.

The schedules and the flows' plain functions are tested without a Prefect server; one slow
test runs the reminders flow for real on a temporary Prefect server (about 30-60 s, most of
it the server starting), registers the deployments there, and has a real process worker
(`prefect worker start --run-once`) execute a run of the sweep deployment.

The demo series meets on the 1st, 3rd and 5th Wednesday at 09:30 (Asia/Bangkok); reminders
are due 2 working days before at 09:00, progress reports 1 working day before at 08:00;
30 Dec 2026 is cancelled. Worked by hand from the Thai holidays (checked below):

    meeting            reminder               report
    Wed 2026-12-02     Mon 2026-11-30 09:00   Tue 2026-12-01 08:00
    Wed 2026-12-16     Mon 2026-12-14 09:00   Tue 2026-12-15 08:00
    Wed 2026-12-30     (cancelled)            (cancelled)
    Wed 2027-01-06     Mon 2027-01-04 09:00   Tue 2027-01-05 08:00  (1 Jan is a holiday:
                                                                     not in the way)
    ...
    Wed 2027-04-07     Fri 2027-04-02 09:00   Mon 2027-04-05 08:00  (Tue 6 Apr: Chakri Day)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from conftest import DEMO_PLAN, ROOT
from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.deploy import (
    REMINDERS_DEPLOYMENT,
    SWEEP_DEPLOYMENT,
    SchedulePlan,
    build_schedules,
    describe,
    rdate_rrules,
)
from tracker.db import open_database
from tracker.models import OutboxMessage
from tracker.plandoc import read_plan_document
from tracker.services.plan_import import import_plan

# Prefect reads these when it is first imported (flows.flows imports it): no telemetry on a
# closed network.
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

BANGKOK = "Asia/Bangkok"  # the zone the deployments are written in
BKK = ZoneInfo(BANGKOK)
IMPORTED_AT = datetime(2026, 11, 25, 10, 0, tzinfo=BKK)  # a Wednesday, before all below
SERIES = "ประชุมหัวหน้าส่วนราชการ"
ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
# Units with open tasks on 16 Dec 2026: สำนักปลัด (tasks 1.2, 1.4, 2.2), กองคลัง (1.3, 1.4,
# 2.1), กองช่าง (2.1), and every unit through the all-units task 2.4 (in progress since Oct),
# so the education division too although its own task 2.3 starts in January.
UNITS_REMINDED = {
    "สำนักปลัด",
    "กองคลัง",
    "กองช่าง",
    "กองการศึกษา-ศาสนาและวัฒนธรรม",  # as the file name writes it
}
SUBJECT_16_DEC = f"[ITA] ขอรายงานความคืบหน้าก่อน{SERIES} 16 ธ.ค. 2569 09:30 น."


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BKK)  # type: ignore[misc]


REMINDERS = [  # (meeting, reminder), 150 days from IMPORTED_AT
    (date(2026, 12, 2), local(2026, 11, 30, 9, 0)),
    (date(2026, 12, 16), local(2026, 12, 14, 9, 0)),
    (date(2027, 1, 6), local(2027, 1, 4, 9, 0)),
    (date(2027, 1, 20), local(2027, 1, 18, 9, 0)),
    (date(2027, 2, 3), local(2027, 2, 1, 9, 0)),
    (date(2027, 2, 17), local(2027, 2, 15, 9, 0)),
    (date(2027, 3, 3), local(2027, 3, 1, 9, 0)),
    (date(2027, 3, 17), local(2027, 3, 15, 9, 0)),
    (date(2027, 3, 31), local(2027, 3, 29, 9, 0)),
    (date(2027, 4, 7), local(2027, 4, 2, 9, 0)),
    (date(2027, 4, 21), local(2027, 4, 19, 9, 0)),
]


def import_demo(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        import_plan(session, read_plan_document(DEMO_PLAN), now=IMPORTED_AT, actor="test")


@pytest.fixture
def demo_factory(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    import_demo(session_factory)
    return session_factory


def plan_of(factory: sessionmaker[Session], now: datetime, horizon_days: int) -> SchedulePlan:
    with factory() as session:
        return build_schedules(session, now, horizon_days)


# --- the schedules, worked out by hand -------------------------------------------------------


def test_the_holidays_the_expected_dates_rely_on() -> None:
    thai = holidays.Thailand(years=[2026, 2027], language="en_US")
    assert date(2027, 4, 6) in thai  # Chakri Memorial Day: the 7 Apr reminder moves to Fri 2
    assert date(2027, 1, 1) in thai
    assert date(2026, 12, 31) in thai
    for day in (date(2026, 11, 30), date(2026, 12, 14), date(2026, 12, 15), date(2027, 4, 2)):
        assert day not in thai, day


def test_reminders_are_due_two_working_days_before_each_meeting_at_nine(
    demo_factory: sessionmaker[Session],
) -> None:
    plan = plan_of(demo_factory, IMPORTED_AT, 150)

    assert [(m.meeting, m.at) for m in plan.reminders] == REMINDERS
    assert {m.job for m in plan.reminders} == {"meeting-reminders"}
    assert {m.series for m in plan.reminders} == {SERIES}
    sixteenth = next(m for m in plan.reminders if m.meeting == date(2026, 12, 16))
    assert sixteenth.at == datetime.fromisoformat("2026-12-14T09:00:00+07:00")
    assert f"{sixteenth.at:%A}" == "Monday"


def test_the_cancelled_meeting_has_no_reminder_or_report(
    demo_factory: sessionmaker[Session],
) -> None:
    plan = plan_of(demo_factory, IMPORTED_AT, 150)

    meetings = {m.meeting for m in plan.reminders + plan.reports}
    assert date(2026, 12, 30) not in meetings
    assert date(2026, 12, 28) not in {m.at.date() for m in plan.reminders}


def test_reports_are_due_one_working_day_before_at_eight(
    demo_factory: sessionmaker[Session],
) -> None:
    plan = plan_of(demo_factory, IMPORTED_AT, 150)

    reports = {m.meeting: m.at for m in plan.reports}
    assert reports[date(2026, 12, 16)] == local(2026, 12, 15, 8, 0)
    assert reports[date(2027, 4, 7)] == local(2027, 4, 5, 8, 0)  # Tue 6 Apr is a holiday
    assert len(reports) == len(REMINDERS)
    assert {m.at.time() for m in plan.reports} == {time(8, 0)}


def test_only_moments_after_now_and_inside_the_horizon_are_scheduled(
    demo_factory: sessionmaker[Session],
) -> None:
    at_reminder = local(2026, 12, 14, 9, 0)  # the reminder itself is due now: the past

    plan = plan_of(demo_factory, at_reminder, 10)

    assert plan.reminders == ()
    assert [m.at for m in plan.reports] == [local(2026, 12, 15, 8, 0)]
    assert plan.reminder_rrules() == []


def test_the_schedule_string_parses_back_to_the_same_bangkok_instants(
    demo_factory: sessionmaker[Session],
) -> None:
    plan = plan_of(demo_factory, IMPORTED_AT, 150)
    [rule] = plan.reminder_rrules()

    # Floating wall-clock times: Prefect labels them with the schedule's timezone; a "Z"
    # (UTC) time would be relabelled, not converted, and land seven hours early.
    assert "Z" not in rule
    assert "COUNT" not in rule
    assert rule.startswith("DTSTART:20261130T090000")
    parsed = [moment.replace(tzinfo=BKK) for moment in rrulestr(rule)]
    assert parsed == [at for _, at in REMINDERS]
    in_bangkok = [moment.astimezone(BKK) for moment in parsed]
    assert [f"{m:%a %H:%M}" for m in in_bangkok] == ["Mon 09:00"] * 9 + ["Fri 09:00", "Mon 09:00"]
    # The same instants in UTC are 02:00 on the same day: compare dates in Bangkok time.
    assert [m.astimezone(UTC).time() for m in parsed] == [time(2, 0)] * len(parsed)


def test_prefect_reads_the_schedule_as_the_same_instants() -> None:
    import asyncio

    from prefect.client.schemas.schedules import RRuleSchedule
    from prefect.server.schemas.schedules import RRuleSchedule as ServerRRuleSchedule

    moments = [at for _, at in REMINDERS]
    [rule] = rdate_rrules(moments)

    client_side = RRuleSchedule(rrule=rule, timezone=BANGKOK)  # validates: no COUNT, length
    assert list(client_side.to_rrule()) == moments
    server_side = ServerRRuleSchedule(rrule=rule, timezone=BANGKOK)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    dates = asyncio.run(server_side.get_dates(n=3, start=start))
    assert dates == moments[1:4]
    assert [f"{d.astimezone(BKK):%a %d %b %H:%M}" for d in dates] == [
        "Mon 14 Dec 09:00",
        "Mon 04 Jan 09:00",
        "Mon 18 Jan 09:00",
    ]


def test_many_moments_are_split_into_rules_prefect_accepts() -> None:
    from prefect.client.schemas.schedules import RRuleSchedule

    moments = [
        local(2026, 1, 1, 9, 0).replace(day=1 + i % 28, month=1 + i // 28) for i in range(336)
    ]

    rules = rdate_rrules(moments + moments[:5])  # duplicates collapse

    assert len(rules) == 2
    for rule in rules:
        RRuleSchedule(rrule=rule, timezone=BANGKOK)
    assert sorted(m.replace(tzinfo=BKK) for rule in rules for m in rrulestr(rule)) == moments


def test_prefect_schedules_hourly_sweep_and_explicit_dates(
    demo_factory: sessionmaker[Session],
) -> None:
    from flows.deploy import prefect_schedules

    plan = plan_of(demo_factory, IMPORTED_AT, 150)

    schedules = prefect_schedules(plan)

    sweep, reminders = schedules[SWEEP_DEPLOYMENT], schedules[REMINDERS_DEPLOYMENT]
    assert [s.slug for s in sweep] == ["hourly", "progress-reports-1"]
    assert sweep[0].interval.total_seconds() == 3600
    assert sweep[1].rrule == plan.report_rrules()[0]
    assert [(s.slug, s.rrule, s.timezone) for s in reminders] == [
        ("meeting-reminders-1", plan.reminder_rrules()[0], BANGKOK)
    ]


def test_the_dry_run_prints_bangkok_times_without_importing_prefect(
    demo_factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    script = (  # `tracker deploy --dry-run`, then a look at what it imported
        "import sys; from tracker.cli import main; "
        "main(['deploy', '--dry-run', '--now', '2026-11-25T10:00:00+07:00']); "
        "assert 'prefect' not in sys.modules, 'the dry run imported prefect'"
    )
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    env.pop("TRACKER_NOW", None)

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert "Mon 2026-12-14 09:00 +0700  reminder for" in done.stdout
    assert "meeting Wed 2026-12-16" in done.stdout
    assert "2027-04-02" not in done.stdout  # past 120 days
    assert "2026-12-28" not in done.stdout
    assert "meeting Wed 2026-12-30" not in done.stdout
    assert done.stdout.splitlines() == describe(plan_of(demo_factory, IMPORTED_AT, 120))


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


def outbox_files(outbox: Path) -> dict[str, str]:
    """Every file the file channel wrote, by path under ``outbox``: its text."""
    if not outbox.exists():
        return {}
    return {
        str(p.relative_to(outbox)): p.read_text(encoding="utf-8")
        for p in sorted(outbox.rglob("*.txt"))
    }


def written_at(outbox: Path) -> dict[str, int]:
    """When each outbox file was last written (a rewrite changes it)."""
    return {str(p.relative_to(outbox)): p.stat().st_mtime_ns for p in outbox.rglob("*.txt")}


def ledger(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with factory() as session:
        rows = session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.job,
                OutboxMessage.occurrence,
                OutboxMessage.recipient,
                OutboxMessage.status,
                OutboxMessage.attempts,
            ).order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


def assert_reminded_for_16_december(files: dict[str, str]) -> None:
    folder = f"{ORGANIZATION}/2026-12-16/"
    assert set(files) == {f"{folder}reminder-{unit}.txt" for unit in UNITS_REMINDED}
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
        first = meeting_reminders_flow(now="2026-12-14T10:00:00+07:00", return_state=True)
        files, times, rows = outbox_files(outbox), written_at(outbox), ledger(factory)
        second = meeting_reminders_flow(now="2026-12-14T10:00:00+07:00", return_state=True)
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
