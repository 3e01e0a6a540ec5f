"""The shapes of the JSON API (/api/v1): what each route answers and what it reads.

They describe the rows :mod:`tracker.views` and :mod:`tracker.reports.progress` already
build (the CLI's ``--json`` shapes), so the OpenAPI document says exactly what a client gets:
ISO dates and instants, stored values as English identifiers (``"in_progress"``), and a Thai
and English label beside a status where a client shows it to people. Every error is
:class:`ErrorBody` (tracker/web/failures.py makes it).

Requests refuse fields they do not know (``extra="forbid"``): a misspelt ``evidnce_url``
is a 422 naming it, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from tracker.i18n import TASK_STATUS
from tracker.inputs import MAX_NAME_LENGTH
from tracker.models import OutboxStatus, TaskStatus
from tracker.services.tasks import MAX_NOTE_LENGTH

# The years a date given to the API may fall in, as for the CLI's dates
# (tracker/cli/params.py FIRST_YEAR, LAST_YEAR): beyond them date arithmetic overflows, and a
# four-digit year from 2400 on is a Buddhist-era year given where ISO (CE) is meant.
FIRST_YEAR, LAST_YEAR = 1900, 2399
MAX_NAME = MAX_NAME_LENGTH  # a unit's or a person's name
MAX_URL = 2000


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value: object) -> object:
    """Only ISO text is a date: pydantic would read "0" as 1 Jan 1970 (a Unix time)."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    shown = repr(value)[:40]
    raise PydanticCustomError(
        "date_format", "{value} is not a date: write YYYY-MM-DD", {"value": shown}
    )


def _within_years(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        hint = f" (a Buddhist-era year? CE {day.year - 543})" if day.year > LAST_YEAR else ""
        raise PydanticCustomError(
            "date_out_of_range",
            f"{day.isoformat()} is outside the years ITA Tracker works with "
            f"(CE {FIRST_YEAR} to {LAST_YEAR}){hint}",
        )
    return day


Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_within_years)]
"""A calendar date as ISO text (CE), within the years the tracker works with."""


# --- errors ---------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(
        description="What kind of failure: not_found, refused, invalid_input, not_signed_in, "
        "forbidden, too_large, server_error, …",
        examples=["not_found"],
    )
    message: str = Field(description="One line saying what is wrong.")
    what: str | None = Field(
        default=None, description="The kind of thing concerned (task, unit, …)."
    )
    choices: list[str] | None = Field(default=None, description="What could have been meant.")


class ErrorBody(BaseModel):
    """Every error the API answers."""

    error: ErrorDetail


# --- shared pieces --------------------------------------------------------------------------


class Label(BaseModel):
    """A value's words for people, in Thai and English."""

    th: str
    en: str


def status_label(status: str) -> Label:
    thai, english = TASK_STATUS[status]
    return Label(th=thai, en=english)


class CompletionOut(BaseModel):
    """How far a set of tasks is, as the progress report counts it: cancelled tasks count
    for nothing; ``percent`` is the mean of the others' percents."""

    done: int
    total: int
    percent: float


# --- tasks ----------------------------------------------------------------------------------


class TaskOut(BaseModel):
    """A task as `tracker tasks --json` lists it, with its status in words."""

    id: int
    plan_id: int
    measure: int = Field(description="The measure's number in its plan.")
    number: int = Field(description="The step's number in its measure.")
    title: str
    units: list[str] = Field(description="The responsible units, by name.")
    period_text: str | None = Field(description="The period exactly as the plan wrote it.")
    start: date | None
    end: date | None = Field(description="The last day; none for open-ended work.")
    period: str = Field(description="The period in words, in the request's language.")
    follow_up: str | None = Field(description="The meeting series that follows it up.")
    status: TaskStatus
    status_label: Label
    percent: int = Field(ge=0, le=100)
    overdue: bool = Field(description="Open and past its end on the day asked about.")


class EventOut(BaseModel):
    """One entry of a task's audit log."""

    id: int
    at: datetime
    actor: str
    field: str = Field(description="What changed: status, percent, note, evidence, created, …")
    before: str | None
    after: str | None
    note: str | None
    evidence_url: str | None


class EvidenceOut(BaseModel):
    """An uploaded evidence file (downloaded from ``url`` by those who may see its task)."""

    id: int
    task_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str
    url: str


class TaskDetail(TaskOut):
    """A task with its measure, its whole audit log and its evidence files."""

    measure_title: str
    organization: str
    fiscal_year: int
    history: list[EventOut]
    evidence_files: list[EvidenceOut]


class TaskChange(BaseModel):
    """What a change did: the task as it now is, and the audit entries it wrote (none when
    it changed nothing, as marking a done task done again)."""

    task: TaskOut
    changed: bool
    events: list[EventOut]


class EvidenceAdded(BaseModel):
    evidence: EvidenceOut
    task: TaskOut
    events: list[EventOut]


# --- plans and measures ---------------------------------------------------------------------


class PlanOut(BaseModel):
    """A plan as `tracker plans --json` lists it."""

    id: int
    organization: str
    fiscal_year: int = Field(description="Buddhist-era fiscal year, e.g. 2570.")
    title: str | None
    measures: int
    tasks: int


