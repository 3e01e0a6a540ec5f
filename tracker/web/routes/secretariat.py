"""The secretariat's pages: dashboard, meetings, tasks, units, series, outbox, audit log.

Admin and secretariat accounts read and change; a viewer (the executive) reads everything of
the organization and changes nothing. Every query is limited to the principal's organization:
another organization's task, unit, series or message is answered NotFound, as an unknown id
is. Every change is one call of a service in one transaction; after it the browser is sent
back (303) to the page it came from with ``?saved=1``. A refused change (TrackerError) is the
failure handler's page with its one line. The forms work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from schedules.followup import Neighbours
from schedules.workdays import ThaiCalendar
from tracker import views
from tracker.errors import InvalidInput, NotFound
from tracker.i18n import ATTEMPT_OUTCOME, OUTBOX_STATUS, TASK_FIELD, label
from tracker.inputs import TextProblem, clean_name
from tracker.models import (
    HolidayPolicy,
    MeetingSeries,
    Organization,
    OutboxStatus,
    Role,
    TaskStatus,
    Unit,
    UnitContact,
)
from tracker.notify import CHANNELS
from tracker.reports.progress import ProgressReport
from tracker.reports.progress import render as render_report
from tracker.services import access, audit, evidence, feeds, meetings, outbox, series, tasks, units
from tracker.services.access import Principal
from tracker.services.rollover import carried_from, carried_to
from tracker.services.units import CONTACT_ROLES
from tracker.web import dashboard as data
from tracker.web.auth import ADMIN_ONLY, READERS_ONLY, STAFF, STAFF_ONLY
from tracker.web.context import request_now, web_context
from tracker.web.pages import language, render

router = APIRouter()

PAST_MEETINGS_DAYS = 90
COMING_MEETINGS_DAYS = 120
OUTBOX_PAGE = 50
AUDIT_FILTERS = ("unit", "task", "who", "field", "from", "to")

Text = Annotated[str, Form(max_length=300)]
Address = Annotated[str, Form(max_length=2000)]
OptionalText = Annotated[str | None, Form(max_length=500)]
FormDate = Annotated[str, Form(max_length=10)]
LABEL_TABLES = {"outbox": OUTBOX_STATUS, "outcome": ATTEMPT_OUTCOME, "field": TASK_FIELD}


# --- shared parts ------------------------------------------------------------------------------


def _organization(session: Session, principal: Principal) -> Organization:
    organization = session.get(Organization, principal.organization_id)
    if organization is None:
        raise NotFound("this organization no longer exists", what="organization")
    return organization


def _calendar(request: Request) -> ThaiCalendar:
    """Thai public holidays, named in the page's language."""
    return ThaiCalendar(language="th" if language(request) == "th" else "en_US")


def _page(request: Request, template: str, principal: Principal, **values: Any) -> HTMLResponse:
    """A secretariat page: what every one of them is given besides its own values."""
    lang = language(request)
    return render(
        request,
        f"secretariat/{template}",
        can_change=principal.role in STAFF,
        saved=request.query_params.get("saved") == "1",
        label=lambda table, value: label(LABEL_TABLES[table], value, lang),
        moment=_moment,
        **values,
    )


def _moment(iso: str | None) -> datetime | None:
    """An ISO instant of a view row (``views.*_row``) as a datetime, for ``day()``."""
    return datetime.fromisoformat(iso) if iso else None


def _back(path: str, anchor: str = "") -> RedirectResponse:
    """Back to ``path`` after a change, with the "saved" flash."""
    return RedirectResponse(f"{path}?saved=1{'#' + anchor if anchor else ''}", status_code=303)


def _shown(value: str) -> str:
    """Input as an error message repeats it: cut to a readable length."""
    return repr(value if len(value) <= 40 else value[:39] + "…")


def _number(value: str | None, name: str) -> int | None:
    """A whole number from a query or form field; blank is none."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise InvalidInput(f"{name}: {_shown(value)} is not a number", what=name)
    return int(text)


def _page_number(value: str | None) -> int:
    """The page asked for (1 when none); 0 or less is InvalidInput."""
    number = _number(value, "page")
    if number is None:
        return 1
    if number < 1:
        raise InvalidInput(f"page must be 1 or more, not {number}", what="page")
    return number


def _day(value: str | None, name: str) -> date | None:
    """A date (YYYY-MM-DD, as a date field sends it) from a query or form field; blank is
    none."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{name}: {_shown(value)} is not a date (YYYY-MM-DD)", what=name
        ) from None


