"""Units (ผู้รับผิดชอบ): lookup by any spelling, add, rename, merge, contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, Refused
from tracker.models import (
    Organization,
    Task,
    TaskEvent,
    Unit,
    UnitAlias,
    UnitContact,
    task_units,
)
from tracker.notify import FALLBACK_CHANNEL
from tracker.textkey import lookup_key


def list_units(session: Session, organization: Organization) -> list[Unit]:
    """The organization's units in the order they were added."""
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.organization_id == organization.id, Unit.merged_into_id.is_(None))
            .order_by(Unit.id)
        )
    )


def task_counts(session: Session, organization: Organization) -> dict[int, int]:
    """How many tasks each of the organization's units is named on (by unit id)."""
    rows = session.execute(
        select(task_units.c.unit_id, func.count())
        .join(Unit, Unit.id == task_units.c.unit_id)
        .where(Unit.organization_id == organization.id)
        .group_by(task_units.c.unit_id)
    ).all()
    return {int(unit_id): int(count) for unit_id, count in rows}


def find_unit(session: Session, organization: Organization, name: str) -> Unit | None:
    """The unit called ``name`` (or once called it: aliases count), ignoring whitespace."""
    key = lookup_key(name)
    unit = session.scalar(
        select(Unit).where(
            Unit.organization_id == organization.id,
            Unit.key == key,
            Unit.merged_into_id.is_(None),
        )
    )
    if unit is not None:
        return unit
    return session.scalar(
        select(Unit)
        .join(UnitAlias, UnitAlias.unit_id == Unit.id)
        .where(UnitAlias.organization_id == organization.id, UnitAlias.key == key)
    )


def get_unit(session: Session, organization: Organization, name: str) -> Unit:
    """Like :func:`find_unit`, but an unknown name is a NotFound error naming the known units."""
    unit = find_unit(session, organization, name)
    if unit is None:
        known = ", ".join(u.name for u in list_units(session, organization)) or "none"
        raise NotFound(f"no unit {name!r} in {organization.name} (units: {known})")
    return unit


def unit_name(name: str) -> str:
    """A unit's name as stored (tracker.inputs.clean_name), or InvalidInput saying why not."""
    from tracker.inputs import TextProblem, clean_name

    try:
        return clean_name(name)
    except TextProblem as problem:
        shown = name if len(name) <= 60 else name[:59] + "…"
        raise InvalidInput(f"unit name {shown!r} {problem}") from None


def _ensure_name_free(
    session: Session, organization: Organization, name: str, allowed: Unit | None = None
) -> None:
    holder = find_unit(session, organization, name)
    if holder is not None and holder is not allowed:
        raise Refused(f"the name {name!r} is already used by unit {holder.name!r}")


def add_unit(
    session: Session, organization: Organization, name: str, *, all_units: bool = False
) -> Unit:
    """Create a unit; a name (or alias) already in use is refused."""
    name = unit_name(name)
    _ensure_name_free(session, organization, name)
    unit = Unit(organization=organization, name=name, key=lookup_key(name), all_units=all_units)
    session.add(unit)
    session.flush()
    return unit


def add_alias(session: Session, unit: Unit, name: str) -> UnitAlias | None:
    """Let ``unit`` also be found as ``name``; no-op if that already finds it."""
    name = unit_name(name)
    holder = find_unit(session, unit.organization, name)
    if holder is unit:
        return None
    if holder is not None:
        raise Refused(f"the name {name!r} is already used by unit {holder.name!r}")
    alias = UnitAlias(
        organization_id=unit.organization_id, unit=unit, name=name, key=lookup_key(name)
    )
    session.add(alias)
    session.flush()
    return alias


def rename_unit(session: Session, unit: Unit, new_name: str) -> Unit:
    """Give ``unit`` a new display name; the old one stays findable as an alias."""
    new_name = unit_name(new_name)
    _ensure_name_free(session, unit.organization, new_name, allowed=unit)
    old_name = unit.name
    if lookup_key(new_name) == unit.key:
        unit.name = new_name  # only spacing changed: same key, no alias needed
        return unit
    # Drop an alias that is the new name (renaming back), then keep the old name findable.
    for alias in list(unit.aliases):
        if alias.key == lookup_key(new_name):
            unit.aliases.remove(alias)
    session.flush()
    unit.name, unit.key = new_name, lookup_key(new_name)
    session.flush()
    add_alias(session, unit, old_name)
    return unit


