"""The JSON API, /api/v1: the plan's state for scripts and other systems, and the changes a
unit makes, with the same rules as the CLI and the unit page.

Who may call what is each route's rule (tracker/web/auth.py); callers come with an API token
(``Authorization: Bearer tk_...``, made by `tracker tokens add`) or a session cookie (then
an unsafe request carries the session's ``X-CSRF-Token``). Everything is scoped to the
caller's organization: another organization's id is answered 404, as an unknown one is.

- Organization-wide reads are for admin, secretariat and viewer. A unit's caller reads its
  own tasks only: ``/tasks`` lists them, ``/tasks/{id}`` of a task it is not responsible for
  is 404.
- Changes go through :mod:`tracker.services.tasks` (audited). A unit's caller acts as its
  unit; a staff caller names the responsible unit it records the change for (``unit``), as
  `tracker done ID --by UNIT` does; a viewer changes nothing (403).
- Every error is one JSON shape (tracker/web/failures.py), described in the OpenAPI document
  (``/api/v1/openapi.json``) with every answer of every route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from schedules.workdays import ThaiCalendar
from tracker import views
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    EvidenceFile,
    Measure,
    Organization,
    OutboxStatus,
    Plan,
    Role,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
)
from tracker.services import evidence, meetings, outbox, plans, tasks, units
from tracker.services.access import Principal
from tracker.services.tasks import Actor, TaskQuery
from tracker.web import dashboard
from tracker.web.api_models import (
    MAX_NAME,
    Acting,
    AssessmentOut,
    CompletionOut,
    Day,
    DoneRequest,
    ErrorBody,
    EventOut,
    EvidenceAdded,
    EvidenceOut,
    MeasureOut,
    MeetingOut,
    NoteRequest,
    OutboxPageOut,
    OutboxRow,
    PlanDetail,
    PlanMeasure,
    PlanOut,
    ProgressReportOut,
    ProgressRequest,
    ReopenRequest,
    TaskChange,
    TaskDetail,
    TaskOut,
    UnitOut,
    status_label,
)
from tracker.web.auth import ADMIN_ONLY, READERS_ONLY, SIGNED_IN, STAFF, allow
from tracker.web.context import request_now, web_context
from tracker.web.pages import language
from tracker.web.routes.unit import acting_unit

# The bearer token, declared so the OpenAPI document says how to authenticate; the route's
# rule (auth.py) is what reads and checks it, so a missing one is not refused here.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="api_token",
    bearerFormat="tk_…",
    description="An API token made by `tracker tokens add` (a browser session's cookie also "
    "works; then unsafe requests carry its X-CSRF-Token header).",
)

ERROR_WORDS = {
    400: "The body cannot be read (not JSON, or a broken upload).",
    401: "No usable API token or session (missing, unknown, revoked or expired).",
    403: "The caller's role may not do this (or a session's CSRF token is missing).",
    404: "No such thing in the caller's organization.",
    409: "Refused by the rules (the unit is not responsible, the task's state forbids it).",
    413: "The request body is larger than the upload limit.",
    422: "The request is malformed: the message says which field and why.",
    503: "The database cannot be reached just now: try again later.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route, each the one JSON error shape."""
    return {status: {"model": ErrorBody, "description": ERROR_WORDS[status]} for status in statuses}


# Query parameters every route takes: ?lang= (as every page does), whether or not its answer
# has words to translate, so a client may send it always.
EVERYWHERE = frozenset({"lang"})


