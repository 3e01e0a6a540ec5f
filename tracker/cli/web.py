"""The web app's commands: serve, users (add, passwd, disable, enable), units link."""

from __future__ import annotations

import gc
import sys
import threading

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.units import ORG_OPTION, units_group


def register(cli: click.Group) -> None:
    cli.add_command(serve_command)
    cli.add_command(users_group)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Serve the web app only (when `tracker run` or Prefect does the scheduling).",
)
@click.option(
    "--for",
    "seconds",
    type=click.FloatRange(1, 366 * 24 * 3600),
    metavar="SECONDS",
    help="Stop after this long (default: run until SIGTERM or Ctrl-C).",
)
@pass_app
def serve_command(
    app: AppContext, host: str, port: int, no_scheduler: bool, seconds: float | None
) -> None:
    """Serve the web app and the JSON API, with the embedded scheduler in the same process.

    \b
    Example:
      tracker serve
      tracker serve --host 0.0.0.0 --port 8080 --no-scheduler
    """
    import uvicorn

    from tracker.cli.followup import log_on_the_products_clock
    from tracker.followup.scheduler import run_forever, wait_for_signal
    from tracker.web.app import create_app

    log_on_the_products_clock(app)
    factory = app.session_factory()  # migrate first; a bad database fails here, in one line
    web = create_app(app.settings, factory, app.clock)
    # What is loaded now lives as long as the process: keep the cyclic garbage collector from
    # walking it again at every collection (about a fifth of a request's CPU, bench_web.py).
    gc.freeze()
    server = uvicorn.Server(
        uvicorn.Config(web, host=host, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="web", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.05)
    if not thread.is_alive():
        raise click.ClickException(f"cannot listen on {host}:{port}")
    click.echo(
        app.t("เว็บพร้อมที่", "web app at") + f" http://{host}:{port}/ ({app.shown_database_url})"
    )
    try:
        if no_scheduler:
            wait_for_signal(seconds)
        else:
            run_forever(app.settings.timezone, seconds=seconds, prepare=app.session_factory)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    click.echo(app.t("หยุดแล้ว", "stopped"))


@click.group("users", invoke_without_command=True)
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def users_group(ctx: click.Context, app: AppContext, org_name: str | None, as_json: bool) -> None:
    """List the web app's accounts (also: add, passwd, disable, enable).

    \b
    Example:
      tracker users add somchai --role secretariat
      tracker users add head-finance --role unit --unit "กองคลัง"
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.access import list_users
    from tracker.services.organizations import get_organization

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        rows: list[dict[str, object]] = [
            {
                "username": u.username,
                "name": u.name,
                "role": u.role.value,
                "unit": u.unit.name if u.unit else None,
                "disabled": u.disabled,
            }
            for u in list_users(session, organization)
        ]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("ผู้ใช้", "Users"),
        [app.t("ชื่อผู้ใช้", "Username"), app.t("บทบาท", "Role"), app.t("หน่วยงาน", "Unit"), ""],
        [
            [
                str(r["username"]),
                str(r["role"]),
                str(r["unit"] or ""),
                app.t("ระงับ", "disabled") if r["disabled"] else "",
            ]
            for r in rows
        ],
    )


def _read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or asked for twice at the terminal."""
    from tracker.errors import InvalidInput

    try:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    except (OSError, EOFError):  # no terminal to ask at, and nothing piped in
        raise InvalidInput(
            "no password given: type it, or pipe it in with --password-stdin"
        ) from None


PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    "role_name",
    required=True,
    type=click.Choice(["admin", "secretariat", "viewer", "unit"]),
)
@click.option("--unit", "unit_name", metavar="UNIT", help="The unit a unit account heads.")
@click.option(
    "--name", "display_name", metavar="NAME", help="The person's name, as the audit log shows it."
)
@click.option(
    "--exists-ok",
    is_flag=True,
    help="An existing account of that name gets the new password instead.",
)
@PASSWORD_STDIN
@ORG_OPTION
@pass_app
def add_user_command(
    app: AppContext,
    username: str,
    role_name: str,
    unit_name: str | None,
    display_name: str | None,
    exists_ok: bool,
    password_stdin: bool,
    org_name: str | None,
) -> None:
    """Add an account (the password is asked for, or read with --password-stdin).

    \b
    Example:
      tracker users add somchai --role secretariat --name "สมชาย ใจดี"
      tracker users add head-finance --role unit --unit "กองคลัง"
    """
    from tracker.errors import NotFound
    from tracker.services import access
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    password = _read_password(password_stdin)
    with app.transaction() as session:
        organization = get_organization(session, org_name)
        unit = get_unit(session, organization, unit_name) if unit_name else None
        role = access.parse_role(role_name)
        try:
            existing = access.get_user(session, username) if exists_ok else None
        except NotFound:
            existing = None
        if existing is not None:
            access.set_password(session, existing, password)
            click.echo(
                app.t(
                    f"ผู้ใช้ {existing.username}: ตั้งรหัสผ่านใหม่แล้ว",
                    f"user {existing.username}: password set",
                )
            )
            return
        user = access.add_user(
            session, organization, username, password, role, app.now, unit=unit, name=display_name
        )
        click.echo(
            app.t(
                f"เพิ่มผู้ใช้ {user.username} ({role.value}) แล้ว",
                f"added user {user.username} ({role.value})",
            )
        )


