"""The unit's page: what a unit's officer opens from a reminder on a phone.

It lists the unit's open tasks (its own and the every-unit group's) with what the next
meeting expects, and each task can be marked done, given a percent, a note and evidence (a
link or an uploaded file). Every change goes through :mod:`tracker.services.tasks`, as the
CLI's do, into the audit log naming the unit and the officer's name when given. Works without
JavaScript (plain forms, then a redirect back); with htmx only the task's card is replaced.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tracker.errors import NotFound, Refused
from tracker.models import OPEN_STATUSES, MeetingSeries, Task, TaskEvent, Unit
from tracker.services import access, evidence, meetings, tasks
from tracker.services.access import Principal
from tracker.services.tasks import Actor, TaskQuery
from tracker.web.auth import READERS, SIGNED_IN, UNIT_ONLY
from tracker.web.context import WebContext, request_now, web_context
from tracker.web.pages import render

router = APIRouter()
RECENTLY_DONE_DAYS = 30

Note = Annotated[str | None, Form(max_length=5000)]
EvidenceUrl = Annotated[str | None, Form(max_length=2000)]
Officer = Annotated[str | None, Form(max_length=300)]
Upload = Annotated[UploadFile | None, File()]


def acting_unit(session: Session, principal: Principal) -> Unit:
    unit = session.get(Unit, principal.unit_id) if principal.unit_id else None
    if unit is None or unit.organization_id != principal.organization_id:
        raise NotFound("this unit no longer exists", what="unit")
    return unit


def unit_task(session: Session, principal: Principal, task_id: int, *, for_update: bool) -> Task:
    """The task, if the principal's organization holds it (else NotFound, never Refused:
    another organization's task stays unknown)."""
    task = tasks.get_task(session, task_id, for_update=for_update)
    if task.measure.plan.organization_id != principal.organization_id:
        raise NotFound(f"no task with id {task_id}", what="task")
    return task


def next_meeting_of(series: MeetingSeries | None, today: date) -> Any:
    if series is None:
        return None
    upcoming = meetings.series_meetings(series, today, today + timedelta(days=120))
    held = [m for m in upcoming if not m.cancelled]
    return held[0] if held else None


def unit_cards(session: Session, unit: Unit, today: date) -> dict[str, Any]:
    """The unit's open tasks, and those it finished lately, with each one's next meeting."""
    mine = tasks.list_tasks(session, TaskQuery(as_of=today, unit=unit))
    since = today - timedelta(days=RECENTLY_DONE_DAYS)
    open_tasks = [t for t in mine if t.status in OPEN_STATUSES]
    recent = [t for t in mine if t.status not in OPEN_STATUSES and t.updated_at.date() >= since]
    cards = [_card(session, t, today) for t in open_tasks]
    return {
        "unit": unit,
        "cards": cards,
        "done": [_card(session, t, today) for t in recent],
        "overdue": sum(1 for c in cards if c["overdue"]),
    }


def _card(session: Session, task: Task, today: date) -> dict[str, Any]:
    return {
        "task": task,
        "overdue": task.is_overdue(today),
        "every_unit": any(u.all_units for u in task.units),
        "meeting": next_meeting_of(task.series, today),
        "files": evidence.task_evidence(session, task),
    }


@router.get("/unit", include_in_schema=False)
def unit_page(request: Request, principal: Principal = UNIT_ONLY) -> Response:
    context = web_context(request)
    today = context.today(request_now(request))
    with context.transaction() as session:
        unit = acting_unit(session, principal)
        values = unit_cards(session, unit, today)
        return render(request, "unit/page.html", today=today, **values)


@router.post("/unit/name", include_in_schema=False)
def remember_officer(
    request: Request, officer: Officer = None, principal: Principal = UNIT_ONLY
) -> Response:
    """The officer's name, kept with this phone's session for the audit log."""
    with web_context(request).transaction() as session:
        access.set_officer(session, principal, officer)
    return RedirectResponse("/unit", status_code=303)


async def _upload(file: UploadFile | None, limit: int) -> tuple[str, bytes] | None:
    if file is None or not file.filename:
        return None
    data = await file.read(limit + 1)
    return file.filename, data