def refuse_unknown_parameters(request: Request) -> None:
    """A query parameter the route does not take is refused (422 naming it), so a misspelt
    filter (``?stauts=done``) never quietly answers everything."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    known = {field.alias for field in getattr(dependant, "query_params", ())} | EVERYWHERE
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidInput(
            f"query.{unknown[0]}: this request takes no such parameter",
            what=unknown[0],
            choices=sorted(known),
        )


router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    dependencies=[Depends(BEARER), Depends(refuse_unknown_parameters)],
    responses=errors(401, 403, 422, 503),
)

# Who may change a task: staff for a unit they name, and units; not viewers.
ACTORS_ONLY: Any = allow(*STAFF, Role.UNIT)

MAX_ID = 2**31 - 1  # the database's integer: a larger id is no id (and would overflow it)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Lang = Annotated[
    Literal["th", "en"] | None,
    Query(description="Language of words such as periods and holidays (default: the server's)."),
]
FromDay = Annotated[Day | None, Query(alias="from", description="First day (default today).")]
ToDay = Annotated[Day | None, Query(alias="to", description="Last day (default 90 days on).")]
# The span of /meetings, as `tracker meetings` has it (tracker/cli/meetings.py).
DEFAULT_SPAN = timedelta(days=90)
MAX_SPAN = timedelta(days=10 * 366)
OUTBOX_PAGE_SIZE = 50


# --- scoping: the caller's organization, unit and tasks ---------------------------------------


def _organization(session: Session, principal: Principal) -> Organization:
    found = session.get(Organization, principal.organization_id)
    if found is None:
        raise NotFound("this organization no longer exists", what="organization")
    return found


def visible_task(
    session: Session, principal: Principal, task_id: int, *, for_update: bool = False
) -> Task:
    """The task, if the caller may see it: its organization's, and for a unit's caller one
    the unit is responsible for. Anything else is NotFound, so its existence stays unknown."""
    task = tasks.get_task(session, task_id, for_update=for_update)
    hidden = task.measure.plan.organization_id != principal.organization_id
    if not hidden and principal.role is Role.UNIT:
        hidden = not tasks.is_responsible(task, acting_unit(session, principal))
    if hidden:
        raise NotFound(f"no task with id {task_id}", what="task")
    return task


@contextmanager
def as_field_problem() -> Iterator[None]:
    """A query's or a body's reference to something that does not exist is a bad request
    (422 naming it), not a missing resource: the path was found."""
    try:
        yield
    except NotFound as missing:
        raise InvalidInput(str(missing), what=missing.what, choices=missing.choices) from None


def named_unit(session: Session, organization: Organization, name: str) -> Unit:
    """The organization's unit called ``name`` (or once called it, or by a common
    abbreviation, as the CLI finds it: "กค."), else InvalidInput listing its units."""
    found = units.find_unit(session, organization, name, rules=True)
    if found is None:
        known = [u.name for u in units.list_units(session, organization)]
        raise InvalidInput(
            f"unit: no unit {name!r} in {organization.name}", what="unit", choices=known
        )
    return found


def actor_for(session: Session, principal: Principal, task: Task, acting: Acting) -> Actor:
    """Who the change is recorded as: a unit's caller is its unit; a staff caller names the
    unit (``acting.unit``). The person is ``acting.officer``, else who is signed in."""
    organization = _organization(session, principal)
    if principal.role is Role.UNIT:
        unit = acting_unit(session, principal)
        if acting.unit is not None and named_unit(session, organization, acting.unit) != unit:
            raise InvalidInput(
                f"unit: this caller acts as {unit.name}; leave unit out", what="unit"
            )
        return Actor(unit, acting.officer or principal.officer)
    if acting.unit is None:
        raise InvalidInput(
            f"unit: name the responsible unit this change of task {task.id} is made for",
            what="unit",
            choices=[u.name for u in task.units],
        )
    unit = named_unit(session, organization, acting.unit)
    return Actor(unit, acting.officer or principal.officer or principal.label)


# --- shapes ---------------------------------------------------------------------------------


def task_out(task: Task, as_of: date, lang: str) -> TaskOut:
    row = views.task_row(task, as_of, lang)
    return TaskOut(**row, status_label=status_label(row["status"]))


def event_out(event: TaskEvent) -> EventOut:
    return EventOut(**views.event_row(event))


def evidence_out(record: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=record.id,
        task_id=record.task_id,
        filename=record.filename,
        content_type=record.content_type,
        size=record.size,
        sha256=record.sha256,
        uploaded_at=record.uploaded_at,
        uploaded_by=record.uploaded_by,
        url=f"/evidence/{record.id}",
    )


def completion_of(task_list: list[Task]) -> CompletionOut:
    found = dashboard.Completion.of(task_list)
    return CompletionOut(done=found.done, total=found.total, percent=found.mean)


def measure_out(measure: Measure) -> MeasureOut:
    return MeasureOut(
        id=measure.id,
        plan_id=measure.plan_id,
        number=measure.position,
        title=measure.title,
        items=[i.code for i in measure.items],
        completion=completion_of(measure.tasks),
    )


def rfc3339_instant(moment: datetime) -> datetime:
    """The instant as RFC 3339 can write it: at its own offset when that is whole minutes,
    else in UTC (Bangkok kept local mean time, +06:42:04, until April 1920)."""
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        return moment.astimezone(UTC)
    return moment


def _lang(request: Request, asked: str | None) -> str:
    return asked or language(request)


def _today(request: Request) -> date:
    return web_context(request).today(request_now(request))


# --- plans and measures ---------------------------------------------------------------------


@router.get("/plans", tags=["plans"])
def list_plans(request: Request, principal: Principal = READERS_ONLY) -> list[PlanOut]:
    """The organization's plans, the latest fiscal year first."""
    with web_context(request).transaction() as session:
        found = dashboard.organization_plans(session, principal.organization_id)
        return [PlanOut(**views.plan_row(plan)) for plan in found]


