"""Plan commands: plans (and plans rollover), import, export, overview."""

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
    for command in (plans_group, import_command, export_command, overview_command):
        cli.add_command(command)


@click.group("plans", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def plans_group(ctx: click.Context, app: AppContext, as_json: bool) -> None:
    """List the plans in the database; `tracker plans rollover` starts next year's plan.

    \b
    Example:
      tracker plans --json
      tracker plans rollover --to 2567
    """
    if ctx.invoked_subcommand is not None:
        return
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


@plans_group.command("rollover")
@click.option(
    "--to", "to_year", type=FISCAL_YEAR, required=True, help="The new plan's fiscal year (BE)."
)
@click.option("--plan", "plan_id", type=ID, help="The plan to roll over.")
@click.option(
    "--org",
    "org_name",
    metavar="NAME",
    help="Roll over this organization's latest plan before --to (default: the only one).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be carried; write nothing.")
@click.option("--yes", is_flag=True, help="Write the new plan (without it nothing is written).")
@click.option("--json", "as_json", is_flag=True, help="Print the rollover report as JSON.")
@pass_app
def rollover_command(
    app: AppContext,
    to_year: int,
    plan_id: int | None,
    org_name: str | None,
    dry_run: bool,
    yes: bool,
    as_json: bool,
) -> None:
    """Start next year's plan from this one: its unfinished steps are carried, with their
    units, series, progress and a link to their history; finished steps stay behind.

    Without --yes it only shows what it would carry (measures, steps with their old and new
    periods, units) and what it leaves behind, and writes nothing; check that, then run it
    again with --yes to write it all in one transaction. Running it again changes nothing.

    \b
    Example:
      tracker plans rollover --to 2567
      tracker plans rollover --to 2567 --yes
      tracker plans rollover --to 2567 --org "องค์การบริหารส่วนจังหวัดแพร่" --json
    """
    from tracker.services.organizations import get_organization
    from tracker.services.plans import get_plan
    from tracker.services.rollover import plan_before, rollover_actor, rollover_plan

    if dry_run and yes:
        raise click.UsageError("--dry-run writes nothing and --yes writes the plan: not both")
    if plan_id is not None and org_name is not None:
        raise click.UsageError("--plan names the plan, --org picks its latest one: not both")
    review = not yes
    with app.transaction(dry_run=review) as session:
        if plan_id is not None:
            source = get_plan(session, plan_id)
        else:
            source = plan_before(session, get_organization(session, org_name), to_year)
        actor = rollover_actor(source.fiscal_year, to_year)
        report = rollover_plan(
            session, source, to_year, now=app.now, actor=actor, dry_run=review
        ).to_dict()
    if as_json:
        echo_json(report)
        return
    print_lines(_rollover_lines(app, report))


def _rollover_lines(app: AppContext, report: dict[str, Any]) -> list[str]:
    """The rollover report for people: what is carried, what stays, what the series do."""
    from tracker.i18n import TASK_STATUS, label

    left = report["left_behind"]
    carried = sum(len(m["steps"]) for m in report["measures"])
    lines = [
        _rollover_heading(app, report),
        app.t(
            f"ยกไป {len(report['measures'])} มาตรการ {carried} ขั้นตอน; ไม่ยกไป: "
            f"เสร็จแล้ว {left['done']} ขั้นตอน, ยกเลิก {left['cancelled']} ขั้นตอน",
            f"carried: {len(report['measures'])} measures, {carried} steps; left behind: "
            f"{left['done']} done, {left['cancelled']} cancelled",
        ),
    ]
    for measure in report["measures"]:
        lines.append(
            app.t(
                f"มาตรการ {measure['position']} (เดิม {measure['from_position']}): ",
                f"measure {measure['position']} (was {measure['from_position']}): ",
            )
            + _shorten(measure["title"])
        )
        for step in measure["steps"]:
            status = label(TASK_STATUS, step["status"], app.lang)
            if step["status"] == "in_progress":
                status += f" {step['percent']}%"
            new_id = f" → ID {step['task_id']}" if step["task_id"] else ""
            lines += [
                f"  {measure['position']}.{step['number']} (ID {step['from_task_id']}{new_id}) "
                f"{_shorten(step['title'], 70)} · {status}",
                f"      {_span(app, step['was'])} → {_span(app, step['becomes'])}",
                f"      {', '.join(step['units']) or '-'}",
            ]
    if left["steps"]:
        lines.append(
            app.t("ไม่ยกไป: ", "left behind: ")
            + ", ".join(
                f"{s['ref']} {label(TASK_STATUS, s['status'], app.lang)}" for s in left["steps"]
            )
        )
    for measure in left["measures"]:
        lines.append(
            app.t(
                f"มาตรการ {measure['position']} เสร็จครบทุกขั้นตอน ไม่ยกไป: ",
                f"measure {measure['position']} is finished, left behind: ",
            )
            + _shorten(measure["title"])
        )
    lines += [line for note in report["series"] for line in _series_lines(app, note, report)]
    lines.append(_rollover_closing(app, report))
    return lines


def _rollover_heading(app: AppContext, report: dict[str, Any]) -> str:
    years = f"{report['from_year']} → {report['to_year']}"
    return (
        f"{app.t('แผน', 'plan')} {report['source_plan_id']} {report['organization']} "
        f"{app.t('ปีงบประมาณ', 'fiscal year')} {years}"
    )


def _rollover_closing(app: AppContext, report: dict[str, Any]) -> str:
    if report["already_rolled_over"]:
        return app.t(
            f"ยกไปเป็นแผน {report['plan_id']} แล้ว: ไม่มีอะไรเปลี่ยนแปลง",
            f"already rolled over into plan {report['plan_id']}: nothing changed",
        )
    if report["written"]:
        return app.t(
            f"สร้างแผน {report['plan_id']} ปีงบประมาณ {report['to_year']} แล้ว",
            f"wrote plan {report['plan_id']} for fiscal year {report['to_year']}",
        )
    return app.t(
        "ตรวจแล้ว (ไม่บันทึก): สั่งอีกครั้งพร้อม --yes เพื่อสร้างแผน",
        "checked (nothing written): run it again with --yes to write the plan",
    )


def _series_lines(app: AppContext, note: dict[str, Any], report: dict[str, Any]) -> list[str]:
    first = note["first_meeting"]
    since = app.t(
        f" (ครั้งแรก {app.format_date(date.fromisoformat(first))})",
        f" (first {app.format_date(date.fromisoformat(first))})",
    )
    lines = [
        app.t(
            f"{note['name']}: {note['meetings']} ครั้งในปีงบประมาณ {report['to_year']}",
            f"{note['name']}: {note['meetings']} meetings in fiscal year {report['to_year']}",
        )
        + (since if first else "")
    ]
    if note["extended"]:
        lines.append(
            app.t("  เลื่อนวันสิ้นสุดของกฎการประชุม: ", "  its rule's end moves: ")
            + f"{note['rrule_before']} → {note['rrule']}"
        )
    return lines


def _span(app: AppContext, span: dict[str, Any]) -> str:
    """A period in the command's language, from its dates (its text when it has none)."""
    start, end = span["start"], span["end"]
    if start is None and end is None:
        return span["text"] or app.format_period(None, None)
    return app.format_period(
        date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None
    )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
@click.option(
    "--all",
    "every_organization",
    is_flag=True,
    help="Every organization of the database, one line each, with a summary (not with --plan).",
)
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
    app: AppContext,
    plan_id: int | None,
    every_organization: bool,
    as_of: date | None,
    meeting_count: int,
    as_json: bool,
) -> None:
    """Show a plan at a glance: its tasks with their state, and the next meetings.

    With --all, every organization of the database instead (a provincial or national
    office's machine): each one's completion, overdue steps, units that have not updated
    since their last meeting and latest ITA score, and the share of organizations scoring
    85 or more against the national target of 80 %.

    \b
    Example:
      tracker overview --as-of 2022-12-15
      tracker overview --all --as-of 2023-07-26 --json
    """
    as_of = as_of or app.today()
    if every_organization:
        if plan_id is not None:
            raise click.UsageError("--plan shows one plan, --all every organization: not both")
        _overview_all(app, as_of, as_json)
        return
    from tracker.cli.tasks import task_row
    from tracker.services.meetings import next_meetings
    from tracker.services.plans import get_plan
    from tracker.services.tasks import TaskQuery, list_tasks
    from tracker.views import meeting_row

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