def _act(
    context: WebContext,
    request: Request,
    principal: Principal,
    task_id: int,
    action: str,
    fields: dict[str, Any],
    upload: tuple[str, bytes] | None,
) -> None:
    now = request_now(request)
    with context.transaction(write=True) as session:
        unit = acting_unit(session, principal)
        task = unit_task(session, principal, task_id, for_update=True)
        actor = Actor(unit, principal.officer)
        events = _apply(session, task, actor, now, action, fields)
        if upload is not None:
            evidence.add_evidence_file(
                session,
                task,
                actor,
                now,
                filename=upload[0],
                data=upload[1],
                root=context.settings.data_path(),
                max_bytes=context.upload_limit,
                event=events[0] if events else None,
            )


def _apply(
    session: Session, task: Task, actor: Actor, now: Any, action: str, fields: dict[str, Any]
) -> list[TaskEvent]:
    note, url = fields.get("note"), fields.get("evidence_url") or None
    if action == "done":
        return tasks.mark_done(session, task, actor, now, note=note, evidence_url=url)
    if action == "progress":
        return tasks.set_progress(
            session, task, actor, fields["percent"], now, note=note, evidence_url=url
        )
    if action == "reopen":
        return tasks.reopen(session, task, actor, now, note=note or "")
    raise Refused(f"unknown action {action!r}")


async def _task_action(
    request: Request,
    principal: Principal,
    task_id: int,
    action: str,
    fields: dict[str, Any],
    file: UploadFile | None,
) -> Response:
    from starlette.concurrency import run_in_threadpool

    context = web_context(request)
    upload = await _upload(file, context.upload_limit)
    await run_in_threadpool(_act, context, request, principal, task_id, action, fields, upload)
    if request.headers.get("hx-request"):
        return await run_in_threadpool(_card_response, context, request, principal, task_id)
    return RedirectResponse(f"/unit?saved={task_id}#task-{task_id}", status_code=303)


def _card_response(
    context: WebContext, request: Request, principal: Principal, task_id: int
) -> Response:
    today = context.today(request_now(request))
    with context.transaction() as session:
        task = unit_task(session, principal, task_id, for_update=False)
        return render(request, "unit/card.html", card=_card(session, task, today), saved=True)


@router.post("/unit/tasks/{task_id}/done", include_in_schema=False)
async def mark_done(
    request: Request,
    task_id: int,
    note: Note = None,
    evidence_url: EvidenceUrl = None,
    file: Upload = None,
    principal: Principal = UNIT_ONLY,
) -> Response:
    fields = {"note": note, "evidence_url": evidence_url}
    return await _task_action(request, principal, task_id, "done", fields, file)


@router.post("/unit/tasks/{task_id}/progress", include_in_schema=False)
async def report_progress(
    request: Request,
    task_id: int,
    percent: Annotated[int, Form(ge=0, le=100)],
    note: Note = None,
    evidence_url: EvidenceUrl = None,
    file: Upload = None,
    principal: Principal = UNIT_ONLY,
) -> Response:
    fields = {"percent": percent, "note": note, "evidence_url": evidence_url}
    return await _task_action(request, principal, task_id, "progress", fields, file)


@router.post("/unit/tasks/{task_id}/reopen", include_in_schema=False)
async def reopen_task(
    request: Request,
    task_id: int,
    note: Annotated[str, Form(min_length=1, max_length=5000)],
    principal: Principal = UNIT_ONLY,
) -> Response:
    return await _task_action(request, principal, task_id, "reopen", {"note": note}, None)


@router.get("/evidence/{evidence_id}", include_in_schema=False)
def evidence_file(request: Request, evidence_id: int, principal: Principal = SIGNED_IN) -> Response:
    """An uploaded file, to those who may see its task: the organization's staff and
    viewers, and the units responsible for it."""
    context = web_context(request)
    with context.transaction() as session:
        record = evidence.get_evidence(session, evidence_id, principal.organization_id)
        if principal.role not in READERS:
            unit = acting_unit(session, principal)
            if not tasks.is_responsible(record.task, unit):
                raise NotFound(f"no evidence file {evidence_id}", what="evidence")
        path = evidence.store_path(context.settings.data_path(), record.sha256)
        name, kind = record.filename, record.content_type
    if not path.exists():
        raise NotFound(f"evidence file {evidence_id} is missing from the store", what="evidence")
    return FileResponse(
        path,
        media_type=kind,
        filename=name,
        content_disposition_type="attachment"
        if kind not in (evidence.PDF, evidence.JPEG, evidence.PNG)
        else "inline",
        headers={"cache-control": "private, no-store"},
    )
