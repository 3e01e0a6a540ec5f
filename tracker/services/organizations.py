"""Organizations: finding the one a command is about."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import NotFound
from tracker.models import Organization
from tracker.textkey import lookup_key


def get_organization(session: Session, name: str | None) -> Organization:
    """The organization called ``name``; with None, the only one (an error if none or several)."""
    if name is not None:
        organization = session.scalar(
            select(Organization).where(Organization.key == lookup_key(name))
        )
        if organization is None:
            raise NotFound(f"no organization {name!r} (see `tracker plans`)")
        return organization
    organizations = list(session.scalars(select(Organization).order_by(Organization.id)))
    if not organizations:
        raise NotFound("no organization yet: import a plan with `tracker import FILE`")
    if len(organizations) > 1:
        names = ", ".join(repr(o.name) for o in organizations)
        raise NotFound(f"there are several organizations; choose one with --org: {names}")
    return organizations[0]
