"""The schedules of the Prefect deployments over the follow-up jobs, without a Prefect server:
the moments worked out from the demo plan, the RRULE strings written for them, and how
Prefect reads those strings back.

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
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import holidays
import pytest
from conftest import ROOT, Cli
from dateutil.rrule import rrulestr
from flows_support import (
    BANGKOK,
    BKK,
    IMPORTED_AT,
    SERIES,
    demo_factory_fixture,  # noqa: F401
    local,
    plan_of,
)
from sqlalchemy.orm import Session, sessionmaker

from flows.deploy import REMINDERS_DEPLOYMENT, SWEEP_DEPLOYMENT, describe, rdate_rrules

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
    assert [s.slug for s in sweep] == ["sweep", "progress-reports-1"]
    assert sweep[0].interval.total_seconds() == 3600
    # Anchored at 00:05 Bangkok time: hh:05 every hour, whenever the deploy ran.
    assert sweep[0].anchor_date == datetime(2026, 1, 1, 0, 5, tzinfo=BKK)
    assert sweep[0].timezone == BANGKOK
    assert sweep[1].rrule == plan.report_rrules()[0]
    assert [(s.slug, s.rrule, s.timezone) for s in reminders] == [
        ("meeting-reminders-1", plan.reminder_rrules()[0], BANGKOK)
    ]


def test_the_sweep_every_fifteen_seconds_keeps_its_anchor_and_the_dates() -> None:
    import asyncio

    from prefect.server.schemas.schedules import IntervalSchedule

    from flows.deploy import SchedulePlan, prefect_schedules

    empty = SchedulePlan(IMPORTED_AT, IMPORTED_AT, (), ())

    [sweep] = prefect_schedules(empty, timedelta(seconds=15))[SWEEP_DEPLOYMENT]

    assert sweep.interval == timedelta(seconds=15)
    server_side = IntervalSchedule(
        interval=sweep.interval, anchor_date=sweep.anchor_date, timezone=sweep.timezone
    )
    start = datetime(2026, 12, 3, 16, 0, 1, tzinfo=UTC)  # 23:00:01 in Bangkok
    dates = asyncio.run(server_side.get_dates(n=3, start=start))
    # Counted from 00:05:00: every quarter minute, so :00 :15 :30 :45 of each minute.
    assert [f"{d.astimezone(BKK):%H:%M:%S}" for d in dates] == ["23:00:15", "23:00:30", "23:00:45"]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("1h", 3600),
        ("15m", 900),
        ("90s", 90),
        ("10s", 10),
        ("1h30m", 5400),
        ("1d", 86400),
        (" 2H ", 7200),
        ("0d1h", 3600),
    ],
)
def test_a_sweep_interval_is_read_from_numbers_and_units(written: str, seconds: int) -> None:
    from flows.deploy import format_every, parse_every

    every = parse_every(written)

    assert every == timedelta(seconds=seconds)
    assert parse_every(format_every(every)) == every


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("9s", "a sweep every 9s is out of range: from 10s to 1d"),
        ("0s", "a sweep every 0s is out of range"),
        ("1d1s", "a sweep every 1d1s is out of range"),
        ("30m1h", "'30m1h' is not a duration"),
        ("1h1h", "'1h1h' is not a duration"),
        ("hourly", "'hourly' is not a duration"),
        ("1.5h", "'1.5h' is not a duration"),
        ("", "'' is not a duration"),
        ("60", "'60' is not a duration: write whole numbers with units (d, h, m, s)"),
    ],
)
def test_a_sweep_interval_that_is_no_duration_or_out_of_range_is_refused(
    written: str, message: str
) -> None:
    from flows.deploy import parse_every

    with pytest.raises(ValueError, match=re.escape(message)):
        parse_every(written)


def test_the_schedules_refuse_a_sweep_interval_out_of_range() -> None:
    from flows.deploy import SchedulePlan, prefect_schedules

    empty = SchedulePlan(IMPORTED_AT, IMPORTED_AT, (), ())

    with pytest.raises(ValueError, match="a sweep every 9s is out of range"):
        prefect_schedules(empty, timedelta(seconds=9))
    with pytest.raises(ValueError, match="a sweep every 1d1s is out of range"):
        prefect_schedules(empty, timedelta(days=1, seconds=1))


def test_the_dry_run_describes_the_sweep_interval(demo_factory: sessionmaker[Session]) -> None:
    plan = plan_of(demo_factory, IMPORTED_AT, 10)

    hourly, quarter, odd = (
        describe(plan, timedelta(seconds=s))[plan_line(describe(plan))] for s in (3600, 900, 5400)
    )

    assert hourly == "  every 1h from 05 minutes past the hour"
    assert quarter == "  every 15m from 05 minutes past the hour"
    assert odd == "  every 1h30m, counted from Thu 2026-01-01 00:05 +0700"


def plan_line(lines: list[str]) -> int:
    """Where the sweep's interval is in describe()'s lines: right after its heading."""
    return lines.index(f"{SWEEP_DEPLOYMENT}: flows.flows.followup_sweep") + 1


def test_deploy_refuses_a_bad_sweep_interval_in_one_line(cli: Cli) -> None:
    result = cli("deploy", "--dry-run", "--sweep-every", "5s")

    line = result.error_line(2)
    assert line == (
        "error: Invalid value for '--sweep-every': a sweep every 5s is out of range: from "
        "10s to 1d (see `tracker deploy --help`)"
    )


def test_the_dry_run_prints_bangkok_times_without_importing_prefect(
    demo_factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    script = (  # `tracker deploy --dry-run`, then a look at what it imported
        "import sys; from tracker.cli import main; "
        "main(['deploy', '--dry-run', '--now', '2026-11-25T10:00:00+07:00', "
        "'--sweep-every', '15m']); "
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
    assert "  every 15m from 05 minutes past the hour" in done.stdout.splitlines()
    expected = describe(plan_of(demo_factory, IMPORTED_AT, 120), timedelta(minutes=15))
    assert done.stdout.splitlines() == expected
