"""The services the CLI (and the web app to come) call: the outbox, series timing, choosing a
series, and errors worded for no front end. Run on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from conftest import DEMO_PLAN

from tracker.errors import Ambiguous, InvalidInput, NotFound, NothingYet, Refused
from tracker.models import MeetingSeries, OutboxMessage, OutboxStatus

NOW = datetime(2026, 12, 14, 2, 30, tzinfo=UTC)


def _messages(session, statuses: list[tuple[str, str, datetime]]) -> list[int]:
    """Ledger rows of (job, status, due_at), made directly: what earlier runs left."""
    rows = []
    for index, (job, status, due) in enumerate(statuses):
        row = OutboxMessage(
            job=job,
            occurrence=f"o/{index}",
            recipient=f"r{index}",
            channel="file",
            subject="s",
            body_text="t",
            status=OutboxStatus(status),
            attempts=3,
            due_at=due,
            next_attempt_at=due,
            created_at=due,
            last_error="boom" if status == "failed" else None,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return [row.id for row in rows]


def test_retrying_all_failed_messages_is_one_update_and_filters_by_kind_and_due(
    session_factory,
):
    from tracker.services.outbox import list_messages, retry_all

    day = NOW - timedelta(days=2)
    with session_factory() as session, session.begin():
        ids = _messages(
            session,
            [
                ("meeting-reminder", "failed", day),
                ("meeting-reminder", "failed", day - timedelta(days=5)),
                ("deadline-alert", "failed", day),
                ("deadline-alert", "missed", day),
                ("deadline-alert", "sent", day),
            ],
        )
        assert retry_all(session, NOW, job="meeting-reminder", since=day - timedelta(hours=1)) == 1
        assert retry_all(session, NOW) == 2  # the other two failed ones
        assert retry_all(session, NOW, status="missed") == 1
        with pytest.raises(Refused):
            retry_all(session, NOW, status="sent")
        by_id = {m.id: m for m in list_messages(session, limit=10)}
    assert [by_id[i].status.value for i in ids] == ["pending"] * 4 + ["sent"]
    assert all(by_id[i].attempts == 0 and by_id[i].next_attempt_at == NOW for i in ids[:4])
    assert by_id[ids[4]].attempts == 3


def test_retrying_one_message_names_what_is_wrong(session_factory):
    from tracker.services.outbox import retry

    with session_factory() as session, session.begin():
        (sent,) = _messages(session, [("deadline-alert", "sent", NOW)])
        with pytest.raises(NotFound) as missing:
            retry(session, sent + 1, NOW)
        assert (str(missing.value), missing.value.what) == (
            f"no outbox message with id {sent + 1}",
            "message",
        )
        with pytest.raises(Refused, match="is sent; only failed or missed"):
            retry(session, sent, NOW)


def test_changing_a_series_timing_asks_the_planner_to_plan_it_again(cli, session_factory):
    from tracker.services.series import set_timing

    cli.ok("import", str(DEMO_PLAN))
    cli.ok("jobs", "run", "meeting-reminders")
    with session_factory() as session, session.begin():
        series = session.query(MeetingSeries).one()
        assert series.dues_planned_on is not None
        set_timing(series, reminder_days=3, report_time=time(7, 30), holiday_policy="move")
        assert (series.reminder_days, series.report_time) == (3, time(7, 30))
        assert series.holiday_policy.value == "move"
        assert series.dues_planned_on is None
        with pytest.raises(InvalidInput, match="'sometimes' is not one of flag, skip, move"):
            set_timing(series, holiday_policy="sometimes")
        with pytest.raises(InvalidInput, match="0 to 20"):
            set_timing(series, report_days=21)


def test_errors_say_what_they_are_about_and_never_name_an_option(cli, session_factory, tmp_path):
    from tracker.services.meetings import choose_series
    from tracker.services.organizations import get_organization
    from tracker.services.plans import get_plan

    with session_factory() as session, pytest.raises(NothingYet) as nothing:
        get_plan(session, None)
    assert (str(nothing.value), nothing.value.what) == ("no plan yet", "plan")
    cli.ok("import", str(DEMO_PLAN))
    second = tmp_path / "second.yaml"
    second.write_text(
        DEMO_PLAN.read_text(encoding="utf-8").replace("fiscal_year: 2570", "fiscal_year: 2571"),
        encoding="utf-8",
    )
    cli.ok("import", str(second))
    with session_factory() as session:
        with pytest.raises(Ambiguous) as several:
            get_plan(session, None)
        organization = get_organization(session, None)
        assert choose_series(session, organization, None).name == "ประชุมหัวหน้าส่วนราชการ"
    assert str(several.value) == "there are 2 plans"
    assert several.value.choices == (
        "1 (องค์การบริหารส่วนตำบลทุ่งดาวเรือง 2570)",
        "2 (องค์การบริหารส่วนตำบลทุ่งดาวเรือง 2571)",
    )
    assert "--" not in str(several.value)
    # The CLI adds its own way to choose.
    line = cli("export").stderr.strip()
    assert line == (
        "error: there are 2 plans; choose one with --plan ID: "
        "1 (องค์การบริหารส่วนตำบลทุ่งดาวเรือง 2570), 2 (องค์การบริหารส่วนตำบลทุ่งดาวเรือง 2571)"
    )
