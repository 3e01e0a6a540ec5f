"""Unit commands: units (list), add, rename, merge, alias, aliases, contact."""

from __future__ import annotations

from typing import Any

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.notify import CHANNELS

ORG_OPTION = click.option(
    "--org", "org_name", metavar="NAME", help="Organization (default: the only one)."
)


def register(cli: click.Group) -> None:
    cli.add_command(units_group)


@click.group("units", invoke_without_command=True)
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def units_group(ctx: click.Context, app: AppContext, org_name: str | None, as_json: bool) -> None:
    """List the responsible units (also: add, rename, merge, alias, aliases, contact).

    A unit is found by its name, its aliases, and the common abbreviations of Thai
    government ("กค." is กองคลัง, "กองสาธารณสุขฯ" กองสาธารณสุขและสิ่งแวดล้อม); see
    `tracker units aliases`.

    \b
    Example:
      tracker units --json
      tracker units merge "สำนักงานเลขาธิการ" "สำนักงานเลขานุการ"
      tracker units alias "กองคลัง" "งานการเงิน"
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.organizations import get_organization
    from tracker.services.units import list_units, task_counts
    from tracker.views import unit_row

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        counts = task_counts(session, organization)
        rows = [unit_row(u, counts.get(u.id, 0)) for u in list_units(session, organization)]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("หน่วยงานผู้รับผิดชอบ", "Responsible units"),
        ["ID", app.t("ชื่อ", "Name"), app.t("ชื่ออื่น", "Also known as"), app.t("ขั้นตอน", "Tasks")],
        [
            [
                str(r["id"]),
                r["name"] + (app.t(" (ทุกหน่วย)", " (every unit)") if r["all_units"] else ""),
                "\n".join(r["aliases"]),
                str(r["tasks"]),
            ]
            for r in rows
        ],
    )


@units_group.command("add")
@click.argument("name")
@click.option("--all-units", is_flag=True, help="The group meaning every unit of the organization.")
@ORG_OPTION
@pass_app
def add_command(app: AppContext, name: str, all_units: bool, org_name: str | None) -> None:
    """Add a unit.

    \b
    Example:
      tracker units add "กองพัสดุและทรัพย์สิน"
    """
    from tracker.services.organizations import get_organization
    from tracker.services.units import add_unit

    with app.transaction() as session:
        unit = add_unit(session, get_organization(session, org_name), name, all_units=all_units)
        click.echo(f"{app.t('เพิ่มหน่วยงาน', 'added unit')} {unit.id}: {unit.name}")


@units_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@ORG_OPTION
@pass_app
def rename_command(app: AppContext, name: str, new_name: str, org_name: str | None) -> None:
    """Rename a unit; the old name still finds it.

    \b
    Example:
      tracker units rename "กองคลัง" "สำนักการคลัง"
    """
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit, rename_unit

    with app.transaction() as session:
        unit = get_unit(session, get_organization(session, org_name), name)
        old = unit.name
        rename_unit(session, unit, new_name)
        click.echo(f"{old} -> {unit.name}")


@units_group.command("merge")
@click.argument("source")
@click.argument("target")
@ORG_OPTION
@pass_app
def merge_command(app: AppContext, source: str, target: str, org_name: str | None) -> None:
    """Merge unit SOURCE into TARGET: its tasks move, its name becomes an alias.

    \b
    Example:
      tracker units merge "สำนักงานเลขาธิการ อบจ." "สำนักงานเลขานุการ อบจ."
    """
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit, merge_units

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        source_unit = get_unit(session, organization, source)
        target_unit = get_unit(session, organization, target)
        name = source_unit.name
        moved = merge_units(
            session, source_unit, target_unit, actor="tracker units merge", now=app.now
        )
        click.echo(
            app.t(
                f"รวม {name} เข้ากับ {target_unit.name}: ย้าย {moved} ขั้นตอน",
                f"merged {name} into {target_unit.name}: {moved} tasks moved",
            )
        )


@units_group.command("alias")
@click.argument("name")
# Named new_name (shown as ALIAS): the argument is another name the unit goes by.
@click.argument("new_name", metavar="ALIAS")
@click.option("--remove", is_flag=True, help="Remove this alias instead.")
@ORG_OPTION
@pass_app
def alias_command(
    app: AppContext, name: str, new_name: str, remove: bool, org_name: str | None
) -> None:
    """Let unit NAME also be found as ALIAS (or --remove that alias).

    An alias that is already another unit's name or alias is refused. An alias wins over
    the common abbreviations: "กช." given to another unit no longer finds กองช่าง.
    Each change is written to the audit log of the unit's tasks.

    \b
    Example:
      tracker units alias "กองคลัง" "งานการเงินและบัญชี"
      tracker units alias "กองคลัง" "งานการเงินและบัญชี" --remove
    """
    from tracker.services.organizations import get_organization
    from tracker.services.units import UnitFinder, add_unit_alias, get_unit, remove_unit_alias

    actor = "tracker units alias"
    with app.transaction() as session:
        organization = get_organization(session, org_name)
        unit = get_unit(session, organization, name)
        if remove:
            removed = remove_unit_alias(session, unit, new_name, actor=actor, now=app.now)
            click.echo(
                app.t(f"{unit.name}: ลบชื่อเรียกอื่น {removed}", f"{unit.name}: removed alias {removed}")
            )
            return
        shadowed = UnitFinder(session, organization).found_by_rule(new_name)
        added = add_unit_alias(session, unit, new_name, actor=actor, now=app.now)
        click.echo(_alias_added(app, unit.name, new_name, added.name if added else None))
        if added is not None and shadowed is not None and shadowed is not unit:
            click.echo(
                app.t(
                    f"หมายเหตุ: {added.name} เคยหมายถึง {shadowed.name} (ตัวย่อทั่วไป) "
                    f"ต่อไปนี้หมายถึง {unit.name}",
                    f"note: {added.name} used to find {shadowed.name} (a common abbreviation); "
                    f"now it finds {unit.name}",
                )
            )


def _alias_added(app: AppContext, unit: str, asked: str, added: str | None) -> str:
    """The line saying what `tracker units alias` did: added, or already so (harmless)."""
    if added is not None:
        return app.t(f"{unit}: เพิ่มชื่อเรียกอื่น {added}", f"{unit}: added alias {added}")
    from tracker.textkey import tidy_name

    shown = tidy_name(asked)
    return app.t(
        f"{unit}: มีชื่อเรียก {shown} อยู่แล้ว ไม่มีการเปลี่ยนแปลง",
        f"{unit}: already goes by {shown}; nothing changed",
    )


@units_group.command("aliases")
@click.argument("name", required=False)
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def aliases_command(app: AppContext, name: str | None, org_name: str | None, as_json: bool) -> None:
    """List the names that find each unit (or unit NAME): aliases, common abbreviations.

    Its aliases are the organization's own names for it; the common abbreviations are
    those of Thai government that find it when no alias says otherwise ("กค." for กองคลัง).

    \b
    Example:
      tracker units aliases
      tracker units aliases "กค." --json
    """
    from tracker.services.organizations import get_organization
    from tracker.services.units import UnitFinder, get_unit, list_units

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        chosen = (
            [get_unit(session, organization, name)] if name else list_units(session, organization)
        )
        finder = UnitFinder(session, organization)
        rows: list[dict[str, Any]] = [
            {
                "id": unit.id,
                "name": unit.name,
                "aliases": [a.name for a in unit.aliases],
                "abbreviations": finder.common_abbreviations(unit),
            }
            for unit in chosen
        ]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("ชื่อเรียกของหน่วยงาน", "Names of the units"),
        [
            "ID",
            app.t("ชื่อ", "Name"),
            app.t("ชื่ออื่น", "Also known as"),
            app.t("ตัวย่อทั่วไป", "Common abbreviations"),
        ],
        [
            [str(r["id"]), r["name"], "\n".join(r["aliases"]), " ".join(r["abbreviations"])]
            for r in rows
        ],
    )


@units_group.command("contact")
@click.argument("name")
@click.argument("channel", type=click.Choice(CHANNELS))
@click.argument("address")
@click.option(
    "--role",
    type=click.Choice(["unit", "head"]),
    default="unit",
    show_default=True,
    help="unit: reminders and alerts; head: the weekly overdue digest.",
)
@click.option(
    "--fallback",
    is_flag=True,
    help="An e-mail contact used only when another channel refused a message for good "
    "(LINE's monthly quota).",
)
@click.option("--remove", is_flag=True, help="Remove this contact instead.")
@ORG_OPTION
@pass_app
def contact_command(
    app: AppContext,
    name: str,
    channel: str,
    address: str,
    role: str,
    fallback: bool,
    remove: bool,
    org_name: str | None,
) -> None:
    """Add (or --remove) where a unit is reached: a CHANNEL (one of the choices) and an ADDRESS.

    One address per contact, so each failed delivery belongs to one recipient.

    \b
    Example:
      tracker units contact "กองคลัง" email finance@example.go.th
      tracker units contact "กองคลัง" line U0123456789abcdef0123456789abcdef
      tracker units contact "กองคลัง" apprise "tgram://BOTTOKEN/CHATID"
      tracker units contact "กองคลัง" email director@example.go.th --role head
      tracker units contact "กองคลัง" email finance@example.go.th --fallback
    """
    from tracker.redact import mask_address
    from tracker.services.organizations import get_organization
    from tracker.services.units import add_contact, get_unit, remove_contact

    with app.transaction() as session:
        unit = get_unit(session, get_organization(session, org_name), name)
        if remove:
            remove_contact(session, unit, channel, address)
        else:
            add_contact(session, unit, channel, address, role=role, fallback=fallback)
        contacts = [
            f"{c.channel}: {mask_address(c.channel, c.address)} "
            f"({c.role}{app.t(', สำรอง', ', fallback') if c.fallback else ''})"
            for c in unit.contacts
        ]
        click.echo(
            f"{unit.name}: " + ("; ".join(contacts) or app.t("ไม่มีช่องทางติดต่อ", "no contacts"))
        )
