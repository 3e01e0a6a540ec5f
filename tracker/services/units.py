"""Units (ผู้รับผิดชอบ): lookup by any spelling, add, rename, merge, aliases, contacts.

What a person types finds a unit (get_unit) by its own name or one of its aliases first
(whitespace ignored), then by the rules of :mod:`tracker.unitnames`: the common abbreviations
("กค." is กองคลัง), a name cut short by ฯ, a trailing mention of the organization. A name is
taken (refused for another unit) only when it is another unit's own name or alias: an
organization's own alias may claim a common abbreviation for another unit, and then wins.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

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
from tracker.unitnames import BY_EXPANSION, BY_PREFIX, UnitMatcher


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


def find_unit(
    session: Session, organization: Organization, name: str, *, rules: bool = False
) -> Unit | None:
    """The unit called ``name`` (or once called it: aliases count), ignoring whitespace: the
    unit that holds that name. With ``rules``, a name no unit holds finds the one unit the
    rules of :mod:`tracker.unitnames` give ("กค." -> กองคลัง, "กองสาธารณสุขฯ" -> กองสาธารณสุข
    และสิ่งแวดล้อม).

    Without ``rules`` by default: the import indexes units by the names they hold, so it
    asks for the rules only where it also stores the name it matched (see tracker.services.
    plan_import); every command that looks a unit up by what a person typed uses get_unit.
    """
    key = lookup_key(name)
    unit = session.scalar(
        select(Unit).where(
            Unit.organization_id == organization.id,
            Unit.key == key,
            Unit.merged_into_id.is_(None),
        )
    )
    if unit is None:
        unit = session.scalar(
            select(Unit)
            .join(UnitAlias, UnitAlias.unit_id == Unit.id)
            .where(UnitAlias.organization_id == organization.id, UnitAlias.key == key)
        )
    if unit is None and rules:
        unit = UnitFinder(session, organization).find(name)
    return unit


class UnitFinder:
    """The organization's units, loaded once with their aliases, found by any name the
    rules of :mod:`tracker.unitnames` allow: for many lookups (an import) without a query
    each. Changes made to the units after it was built are not seen."""

    def __init__(self, session: Session, organization: Organization) -> None:
        units = session.scalars(
            select(Unit)
            .where(Unit.organization_id == organization.id, Unit.merged_into_id.is_(None))
            .options(selectinload(Unit.aliases))
            .order_by(Unit.id)
        ).all()
        self.units = {unit.name: unit for unit in units}
        self.matcher = UnitMatcher(
            [(unit.name, [alias.name for alias in unit.aliases]) for unit in units],
            organization=organization.name,
        )

    def find(self, name: str) -> Unit | None:
        """The unit ``name`` means, or None (tracker.unitnames.UnitMatcher's rules)."""
        found = self.matcher.match(name)
        return self.units[found] if found is not None else None

    def found_by_rule(self, name: str) -> Unit | None:
        """The unit ``name`` finds only through the rules (an abbreviation, a ฯ beginning),
        not as a unit's own name or alias; else None."""
        found = self.matcher.find(name)
        if found is None or found.rule not in (BY_EXPANSION, BY_PREFIX):
            return None
        return self.units[found.unit]

    def common_abbreviations(self, unit: Unit) -> list[str]:
        """The common abbreviations that find ``unit`` by the rules ("กค." for กองคลัง)."""
        return self.matcher.common_abbreviations().get(unit.name, [])


def get_unit(session: Session, organization: Organization, name: str) -> Unit:
    """:func:`find_unit` with the rules (a name, an alias, a common abbreviation, a name cut
    short by ฯ); an unknown name is a NotFound error naming the known units."""
    unit = find_unit(session, organization, name, rules=True)
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
    """Let ``unit`` also be found as ``name``; None (nothing added) when that is already
    its name or alias; Refused when it is another unit's. A name the rules would find
    ``unit`` by is still stored: it then finds it whatever the rules become."""
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


def add_unit_alias(
    session: Session, unit: Unit, name: str, *, actor: str, now: datetime
) -> UnitAlias | None:
    """:func:`add_alias`, audited: each task naming ``unit`` gets a "units" TaskEvent saying
    so (its units themselves do not change). None, and nothing logged, when ``name`` already
    is the unit's name or alias."""
    alias = add_alias(session, unit, name)
    if alias is not None:
        _log_unit_names(
            session, unit, f"unit {unit.name!r} also known as {alias.name!r}", actor, now
        )
    return alias


def remove_unit_alias(session: Session, unit: Unit, name: str, *, actor: str, now: datetime) -> str:
    """Forget one of ``unit``'s aliases (audited like :func:`add_unit_alias`); returns the
    alias as it was stored. Its own name, another unit's alias or an unknown name is
    refused, naming what ``name`` is."""
    key = lookup_key(name)
    alias = next((a for a in unit.aliases if a.key == key), None)
    if alias is None:
        raise Refused(_not_an_alias(session, unit, name))
    unit.aliases.remove(alias)
    session.flush()
    _log_unit_names(
        session, unit, f"unit {unit.name!r} no longer known as {alias.name!r}", actor, now
    )
    return alias.name


def _not_an_alias(session: Session, unit: Unit, name: str) -> str:
    if lookup_key(name) == unit.key:
        return f"{name!r} is the name of unit {unit.name!r}, not an alias (rename it instead)"
    holder = find_unit(session, unit.organization, name)
    if holder is not None and holder.key == lookup_key(name):
        return f"{name!r} is the name of unit {holder.name!r}, not an alias of {unit.name!r}"
    if holder is not None:
        return f"{name!r} is an alias of unit {holder.name!r}, not of {unit.name!r}"
    known = ", ".join(repr(a.name) for a in unit.aliases) or "none"
    return f"unit {unit.name!r} has no alias {name!r} (its aliases: {known})"


def _log_unit_names(session: Session, unit: Unit, note: str, actor: str, now: datetime) -> None:
    # The audit log is the tasks' (TaskEvent needs a task): a change of the names a unit is
    # found by is logged on every task it is named on, as a merge is. Its units stay as they
    # were, so "before" and "after" are the same; the note says what changed.
    tasks = session.scalars(
        select(Task).join(Task.units).where(Unit.id == unit.id).order_by(Task.id)
    )
    for task in tasks:
        names = _unit_names(task)
        session.add(
            TaskEvent(
                task=task, at=now, actor=actor, field="units", before=names, after=names, note=note
            )
        )
    session.flush()


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