def _required_day(value: str, name: str) -> date:
    found = _day(value, name)
    if found is None:
        raise InvalidInput(f"{name}: give a date", what=name)
    return found


def _clock(value: str | None, name: str) -> time | None:
    """A time of day (HH:MM); blank is none."""
    if value is None or not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name}: {_shown(value)} is not a time (HH:MM)", what=name) from None


def _actor(principal: Principal) -> str:
    """Who the audit log says made a change from these pages."""
    return f"{principal.label} ({principal.role.value})"


# --- the dashboard -----------------------------------------------------------------------------


@router.get("/dashboard", include_in_schema=False)
def dashboard_page(
    request: Request, plan: str | None = None, principal: Principal = READERS_ONLY
) -> Response:
    context = web_context(request)
    today = context.today(request_now(request))
    with context.transaction() as session:
        organization = _organization(session, principal)
        board = data.dashboard(
            session,
            organization,
            today,
            plan_id=_number(plan, "plan"),
            calendar=_calendar(request),
        )
        return _page(request, "dashboard.html", principal, organization=organization, board=board)


# --- meetings --------------------------------------------------------------------------------


@router.get("/meetings", include_in_schema=False)
def meetings_page(request: Request, principal: Principal = READERS_ONLY) -> Response:
    """Each series' meetings of the last PAST_MEETINGS_DAYS days and the next
    COMING_MEETINGS_DAYS, cancelled ones marked."""
    context = web_context(request)
    today = context.today(request_now(request))
    calendar = _calendar(request)
    with context.transaction() as session:
        organization = _organization(session, principal)
        groups = []
        for each in meetings.organization_series(session, organization):
            found = meetings.series_meetings(
                each,
                today - timedelta(days=PAST_MEETINGS_DAYS),
                today + timedelta(days=COMING_MEETINGS_DAYS),
                calendar=calendar,
            )
            past = [m for m in found if m.date < today]
            coming = [m for m in found if m.date >= today]
            groups.append({"series": each, "past": list(reversed(past)), "coming": coming})
        return _page(request, "meetings.html", principal, groups=groups, today=today)


def _meeting_report(
    session: Session, principal: Principal, series_id: int, day: date, lang: str
) -> tuple[MeetingSeries, Neighbours, ProgressReport]:
    """(series, the meeting's neighbours, its progress report), built as `tracker report
    --meeting` builds it; NotFound when the series is not the organization's or holds no
    meeting that day."""
    found = data.owned_series(session, principal.organization_id, series_id)
    around = meetings.meeting_neighbours(found, day)
    report = meetings.progress_report(session, found, day, lang=lang)
    return found, around, report


@router.get("/meetings/{series_id}/{day}", include_in_schema=False)
def meeting_page(
    request: Request, series_id: int, day: date, principal: Principal = READERS_ONLY
) -> Response:
    """A meeting with its progress report, each task linked to its page."""
    with web_context(request).transaction() as session:
        found, around, report = _meeting_report(
            session, principal, series_id, day, language(request)
        )
        return _page(
            request,
            "meeting.html",
            principal,
            series=found,
            around=around,
            report=report,
            meeting_day=day,
        )


@router.get("/meetings/{series_id}/{day}/report.pdf", include_in_schema=False)
def meeting_report_pdf(
    request: Request, series_id: int, day: date, principal: Principal = READERS_ONLY
) -> Response:
    """The progress report as the PDF the secretariat's e-mail carries (A4, to print)."""
    from tracker.reports.formats import file_name, write
    from tracker.reports.progress_document import progress_document

    lang = language(request)
    with web_context(request).transaction() as session:
        report = _meeting_report(session, principal, series_id, day, lang)[2]
    document = progress_document(report, lang)
    data = write(document, "pdf", web_context(request).settings.printing())
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{file_name(document, "pdf")}"'},
    )


