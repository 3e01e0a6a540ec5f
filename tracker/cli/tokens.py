"""API token commands: `tracker tokens` (list), add, revoke.

A token is what a script or another system sends to /api/v1 (``Authorization: Bearer
tk_...``): it acts with its role in its organization and, for a unit's token, as that unit.
Its secret is printed once, by `tokens add`, and stored only as its hash: a lost token is
revoked and replaced, never shown again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.params import ID
from tracker.cli.units import ORG_OPTION

if TYPE_CHECKING:
    from datetime import datetime

ROLES = ["admin", "secretariat", "viewer", "unit"]
MAX_DAYS = 10 * 366


def register(cli: click.Group) -> None:
    cli.add_command(tokens_group)


def token_row(token: Any, now: datetime) -> dict[str, Any]:
    """A token as `tracker tokens --json` lists it: everything but its secret."""
    if token.revoked_at is not None:
        state = "revoked"
    elif token.usable(now):
        state = "usable"
    else:
        state = "expired"
    return {
        "id": token.id,
        "role": token.role.value,
        "unit": token.unit.name if token.unit else None,
        "label": token.label,
        "state": state,
        "created_at": token.created_at.isoformat(),
        "expires_at": _iso(token.expires_at),
        "revoked_at": _iso(token.revoked_at),
        "last_used_at": _iso(token.last_used_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _when(app: AppContext, moment: datetime | None, otherwise: str) -> str:
    return app.format_time(moment) if moment is not None else otherwise


STATES = {
    "usable": ("ใช้ได้", "usable"),
    "revoked": ("ยกเลิกแล้ว", "revoked"),
    "expired": ("หมดอายุ", "expired"),
}


@click.group("tokens", invoke_without_command=True)
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def tokens_group(ctx: click.Context, app: AppContext, org_name: str | None, as_json: bool) -> None:
    """List the API tokens of /api/v1, never their secrets (also: add, revoke).

    \b
    Example:
      tracker tokens add --role viewer --label "แดชบอร์ดจังหวัด" --days 365
      tracker tokens add --role unit --unit "กองคลัง" --label "ระบบสารบรรณ"
      tracker tokens revoke 3
    """
    if ctx.invoked_subcommand is None:
        _list(app, org_name, as_json)


@tokens_group.command("list")
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def list_command(app: AppContext, org_name: str | None, as_json: bool) -> None:
    """List the API tokens: role, unit, label, when each expires and was last used.

    \b
    Example:
      tracker tokens list --json
    """
    _list(app, org_name, as_json)


def _list(app: AppContext, org_name: str | None, as_json: bool) -> None:
    from tracker.services import access
    from tracker.services.organizations import get_organization

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        found = access.list_tokens(session, organization)
        rows = [token_row(t, app.now) for t in found]
        expires = {t.id: _when(app, t.expires_at, app.t("ไม่หมดอายุ", "never")) for t in found}
        used = {t.id: _when(app, t.last_used_at, "") for t in found}
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("โทเคน API", "API tokens"),
        [
            "ID",
            app.t("บทบาท", "Role"),
            app.t("หน่วยงาน", "Unit"),
            app.t("ชื่อเรียก", "Label"),
            app.t("หมดอายุ", "Expires"),
            app.t("ใช้ล่าสุด", "Last used"),
            app.t("สถานะ", "State"),
        ],
        [
            [
                str(r["id"]),
                r["role"],
                r["unit"] or "",
                r["label"] or "",
                expires[r["id"]],
                used[r["id"]],
                app.t(*STATES[r["state"]]),
            ]
            for r in rows
        ],
    )


@tokens_group.command("add")
@click.option("--role", "role_name", required=True, type=click.Choice(ROLES))
@click.option("--unit", "unit_name", metavar="UNIT", help="The unit a unit token acts as.")
@click.option("--label", metavar="TEXT", help="Who holds it (the audit log names them so).")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_DAYS),
    metavar="N",
    help="Expire after N days (default: never; revoke it when it is no longer needed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@ORG_OPTION
@pass_app
def add_command(
    app: AppContext,
    role_name: str,
    unit_name: str | None,
    label: str | None,
    days: int | None,
    as_json: bool,
    org_name: str | None,
) -> None:
    """Make an API token and print its secret, once: only its hash is kept.

    \b
    Example:
      tracker tokens add --role unit --unit "กองคลัง" --label "ระบบสารบรรณ" --days 180
    """
    from tracker.services import access
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    role = access.parse_role(role_name)
    with app.transaction() as session:
        organization = get_organization(session, org_name)
        unit = get_unit(session, organization, unit_name) if unit_name else None
        token, secret = access.add_api_token(
            session,
            organization,
            role,
            app.now,
            unit=unit,
            label=label,
            days=days,
        )
        row = token_row(token, app.now)
        expires = token.expires_at
    if as_json:
        echo_json(row | {"token": secret})
        return
    who = ", ".join(x for x in (row["role"], row["unit"], row["label"]) if x)
    if expires is not None:
        until = app.format_time(expires)
        validity = app.t(f"ใช้ได้ถึง {until}", f"valid until {until}")
    else:
        validity = app.t("ไม่หมดอายุ", "never expires")
    click.echo(app.t("โทเคน", "token") + f" {row['id']} ({who}), {validity}:")
    click.echo(secret)
    click.echo(
        app.t(
            "แสดงครั้งเดียว: เก็บไว้ในที่ปลอดภัย ส่งในส่วนหัว Authorization: Bearer",
            "shown once: keep it safe; send it as the header Authorization: Bearer",
        ),
        err=True,
    )


@tokens_group.command("revoke")
@click.argument("token_id", type=ID)
@ORG_OPTION
@pass_app
def revoke_command(app: AppContext, token_id: int, org_name: str | None) -> None:
    """Revoke an API token: it is refused from now on.

    \b
    Example:
      tracker tokens revoke 3
    """
    from tracker.services import access
    from tracker.services.organizations import get_organization

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        access.revoke_token(session, organization, token_id, app.now)
    click.echo(app.t(f"โทเคน {token_id}: ยกเลิกแล้ว", f"token {token_id}: revoked"))
