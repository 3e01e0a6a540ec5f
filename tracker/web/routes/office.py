"""The office's overview: every organization a provincial or national office oversees, at a
glance (``/office``, and ``/api/v1/office`` for scripts).

For the readers (admin, secretariat, viewer) of an organization that oversees others; a
unit's caller is refused by the rule (403). What an office sees is its subtree only
(tracker.services.offices): the organization of an agency that oversees none has no office
page, and an organization outside the caller's subtree asked for with ``?under=`` is
answered NotFound (404), as an unknown one is, so that another office's agencies stay
unknown. ``?under=ID`` shows the subtree of an office under the caller's (a province seen
from the national office).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound
from tracker.models import Organization
from tracker.services import offices
from tracker.services.access import Principal
from tracker.views_offices import overview_document
from tracker.web.api_models import CompletionOut, Day
from tracker.web.auth import READERS_ONLY
from tracker.web.context import request_now, web_context
from tracker.web.pages import render
from tracker.web.routes.api import BEARER, MAX_ID, errors, refuse_unknown_parameters

router = APIRouter()
api = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    dependencies=[Depends(BEARER), Depends(refuse_unknown_parameters)],
    responses=errors(401, 403, 422, 503),
)

PAGE_SIZE = 100  # organizations per page: a national office oversees thousands
Under = Annotated[
    int | None,
    Query(ge=1, le=MAX_ID, description="An office under the caller's, to see its subtree."),
]


def office_in_view(session: Session, principal: Principal, under: int | None) -> Organization:
    """The office whose subtree is shown: the caller's organization, or ``under`` when that is
    an office in the caller's subtree. Anything else is NotFound, never a refusal: an agency
    has no office page, and another office's organizations stay unknown."""
    own = principal.organization_id
    chosen = own if under is None else under
    if chosen != own and not offices.in_subtree(session, own, chosen):
        raise NotFound(f"no office with id {chosen}", what="office")
    office = session.get(Organization, chosen)
    if office is None or not offices.oversees(session, chosen):
        raise NotFound("this organization oversees no other: it has no office page", what="office")
    return office


def _number(value: str | None, name: str) -> int | None:
    """A positive whole number from the page's query (blank: none)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise InvalidInput(f"{name}: {value[:40]!r} is not a number of 1 or more", what=name)
    return int(text)


@router.get("/office", include_in_schema=False)
def office_page(
    request: Request,
    under: str | None = None,
    page: str | None = None,
    principal: Principal = READERS_ONLY,
) -> Response:
    """The office's subtree on today's date: the summary, then its organizations a page at a
    time, by name; an office among them links to its own subtree."""
    context = web_context(request)
    today = context.today(request_now(request))
    chosen, number = _number(under, "under"), _number(page, "page") or 1
    with context.transaction() as session:
        office = office_in_view(session, principal, chosen)
        found = offices.overview(session, today, office_id=office.id)
        rows = found.organizations
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        if number > pages:
            raise NotFound(f"no page {number}: there are {pages}", what="page")
        # The way back up, as far as the caller's own office (never above it).
        above = office.office if office.id != principal.organization_id else None
        return render(
            request,
            "office/page.html",
            office=office,
            above=above,
            overview=found,
            rows=rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
            office_ids={s.office_id for s in rows if s.office_id is not None},
            page=number,
            pages=pages,
            today=today,
        )


# --- the API --------------------------------------------------------------------------------


class SummaryOut(BaseModel):
    organizations: int = Field(description="Organizations in the view (the office included).")
    scored: int = Field(description="Of them, those with an ITA score.")
    pass_score: float = Field(description="The score an agency is to reach (85).")
    passing: int = Field(description="Organizations scoring pass_score or more.")
    share: float | None = Field(description="passing / scored (None when none is scored).")
    target_share: float = Field(description="The national target: this share of agencies.")
    target_met: bool


class OrganizationStateOut(BaseModel):
    id: int
    name: str
    office_id: int | None = Field(description="The office overseeing it.")
    plan_id: int | None = Field(description="Its current plan (None: no plan yet).")
    fiscal_year: int | None
    completion: CompletionOut
    overdue: int = Field(description="Open steps past their last day.")
    units_followed: int = Field(description="Units responsible for steps followed up.")
    units_not_updated: int = Field(description="Of them, units not updated since the meeting.")
    last_meeting: date | None = Field(description="The last meeting held before as_of.")
    score: float | None = Field(description="Its latest ITA score.")
    score_year: int | None = Field(description="The BE year of that assessment.")
    grade: str | None


class OfficeOverviewOut(BaseModel):
    as_of: date
    office_id: int | None
    office: str | None
    summary: SummaryOut
    organizations: list[OrganizationStateOut]


AsOf = Annotated[Day | None, Query(description="Judge overdue on this day (default today).")]


@api.get("/office", tags=["office"], responses=errors(404))
def office_overview(
    request: Request,
    under: Under = None,
    as_of: AsOf = None,
    principal: Principal = READERS_ONLY,
) -> OfficeOverviewOut:
    """Every organization of the caller's office subtree (or of ``under``'s, an office in
    it) with its completion, overdue steps, units not updated since the last meeting and
    latest ITA score, and the summary against the national target. 404 when the caller's
    organization oversees none (or ``under`` is not in its subtree)."""
    context = web_context(request)
    day = as_of or context.today(request_now(request))
    with context.transaction() as session:
        office = office_in_view(session, principal, under)
        document = overview_document(
            offices.overview(session, day, office_id=office.id), office.name
        )
    return OfficeOverviewOut.model_validate(document)
