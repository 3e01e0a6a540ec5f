"""The ``tracker`` command line: grouped by noun, thin over the services.

Start-up is kept cheap: this module imports only click. Settings, the database layer and
Rich are imported by the commands that use them, and prefect never is (see
tests/test_cli_general.py, the start-up tests).
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from tracker.cli.context import AppContext
from tracker.cli.errors import EXIT_BUG, EXIT_INTERRUPTED, explain
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
    from tracker.cli import (
        analysis,
        calendar,
        db_commands,
        feeds,
        followup,
        meetings,
        organizations,
        outbox,
        plans,
        reports,
        series,
        tasks,
        tokens,
        units,
        web,
    )

    modules = (
        plans,
        units,
        tasks,
        meetings,
        calendar,
        followup,
        reports,
        analysis,
        outbox,
        series,
        db_commands,
        web,
        feeds,
        tokens,
        organizations,
    )
    for module in modules:
        module.register(cli)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI. Whatever goes wrong is one line on stderr and an exit code.

    A TrackerError or a usage error is the user's to fix and says how; anything else is a
    bug, reported in one line too, with the traceback only under TRACKER_DEBUG=1.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        _run(args)
    except _Failed as failed:
        click.echo(f"error: {one_line(failed.message)}", err=True)
        if _asks_for_json(args):
            error = {"error": one_line(failed.message), "exit_code": failed.code}
            click.echo(json.dumps(error, ensure_ascii=False))
        sys.exit(failed.code)


class _Failed(Exception):
    """A run that ends in one error line and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _run(args: list[str]) -> None:
    try:
        _check_arguments(args)
        cli.main(args=args, prog_name="tracker", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _fail("aborted", EXIT_INTERRUPTED)
    except click.UsageError as error:
        # One line, not click's three: what is wrong and where to look.
        where = error.ctx.command_path if error.ctx else "tracker"
        _fail(f"{error.format_message()} (see `{where} --help`)", error.exit_code)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except TrackerError as error:
        _fail(*explain(error))
    except Exception as error:
        _last_resort(error)


def _asks_for_json(args: list[str]) -> bool:
    """Whether the command was asked for JSON (``--json`` before any ``--``): its errors are
    then JSON on standard output too, ``{"error": "...", "exit_code": 2}``, so a script
    reading the output always reads JSON."""
    options = args[: args.index("--")] if "--" in args else args
    return "--json" in options


def _check_arguments(args: list[str]) -> None:
    """Every argument is text (tracker.inputs): bytes that are not UTF-8 reach Python as lone
    surrogates (PEP 383) and would fail deep inside a command; say so at once instead."""
    from tracker.errors import InvalidInput
    from tracker.inputs import TextProblem, check_text

    for position, arg in enumerate(args, start=1):
        try:
            check_text(arg)
        except TextProblem as problem:
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
            raise InvalidInput(
                f"argument {position} ({shown[:60]!r}) {problem}; the command line must be "
                "UTF-8 text"
            ) from None


def _fail(message: str, code: int) -> NoReturn:
    raise _Failed(message, code)


def _last_resort(error: Exception) -> None:
    """A database that cannot be reached or is locked is the user's to fix (exit 1); any
    other exception is a bug: one line naming it, the traceback only with TRACKER_DEBUG=1."""
    import os

    from tracker.db import unreachable

    if os.environ.get("TRACKER_DEBUG") == "1":
        import traceback

        traceback.print_exc()
    reason = unreachable(error)
    if reason is not None:
        _fail(f"database: {reason}", 1)
    _fail(
        f"unexpected {type(error).__name__}: {first_line(error)} — this is a bug in ITA "
        "Tracker; run again with TRACKER_DEBUG=1 for the details, and report them",
        EXIT_BUG,
    )


def first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


MAX_QUOTED = 120
MAX_LINE = 900  # characters of a message, "error: " aside


def one_line(message: str) -> str:
    """A message as one line of reasonable length: line breaks become spaces, any quoted
    value longer than MAX_QUOTED characters is cut (a 100,000-character name is not echoed),
    and a password in a URL is masked."""
    import re

    from tracker.redact import mask_url

    def cut(match: re.Match[str]) -> str:
        quoted = match.group()
        if len(quoted) <= MAX_QUOTED:
            return quoted
        return f"{quoted[: MAX_QUOTED - 20]}…{quoted[0]} ({len(quoted) - 2:,} characters)"

    flat = mask_url(re.sub(r"'[^']*'|\"[^\"]*\"", cut, " ".join(message.splitlines())))
    return flat if len(flat) <= MAX_LINE else flat[: MAX_LINE - 1] + "…"
