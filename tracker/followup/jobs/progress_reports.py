"""Progress reports: before each meeting, the meeting's report to the series' recipients.

Due ``report_days`` working days before each held meeting, at ``report_time``, in the
series' zone (tracker.followup.timing); a series with nothing to report (no task yet when it
was due) gets none. Found after its meeting started: recorded as missed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.dues import due_meeting_rows, plan_meeting_dues
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.jobs.recipients import series_destinations, slug
from tracker.followup.jobs.sweep import (
    LOOKBACK,
    Recorder,
    chunks,
    mark_done,
    meeting_moments,
    queued_between,
    series_with_recipients,
    sweep,
)
from tracker.followup.ledger import Envelope
from tracker.followup.timing import REPORT
from tracker.models import MeetingDue, MeetingSeries
from tracker.reports.progress import PlanState, build_progress_report, render, subject

JOB = "progress-reports"


def progress_reports(
    *, factory: sessionmaker[Session], now: datetime, options: Options
) -> JobResult:
    """Queue each meeting's progress report to the series' recipients."""
    result = JobResult(JOB)
    with sweep(factory, options) as session:
        plan_meeting_dues(session, now, options.calendar, options.zone)
        result.already += queued_between(session, REPORT, now - LOOKBACK, now)
        recorder = Recorder(session, now, options, result)
        dues = due_meeting_rows(session, REPORT, now, LOOKBACK)
        for chunk in chunks(dues):
            series_ids = {d.series_id for d in chunk}
            series = series_with_recipients(session, series_ids)
            state = PlanState.load(session, series_ids)
            for due in chunk:
                _report(session, series[due.series_id], state, due, now, options, recorder)
            recorder.flush()
            mark_done(session, chunk, now)
    return result


def _report(
    session: Session,
    series: MeetingSeries,
    state: PlanState,
    due: MeetingDue,
    now: datetime,
    options: Options,
    recorder: Recorder,
) -> None:
    tasks = state.tasks.get(series.id, [])
    if not tasks or min(t.created_at for t in tasks) > due.due_at:
        return  # nothing to report, or every task came in after the report was due
    report = build_progress_report(
        session,
        series,
        due.meeting_date,
        previous=due.previous_start,
        next_meeting=due.next_date,
        lang=options.lang,
        state=state,
    )
    if report.total == 0:
        return
    title = subject(report, options.lang)
    text, html = render(report, "txt", options.lang), render(report, "html", options.lang)
    fallback = f"{slug(report.organization)}/{due.meeting_date}/progress-report"
    for channel, address in series_destinations(series, fallback, options):
        envelope = Envelope(
            job=REPORT,
            occurrence=f"{series.id}/{due.meeting_date}",
            recipient=address,
            channel=channel,
            subject=title,
            text=text,
            html=html,
            due_at=due.due_at,
            organization_id=series.organization_id,
        )
        recorder.add(envelope, missed=now >= due.meeting_start, who=series.name)


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every report moment of every series for meetings from ``start`` on."""
    return meeting_moments(session, REPORT, start, end, options)
