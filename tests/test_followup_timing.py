"""Follow-up timing has one home (schedules.followup, tracker.followup.timing), and everything
that needs a moment agrees: the planner of meeting dues, `tracker simulate` (the catalogue's
moments) and the Prefect deployments (`tracker deploy`).

Expected moments are worked out from the Thai calendar here: in FY2566, 28 July to 1 August
2023 are holidays (วันเฉลิมพระชนมพรรษา ร.10 on the 28th, the bridge day on the 31st, อาสาฬหบูชา
on 1 August; 29-30 July a weekend), so for the Wednesday 2 August meeting the working day
before is Thursday 27 July and the second one Wednesday 26 July.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conftest import DEMO_PLAN

from schedules.followup import (
    LeadTime,
    alert_days,
    held,
    lead_moments,
    neighbours,
    weekly_moment,
    weekly_moments,
)
from schedules.meetings import MeetingDay
from schedules.workdays import ThaiCalendar

BANGKOK = ZoneInfo("Asia/Bangkok")


def meeting(day: date, *, cancelled: bool = False) -> MeetingDay:
    return MeetingDay(day, day, datetime.combine(day, time(9, 30), BANGKOK), cancelled=cancelled)


def test_a_lead_time_counts_working_days_back_over_weekends_and_holidays():
    calendar = ThaiCalendar()
    aug_2 = date(2023, 8, 2)
    assert LeadTime(1, time(8, 0)).before(aug_2, calendar, BANGKOK) == datetime(
        2023, 7, 27, 8, 0, tzinfo=BANGKOK
    )
    assert LeadTime(2, time(9, 0)).before(aug_2, calendar, BANGKOK) == datetime(
        2023, 7, 26, 9, 0, tzinfo=BANGKOK
    )


def test_lead_moments_skip_cancelled_meetings_and_keep_the_order():
    meetings = [meeting(date(2023, 7, 5)), meeting(date(2023, 7, 19), cancelled=True)]
    meetings.append(meeting(date(2023, 8, 2)))
    moments = lead_moments(meetings, LeadTime(1, time(8, 0)), ThaiCalendar(), BANGKOK)
    assert [(m.date, due.date()) for m, due in moments] == [
        (date(2023, 7, 5), date(2023, 7, 4)),
        (date(2023, 8, 2), date(2023, 7, 27)),
    ]


def test_the_neighbours_of_a_meeting_are_the_held_ones_either_side():
    days = [date(2023, 7, 5), date(2023, 7, 19), date(2023, 8, 2), date(2023, 8, 16)]
    meetings = [meeting(d, cancelled=d == date(2023, 7, 19)) for d in days]
    around = neighbours(meetings, date(2023, 8, 2))
    assert around is not None
    assert (around.previous.date, around.following.date) == (date(2023, 7, 5), date(2023, 8, 16))
    first = neighbours(meetings, date(2023, 7, 5))
    assert first is not None
    assert first.previous is None
    assert neighbours(meetings, date(2023, 7, 19)) is None  # cancelled: not held
    assert [m.date for m in held(meetings)] == [days[0], days[2], days[3]]


def test_deadline_alerts_fall_before_the_end_and_the_day_after_it_in_day_order():
    assert alert_days(date(2023, 3, 31), (1, 7)) == [
        ("7d", date(2023, 3, 24)),
        ("1d", date(2023, 3, 30)),
        ("overdue", date(2023, 4, 1)),
    ]


def test_the_weekly_moment_of_an_instant_is_the_latest_one_not_after_it():
    monday_8 = datetime(2023, 7, 3, 8, 0, tzinfo=BANGKOK)  # 3 July 2023 is a Monday
    assert weekly_moment(monday_8, 0, time(8, 0), BANGKOK) == monday_8
    just_before = monday_8 - timedelta(minutes=1)
    assert weekly_moment(just_before, 0, time(8, 0), BANGKOK) == monday_8 - timedelta(days=7)
    sunday = datetime(2023, 7, 9, 23, 0, tzinfo=BANGKOK)
    assert weekly_moment(sunday, 0, time(8, 0), BANGKOK) == monday_8
    assert [
        m.date()
        for m in weekly_moments(date(2023, 7, 4), date(2023, 7, 31), 0, time(8, 0), BANGKOK)
    ] == [
        date(2023, 7, 10),
        date(2023, 7, 17),
        date(2023, 7, 24),
        date(2023, 7, 31),
    ]


def test_the_planner_simulate_and_deploy_agree_on_the_demo_plans_moments(cli, session_factory):
    """Three users of the one rule, over the 120 days deploy looks ahead from 25 Nov 2569."""
    from flows.deploy import build_schedules
    from tracker.followup.catalogue import job
    from tracker.followup.dues import plan_meeting_dues
    from tracker.followup.jobs import Options
    from tracker.models import MeetingDue

    cli.ok("import", str(DEMO_PLAN))
    now = datetime(2026, 11, 25, 10, 0, tzinfo=BANGKOK)
    end = now + timedelta(days=120)
    options = Options()
    with session_factory() as session:
        deployed = build_schedules(session, now, 120, calendar=options.calendar)
        simulated = {
            kind: {
                m
                for m in job(job_id).moments(session, now.date(), end.date(), options)
                if now < m <= end
            }
            for kind, job_id in (
                ("meeting-reminder", "meeting-reminders"),
                ("progress-report", "progress-reports"),
            )
        }
        plan_meeting_dues(session, now, options.calendar)
        session.flush()
        planned = {
            kind: {
                d.due_at
                for d in session.query(MeetingDue).filter(MeetingDue.job == kind)
                if now < d.due_at <= now + timedelta(days=60)  # the planner looks 60 days on
            }
            for kind in ("meeting-reminder", "progress-report")
        }
        session.rollback()
    deploy_moments = {
        "meeting-reminder": {m.at for m in deployed.reminders},
        "progress-report": {m.at for m in deployed.reports},
    }
    for kind in ("meeting-reminder", "progress-report"):
        assert deploy_moments[kind] == simulated[kind]
        assert planned[kind] == {m for m in simulated[kind] if m <= now + timedelta(days=60)}
        assert planned[kind]  # the window really has meetings
    # The demo's 16 Dec 2569 meeting: reminded Monday 14 Dec 09:00, reported Tuesday 08:00.
    assert datetime(2026, 12, 14, 9, 0, tzinfo=BANGKOK) in deploy_moments["meeting-reminder"]
    assert datetime(2026, 12, 15, 8, 0, tzinfo=BANGKOK) in deploy_moments["progress-report"]