class IndicatorOut(BaseModel):
    number: int
    name: str
    tool: str
    score: float | None


class ItemOut(BaseModel):
    code: str
    tool: str
    score: float | None
    question: str | None
    suggestion: str | None


class AssessmentOut(BaseModel):
    """The ITA assessment the plan answers."""

    year: int
    score: float | None
    grade: str | None
    indicators: list[IndicatorOut]
    items: list[ItemOut]


class MeasureOut(BaseModel):
    """A measure with the codes of the assessment items it answers and how far it is."""

    id: int
    plan_id: int
    number: int
    title: str
    items: list[str]
    completion: CompletionOut


class PlanMeasure(MeasureOut):
    tasks: list[TaskOut]


class PlanDetail(BaseModel):
    """A plan with its assessment and its measures, each with its tasks."""

    id: int
    organization: str
    fiscal_year: int
    title: str | None
    source: str | None
    assessment: AssessmentOut | None
    completion: CompletionOut
    measures: list[PlanMeasure]


# --- units and meetings ---------------------------------------------------------------------


class ContactOut(BaseModel):
    channel: str
    address: str = Field(description="Shown masked where it holds a secret.")


class UnitOut(BaseModel):
    """A unit as `tracker units --json` lists it."""

    id: int
    name: str
    aliases: list[str]
    all_units: bool = Field(description="The every-unit group: its tasks are every unit's.")
    contacts: list[ContactOut]
    tasks: int = Field(description="How many tasks name it.")


class MeetingOut(BaseModel):
    """A meeting as `tracker meetings --json` lists it, with its series' id."""

    series_id: int
    series: str
    date: dt.date
    start: datetime
    place: str | None
    holiday: str | None = Field(description="The public holiday it falls on, if any.")
    moved_from: dt.date | None
    moved_because: str | None
    cancelled: bool
    added: bool


class StepOut(BaseModel):
    id: int
    ref: str = Field(description="measure.step, e.g. 1.3")
    title: str
    units: list[str]
    period: str
    status: TaskStatus
    percent: int
    last_note: str | None
    evidence_url: str | None
    last_update: datetime | None = Field(description="The last change a unit made.")
    overdue: bool = Field(description="Overdue on the meeting day.")


class ReportMeasure(BaseModel):
    title: str
    steps: list[StepOut]


class UnitProgressOut(BaseModel):
    unit: str
    total: int
    done: int
    completion: float


class ProgressReportOut(BaseModel):
    """A meeting's progress report (what `tracker report --format json` prints). The lists
    name tasks as ``#id (measure.step)``."""

    organization: str
    series: str
    meeting: date
    previous_meeting: date | None
    next_meeting: date | None
    measures: list[ReportMeasure]
    newly_done: list[str] = Field(description="Done since the previous meeting.")
    newly_overdue: list[str] = Field(description="Overdue since the previous meeting.")
    no_update: list[str] = Field(description="Open, started, and not updated since then.")
    due_before_next: list[str] = Field(description="Open and due before the next meeting.")
    done: int
    total: int
    completion: float
    by_unit: list[UnitProgressOut] = Field(
        description="Each responsible unit's tasks, counted as the totals are."
    )
    timezone: str = Field(description="The series' time zone (IANA name).")


# --- the outbox -----------------------------------------------------------------------------


class OutboxRow(BaseModel):
    """An outbox message as `tracker outbox --json` lists it (secrets masked)."""

    id: int
    job: str
    occurrence: str
    channel: str
    recipient: str
    subject: str
    status: OutboxStatus
    attempts: int
    interruptions: int
    due_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    lease_until: datetime | None
    idempotency_key: str
    fallback_of: int | None
    last_error: str | None


class OutboxPageOut(BaseModel):
    messages: list[OutboxRow]
    total: int
    page: int
    pages: int
    page_size: int


# --- requests -------------------------------------------------------------------------------

Note = Annotated[str, Field(max_length=MAX_NOTE_LENGTH)]
EvidenceUrl = Annotated[
    str, Field(max_length=MAX_URL, description="An http or https link to the evidence.")
]


class Acting(BaseModel):
    """Who makes a change. A unit's token or session acts as its unit; a staff caller
    (admin, secretariat) names the responsible unit it records the change for, as
    `tracker done ID --by UNIT` does."""

    model_config = ConfigDict(extra="forbid")

    unit: str | None = Field(
        default=None,
        max_length=MAX_NAME,
        description="The responsible unit acting (its name or another name of it). Staff "
        "callers must give it; a unit may leave it out.",
    )
    officer: str | None = Field(
        default=None,
        max_length=MAX_NAME,
        description="The person acting, as the audit log names them (default: who is signed in).",
    )


class DoneRequest(Acting):
    note: Note | None = None
    evidence_url: EvidenceUrl | None = None


class ProgressRequest(Acting):
    percent: int = Field(ge=0, le=100, description="100 marks the task done.")
    note: Note | None = None
    evidence_url: EvidenceUrl | None = None


class ReopenRequest(Acting):
    note: str = Field(
        min_length=1, max_length=MAX_NOTE_LENGTH, description="Why the task is reopened."
    )


class NoteRequest(Acting):
    note: str = Field(min_length=1, max_length=MAX_NOTE_LENGTH)
    evidence_url: EvidenceUrl | None = None
