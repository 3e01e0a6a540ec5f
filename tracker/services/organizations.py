"""Organizations: finding the one a command is about."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import Ambiguous, NotFound, NothingYet
from tracker.models import Organization
from tracker.textkey import lookup_key


def get_organization(session: Session, name: str | None) -> Organization:
    """The organization called ``name``; with None, the only one (an error if none or several)."""
    if name is not None:
        organization = session.scalar(
            select(Organization).where(Organization.key == lookup_key(name))
        )
        if organization is None:
            raise NotFound(f"no organization {name!r}", what="organization")
        return organization
    organizations = list(session.scalars(select(Organization).order_by(Organization.id)))
    if not organizations:
        raise NothingYet("no organization yet", what="organization")
    if len(organizations) > 1:
        raise Ambiguous(
            "there are several organizations",
            what="organization",
            choices=[repr(o.name) for o in organizations],
        )
    return organizations[0]
