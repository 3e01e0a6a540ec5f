"""Plans out and found: exporting a plan as a complete plan document, listing, choosing one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import Ambiguous, NotFound, NothingYet
from tracker.models import Measure, MeetingSeries, Plan, Task
from tracker.plandoc import SCHEMA_ID
from tracker.services.units import list_units
from tracker.views import assessment_document, measure_document, series_document, unit_document

# --- export ---------------------------------------------------------------------------------


def load_tree(session: Session, plan: Plan) -> None:
    """Load a plan's measures, tasks and their units in a few queries instead of one per task."""
    session.scalars(
        select(Plan)
        .where(Plan.id == plan.id)
        .options(
            selectinload(Plan.measures).selectinload(Measure.items),
            selectinload(Plan.measures)
            .selectinload(Measure.tasks)
            .options(selectinload(Task.units), selectinload(Task.series)),
        )
    ).one()


def export_plan(session: Session, plan: Plan) -> dict[str, Any]:
    """The plan as a complete plan document (every optional field written out)."""
    load_tree(session, plan)
    organization = plan.organization
    series = list(
        session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.organization_id == organization.id)
            .order_by(MeetingSeries.id)
        )
    )
    return {
        "schema": SCHEMA_ID,
        "organization": {"name": organization.name},
        "fiscal_year": plan.fiscal_year,
        "title": plan.title,
        "source": plan.source,
        "assessment": assessment_document(plan.assessment),
        "units": [unit_document(u) for u in list_units(session, organization)],
        "meeting_series": [series_document(s) for s in series],
        "measures": [measure_document(m) for m in plan.measures],
        "warnings": [dict(w) for w in plan.warnings],
    }


# --- finding plans --------------------------------------------------------------------------


def list_plans(session: Session) -> list[Plan]:
    """Every plan, oldest first."""
    return list(session.scalars(select(Plan).order_by(Plan.id)))


def get_plan(session: Session, plan_id: int | None) -> Plan:
    """The plan with ``plan_id``; with None, the only plan (an error if none or several)."""
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound(f"no plan with id {plan_id}", what="plan")
        return plan
    plans = list_plans(session)
    if not plans:
        raise NothingYet("no plan yet", what="plan")
    if len(plans) > 1:
        raise Ambiguous(
            f"there are {len(plans)} plans",
            what="plan",
            choices=[f"{p.id} ({p.organization.name} {p.fiscal_year})" for p in plans],
        )
    return plans[0]
