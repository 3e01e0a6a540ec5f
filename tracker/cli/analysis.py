"""The analysis command: an organization's ITA results analysed again from the data
(tracker.reports.analysis), in any report format."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import FISCAL_YEAR, ID
from tracker.cli.reports import (
    REPORT_FORMATS,
    emit_document,
    emit_text,
    output_option,
    require_output,
)


def register(cli: click.Group) -> None:
    cli.add_command(analysis_command)


@click.command("analysis")
@click.option("--plan", "plan_id", type=ID, help="Analyse the assessment this plan answers.")
@click.option("--org", "org_name", metavar="NAME", help="Organization (default: the only one).")
@click.option(
    "--year",
    type=FISCAL_YEAR,
    help="The assessment year, Buddhist era (default: the plan's, else the latest).",
)
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="txt", show_default=True
)
@output_option
@pass_app
def analysis_command(
    app: AppContext,
    plan_id: int | None,
    org_name: str | None,
    year: int | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Print the analysis of an ITA assessment: overall score, grade and result, each tool's
    indicators, the highest and lowest indicators, the weak items with their suggestions and
    measures, and the trend over every year on record.

    \b
    Example:
      tracker analysis --format md
      tracker analysis --year 2565 --format pdf -o analysis-2565.pdf
      tracker analysis --plan 1 --format json
    """
    import json
    from dataclasses import asdict

    from tracker.reports.analysis import analysis_document, build_analysis
    from tracker.services.organizations import get_organization
    from tracker.services.plans import get_plan

    require_output(fmt, output)
    with app.transaction() as session:
        organization = (
            get_plan(session, plan_id).organization
            if plan_id is not None and org_name is None
            else get_organization(session, org_name)
        )
        analysis = build_analysis(session, organization, plan_id=plan_id, year=year, lang=app.lang)
    if fmt == "json":
        emit_text(json.dumps(asdict(analysis), ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit_document(app, analysis_document(analysis, app.lang), fmt, output)
