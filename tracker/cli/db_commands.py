"""Database commands: where it is, which schema it has, and upgrading it."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, echo_json, pass_app


def register(cli: click.Group) -> None:
    cli.add_command(db_group)


@click.group("db")
def db_group() -> None:
    """The database: location, schema revision, upgrade.

    \b
    Example:
      tracker db info
      TRACKER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/tracker tracker db upgrade
    """


@db_group.command("upgrade")
@pass_app
def upgrade_command(app: AppContext) -> None:
    """Create or migrate the database to this version's schema (also done on first use).

    \b
    Example:
      tracker db upgrade
    """
    from tracker.db import HEAD_REVISION, Create, ensure_schema, make_engine

    engine = make_engine(app.database_url, create=Create.WITH_FOLDERS)  # on purpose
    before = ensure_schema(engine)
    if before == HEAD_REVISION:
        click.echo(f"already at schema {HEAD_REVISION}")
    else:
        click.echo(f"upgraded schema {before or 'empty'} -> {HEAD_REVISION}")


@db_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def info_command(app: AppContext, as_json: bool) -> None:
    """Show which database is used and its schema revision (without changing it).

    \b
    Example:
      tracker --db /tmp/try.db db info
    """
    from tracker.db import HEAD_REVISION, Create, DatabaseMissing, current_revision, make_engine

    exists = True
    try:
        revision = current_revision(make_engine(app.database_url, create=Create.NEVER))
    except DatabaseMissing:
        exists, revision = False, None
    info = {
        "url": app.shown_database_url,
        "exists": exists,
        "revision": revision,
        "head": HEAD_REVISION,
    }
    if as_json:
        echo_json(info)
    else:
        click.echo(f"database: {info['url']}")
        state = revision or ("empty" if exists else "none (no database there yet)")
        click.echo(f"schema:   {state} (this version: {HEAD_REVISION})")