@router.get("/meetings/{series_id}/{day}/report.html", include_in_schema=False)
def meeting_report(
    request: Request, series_id: int, day: date, principal: Principal = READERS_ONLY
) -> Response:
    """The progress report in its HTML form: the one the secretariat is sent, to print."""
    lang = language(request)
    with web_context(request).transaction() as session:
        report = _meeting_report(session, principal, series_id, day, lang)[2]
    return HTMLResponse(render_report(report, "html", lang))


# --- tasks -------------------------------------------------------------------------------------


@router.get("/tasks", include_in_schema=False)
def tasks_page(
    request: Request,
    unit: str | None = None,
    status: str | None = None,
    overdue: str | None = None,
    plan: str | None = None,
    principal: Principal = READERS_ONLY,
) -> Response:
    """Every task of the organization, filtered as `tracker tasks` filters: ``unit`` (id),
    ``status``, ``overdue=1``, ``plan`` (id)."""
    context = web_context(request)
    today = context.today(request_now(request))
    wanted_status = status or None
    if wanted_status is not None and wanted_status not in {s.value for s in TaskStatus}:
        known = ", ".join(s.value for s in TaskStatus)
        raise InvalidInput(f"status {_shown(wanted_status)} is not one of {known}", what="status")
    with context.transaction() as session:
        organization = _organization(session, principal)
        unit_id, plan_id = _number(unit, "unit"), _number(plan, "plan")
        chosen_unit = (
            None if unit_id is None else data.owned_unit(session, organization.id, unit_id)
        )
        chosen_plan = (
            None if plan_id is None else data.chosen_plan(session, organization.id, plan_id)
        )
        found = data.organization_tasks(
            session,
            organization.id,
            today,
            plan=chosen_plan,
            unit=chosen_unit,
            status=wanted_status,
            overdue=overdue == "1",
        )
        return _page(
            request,
            "tasks.html",
            principal,
            tasks=found,
            today=today,
            units=units.list_units(session, organization),
            plans=data.organization_plans(session, organization.id),
            statuses=[s.value for s in TaskStatus],
            chosen={
                "unit": unit_id,
                "status": wanted_status,
                "overdue": overdue == "1",
                "plan": plan_id,
            },
        )


@router.get("/tasks/{task_id}", include_in_schema=False)
def task_page(request: Request, task_id: int, principal: Principal = READERS_ONLY) -> Response:
    """One task with its whole history (updates, evidence links, uploaded files)."""
    context = web_context(request)
    today = context.today(request_now(request))
    with context.transaction() as session:
        task = data.owned_task(session, principal.organization_id, task_id)
        events = tasks.history(session, task)
        return _page(
            request,
            "task.html",
            principal,
            task=task,
            today=today,
            updates=list(reversed(views.update_rows(events))),
            evidence=list(reversed(views.evidence_rows(events))),
            files=evidence.task_evidence(session, task),
            carried_from=carried_from(session, task)[:1],  # last year's step, if carried
            carried_to=carried_to(session, task),
        )


# --- units -------------------------------------------------------------------------------------


@router.get("/units", include_in_schema=False)
def units_page(request: Request, principal: Principal = READERS_ONLY) -> Response:
    """The units with their names, contacts (masked), task counts and link states."""
    context = web_context(request)
    now = request_now(request)
    with context.transaction() as session:
        organization = _organization(session, principal)
        found = units.list_units(session, organization)
        counts = units.task_counts(session, organization)
        links = data.link_states(session, organization.id, now)
        rows = [_unit_row(unit, found, counts, links) for unit in found]
        return _page(
            request,
            "units.html",
            principal,
            rows=rows,
            channels=CHANNELS,
            roles=CONTACT_ROLES,
            link_days=context.settings.link_days,
        )


def _unit_row(
    unit: Unit, found: list[Unit], counts: dict[int, int], links: dict[int, data.LinkState]
) -> dict[str, Any]:
    """A unit as its card shows it: the view's row (contacts masked) beside each contact's
    id for its remove button, its link's state, and the units it may be merged into."""
    row = views.unit_row(unit, counts.get(unit.id, 0))
    return {
        "unit": unit,
        "row": row,
        "contacts": list(zip(unit.contacts, row["contacts"], strict=True)),
        "link": links.get(unit.id),
        "merge_targets": [u for u in found if u is not unit and u.all_units == unit.all_units],
    }


