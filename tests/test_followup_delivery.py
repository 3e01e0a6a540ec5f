"""Follow-up delivery end to end: the seed plan, the real jobs and ledger, a real SMTP server.

Every test imports the seed report (../shared/seeds) into its own database, on SQLite and
(with TRACKER_TEST_DATABASE_URL) on PostgreSQL, runs the queueing jobs and the dispatcher at
explicit moments, and delivers to an aiosmtpd SMTP server started here on 127.0.0.1 (over
FY2566, to the file channel). Nothing is mocked. Never sending twice is tested in
test_followup_never_twice.py, failures and retries in test_followup_failures.py, the webhook,
Apprise and file channels in test_followup_channels.py; the helpers are in followup_support.py.

Expected values come from the seed (seed-expected.json), domain.md and the `holidays`
package. The calendar facts these tests lean on, for the seed's meeting of Wednesday
2 August 2023 (วันเข้าพรรษา): 28 July (the King's birthday), 31 July (a special day off) and
1 August (อาสาฬหบูชา) are holidays, so its reminder (2 working days before, 09:00) is due on
Wednesday 26 July 09:00 and its progress report (1 working day before, 08:00) on Thursday
27 July 08:00. The tests check these facts against `holidays` rather than trusting them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from followup_support import (
    BKK,
    EXPECTED,
    HOLIDAY_MEETING,
    MEETING_BEFORE,
    MEETINGS_FY2566,
    REMINDER_MOMENT,
    REMINDER_TIME,
    REPORT_MOMENT,
    SECRETARY_MAIL,
    UNIT_MAIL,
    Seed,
    SmtpServer,
    _holidays,
    add_contact,
    add_recipient,
    is_working_day,
    outbox,
    reminder_due,
    report_due,
    run_all,
    seed_fixture,  # noqa: F401
    smtp_fixture,  # noqa: F401
    snapshot,
    squash,
    task_ids_in,
    the,
    working_days_before,
)
from sqlalchemy.orm import Session, sessionmaker
from thai_words import thai_short_date

from tracker.config import Settings
from tracker.db import unit_of_work
from tracker.followup.delivery import make_sender
from tracker.models import HolidayPolicy, MeetingSeries, OutboxStatus

TWO_BEFORE = date(2023, 7, 5)


def thai_day(day: date) -> str:
    return thai_short_date(day)


def set_series(factory: sessionmaker[Session], series_id: int, **values: Any) -> None:
    with unit_of_work(factory) as session:
        series = session.get(MeetingSeries, series_id)
        assert series is not None
        for name, value in values.items():
            setattr(series, name, value)


def week_of(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --- the calendar, from the holidays package -----------------------------------------------------


def test_the_calendar_facts_these_tests_rely_on_hold_in_the_holidays_package() -> None:
    assert HOLIDAY_MEETING in _holidays(2023)
    assert _holidays(2023)[HOLIDAY_MEETING] == EXPECTED["holiday_meetings_fy2566"]["2023-08-02"]
    for day in (date(2023, 7, 28), date(2023, 7, 31), date(2023, 8, 1)):
        assert not is_working_day(day), day
    assert is_working_day(date(2023, 7, 26))
    assert is_working_day(date(2023, 7, 27))
    assert reminder_due(HOLIDAY_MEETING) == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert report_due(HOLIDAY_MEETING) == datetime(2023, 7, 27, 8, 0, tzinfo=BKK)
    assert reminder_due(HOLIDAY_MEETING) < REMINDER_MOMENT < report_due(HOLIDAY_MEETING)
    assert (
        report_due(HOLIDAY_MEETING)
        < REPORT_MOMENT
        < datetime.combine(HOLIDAY_MEETING, time(9, 0), BKK)
    )


# --- a real SMTP server --------------------------------------------------------------------------


def test_the_unit_gets_its_thai_reminder_by_mail_and_the_secretary_gets_the_progress_report(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    run_all(session_factory, REMINDER_MOMENT, send)

    # The reminder for 2 Aug and this Monday's overdue digest go to the unit; nothing to the
    # secretary yet: the report is due on 27 July.
    assert smtp.to(SECRETARY_MAIL) == []
    assert len(smtp.mails) == 2
    assert all(mail.recipients == (UNIT_MAIL,) for mail in smtp.mails)
    reminder = next(m for m in smtp.mails if "ขอรายงานความคืบหน้า" in m.subject)
    digest = next(m for m in smtp.mails if "งานเกินกำหนด" in m.subject)
    expected_subject = (
        f"[ITA] ขอรายงานความคืบหน้าก่อน{seed.series_name} {thai_day(HOLIDAY_MEETING)} 09:00 น."
    )
    assert reminder.subject == expected_subject
    assert reminder.message["To"] == UNIT_MAIL
    raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", reminder.raw, re.MULTILINE)
    assert raw_subject is not None
    assert raw_subject.group(1).isascii()
    assert b"=?utf-8?" in raw_subject.group(1).lower()
    assert reminder.message.get_content_type() == "multipart/alternative"
    text_part, html_part = reminder.part("text/plain"), reminder.part("text/html")
    assert text_part.get_content_charset() == "utf-8"
    assert html_part.get_content_charset() == "utf-8"
    text, html = text_part.get_content(), html_part.get_content()
    assert squash(seed.unit_name) in squash(text)
    assert "ส.ค. 2566" in text
    assert task_ids_in(text) == seed.tasks_of_secretariat()
    assert task_ids_in(html) == seed.tasks_of_secretariat()
    hint = re.search(r'tracker done (\d+) --by "([^"]+)"', text)
    assert hint is not None
    assert int(hint.group(1)) in seed.tasks_of_secretariat()
    assert hint.group(2) == seed.unit_name
    assert f"tracker done {hint.group(1)} --by" in html
    # Steps 1, 2 (Nov 2565) and 5 (Jan-Mar 2566) are overdue on 24 July 2023.
    overdue = {seed.task_ids[n] for n in (1, 2, 5)}
    assert task_ids_in(digest.part("text/plain").get_content()) == overdue
    assert digest.subject.startswith("[ITA] งานเกินกำหนดของ")
    assert "(3 " in digest.subject

    run_all(session_factory, REPORT_MOMENT, send)

    reports = smtp.to(SECRETARY_MAIL)
    assert len(reports) == 1
    report = reports[0]
    assert report.recipients == (SECRETARY_MAIL,)
    assert report.subject == (
        f"[ITA] รายงานผลการดำเนินการ สำหรับ{seed.series_name} {thai_day(HOLIDAY_MEETING)}"
    )
    report_text = report.part("text/plain").get_content()
    assert report.part("text/plain").get_content_charset() == "utf-8"
    assert report.part("text/html").get_content_charset() == "utf-8"
    assert task_ids_in(report_text) == seed.tasks_of_secretariat()
    assert task_ids_in(report.part("text/html").get_content()) == seed.tasks_of_secretariat()
    assert "0/7" in report_text
    # Besides the report only the next Monday's digest (31 July) went out; no second reminder.
    assert len(smtp.mails) == 4
    assert len([m for m in smtp.mails if "ขอรายงานความคืบหน้า" in m.subject]) == 1
    rows = outbox(session_factory)
    (sent_report,) = the(rows, "progress-report", HOLIDAY_MEETING.isoformat())
    assert sent_report.status is OutboxStatus.SENT
    assert sent_report.due_at == report_due(HOLIDAY_MEETING)
    (sent_reminder,) = the(rows, "meeting-reminder", HOLIDAY_MEETING.isoformat())
    assert sent_reminder.due_at == reminder_due(HOLIDAY_MEETING)
    assert sent_reminder.sent_at == REMINDER_MOMENT


# --- the seed over FY2566 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "meetings"),
    [
        (HolidayPolicy.FLAG, MEETINGS_FY2566),
        (
            HolidayPolicy.MOVE,
            [date(2023, 8, 3) if d == HOLIDAY_MEETING else d for d in MEETINGS_FY2566],
        ),
        (HolidayPolicy.SKIP, [d for d in MEETINGS_FY2566 if d != HOLIDAY_MEETING]),
    ],
    ids=["flag", "move", "skip"],
)
def test_fy2566_gives_one_progress_report_per_meeting_held_under_the_holiday_policy(
    session_factory: sessionmaker[Session],
    seed: Seed,
    tmp_path: Path,
    policy: HolidayPolicy,
    meetings: list[date],
) -> None:
    assert len(meetings) == {"flag": 28, "move": 28, "skip": 27}[policy.value]
    set_series(session_factory, seed.series_id, holiday_policy=policy)
    outbox_dir = tmp_path / "outbox"
    send = make_sender(Settings(outbox_dir=outbox_dir, allow_private_destinations=True).notify())

    for meeting in meetings:
        run_all(session_factory, report_due(meeting), send)

    reports = [m for m in outbox(session_factory) if m.job == "progress-report"]
    assert sorted(m.occurrence for m in reports) == sorted(
        f"{seed.series_id}/{d.isoformat()}" for d in meetings
    )
    for row in reports:
        meeting = date.fromisoformat(row.occurrence.split("/")[1])
        assert row.due_at == report_due(meeting), meeting
        assert row.status is OutboxStatus.SENT, meeting
        assert row.subject.endswith(thai_day(meeting))
    assert len(list(outbox_dir.rglob("*progress-report*"))) == len(meetings)


# --- a three-week outage -------------------------------------------------------------------------


def test_after_a_three_week_outage_useful_reminders_go_once_and_passed_ones_are_missed(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    # Five working days' notice: the 2 Aug reminder falls inside the outage (21 July) while
    # its meeting is still ahead when the scheduler comes back.
    set_series(session_factory, seed.series_id, reminder_days=5)
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())
    before = datetime(2023, 7, 2, 12, 0, tzinfo=BKK)  # last run before the outage
    back = datetime(2023, 7, 24, 10, 0, tzinfo=BKK)
    late_reminder = datetime.combine(working_days_before(HOLIDAY_MEETING, 5), REMINDER_TIME, BKK)
    assert before < late_reminder < back
    assert datetime.combine(working_days_before(TWO_BEFORE, 5), REMINDER_TIME, BKK) < before
    assert before < report_due(TWO_BEFORE)
    assert report_due(MEETING_BEFORE) < back
    run_all(session_factory, before, send)
    (early,) = the(outbox(session_factory), "meeting-reminder", TWO_BEFORE.isoformat())
    assert early.status is OutboxStatus.SENT
    mails_before = len(smtp.mails)

    queued, _ = run_all(session_factory, back, send)

    new = [m for m in outbox(session_factory) if m.created_at == back]
    by_key = {(m.job, m.occurrence.split("/")[1]): m for m in new}
    assert len(by_key) == len(new)
    week = week_of(back.date())
    assert set(by_key) == {
        ("meeting-reminder", HOLIDAY_MEETING.isoformat()),
        ("meeting-reminder", MEETING_BEFORE.isoformat()),
        ("progress-report", TWO_BEFORE.isoformat()),
        ("progress-report", MEETING_BEFORE.isoformat()),
        ("overdue-digest", week),
    }
    reminder = by_key["meeting-reminder", HOLIDAY_MEETING.isoformat()]
    assert reminder.due_at == late_reminder
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (OutboxStatus.SENT, 1, back)
    assert by_key["overdue-digest", week].status is OutboxStatus.SENT
    for key in [
        ("meeting-reminder", MEETING_BEFORE.isoformat()),
        ("progress-report", TWO_BEFORE.isoformat()),
        ("progress-report", MEETING_BEFORE.isoformat()),
    ]:
        missed = by_key[key]
        assert (missed.status, missed.attempts, missed.sent_at) == (OutboxStatus.MISSED, 0, None)
    new_mails = smtp.mails[mails_before:]
    assert len(new_mails) == 2
    assert [m.subject for m in new_mails].count(reminder.subject) == 1
    assert smtp.to(SECRETARY_MAIL) == []
    (early_again,) = the(outbox(session_factory), "meeting-reminder", TWO_BEFORE.isoformat())
    assert (early_again.status, early_again.attempts) == (OutboxStatus.SENT, 1)

    rows = snapshot(session_factory)
    for again in (back, back + timedelta(minutes=15)):
        requeued, dispatched = run_all(session_factory, again, send)
        assert sum(r.queued + r.missed for r in requeued) == 0
        assert dispatched.sent == 0
    assert snapshot(session_factory) == rows
    assert len(smtp.mails) == mails_before + 2
    # What the run at `back` reports: the reminder and the digest queued, three missed.
    assert sum(r.queued for r in queued) == 2
    assert sum(r.missed for r in queued) == 3
