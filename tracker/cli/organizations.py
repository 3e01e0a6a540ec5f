"""Organization commands: organizations (list), and office (which office oversees one)."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_lines, print_table


def register(cli: click.Group) -> None:
    cli.add_command(organizations_group)


@click.group("organizations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def organizations_group(ctx: click.Context, app: AppContext, as_json: bool) -> None:
    """List the organizations with the office overseeing each (also: office).

    A provincial or national office is an organization too; `tracker organizations office`
    says which office oversees an organization, and `tracker overview --all` shows them all.

    \b
    Example:
      tracker organizations --json
      tracker organizations office "เทศบาลตำบลตัวอย่าง" --office "สำนักงานจังหวัดแพร่"
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.offices import list_organizations
    from tracker.views_offices import organization_row

    with app.transaction() as session:
        rows = [organization_row(entry) for entry in list_organizations(session)]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("หน่วยงาน", "Organizations"),
        [
            "ID",
            app.t("ชื่อ", "Name"),
            app.t("สำนักงานที่กำกับดูแล", "Overseen by"),
            app.t("กำกับดูแล", "Oversees"),
        ],
        [[str(r["id"]), r["name"], r["office"] or "-", str(r["oversees"] or "")] for r in rows],
    )


@organizations_group.command("office")
@click.argument("name", metavar="ORG")
@click.option("--office", "office_name", metavar="OFFICE", help="The office that oversees it.")
@click.option("--none", "no_office", is_flag=True, help="No office oversees it any more.")
@pass_app
def office_command(app: AppContext, name: str, office_name: str | None, no_office: bool) -> None:
    """Say which office oversees an organization (a provincial office, the national one).

    An office sees every organization under it, at any depth, on its overview; an
    organization cannot be overseen by one it oversees.

    \b
    Example:
      tracker organizations office "เทศบาลตำบลตัวอย่าง" --office "สำนักงานจังหวัดแพร่"
      tracker organizations office "สำนักงานจังหวัดแพร่" --office "สำนักงานส่วนกลาง"
      tracker organizations office "เทศบาลตำบลตัวอย่าง" --none
    """
    from tracker.services.offices import set_office
    from tracker.services.organizations import get_organization

    if (office_name is None) == (not no_office):
        raise click.UsageError("give the office with --office OFFICE, or --none: one of them")
    with app.transaction() as session:
        found = get_organization(session, name)
        office = get_organization(session, office_name) if office_name is not None else None
        set_office(session, found, office)
        names = (found.name, office.name if office else None)
    if names[1] is None:
        print_lines([app.t(f"{names[0]}: ไม่มีสำนักงานกำกับดูแล", f"{names[0]}: no office")])
    else:
        print_lines(
            [app.t(f"{names[0]}: กำกับดูแลโดย {names[1]}", f"{names[0]}: overseen by {names[1]}")]
        )
