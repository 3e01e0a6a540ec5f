"""Import review: an uploaded plan becomes a draft, is corrected, then confirmed.

``POST /imports`` reads the upload as ``tracker import`` reads a file into a draft of the
uploader's organization (:mod:`tracker.services.drafts`); nothing reaches the plan tables.
The draft's page shows every import warning beside the part it is about, what confirming
would do (the importer run and rolled back, as ``tracker import --dry-run``), and forms that
correct units, a task's period or units and a series' meeting rule. Confirming imports it
with the CLI's importer; a confirmed or discarded draft can no longer change (409).

Staff (admin, secretariat) do everything; a viewer may read a draft. Every form works
without JavaScript (POST, then a redirect to the draft at the changed part); with htmx only
the draft's body is replaced, and a refused change shows its line beside its form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tracker.db import unit_of_work
from tracker.errors import NotFound, TrackerError
from tracker.i18n import IMPORTED_KIND, label
from tracker.models import ImportDraft, Organization
from tracker.services import drafts
from tracker.services.access import Principal
from tracker.web.auth import READERS_ONLY, STAFF, STAFF_ONLY
from tracker.web.context import WebContext, request_now, web_context
from tracker.web.failures import status_of
from tracker.web.pages import language, render

router = APIRouter()

UnitName = Annotated[str, Form(min_length=1, max_length=300)]
NewName = Annotated[str, Form(max_length=1000)]
PeriodText = Annotated[str | None, Form(max_length=1000)]
DateText = Annotated[str | None, Form(max_length=40)]
Dates = Annotated[Literal["as_given", "from_text"], Form()]
Units = Annotated[list[str] | None, Form()]
RuleText = Annotated[str, Form(max_length=2000)]
FiscalYear = Annotated[int | None, Form(ge=2400, le=2800)]


def _organization(session: Session, principal: Principal) -> Organization:
    organization = session.get(Organization, principal.organization_id)
    if organization is None:
        raise NotFound("your organization no longer exists", what="organization")
    return organization


# --- the list and the upload ----------------------------------------------------------------


@router.get("/imports", include_in_schema=False)
def imports_page(request: Request, principal: Principal = STAFF_ONLY) -> Response:
    """The upload form and the organization's drafts."""
    return _imports_page(request, principal)


def _imports_page(
    request: Request, principal: Principal, *, error: str | None = None, status_code: int = 200
) -> Response:
    with web_context(request).transaction() as session:
        organization = _organization(session, principal)
        rows = [
            {"draft": draft, "state": drafts.state_of(draft)}
            for draft in drafts.list_drafts(session, organization.id)
        ]
        return render(
            request,
            "imports/list.html",
            status_code=status_code,
            organization=organization,
            rows=rows,
            error=error,
            max_mb=web_context(request).settings.upload_max_mb,
            accept=",".join(drafts.UPLOAD_SUFFIXES),
        )