# Past this many organizations, `overview --all` prints plain aligned lines, not a Rich
# table: Rich measures and wraps every cell (Thai with ICU), about 1.2 ms a row, 11 s for a
# national database of 8,300; a plain line costs some ten microseconds and keeps each
# organization on one line, for a pager or grep.
PLAIN_ROWS = 200


def _overview_all(app: AppContext, as_of: date, as_json: bool) -> None:
    """Every organization at a glance (tracker.services.offices.overview): a table (plain
    aligned lines past PLAIN_ROWS organizations) and the summary line, or the whole document
    as JSON."""
    from tracker.services.offices import overview
    from tracker.views_offices import overview_document

    with app.transaction() as session:
        document = overview_document(overview(session, as_of))
    if as_json:
        echo_json(document)
        return
    title = app.t(
        f"หน่วยงานทั้งหมด ณ วันที่ {app.format_date(as_of)}",
        f"All organizations, as of {app.format_date(as_of)}",
    )
    columns = [
        app.t("หน่วยงาน", "Organization"),
        app.t("ปีงบประมาณ", "Fiscal year"),
        app.t("ความคืบหน้า", "Completion"),
        app.t("เกินกำหนด", "Overdue"),
        app.t("ยังไม่รายงานตั้งแต่ประชุมครั้งก่อน", "Not updated since the last meeting"),
        app.t("คะแนน ITA", "ITA score"),
    ]
    rows = [_organization_cells(app, row) for row in document["organizations"]]
    if len(rows) > PLAIN_ROWS:
        click.echo(_aligned_lines(title, columns, rows))
    else:
        print_table(title, columns, rows)
    click.echo(_summary_line(app, document["summary"]))


