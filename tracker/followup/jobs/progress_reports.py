"""Progress reports: before each meeting, the meeting's report to the series' recipients.

Due ``report_days`` working days before each held meeting, at ``report_time``, in the
series' zone (tracker.followup.timing); a series with nothing to report (no task yet when it
was due) gets none. Found after its meeting started: recorded as missed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.jobs.recipients import slug, to_series
from tracker.followup.jobs.sweep import (
    Recorder,
    meeting_due_chunks,
    meeting_moments,
    series_with_recipients,
    sweep,
)
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
        for recorder, chunk in meeting_due_chunks(session, REPORT, now, options, result):
            series_ids = {d.series_id for d in chunk}
            series = series_with_recipients(session, series_ids)
            state = PlanState.load(session, series_ids)
            for due in chunk:
                _report(session, series[due.series_id], state, due, now, options, recorder)
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
    to_series(
        recorder,
        series,
        kind=REPORT,
        occurrence=f"{series.id}/{due.meeting_date}",
        message=(title, text, html),
        due=due.due_at,
        missed=now >= due.meeting_start,
        fallback=f"{slug(report.organization)}/{due.meeting_date}/progress-report",
    )


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every report moment of every series for meetings from ``start`` on."""
    return meeting_moments(session, REPORT, start, end, options)
