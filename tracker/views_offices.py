"""The shapes of the office overview on the way out (``tracker overview --all --json``, the
office page's API), beside :mod:`tracker.views`: plain dicts of plain values, ISO dates.

The figures and their rules are :mod:`tracker.services.offices`'; a completion has the API's
shape everywhere (``done`` of ``total`` steps, the mean ``percent``).
"""

from __future__ import annotations

from typing import Any

from tracker.services.offices import (
    PASS_SCORE,
    TARGET_SHARE,
    OrganizationEntry,
    OrganizationState,
    Overview,
    Summary,
)


def overview_document(found: Overview, office: str | None = None) -> dict[str, Any]:
    """The whole overview: when and whose (``office`` named, or every organization), the
    summary, and one row per organization."""
    return {
        "as_of": found.as_of.isoformat(),
        "office_id": found.office_id,
        "office": office,
        "summary": summary_row(found.summary),
        "organizations": [organization_state_row(s) for s in found.organizations],
    }


def summary_row(summary: Summary) -> dict[str, Any]:
    """How many organizations, how many scored, and the share at PASS_SCORE or more against
    the national target (``share`` None when none has a score)."""
    share = summary.share
    return {
        "organizations": summary.organizations,
        "scored": summary.scored,
        "pass_score": PASS_SCORE,
        "passing": summary.passing,
        "share": round(share, 4) if share is not None else None,
        "target_share": TARGET_SHARE,
        "target_met": summary.target_met,
    }


def organization_state_row(state: OrganizationState) -> dict[str, Any]:
    """One organization of the overview."""
    return {
        "id": state.id,
        "name": state.name,
        "office_id": state.office_id,
        "plan_id": state.plan_id,
        "fiscal_year": state.fiscal_year,
        "completion": {"done": state.done, "total": state.counted, "percent": state.percent},
        "overdue": state.overdue,
        "units_followed": state.units_followed,
        "units_not_updated": state.units_not_updated,
        "last_meeting": state.last_meeting.isoformat() if state.last_meeting else None,
        "score": state.score,
        "score_year": state.score_year,
        "grade": state.grade,
    }


def organization_row(entry: OrganizationEntry) -> dict[str, Any]:
    """An organization as ``tracker organizations --json`` lists it."""
    return {
        "id": entry.id,
        "name": entry.name,
        "office_id": entry.office_id,
        "office": entry.office,
        "oversees": entry.overseen,
    }