def merge_units(session: Session, source: Unit, target: Unit, *, actor: str, now: datetime) -> int:
    """Merge ``source`` into ``target``: its tasks move, its names become aliases of target.

    Each moved task gets a "units" TaskEvent. Returns the number of tasks moved.
    """
    if source is target:
        raise Refused(f"cannot merge unit {source.name!r} into itself")
    if source.organization_id != target.organization_id:
        raise Refused("units of different organizations cannot be merged")
    if source.all_units != target.all_units:
        raise Refused(
            f"cannot merge {source.name!r} into {target.name!r}: one is the every-unit group"
        )
    tasks = list(session.scalars(select(Task).join(Task.units).where(Unit.id == source.id)))
    for task in tasks:
        before = _unit_names(task)
        if target not in task.units:
            task.units.append(target)
        task.units.remove(source)
        session.add(
            TaskEvent(
                task=task,
                at=now,
                actor=actor,
                field="units",
                before=before,
                after=_unit_names(task),
                note=f"unit {source.name!r} merged into {target.name!r}",
            )
        )
        task.updated_at = now
    _move_names_and_contacts(session, source, target)
    return len(tasks)


def _move_names_and_contacts(session: Session, source: Unit, target: Unit) -> None:
    # The source row stays (past audit events name it as actor), marked merged so lookups
    # skip it, and its key is freed so its old name can become a name again; its names
    # become the target's aliases and its contacts the target's.
    source.merged_into = target
    source.key = f"#merged-{source.id}"
    for alias in list(source.aliases):
        alias.unit = target
    session.flush()
    add_alias(session, target, source.name)
    known = {(c.channel, c.address) for c in target.contacts}
    for contact in list(source.contacts):
        if (contact.channel, contact.address) in known:
            session.delete(contact)
        else:
            contact.unit = target
    session.flush()


def _unit_names(task: Task) -> str:
    return ", ".join(unit.name for unit in task.units)


CONTACT_ROLES = ("unit", "head")  # reminders and alerts; the weekly overdue digest


def add_contact(
    session: Session,
    unit: Unit,
    channel: str,
    address: str,
    *,
    role: str = "unit",
    fallback: bool = False,
) -> UnitContact:
    """Record where a unit is reached; an address its channel cannot deliver to is refused.
    A ``fallback`` contact (e-mail only) gets a message only when another channel refused it
    for good.

    The same (channel, address) twice is one contact, given the newest ``role`` and
    ``fallback``.
    """
    address = checked_address(channel, address)
    if role not in CONTACT_ROLES:
        raise InvalidInput(f"role {role!r} is not a contact role ({', '.join(CONTACT_ROLES)})")
    if fallback and channel != FALLBACK_CHANNEL:
        raise InvalidInput(
            f"only an {FALLBACK_CHANNEL} contact can be a fallback, not a {channel} one"
        )
    for contact in unit.contacts:
        if (contact.channel, contact.address) == (channel, address):
            contact.role, contact.fallback = role, fallback
            session.flush()
            return contact
    contact = UnitContact(channel=channel, address=address, role=role, fallback=fallback)
    unit.contacts.append(contact)
    session.flush()
    return contact


def remove_contact(session: Session, unit: Unit, channel: str, address: str) -> bool:
    """Forget one of a unit's contacts; False when it had none such."""
    address = address.strip()
    found = [c for c in unit.contacts if (c.channel, c.address) == (channel, address)]
    for contact in found:
        unit.contacts.remove(contact)
    session.flush()
    return bool(found)


def checked_address(channel: str, address: str) -> str:
    """The address as stored, or InvalidInput saying why the channel cannot use it."""
    from tracker.inputs import TextProblem
    from tracker.notify.addresses import check_address

    try:
        return check_address(channel, address)
    except TextProblem as problem:
        raise InvalidInput(f"{channel} address: {problem}") from None
