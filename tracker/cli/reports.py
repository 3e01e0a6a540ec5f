"""The report command: a meeting's progress report, or the report on implementing the
measures (รอบ 6 เดือน / ประจำปี), in any format; and the one way every report command writes
a document (:func:`emit_document`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.output import write_output
from tracker.cli.params import DATE, ID

if TYPE_CHECKING:
    from tracker.reports.document import Document

# The meeting report's txt, md and json are its message forms (what the e-mail carries);
# every other format is the printable document.
REPORT_FORMATS = ("txt", "md", "html", "json", "pdf", "docx", "xlsx")


def register(cli: click.Group) -> None:
    cli.add_command(report_command)


def output_option(function: click.decorators.FC) -> click.decorators.FC:
    """``--output/-o FILE``: where a report goes (needed for pdf, docx and xlsx)."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to this file (pdf, docx and xlsx need one).",
    )(function)


def require_output(fmt: str, output: Path | None) -> None:
    """A binary format with no file to go to: one line saying so, before any work."""
    from tracker.errors import InvalidInput
    from tracker.reports.formats import BINARY_FORMATS

    if fmt in BINARY_FORMATS and output is None:
        raise InvalidInput(f"--format {fmt} writes a file: give it with --output/-o")


def emit_text(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text.encode("utf-8"))


def emit_document(app: AppContext, document: Document, fmt: str, output: Path | None) -> None:
    """``document`` in ``fmt`` to ``output`` (whole or not at all), or to stdout for text."""
    from tracker.reports.formats import write

    data = write(document, fmt, app.settings.printing())
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_output(output, data)


@click.command("report")
@click.option("--meeting", "meeting", type=DATE, help="The meeting's date (its progress report).")
@click.option(
    "--implementation",
    is_flag=True,
    help="The report on implementing the plan's measures (for the next ITA).",
)
@click.option(
    "--as-of", "as_of", type=DATE, help="--implementation: the day the report is written for."
)
@click.option(
    "--period",
    type=click.Choice(["half", "year"]),
    help="--implementation: รอบ 6 เดือน (1 Oct - 31 Mar) or the whole year "
    "(default: chosen from --as-of).",
)
@click.option(
    "--plan", "plan_id", type=ID, help="--implementation: the plan (default: the only one)."
)
@click.option("--reporter", metavar="NAME", help="--implementation: who signs as ผู้รายงาน.")
@click.option("--executive", metavar="NAME", help="--implementation: the executive who signs.")
@click.option("--position", metavar="TEXT", help="--implementation: the executive's position.")
@click.option("--series", "series_name", metavar="NAME", help="The series (default: the only one).")
@click.option("--org", "org_name", metavar="NAME", help="Organization (default: the only one).")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="txt", show_default=True
)
@output_option
@pass_app
def report_command(
    app: AppContext,
    meeting: date | None,
    implementation: bool,
    as_of: date | None,
    period: str | None,
    plan_id: int | None,
    reporter: str | None,
    executive: str | None,
    position: str | None,
    series_name: str | None,
    org_name: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Print a meeting's progress report (the "รายงานผลการดำเนินการ" agenda item), or with
    --implementation the report on carrying out the measures that the next ITA asks for.

    \b
    Example:
      tracker report --meeting 2023-08-02 --format md
      tracker report --meeting 2022-11-02 --format pdf -o meeting.pdf
      tracker report --implementation --as-of 2023-03-31 --format pdf -o report.pdf
    """
    from tracker.errors import InvalidInput

    require_output(fmt, output)
    if implementation:
        if meeting is not None:
            raise InvalidInput("--meeting and --implementation are two reports: give one")
        if as_of is None:
            raise InvalidInput("--implementation needs --as-of DATE: the day it reports on")
        _implementation(app, plan_id, as_of, period, (reporter, executive, position), fmt, output)
        return
    extra = [
        name
        for name, given in (
            ("--as-of", as_of),
            ("--period", period),
            ("--plan", plan_id),
            ("--reporter", reporter),
            ("--executive", executive),
            ("--position", position),
        )
        if given
    ]
    if meeting is None:
        raise InvalidInput("give --meeting DATE (a meeting's progress report) or --implementation")
    if extra:
        raise InvalidInput(f"{', '.join(extra)}: only for --implementation")
    _meeting(app, meeting, series_name, org_name, fmt, output)


def _meeting(
    app: AppContext,
    meeting: date,
    series_name: str | None,
    org_name: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    from tracker.reports.progress import render
    from tracker.reports.progress_document import progress_document
    from tracker.services.meetings import choose_series, progress_report
    from tracker.services.organizations import get_organization

    with app.transaction() as session:
        series = choose_series(session, get_organization(session, org_name), series_name)
        report = progress_report(session, series, meeting, lang=app.lang)
    if fmt in ("txt", "md", "json"):
        emit_text(render(report, fmt, app.lang), output)
    else:
        emit_document(app, progress_document(report, app.lang), fmt, output)


def _implementation(
    app: AppContext,
    plan_id: int | None,
    as_of: date,
    period: str | None,
    signers: tuple[str | None, str | None, str | None],
    fmt: str,
    output: Path | None,
) -> None:
    import json
    from dataclasses import asdict

    from tracker.reports.implementation import (
        build_implementation_report,
        implementation_document,
    )
    from tracker.services.plans import get_plan

    reporter, executive, position = signers
    with app.transaction() as session:
        report = build_implementation_report(
            session,
            get_plan(session, plan_id),
            as_of=as_of,
            period=period,
            lang=app.lang,
            reporter=reporter,
            executive=executive,
            executive_position=position,
        )
    if fmt == "json":
        emit_text(json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit_document(app, implementation_document(report, app.lang), fmt, output)