@router.get("/plans/{plan_id}", tags=["plans"], responses=errors(404))
def get_plan(
    request: Request, plan_id: Id, lang: Lang = None, principal: Principal = READERS_ONLY
) -> PlanDetail:
    """A plan with its assessment and its measures, each with its tasks and completion."""
    today, words = _today(request), _lang(request, lang)
    with web_context(request).transaction() as session:
        plan = dashboard.chosen_plan(session, principal.organization_id, plan_id)
        assert plan is not None  # an id was asked for: NotFound, never None
        plans.load_tree(session, plan)
        assessment = views.assessment_document(plan.assessment)
        all_tasks = [t for m in plan.measures for t in m.tasks]
        return PlanDetail(
            id=plan.id,
            organization=plan.organization.name,
            fiscal_year=plan.fiscal_year,
            title=plan.title,
            source=plan.source,
            assessment=AssessmentOut(**assessment) if assessment else None,
            completion=completion_of(all_tasks),
            measures=[
                PlanMeasure(
                    **measure_out(m).model_dump(),
                    tasks=[task_out(t, today, words) for t in m.tasks],
                )
                for m in plan.measures
            ],
        )


def _plans(session: Session, principal: Principal, plan_id: int | None) -> list[Plan]:
    """The plan a filter names (InvalidInput when it is not the organization's), else all
    of the organization's plans."""
    if plan_id is None:
        return dashboard.organization_plans(session, principal.organization_id)
    with as_field_problem():
        plan = dashboard.chosen_plan(session, principal.organization_id, plan_id)
    assert plan is not None
    return [plan]


@router.get("/measures", tags=["plans"])
def list_measures(
    request: Request, plan: FilterId = None, principal: Principal = READERS_ONLY
) -> list[MeasureOut]:
    """The measures of the organization's plans (of ``plan`` when given), in plan order."""
    with web_context(request).transaction() as session:
        return [measure_out(m) for p in _plans(session, principal, plan) for m in p.measures]


# --- tasks ----------------------------------------------------------------------------------