def _aligned_lines(title: str, columns: list[str], rows: list[list[str]]) -> str:
    """The title, the headings underlined, and one line per row, each column padded to its
    widest cell in terminal cells (Thai vowel and tone marks take none), two spaces between
    columns, no trailing spaces; lines are not wrapped to the terminal. Cells are one line."""
    from rich.cells import cell_len

    table = [columns, ["-" * cell_len(c) for c in columns], *rows]
    sizes = [[cell_len(cell) for cell in line] for line in table]  # measured once: the cost
    widths = [max(size[k] for size in sizes) for k in range(len(columns))]
    widths[-1] = 0  # the last column is not padded
    out = [title]
    for line, size in zip(table, sizes, strict=True):
        padded = [cell + " " * (w - n) for cell, w, n in zip(line, widths, size, strict=True)]
        out.append("  ".join(padded).rstrip())
    return "\n".join(out)


def _organization_cells(app: AppContext, row: dict[str, Any]) -> list[str]:
    done = row["completion"]
    score = "-" if row["score"] is None else f"{row['score']:.2f} ({row['score_year']})"
    return [
        row["name"],
        str(row["fiscal_year"] or "-"),
        f"{done['percent']}% · {app.t('เสร็จ', 'done')} {done['done']}/{done['total']}",
        str(row["overdue"]),
        app.t(
            f"{row['units_not_updated']} จาก {row['units_followed']} หน่วยงาน",
            f"{row['units_not_updated']} of {row['units_followed']} units",
        ),
        score,
    ]


def _summary_line(app: AppContext, summary: dict[str, Any]) -> str:
    """The summary: organizations, scored, at the pass score or more, against the target."""
    share = summary["share"]
    shown = "-" if share is None else f"{share * 100:.1f}%"
    target = f"{summary['target_share'] * 100:.0f}%"
    pass_score = f"{summary['pass_score']:g}"
    met = app.t("ถึงเป้าหมาย", "met") if summary["target_met"] else app.t("ยังไม่ถึง", "not met")
    return app.t(
        f"{summary['organizations']:,} หน่วยงาน · มีคะแนน ITA {summary['scored']:,} · "
        f"ได้ {pass_score} ขึ้นไป {summary['passing']:,} ({shown}) · "
        f"เป้าหมายระดับประเทศ {target} ของหน่วยงาน: {met}",
        f"{summary['organizations']:,} organizations · {summary['scored']:,} with an ITA score"
        f" · {summary['passing']:,} at {pass_score} or more ({shown}) · national target "
        f"{target} of agencies: {met}",
    )


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