def _unit_change(
    request: Request, principal: Principal, unit_id: int, change: Callable[[Session, Any], None]
) -> Response:
    """Apply ``change`` to the organization's unit in one transaction, then back to /units."""
    with web_context(request).transaction() as session:
        unit = data.owned_unit(session, principal.organization_id, unit_id)
        change(session, unit)
    return _back("/units", f"unit-{unit_id}")


@router.post("/units/{unit_id}/contacts", include_in_schema=False)
def add_contact(
    request: Request,
    unit_id: int,
    channel: Text,
    address: Address,
    role: Annotated[str, Form(max_length=20)] = "unit",
    fallback: Annotated[bool, Form()] = False,
    principal: Principal = STAFF_ONLY,
) -> Response:
    def change(session: Session, unit: Any) -> None:
        units.add_contact(session, unit, channel, address, role=role, fallback=fallback)

    return _unit_change(request, principal, unit_id, change)


@router.post("/units/{unit_id}/contacts/{contact_id}/remove", include_in_schema=False)
def remove_contact(
    request: Request, unit_id: int, contact_id: int, principal: Principal = STAFF_ONLY
) -> Response:
    """Forget one contact, named by its id: the page shows addresses masked, so the address
    itself never makes the round trip."""

    def change(session: Session, unit: Any) -> None:
        contact = session.get(UnitContact, contact_id)
        if contact is None or contact.unit_id != unit.id:
            raise NotFound(f"unit {unit.name!r} has no contact {contact_id}", what="contact")
        units.remove_contact(session, unit, contact.channel, contact.address)

    return _unit_change(request, principal, unit_id, change)


@router.post("/units/{unit_id}/rename", include_in_schema=False)
def rename_unit(
    request: Request, unit_id: int, name: Text, principal: Principal = STAFF_ONLY
) -> Response:
    def change(session: Session, unit: Any) -> None:
        units.rename_unit(session, unit, name)

    return _unit_change(request, principal, unit_id, change)


@router.post("/units/{unit_id}/merge", include_in_schema=False)
def merge_unit(
    request: Request,
    unit_id: int,
    into: Annotated[int, Form()],
    principal: Principal = STAFF_ONLY,
) -> Response:
    """Merge the unit into ``into`` (a unit id): its tasks, names and contacts move there."""
    now = request_now(request)
    with web_context(request).transaction() as session:
        source = data.owned_unit(session, principal.organization_id, unit_id)
        target = data.owned_unit(session, principal.organization_id, into)
        units.merge_units(session, source, target, actor=_actor(principal), now=now)
    return _back("/units", f"unit-{into}")


@router.post("/units/{unit_id}/link", include_in_schema=False)
def unit_link(request: Request, unit_id: int, principal: Principal = STAFF_ONLY) -> Response:
    """The unit's link, renewed (a new one when it has none usable), shown on this page
    only: it is the unit's key, so the page is not kept by the browser."""
    context = web_context(request)
    now = request_now(request)
    with context.transaction() as session:
        unit = data.owned_unit(session, principal.organization_id, unit_id)
        link, secret = access.current_unit_link(
            session, context.secret_key, unit, now, days=context.settings.link_days
        )
        name, expires = unit.name, link.expires_at
    path = access.unit_link_path(secret)
    response = _page(
        request,
        "link.html",
        principal,
        unit_name=name,
        unit_id=unit_id,
        url=context.settings.public_link(path) or path,
        full=context.settings.public_link(path) is not None,
        expires=expires,
    )
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/units/{unit_id}/link/revoke", include_in_schema=False)
def revoke_unit_link(request: Request, unit_id: int, principal: Principal = STAFF_ONLY) -> Response:
    """Revoke every link of the unit: the pages they opened close too."""
    now = request_now(request)

    def change(session: Session, unit: Any) -> None:
        access.revoke_unit_links(session, unit, now)

    return _unit_change(request, principal, unit_id, change)