@router.get("/tasks", tags=["tasks"])
def list_tasks(
    request: Request,
    plan: FilterId = None,
    unit: Annotated[
        str | None, Query(max_length=MAX_NAME, description="A responsible unit's name.")
    ] = None,
    status: TaskStatus | None = None,
    overdue: Annotated[bool, Query(description="Only open tasks past their end.")] = False,
    due_before: Annotated[Day | None, Query(description="Only tasks ending before it.")] = None,
    as_of: Annotated[Day | None, Query(description="Judge overdue on it (default today).")] = None,
    lang: Lang = None,
    principal: Principal = SIGNED_IN,
) -> list[TaskOut]:
    """Tasks with the filters of `tracker tasks`, in plan, measure and step order. A unit's
    caller gets its own tasks (those of the every-unit group too) whatever it asks."""
    day = as_of or _today(request)
    words = _lang(request, lang)
    with web_context(request).transaction() as session:
        organization = _organization(session, principal)
        chosen = named_unit(session, organization, unit) if unit is not None else None
        if principal.role is Role.UNIT:
            own = acting_unit(session, principal)
            if chosen is not None and chosen != own:
                raise InvalidInput(
                    f"unit: this caller sees {own.name}'s tasks only; leave unit out", what="unit"
                )
            chosen = own
        found: list[Task] = []
        for each in _plans(session, principal, plan):
            query = TaskQuery(
                as_of=day,
                plan_id=each.id,
                unit=chosen,
                status=status.value if status else None,
                overdue=overdue,
                due_before=due_before,
            )
            found += tasks.list_tasks(session, query)
        return [task_out(t, day, words) for t in found]


@router.get("/tasks/{task_id}", tags=["tasks"], responses=errors(404))
def get_task(
    request: Request, task_id: Id, lang: Lang = None, principal: Principal = SIGNED_IN
) -> TaskDetail:
    """A task with its audit log (oldest first) and its evidence files."""
    today, words = _today(request), _lang(request, lang)
    with web_context(request).transaction() as session:
        task = visible_task(session, principal, task_id)
        return TaskDetail(
            **task_out(task, today, words).model_dump(),
            measure_title=task.measure.title,
            organization=task.measure.plan.organization.name,
            fiscal_year=task.measure.plan.fiscal_year,
            history=[event_out(e) for e in tasks.history(session, task)],
            evidence_files=[evidence_out(f) for f in evidence.task_evidence(session, task)],
        )


Change = Callable[[Session, Task, Actor, datetime], list[TaskEvent]]


def change_task(
    request: Request, principal: Principal, task_id: int, acting: Acting, change: Change
) -> TaskChange:
    """Apply ``change`` to the task as the caller's actor, in one transaction."""
    now = request_now(request)
    today, words = _today(request), language(request)
    with web_context(request).transaction(write=True) as session:
        task = visible_task(session, principal, task_id, for_update=True)
        actor = actor_for(session, principal, task, acting)
        events = change(session, task, actor, now)
        return TaskChange(
            task=task_out(task, today, words),
            changed=bool(events),
            events=[event_out(e) for e in events],
        )


CHANGE_ERRORS = errors(400, 404, 409)


@router.post("/tasks/{task_id}/done", tags=["tasks"], responses=CHANGE_ERRORS)
def mark_done(
    request: Request,
    task_id: Id,
    body: DoneRequest | None = None,
    principal: Principal = ACTORS_ONLY,
) -> TaskChange:
    """Mark the task done (100 percent), with an optional note and evidence link. Marking a
    done task done again changes nothing."""
    given = body or DoneRequest()

    def change(session: Session, task: Task, actor: Actor, now: datetime) -> list[TaskEvent]:
        return tasks.mark_done(
            session, task, actor, now, note=given.note, evidence_url=given.evidence_url
        )

    return change_task(request, principal, task_id, given, change)


