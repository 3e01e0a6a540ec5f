"""The ``tracker`` command line: grouped by noun, thin over the services.

Start-up is kept cheap: this module imports only click. Settings, the database layer and
Rich are imported by the commands that use them, and prefect never is (see
tests/test_cli_startup.py).
"""

from __future__ import annotations

import sys

import click

from tracker.cli.context import AppContext
from tracker.errors import TrackerError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    help="SQLite file to use (default: TRACKER_DATABASE_URL, else "
    "~/.local/share/ita-tracker/tracker.db).",
)
@click.option(
    "--lang",
    type=click.Choice(["th", "en"]),
    default=None,
    help="Language of dates and labels (default: TRACKER_LANG, else th).",
)
@click.version_option(package_name="ita-tracker", prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, lang: str | None) -> None:
    """ITA Tracker: follow up an agency's ITA improvement measures.

    \b
    Example:
      tracker import examples/demo-plan.yaml
      tracker tasks --overdue
      tracker done 3 --by "กองคลัง" --note "ส่งรายงานแล้ว"
    """
    ctx.obj = AppContext(db_path=db_path, lang_option=lang)


def _register() -> None:
    from tracker.cli import calendar, db_commands, followup, meetings, plans, tasks, units

    for module in (plans, units, tasks, meetings, calendar, followup, db_commands):
        module.register(cli)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; a TrackerError becomes one line on stderr and its exit code."""
    try:
        cli.main(args=argv, prog_name="tracker", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as error:
        # One line, not click's three: what is wrong and where to look.
        where = error.ctx.command_path if error.ctx else "tracker"
        click.echo(f"error: {error.format_message()} (see `{where} --help`)", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except TrackerError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:
        _exit_on_database_error(error)
        raise


def _exit_on_database_error(error: Exception) -> None:
    """A database that cannot be reached or is locked is the user's to fix: one line, exit 1."""
    from sqlalchemy.exc import OperationalError

    if isinstance(error, OperationalError):
        click.echo(f"error: database: {first_line(error.orig)}", err=True)
        sys.exit(1)


def first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