# --- meeting series ------------------------------------------------------------------------------


@router.get("/series", include_in_schema=False)
def series_page(request: Request, principal: Principal = READERS_ONLY) -> Response:
    """Each series with its timing, report recipients (masked) and changed meetings."""
    context = web_context(request)
    with context.transaction() as session:
        organization = _organization(session, principal)
        rows = []
        for each in meetings.organization_series(session, organization):
            row = views.series_row(each)
            recipients = list(zip(each.recipients, row["recipients"], strict=True))
            rows.append({"series": each, "row": row, "recipients": recipients})
        return _page(
            request,
            "series.html",
            principal,
            rows=rows,
            channels=CHANNELS,
            policies=[p.value for p in HolidayPolicy],
            max_days=series.MAX_LEAD_DAYS,
        )


def _series_change(
    request: Request, principal: Principal, series_id: int, change: Callable[[Session, Any], None]
) -> Response:
    """Apply ``change`` to the organization's series in one transaction, then back."""
    with web_context(request).transaction() as session:
        found = data.owned_series(session, principal.organization_id, series_id)
        change(session, found)
    return _back("/series", f"series-{series_id}")


@router.post("/series/{series_id}/timing", include_in_schema=False)
def set_timing(
    request: Request,
    series_id: int,
    reminder_days: Annotated[str | None, Form(max_length=3)] = None,
    reminder_time: Annotated[str | None, Form(max_length=8)] = None,
    report_days: Annotated[str | None, Form(max_length=3)] = None,
    report_time: Annotated[str | None, Form(max_length=8)] = None,
    holiday_policy: Annotated[str | None, Form(max_length=10)] = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    """Change when the series' reminders and report go out (blank fields stay as they are);
    the series is planned again."""
    days = _number(reminder_days, "reminder days"), _number(report_days, "report days")
    times = _clock(reminder_time, "reminder time"), _clock(report_time, "report time")

    def change(_session: Session, found: Any) -> None:
        series.set_timing(
            found,
            reminder_days=days[0],
            reminder_time=times[0],
            report_days=days[1],
            report_time=times[1],
            holiday_policy=holiday_policy or None,
        )

    return _series_change(request, principal, series_id, change)


@router.post("/series/{series_id}/recipients", include_in_schema=False)
def add_recipient(
    request: Request,
    series_id: int,
    channel: Text,
    address: Address,
    name: OptionalText = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    shown_name = _recipient_name(name)

    def change(session: Session, found: Any) -> None:
        series.add_recipient(session, found, channel, address, name=shown_name)

    return _series_change(request, principal, series_id, change)


def _recipient_name(name: str | None) -> str | None:
    """The recipient's name as stored (a clean name), None when blank."""
    if name is None or not name.strip():
        return None
    try:
        return clean_name(name)
    except TextProblem as problem:
        raise InvalidInput(f"the recipient's name {problem}", what="name") from None


@router.post("/series/{series_id}/recipients/{recipient_id}/remove", include_in_schema=False)
def remove_recipient(
    request: Request, series_id: int, recipient_id: int, principal: Principal = STAFF_ONLY
) -> Response:
    """Stop sending the report to one recipient, named by its id (addresses are shown
    masked)."""

    def change(session: Session, found: Any) -> None:
        chosen = [r for r in found.recipients if r.id == recipient_id]
        if not chosen:
            raise NotFound(f"{found.name} has no recipient {recipient_id}", what="recipient")
        series.remove_recipient(session, found, chosen[0].channel, chosen[0].address)

    return _series_change(request, principal, series_id, change)


@router.post("/series/{series_id}/meetings/cancel", include_in_schema=False)
def cancel_meeting(
    request: Request,
    series_id: int,
    day: FormDate,
    note: OptionalText = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    """Call off the meeting the rule gives on ``day``."""
    rule_date = _required_day(day, "date")

    def change(session: Session, found: Any) -> None:
        meetings.cancel_meeting(session, found, rule_date, note=note)

    return _series_change(request, principal, series_id, change)


@router.post("/series/{series_id}/meetings/move", include_in_schema=False)
def move_meeting(
    request: Request,
    series_id: int,
    day: FormDate,
    to: FormDate,
    note: OptionalText = None,
    principal: Principal = STAFF_ONLY,
) -> Response:
    """Hold the meeting the rule gives on ``day`` on ``to`` instead."""
    rule_date, new_date = _required_day(day, "date"), _required_day(to, "moved to")

    def change(session: Session, found: Any) -> None:
        meetings.move_meeting(session, found, rule_date, new_date, note=note)

    return _series_change(request, principal, series_id, change)


@router.post("/series/{series_id}/meetings/restore", include_in_schema=False)
def restore_meeting(
    request: Request, series_id: int, day: FormDate, principal: Principal = STAFF_ONLY
) -> Response:
    """Undo the change of the meeting of ``day``: held as the rule says again."""
    rule_date = _required_day(day, "date")

    def change(session: Session, found: Any) -> None:
        if not meetings.restore_meeting(session, found, rule_date):
            raise NotFound(f"{found.name} has no change on {rule_date.isoformat()}", what="meeting")

    return _series_change(request, principal, series_id, change)


# --- calendar feeds ------------------------------------------------------------------------------


def _feed_page(
    request: Request, principal: Principal, *, series_id: int | None, unit_id: int | None
) -> Response:
    """The ICS feed address of the series or the unit (made the first time), shown on a
    page of its own: whoever has it reads the calendar, so the page is not kept."""
    context = web_context(request)
    now = request_now(request)
    with context.transaction() as session:
        organization = _organization(session, principal)
        if series_id is not None:
            of_series = data.owned_series(session, organization.id, series_id)
            name, base, anchor = (
                of_series.name,
                f"/series/{series_id}",
                f"/series#series-{series_id}",
            )
            secret = feeds.feed_secret(
                session, context.secret_key, organization, series=of_series, now=now
            )
        else:
            assert unit_id is not None
            of_unit = data.owned_unit(session, organization.id, unit_id)
            name, base, anchor = of_unit.name, f"/units/{unit_id}", f"/units#unit-{unit_id}"
            secret = feeds.feed_secret(
                session, context.secret_key, organization, unit=of_unit, now=now
            )
    path = feeds.feed_path(secret)
    response = _page(
        request,
        "feed.html",
        principal,
        owner_name=name,
        url=context.settings.public_link(path) or path,
        full=context.settings.public_link(path) is not None,
        back=anchor,
        revoke_action=f"{base}/feed/revoke",
    )
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/series/{series_id}/feed", include_in_schema=False)
def series_feed(request: Request, series_id: int, principal: Principal = STAFF_ONLY) -> Response:
    return _feed_page(request, principal, series_id=series_id, unit_id=None)


@router.post("/units/{unit_id}/feed", include_in_schema=False)
def unit_feed(request: Request, unit_id: int, principal: Principal = STAFF_ONLY) -> Response:
    return _feed_page(request, principal, series_id=None, unit_id=unit_id)


@router.post("/series/{series_id}/feed/revoke", include_in_schema=False)
def revoke_series_feed(
    request: Request, series_id: int, principal: Principal = STAFF_ONLY
) -> Response:
    """Revoke the series' feed: its address answers 404 from now on."""
    now = request_now(request)

    def change(session: Session, found: Any) -> None:
        feeds.revoke_feeds(session, _organization(session, principal), series=found, now=now)

    return _series_change(request, principal, series_id, change)


@router.post("/units/{unit_id}/feed/revoke", include_in_schema=False)
def revoke_unit_feed(request: Request, unit_id: int, principal: Principal = STAFF_ONLY) -> Response:
    """Revoke the unit's feed: its address answers 404 from now on."""
    now = request_now(request)

    def change(session: Session, unit: Any) -> None:
        feeds.revoke_feeds(session, unit.organization, unit=unit, now=now)

    return _unit_change(request, principal, unit_id, change)


# --- the outbox --------------------------------------------------------------------------------


@router.get("/outbox", include_in_schema=False)
def outbox_page(
    request: Request,
    status: str | None = None,
    page: str | None = None,
    principal: Principal = READERS_ONLY,
) -> Response:
    """The organization's messages, newest first, OUTBOX_PAGE a page (addresses masked)."""
    wanted = status or None
    number = _page_number(page)
    with web_context(request).transaction() as session:
        found = data.organization_outbox(
            session, principal.organization_id, status=wanted, page=number, page_size=OUTBOX_PAGE
        )
        rows = [views.outbox_row(m) for m in found.messages]
        return _page(
            request,
            "outbox.html",
            principal,
            rows=rows,
            found=found,
            status=wanted,
            statuses=[s.value for s in OutboxStatus],
            is_admin=principal.role is Role.ADMIN,
            page_link=lambda n: "/outbox?" + urlencode({"status": wanted or "", "page": n}),
        )


@router.get("/outbox/{message_id}", include_in_schema=False)
def message_page(
    request: Request, message_id: int, principal: Principal = READERS_ONLY
) -> Response:
    """One message with its text and every attempt at sending it."""
    with web_context(request).transaction() as session:
        data.require_own_message(session, principal.organization_id, message_id)
        detail = views.outbox_detail(*outbox.message_with_attempts(session, message_id))
        return _page(
            request,
            "message.html",
            principal,
            message=detail,
            is_admin=principal.role is Role.ADMIN,
            retryable=detail["status"] in {s.value for s in outbox.RETRYABLE},
        )


@router.post("/outbox/{message_id}/retry", include_in_schema=False)
def retry_message(request: Request, message_id: int, principal: Principal = ADMIN_ONLY) -> Response:
    """Queue a failed or missed message again (sent at the next dispatch, same key)."""
    now = request_now(request)
    with web_context(request).transaction() as session:
        data.require_own_message(session, principal.organization_id, message_id)
        outbox.retry(session, message_id, now)
    return _back(f"/outbox/{message_id}")


@router.post("/outbox/retry", include_in_schema=False)
def retry_messages(
    request: Request,
    status: Annotated[str, Form(max_length=20)] = OutboxStatus.FAILED.value,
    principal: Principal = ADMIN_ONLY,
) -> Response:
    """Queue every failed (or, with ``status=missed``, missed) message of the organization
    again, in one transaction."""
    now = request_now(request)
    if data.outbox_status(status) not in outbox.RETRYABLE:
        raise InvalidInput(f"only failed or missed messages can be retried, not {status}")
    with web_context(request).transaction() as session:
        for message_id in data.retryable_messages(session, principal.organization_id, status):
            outbox.retry(session, message_id, now)
    return _back("/outbox")


# --- the audit log -------------------------------------------------------------------------------


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request, page: str | None = None, principal: Principal = READERS_ONLY
) -> Response:
    """The audit log, newest first, 50 a page, filtered by the query's ``unit`` (an id: what
    that unit did), ``task`` (an id), ``who`` (text of the actor), ``field``, and the local
    days ``from`` and ``to`` (both included)."""
    filters = {name: request.query_params.get(name, "")[:300] for name in AUDIT_FILTERS}
    context = web_context(request)
    with context.transaction() as session:
        organization = _organization(session, principal)
        unit_id = _number(filters["unit"], "unit")
        if unit_id is not None:
            _owned_or_merged_unit(session, organization.id, unit_id)
        query = audit.AuditQuery(
            organization_id=organization.id,
            unit_id=unit_id,
            task_id=_number(filters["task"], "task"),
            actor=filters["who"] or None,
            field=filters["field"] or None,
            start=_day(filters["from"], "from"),
            end=_day(filters["to"], "to"),
            page=_page_number(page),
            zone=context.settings.timezone,
        )
        found = audit.audit_page(session, query)
        return _page(
            request,
            "audit.html",
            principal,
            found=found,
            filters=filters,
            units=units.list_units(session, organization),
            fields=audit.logged_fields(session, organization.id),
            page_link=lambda n: "/audit?" + urlencode({**filters, "page": n}),
        )


def _owned_or_merged_unit(session: Session, organization_id: int, unit_id: int) -> None:
    """The audit log may be asked about a unit merged away since: it made events too."""
    found = session.get(Unit, unit_id)
    if found is None or found.organization_id != organization_id:
        raise NotFound(f"no unit with id {unit_id}", what="unit")