@router.post("/tasks/{task_id}/progress", tags=["tasks"], responses=CHANGE_ERRORS)
def report_progress(
    request: Request, task_id: Id, body: ProgressRequest, principal: Principal = ACTORS_ONLY
) -> TaskChange:
    """Report the task's progress in percent (100 marks it done; a done or cancelled task
    must be reopened first)."""

    def change(session: Session, task: Task, actor: Actor, now: datetime) -> list[TaskEvent]:
        return tasks.set_progress(
            session, task, actor, body.percent, now, note=body.note, evidence_url=body.evidence_url
        )

    return change_task(request, principal, task_id, body, change)


@router.post("/tasks/{task_id}/reopen", tags=["tasks"], responses=CHANGE_ERRORS)
def reopen_task(
    request: Request, task_id: Id, body: ReopenRequest, principal: Principal = ACTORS_ONLY
) -> TaskChange:
    """Reopen a done or cancelled task, saying why."""

    def change(session: Session, task: Task, actor: Actor, now: datetime) -> list[TaskEvent]:
        return tasks.reopen(session, task, actor, now, note=body.note)

    return change_task(request, principal, task_id, body, change)


@router.post("/tasks/{task_id}/note", tags=["tasks"], responses=CHANGE_ERRORS)
def add_note(
    request: Request, task_id: Id, body: NoteRequest, principal: Principal = ACTORS_ONLY
) -> TaskChange:
    """Write a note (and an evidence link) on the task without changing it."""

    def change(session: Session, task: Task, actor: Actor, now: datetime) -> list[TaskEvent]:
        return tasks.add_note(
            session, task, actor, now, note=body.note, evidence_url=body.evidence_url
        )

    return change_task(request, principal, task_id, body, change)


def _store_evidence(
    request: Request,
    principal: Principal,
    task_id: int,
    acting: Acting,
    note: str | None,
    upload: tuple[str, bytes],
) -> EvidenceAdded:
    """Keep the file as evidence of the task, tied to the note's audit entry when a note
    comes with it (else to an entry of its own), all in one transaction."""
    context = web_context(request)
    now = request_now(request)
    today, words = _today(request), language(request)
    with context.transaction(write=True) as session:
        task = visible_task(session, principal, task_id, for_update=True)
        actor = actor_for(session, principal, task, acting)
        noted = tasks.add_note(session, task, actor, now, note=note) if note else []
        record = evidence.add_evidence_file(
            session,
            task,
            actor,
            now,
            filename=upload[0],
            data=upload[1],
            root=context.settings.data_path(),
            max_bytes=context.upload_limit,
            event=noted[0] if noted else None,
        )
        written = noted or ([record.event] if record.event is not None else [])
        return EvidenceAdded(
            evidence=evidence_out(record),
            task=task_out(task, today, words),
            events=[event_out(e) for e in written],
        )


@router.post(
    "/tasks/{task_id}/evidence",
    tags=["tasks"],
    status_code=201,
    responses=errors(400, 404, 409, 413),
)
async def upload_evidence(
    request: Request,
    task_id: Id,
    file: Annotated[UploadFile, File(description="PDF, JPEG, PNG, DOCX or XLSX.")],
    unit: Annotated[str | None, Form(max_length=MAX_NAME)] = None,
    officer: Annotated[str | None, Form(max_length=MAX_NAME)] = None,
    note: Annotated[str | None, Form(max_length=tasks.MAX_NOTE_LENGTH)] = None,
    principal: Principal = ACTORS_ONLY,
) -> EvidenceAdded:
    """Upload a file as evidence of the task (judged by its content, up to the server's
    upload limit), with an optional note. Who acts is as for the other changes."""
    limit = web_context(request).upload_limit
    data = await file.read(limit + 1)  # one byte more than allowed tells a file too large
    acting = Acting(unit=unit, officer=officer)
    upload = (file.filename or "evidence", data)
    return await run_in_threadpool(
        _store_evidence, request, principal, task_id, acting, note or None, upload
    )


# --- units and meetings ---------------------------------------------------------------------