@router.post("/imports", include_in_schema=False)
def upload_plan(
    request: Request,
    file: Annotated[UploadFile, File()],
    fiscal_year: FiscalYear = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    """A draft from the uploaded file; a file refused (its kind, size or content) is said in
    one line above the upload form, and no draft is written."""
    context = web_context(request)
    data = file.file.read(context.upload_limit + 1)  # one byte over the limit is enough to say
    upload = drafts.Upload(file.filename or "", data)
    try:
        with context.transaction(write=True) as session:
            draft = drafts.create_draft(
                session,
                _organization(session, principal),
                upload,
                now=request_now(request),
                created_by=principal.label,
                max_bytes=context.upload_limit,
                fiscal_year=fiscal_year,
            )
            draft_id = draft.id
    except TrackerError as error:
        return _imports_page(request, principal, error=str(error), status_code=status_of(error))
    return RedirectResponse(f"/imports/{draft_id}", status_code=303)


# --- a draft ----------------------------------------------------------------------------------


@router.get("/imports/{draft_id}", include_in_schema=False)
def draft_page(
    request: Request, draft_id: int, saved: str | None = None, principal: Principal = READERS_ONLY
) -> Response:
    """The draft with its warnings in place, and what confirming would do."""
    return _draft_response(request, principal, draft_id, "imports/draft.html", saved)


def _draft_response(
    request: Request, principal: Principal, draft_id: int, template: str, saved: str | None
) -> Response:
    # Rolled back whatever happens: the preview runs the importer (tracker import --dry-run).
    # (WebContext.transaction has no dry run, so this one does not queue behind the SQLite
    # write lock that the app's writes take turns on.)
    context = web_context(request)
    with unit_of_work(context.factory, dry_run=True) as session:
        draft = drafts.get_draft(session, principal.organization_id, draft_id)
        review = drafts.review(draft)
        preview, preview_error = None, None
        if review.state == "open":
            preview, preview_error = drafts.preview_import(session, draft, now=request_now(request))
        return render(
            request,
            template,
            review=review,
            draft=draft,
            preview=preview,
            preview_error=preview_error,
            editable=review.state == "open" and principal.role in STAFF,
            saved=saved,
            imported_kind=lambda kind: label(IMPORTED_KIND, kind, language(request)),
        )


def _edit(
    request: Request,
    principal: Principal,
    draft_id: int,
    change: Callable[[Session, ImportDraft], object],
    place: str,
) -> Response:
    """Apply ``change`` to the locked draft in one transaction, then show the draft: the
    body alone for htmx, else a redirect to the changed part."""
    context: WebContext = web_context(request)
    with context.transaction(write=True) as session:
        draft = drafts.get_draft(session, principal.organization_id, draft_id, for_update=True)
        change(session, draft)
    if request.headers.get("hx-request"):
        return _draft_response(request, principal, draft_id, "imports/review.html", place)
    return RedirectResponse(f"/imports/{draft_id}?saved={place}#{place}", status_code=303)


@router.post("/imports/{draft_id}/units/rename", include_in_schema=False)
def rename_unit(
    request: Request,
    draft_id: int,
    unit: UnitName,
    name: NewName,
    principal: Principal = STAFF_ONLY,
) -> Response:
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.rename_unit(draft, unit, name),
        drafts.UNITS,
    )


@router.post("/imports/{draft_id}/units/merge", include_in_schema=False)
def merge_units(
    request: Request,
    draft_id: int,
    source: UnitName,
    target: UnitName,
    principal: Principal = STAFF_ONLY,
) -> Response:
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.merge_units(draft, source, target),
        drafts.UNITS,
    )


@router.post("/imports/{draft_id}/tasks/{position}/{number}/period", include_in_schema=False)
def set_period(
    request: Request,
    draft_id: int,
    position: int,
    number: int,
    period_text: PeriodText = None,
    start: DateText = None,
    end: DateText = None,
    dates: Dates = "as_given",
    principal: Principal = STAFF_ONLY,
) -> Response:
    """A task's period; ``dates=from_text`` reads the dates from the text instead."""
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.set_period(
            draft,
            position,
            number,
            text=period_text,
            start=start,
            end=end,
            read_dates=dates == "from_text",
        ),
        drafts.task_place(position, number),
    )


@router.post("/imports/{draft_id}/tasks/{position}/{number}/units", include_in_schema=False)
def set_task_units(
    request: Request,
    draft_id: int,
    position: int,
    number: int,
    units: Units = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.set_task_units(draft, position, number, units or []),
        drafts.task_place(position, number),
    )


@router.post("/imports/{draft_id}/series/{position}/rule", include_in_schema=False)
def set_meeting_rule(
    request: Request,
    draft_id: int,
    position: int,
    text: RuleText,
    principal: Principal = STAFF_ONLY,
) -> Response:
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.set_meeting_rule(draft, position, text),
        drafts.series_place(position),
    )


@router.post("/imports/{draft_id}/confirm", include_in_schema=False)
def confirm_draft(request: Request, draft_id: int, principal: Principal = STAFF_ONLY) -> Response:
    """Import the draft (one transaction: the plan, and the draft marked confirmed)."""
    now = request_now(request)
    return _edit(
        request,
        principal,
        draft_id,
        lambda session, draft: drafts.confirm_draft(
            session, draft, now=now, confirmed_by=principal.label
        ),
        "state",
    )


@router.post("/imports/{draft_id}/discard", include_in_schema=False)
def discard_draft(request: Request, draft_id: int, principal: Principal = STAFF_ONLY) -> Response:
    now = request_now(request)
    return _edit(
        request,
        principal,
        draft_id,
        lambda _session, draft: drafts.discard_draft(draft, now=now),
        "state",
    )
