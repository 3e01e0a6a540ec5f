"""Plan commands: plans, import, export, overview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_lines, print_table
from tracker.cli.output import write_output, write_output_with
from tracker.cli.params import DATE, FISCAL_YEAR, ID
from tracker.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_TASKS, ImportLimits


def register(cli: click.Group) -> None:
    for command in (plans_command, import_command, export_command, overview_command):
        cli.add_command(command)


@click.command("plans")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def plans_command(app: AppContext, as_json: bool) -> None:
    """List the plans in the database.

    \b
    Example:
      tracker plans --json
    """
    from tracker.services.plans import list_plans
    from tracker.views import plan_row

    with app.transaction() as session:
        rows = [plan_row(plan) for plan in list_plans(session)]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("แผน", "Plans"),
        [
            "ID",
            app.t("หน่วยงาน", "Organization"),
            app.t("ปีงบประมาณ", "Fiscal year"),
            app.t("มาตรการ", "Measures"),
            app.t("ขั้นตอน", "Tasks"),
        ],
        [
            [
                str(r["id"]),
                r["organization"],
                str(r["fiscal_year"]),
                str(r["measures"]),
                str(r["tasks"]),
            ]
            for r in rows
        ],
    )


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option(
    "--merge-similar-units",
    is_flag=True,
    help="Merge unit names that differ by a letter or two (a report's typos) into one unit.",
)
@click.option(
    "--strict", is_flag=True, help="Refuse a report whose steps lack a unit or a readable period."
)
@click.option(
    "--fiscal-year",
    type=FISCAL_YEAR,
    help="The plan's fiscal year, when a report or spreadsheet does not say.",
)
@click.option("--org", "org_name", metavar="NAME", help="The organization, for a spreadsheet.")
@click.option(
    "--max-size",
    type=click.IntRange(1, 2_000),
    metavar="MB",
    default=DEFAULT_MAX_BYTES // 1_000_000,
    show_default=True,
    help="Refuse a file larger than this many megabytes.",
)
@click.option(
    "--max-tasks",
    type=click.IntRange(1, 1_000_000),
    metavar="N",
    default=DEFAULT_MAX_TASKS,
    show_default=True,
    help="Refuse a plan of more tasks than this.",
)
@pass_app
def import_command(
    app: AppContext,
    file: Path,
    dry_run: bool,
    as_json: bool,
    merge_similar_units: bool,
    strict: bool,
    fiscal_year: int | None,
    org_name: str | None,
    max_size: int,
    max_tasks: int,
) -> None:
    """Import a plan: a plan document (.json/.yaml), an ITA analysis report (.txt/.md) or a
    spreadsheet (.xlsx). Importing the same file again changes nothing.

    Shows what it found (organization, years, score, counts, and every warning), then writes
    it all in one transaction. The whole file is checked first; a problem is reported with
    its line and nothing is written. Tasks already tracked keep their status, percent and
    history; tasks missing from the file are reported, not deleted.

    \b
    Example:
      tracker import examples/demo-plan.yaml
      tracker import report-2565.txt --merge-similar-units --dry-run
      tracker import plan.xlsx --org "เทศบาลตำบลตัวอย่าง" --fiscal-year 2567
    """
    from tracker.importers import read_source
    from tracker.services.plan_import import import_plan
    from tracker.views import found_summary

    source = read_source(
        file,
        merge_similar_units=merge_similar_units,
        strict=strict,
        fiscal_year=fiscal_year,
        organization=org_name,
        limits=ImportLimits(max_bytes=max_size * 1_000_000, max_tasks=max_tasks),
    )
    found = found_summary(source.document)  # before the transaction: nothing fails after it
    with app.transaction(dry_run=dry_run, create=True) as session:
        report = import_plan(session, source.document, now=app.now, actor=f"import: {file.name}")
    summary: dict[str, Any] = {
        "kind": source.kind,
        "found": found,
        "warnings": source.document.get("warnings", []),
        "plan_id": report.plan_id,
        "dry_run": dry_run,
        "changed": report.changed,
        "created": report.created,
        "changes": report.changes,
        "notices": report.notices,
    }
    if as_json:
        echo_json(summary)
        return
    _print_found(app, file, summary)
    _print_import_report(app, file, summary)


def _print_found(app: AppContext, file: Path, summary: dict[str, Any]) -> None:
    found = summary["found"]
    kinds = {
        "plan": ("แผน", "plan document"),
        "report": ("รายงานผลการวิเคราะห์ ITA", "ITA analysis report"),
        "spreadsheet": ("ตารางแผน", "spreadsheet"),
    }
    lines = [f"{file}: {app.t(*kinds[summary['kind']])}", f"  {found['organization']}"]
    if found["assessment_year"]:
        score = f"{found['score']:.2f}" if found["score"] is not None else "-"
        lines.append(
            app.t(
                f"  ผลการประเมินปี {found['assessment_year']}: {score} ({found['grade'] or '-'}),"
                f" ข้อคำถามที่ต้องพัฒนา {found['items']} ข้อ",
                f"  assessment {found['assessment_year']}: {score} ({found['grade'] or '-'}),"
                f" {found['items']} weak items",
            )
        )
    lines.append(
        app.t(
            f"  แผนปีงบประมาณ {found['fiscal_year']}: มาตรการ {found['measures']}, "
            f"ขั้นตอน {found['tasks']}, หน่วยงาน {found['units']}",
            f"  plan for fiscal year {found['fiscal_year']}: {found['measures']} measures, "
            f"{found['tasks']} tasks, {found['units']} units",
        )
    )
    for name, count in found["meetings_in_fiscal_year"].items():
        lines.append(
            app.t(
                f"  {name}: {count} ครั้งในปีงบประมาณ",
                f"  {name}: {count} meetings in the fiscal year",
            )
        )
    warnings = summary["warnings"]
    if warnings:
        lines.append(app.t(f"  คำเตือน {len(warnings)} รายการ:", f"  {len(warnings)} warnings:"))
        lines += [f"  ! [{w['code']}] {w.get('where') or ''}: {w['message']}" for w in warnings]
    print_lines(lines)


def _print_import_report(app: AppContext, file: Path, summary: dict[str, Any]) -> None:
    verb = (
        app.t("ตรวจแล้ว (ไม่บันทึก)", "checked (nothing written)")
        if summary["dry_run"]
        else app.t("นำเข้าแล้ว", "imported")
    )
    from tracker.i18n import IMPORTED_KIND, label

    lines = [f"{file}: {verb}, {app.t('แผน', 'plan')} {summary['plan_id']}"]
    if not summary["changed"]:
        lines.append(app.t("ไม่มีอะไรเปลี่ยนแปลง", "nothing changed"))
    lines += [
        f"  + {count} {label(IMPORTED_KIND, kind, app.lang)}"
        for kind, count in summary["created"].items()
    ]
    lines += [f"  ~ {change}" for change in summary["changes"]]
    lines += [f"  ! {notice}" for notice in summary["notices"]]
    print_lines(lines)


@click.command("export")
@click.option("--plan", "plan_id", type=ID, help="Plan id (default: the only plan).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "yaml", "xlsx"]),
    default="json",
    show_default=True,
    help="xlsx writes the measure table with each task's status (needs --output).",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file."
)
@pass_app
def export_command(app: AppContext, plan_id: int | None, fmt: str, output: Path | None) -> None:
    """Write a plan as a plan document, with every task's current status.

    \b
    Example:
      tracker export --format yaml -o plan-2566.yaml
      tracker export --format xlsx -o plan-2566.xlsx
    """
    from tracker.errors import InvalidInput
    from tracker.plandoc import dump_plan_document
    from tracker.services.plans import export_plan, get_plan

    if fmt == "xlsx" and output is None:
        raise InvalidInput("--format xlsx writes a workbook: give the file with --output/-o")
    with app.transaction() as session:
        document = export_plan(session, get_plan(session, plan_id))
    if fmt == "xlsx":
        from tracker.importers.spreadsheet import write_spreadsheet

        assert output is not None
        write_output_with(output, lambda target: write_spreadsheet(document, target))
        return
    text = dump_plan_document(document, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text.encode("utf-8"))


@click.command("overview")
@click.option("--plan", "plan_id", type=ID, help="Plan id (default: the only plan).")
@click.option("--as-of", type=DATE, help="Judge overdue on this date (default: today).")
@click.option(
    "--meetings",
    "meeting_count",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="How many of the next meetings to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def overview_command(
    app: AppContext, plan_id: int | None, as_of: date | None, meeting_count: int, as_json: bool
) -> None:
    """Show a plan at a glance: its tasks with their state, and the next meetings.

    \b
    Example:
      tracker overview --as-of 2022-12-15
    """
    from tracker.cli.tasks import task_row
    from tracker.services.meetings import next_meetings
    from tracker.services.plans import get_plan
    from tracker.services.tasks import TaskQuery, list_tasks
    from tracker.views import meeting_row

    as_of = as_of or app.today()
    with app.transaction() as session:
        plan = get_plan(session, plan_id)
        tasks = [task_row(app, t, as_of) for t in list_tasks(session, TaskQuery(as_of, plan.id))]
        upcoming = next_meetings(
            session, plan.organization, as_of, meeting_count, calendar=app.holiday_calendar()
        )
        meetings = [meeting_row(series.name, meeting, series.place) for series, meeting in upcoming]
        header = {
            "plan_id": plan.id,
            "organization": plan.organization.name,
            "fiscal_year": plan.fiscal_year,
            "title": plan.title,
            "as_of": as_of.isoformat(),
        }
    if as_json:
        echo_json({**header, "tasks": tasks, "next_meetings": meetings})
        return
    _print_overview(app, header, tasks, meetings, as_of)


def _print_overview(
    app: AppContext,
    header: dict[str, Any],
    tasks: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    as_of: date,
) -> None:
    from tracker.cli.meetings import print_meetings
    from tracker.cli.tasks import print_task_table

    done = sum(1 for t in tasks if t["status"] == "done")
    overdue = sum(1 for t in tasks if t["overdue"])
    click.echo(
        f"{header['organization']} · {app.t('ปีงบประมาณ', 'fiscal year')} {header['fiscal_year']}"
    )
    if header["title"]:
        click.echo(header["title"])
    click.echo(
        app.t(
            f"ณ วันที่ {app.format_date(as_of)}: {len(tasks)} ขั้นตอน, เสร็จ {done}, เกินกำหนด {overdue}",
            f"As of {app.format_date(as_of)}: {len(tasks)} tasks, {done} done, {overdue} overdue",
        )
    )
    print_task_table(app, tasks)
    print_meetings(app, app.t("การประชุมติดตามผลครั้งต่อไป", "Next follow-up meetings"), meetings)