@router.get("/units", tags=["units"])
def list_units(request: Request, principal: Principal = READERS_ONLY) -> list[UnitOut]:
    """The organization's units, with how many tasks name each (contacts masked)."""
    with web_context(request).transaction() as session:
        organization = _organization(session, principal)
        counts = units.task_counts(session, organization)
        return [
            UnitOut(**views.unit_row(u, counts.get(u.id, 0)))
            for u in units.list_units(session, organization)
        ]


@router.get("/meetings", tags=["meetings"])
def list_meetings(
    request: Request,
    series: FilterId = None,
    start: FromDay = None,
    end: ToDay = None,
    lang: Lang = None,
    principal: Principal = READERS_ONLY,
) -> list[MeetingOut]:
    """The meetings of the organization's series (of ``series`` when given) from ``from``
    to ``to``, holidays, moves and cancellations marked, in time order."""
    first = start or _today(request)
    last = end or first + DEFAULT_SPAN
    if last < first:
        raise InvalidInput(f"to: {last.isoformat()} is before from {first.isoformat()}", what="to")
    if last - first > MAX_SPAN:
        raise InvalidInput("to: ask for at most ten years of meetings at a time", what="to")
    words = _lang(request, lang)
    holidays = ThaiCalendar(language="th" if words == "th" else "en_US")
    with web_context(request).transaction() as session:
        if series is not None:
            with as_field_problem():
                chosen = [dashboard.owned_series(session, principal.organization_id, series)]
        else:
            chosen = meetings.organization_series(session, _organization(session, principal))
        rows = [
            MeetingOut(
                series_id=s.id,
                **views.meeting_row(s.name, m, s.place) | {"start": rfc3339_instant(m.start)},
            )
            for s in chosen
            for m in meetings.series_meetings(s, first, last, calendar=holidays)
        ]
    return sorted(rows, key=lambda row: (row.start, row.series_id))


@router.get("/meetings/{series_id}/{day}/report", tags=["meetings"], responses=errors(404))
def meeting_report(
    request: Request,
    series_id: Id,
    day: Annotated[Day, Path(description="The meeting's date.")],
    lang: Lang = None,
    principal: Principal = READERS_ONLY,
) -> ProgressReportOut:
    """The progress report of the series' meeting held on ``day`` (what `tracker report`
    prints): every task it follows up, what changed since the previous meeting, what is due
    before the next."""
    words = _lang(request, lang)
    with web_context(request).transaction() as session:
        series = dashboard.owned_series(session, principal.organization_id, series_id)
        report = meetings.progress_report(session, series, day, lang=words)
    return ProgressReportOut(**asdict(report))


# --- the outbox -----------------------------------------------------------------------------


@router.get("/outbox", tags=["outbox"])
def list_outbox(
    request: Request,
    status: OutboxStatus | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = OUTBOX_PAGE_SIZE,
    principal: Principal = ADMIN_ONLY,
) -> OutboxPageOut:
    """The organization's outbox, newest first, a page at a time (addresses, links and
    secrets in errors masked)."""
    with web_context(request).transaction() as session:
        found = dashboard.organization_outbox(
            session,
            principal.organization_id,
            status=status.value if status else None,
            page=page,
            page_size=page_size,
        )
        return OutboxPageOut(
            messages=[OutboxRow(**views.outbox_row(m)) for m in found.messages],
            total=found.total,
            page=found.page,
            pages=found.pages,
            page_size=found.page_size,
        )


@router.post("/outbox/{message_id}/retry", tags=["outbox"], responses=errors(404, 409))
def retry_message(request: Request, message_id: Id, principal: Principal = ADMIN_ONLY) -> OutboxRow:
    """Queue a failed or missed message again: the next dispatch sends it, with the same
    idempotency key."""
    now = request_now(request)
    with web_context(request).transaction(write=True) as session:
        dashboard.require_own_message(session, principal.organization_id, message_id)
        return OutboxRow(**views.outbox_row(outbox.retry(session, message_id, now)))
