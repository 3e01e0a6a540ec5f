"""Progress reports: before each meeting, the meeting's report to the series' recipients.

Due ``report_days`` working days before each held meeting, at ``report_time``, in the
series' zone (tracker.followup.timing); a series with nothing to report (no task yet when it
was due) gets none. Found after its meeting started: recorded as missed.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
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
from tracker.notify import Attachment
from tracker.reports.formats import file_name, write
from tracker.reports.pdf import PdfPrinter
from tracker.reports.progress import (
    PlanState,
    ProgressReport,
    build_progress_report,
    render,
    subject,
)
from tracker.reports.progress_document import progress_document

JOB = "progress-reports"
log = logging.getLogger(__name__)


def progress_reports(
    *, factory: sessionmaker[Session], now: datetime, options: Options
) -> JobResult:
    """Queue each meeting's progress report to the series' recipients."""
    result = JobResult(JOB)
    with sweep(factory, options) as session, ReportPrinter(options, result) as printer:
        for recorder, chunk in meeting_due_chunks(session, REPORT, now, options, result):
            series_ids = {d.series_id for d in chunk}
            series = series_with_recipients(session, series_ids)
            state = PlanState.load(session, series_ids)
            for due in chunk:
                _report(session, series[due.series_id], state, due, now, options, recorder, printer)
    return result


class ReportPrinter:
    """The PDFs of one run: one browser, started for the first report that needs it.

    A report whose PDF cannot be printed (no Chromium, a browser that died) is still sent,
    as text and HTML: the run's ``problems`` say why, once, and the log says it too, so a
    missing PDF is visible but never costs the secretariat its report.
    """

    def __init__(self, options: Options, result: JobResult) -> None:
        self.settings = None if options.dry_run else options.printing
        self.result = result
        self._browser = ExitStack()  # holds the printer once one is started
        self._printer: PdfPrinter | None = None
        self._broken = False

    def __enter__(self) -> ReportPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._browser.close()

    def attachments(self, report: ProgressReport, lang: str) -> tuple[Attachment, ...]:
        if self.settings is None or self._broken:
            return ()
        document = progress_document(report, lang)
        try:
            if self._printer is None:
                self._printer = self._browser.enter_context(PdfPrinter(self.settings.chromium))
            data = write(document, "pdf", self.settings, printer=self._printer)
        except Exception as error:
            self._broken = True
            problem = f"progress reports go without their PDF: {error}"
            self.result.problems.append(problem)
            log.warning(problem)
            return ()
        return (Attachment(file_name(document, "pdf"), "application/pdf", data),)


def _report(
    session: Session,
    series: MeetingSeries,
    state: PlanState,
    due: MeetingDue,
    now: datetime,
    options: Options,
    recorder: Recorder,
    printer: ReportPrinter,
) -> None:
    first_task_at = state.first_task_at.get(series.id)
    if first_task_at is None or first_task_at > due.due_at:
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
        attachments=() if now >= due.meeting_start else printer.attachments(report, options.lang),
    )


def moments(session: Session, start: date, end: date, options: Options) -> set[datetime]:
    """Every report moment of every series for meetings from ``start`` on."""
    return meeting_moments(session, REPORT, start, end, options)