@users_group.command("passwd")
@click.argument("username")
@PASSWORD_STDIN
@pass_app
def passwd_command(app: AppContext, username: str, password_stdin: bool) -> None:
    """Set a new password (the account's open sessions end).

    \b
    Example:
      tracker users passwd somchai
    """
    from tracker.services import access

    with app.transaction() as session:  # an unknown user is said before a password is asked
        access.get_user(session, username)
    password = _read_password(password_stdin)
    with app.transaction() as session:
        user = access.get_user(session, username)
        access.set_password(session, user, password)
    click.echo(app.t(f"ผู้ใช้ {user.username}: ตั้งรหัสผ่านใหม่แล้ว", f"user {user.username}: password set"))


@users_group.command("disable")
@click.argument("username")
@pass_app
def disable_command(app: AppContext, username: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions end now.

    \b
    Example:
      tracker users disable somchai
    """
    _set_disabled(app, username, True)


@users_group.command("enable")
@click.argument("username")
@pass_app
def enable_command(app: AppContext, username: str) -> None:
    """Enable a disabled account again.

    \b
    Example:
      tracker users enable somchai
    """
    _set_disabled(app, username, False)


def _set_disabled(app: AppContext, username: str, disabled: bool) -> None:
    from tracker.services import access

    with app.transaction() as session:
        user = access.get_user(session, username)
        access.set_disabled(session, user, disabled)
    state = app.t("ระงับแล้ว", "disabled") if disabled else app.t("ใช้งานได้", "enabled")
    click.echo(f"{user.username}: {state}")


@units_group.command("link")
@click.argument("unit_name", metavar="UNIT")
@click.option(
    "--revoke", is_flag=True, help="Revoke the unit's links (and the sessions they opened)."
)
@click.option(
    "--line",
    "line_code",
    is_flag=True,
    help="Print a code that links a LINE chat to the unit (used once, within 24 hours) "
    "instead of the link.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@ORG_OPTION
@pass_app
def link_command(
    app: AppContext,
    unit_name: str,
    revoke: bool,
    line_code: bool,
    as_json: bool,
    org_name: str | None,
) -> None:
    """Show the unit's one-tap link to its page (renewed for TRACKER_LINK_DAYS), or revoke it;
    with --line, a code that links a LINE user or group to the unit.

    The link is the unit's key to its page: send it only to the unit. Reminders carry it
    when TRACKER_PUBLIC_URL is set. The LINE code is sent to the agency's LINE account, in a
    chat with it or in the unit's group: reminders then go there, with buttons.

    \b
    Example:
      tracker units link กองคลัง
      tracker units link กองคลัง --line
    """
    from tracker.services import access
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    if line_code and revoke:
        raise click.UsageError("--line makes a LINE link code and --revoke revokes links: not both")
    if line_code:
        _print_line_code(app, unit_name, org_name, as_json)
        return
    with app.transaction() as session:
        unit = get_unit(session, get_organization(session, org_name), unit_name)
        if revoke:
            count = access.revoke_unit_links(session, unit, app.now)
            click.echo(
                app.t(
                    f"{unit.name}: ยกเลิกลิงก์ {count} รายการ", f"{unit.name}: {count} link(s) revoked"
                )
            )
            return
        link, secret = access.current_unit_link(
            session, app.settings.secret_key_bytes(), unit, app.now, days=app.settings.link_days
        )
        expires = link.expires_at
        name = unit.name
    path = access.unit_link_path(secret)
    url = app.settings.public_link(path)
    if as_json:
        echo_json(
            {
                "unit": name,
                "url": url,
                "path": path,
                "expires_at": expires.isoformat() if expires else None,
            }
        )
        return
    click.echo(f"{name}: {url or path}")
    if url is None:
        click.echo(
            app.t(
                "(ตั้ง TRACKER_PUBLIC_URL เพื่อให้ได้ลิงก์เต็ม)", "(set TRACKER_PUBLIC_URL for a full link)"
            )
        )
    if expires is not None:
        click.echo(app.t("ใช้ได้ถึง ", "valid until ") + app.format_time(expires))


def _print_line_code(app: AppContext, unit_name: str, org_name: str | None, as_json: bool) -> None:
    """A new LINE link code of the unit, printed (once it is stored) with its expiry and how
    to use it."""
    from tracker.services import line_links
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    with app.transaction() as session:
        unit = get_unit(session, get_organization(session, org_name), unit_name)
        row, code = line_links.new_code(session, unit, app.now)
        name, expires = unit.name, row.expires_at
    shown = line_links.shown_code(code)
    if as_json:
        echo_json({"unit": name, "line_code": shown, "expires_at": expires.isoformat()})
        return
    click.echo(f"{name}: " + app.t("รหัสเชื่อม LINE ", "LINE link code ") + shown)
    click.echo(app.t("ใช้ได้ครั้งเดียว ภายใน ", "single use, valid until ") + app.format_time(expires))
    click.echo(
        app.t(
            "ส่งรหัสนี้ในห้องแชตกับบัญชี LINE ของหน่วยงาน หรือในกลุ่ม LINE ของหน่วยงาน",
            "send it to the agency's LINE account, in a chat with it or in the unit's LINE group",
        )
    )
