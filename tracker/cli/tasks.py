"""Task commands: tasks (list, show, history) and the changes: done, progress, reopen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_lines, print_table
from tracker.cli.params import DATE, ID, PERCENT, STATUS_CHOICE, NumberArgumentsCommand

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.models import Task, TaskEvent
    from tracker.services.tasks import Actor

F = TypeVar("F", bound=Callable[..., Any])


def register(cli: click.Group) -> None:
    for command in (tasks_group, done_command, progress_command, reopen_command):
        cli.add_command(command)


def task_row(app: AppContext, task: Any, as_of: date) -> dict[str, Any]:
    """A task as the stable JSON shape that `tracker tasks --json` prints (tracker.views)."""
    from tracker.views import task_row as row

    return row(task, as_of, app.lang)


def status_label(app: AppContext, row: dict[str, Any]) -> str:
    from tracker.i18n import TASK_STATUS, label

    text = label(TASK_STATUS, row["status"], app.lang)
    if row["status"] == "in_progress":
        text += f" {row['percent']}%"
    if row["overdue"]:
        text += app.t(" · เกินกำหนด", " · overdue")
    return text


def print_task_table(app: AppContext, rows: list[dict[str, Any]]) -> None:
    print_table(
        app.t("ขั้นตอนการดำเนินการ", "Tasks"),
        [
            "ID",
            "#",
            app.t("ขั้นตอน", "Task"),
            app.t("ผู้รับผิดชอบ", "Responsible"),
            app.t("ระยะเวลา", "Period"),
            app.t("สถานะ", "Status"),
        ],
        [
            [
                str(r["id"]),
                f"{r['measure']}.{r['number']}",
                _shorten(r["title"]),
                "\n".join(r["units"]),
                r["period"],
                status_label(app, r),
            ]
            for r in rows
        ],
    )


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.group("tasks", invoke_without_command=True)
@click.option("--plan", "plan_id", type=ID, help="Only this plan's tasks.")
@click.option(
    "--unit", "unit_name", metavar="UNIT", help="Only tasks this unit is responsible for."
)
@click.option("--status", type=STATUS_CHOICE, help="Only tasks with this status.")
@click.option("--overdue", is_flag=True, help="Only open tasks past their end date.")
@click.option("--due-before", type=DATE, help="Only tasks ending before this date.")
@click.option("--as-of", type=DATE, help="Judge overdue on this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def tasks_group(
    ctx: click.Context,
    app: AppContext,
    plan_id: int | None,
    unit_name: str | None,
    status: str | None,
    overdue: bool,
    due_before: date | None,
    as_of: date | None,
    as_json: bool,
) -> None:
    """List tasks (steps) with their responsible units, periods and status.

    \b
    Example:
      tracker tasks --unit "กองคลัง" --overdue --as-of 2023-01-15
      tracker tasks --due-before 2023-04-01 --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.tasks import TaskQuery, list_tasks
    from tracker.services.units import get_unit

    as_of = as_of or app.today()
    with app.transaction() as session:
        unit = None
        if unit_name is not None:
            unit = get_unit(session, _organization(session, plan_id), unit_name)
        query = TaskQuery(
            as_of=as_of,
            plan_id=plan_id,
            unit=unit,
            status=status,
            overdue=overdue,
            due_before=due_before,
        )
        rows = [task_row(app, task, as_of) for task in list_tasks(session, query)]
    if as_json:
        echo_json(rows)
    else:
        print_task_table(app, rows)


def _organization(session: Any, plan_id: int | None) -> Any:
    from tracker.services.organizations import get_organization

    if plan_id is not None:
        from tracker.services.plans import get_plan

        return get_plan(session, plan_id).organization
    return get_organization(session, None)


@tasks_group.command("show")
@click.argument("task_id", type=ID)
@click.option("--as-of", type=DATE, help="Judge overdue on this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def show_command(app: AppContext, task_id: int, as_of: date | None, as_json: bool) -> None:
    """Show one task in full, with its latest update.

    \b
    Example:
      tracker tasks show 3
    """
    from tracker.services.rollover import carried_from, carried_to
    from tracker.services.tasks import get_task, history
    from tracker.views import evidence_rows, update_rows

    as_of = as_of or app.today()
    with app.transaction() as session:
        task = get_task(session, task_id)
        row = task_row(app, task, as_of)
        row["measure_title"] = task.measure.title
        row["organization"] = task.measure.plan.organization.name
        row["fiscal_year"] = task.measure.plan.fiscal_year
        earlier = carried_from(session, task)[:1]
        row["carried_from"] = step_link(earlier[0]) if earlier else None
        row["carried_to"] = [step_link(later) for later in carried_to(session, task)]
        events = history(session, task)
        updates = update_rows(events)
        row["last_update"] = updates[-1] if updates else None
        row["evidence"] = evidence_rows(events)
    if as_json:
        echo_json(row)
        return
    print_lines(_show_lines(app, row))


def _show_lines(app: AppContext, row: dict[str, Any]) -> list[str]:
    period = f"{app.t('ระยะเวลา', 'Period')}: {row['period']}"
    if row["period_text"]:
        period += f"  ({app.t('ตามแผน', 'as written')}: {row['period_text']})"
    lines = [
        f"{app.t('ขั้นตอน', 'Task')} {row['measure']}.{row['number']} (ID {row['id']})",
        row["title"],
        f"{app.t('มาตรการ', 'Measure')}: {row['measure_title']}",
        f"{app.t('ผู้รับผิดชอบ', 'Responsible')}: {', '.join(row['units']) or '-'}",
        period,
        f"{app.t('ติดตามผลที่', 'Followed up at')}: {row['follow_up'] or '-'}",
        f"{app.t('สถานะ', 'Status')}: {status_label(app, row)}",
    ]
    if row["carried_from"]:
        lines.append(f"{app.t('ยกมาจาก', 'Carried from')}: {_link_words(app, row['carried_from'])}")
    for later in row["carried_to"]:
        lines.append(f"{app.t('ยกไปเป็น', 'Carried on as')}: {_link_words(app, later)}")
    update = row["last_update"]
    if update is not None:
        lines.append(f"{app.t('ปรับปรุงล่าสุด', 'Last update')}: {_update_line(app, update)}")
        if update["note"]:
            lines.append(f"  {app.t('หมายเหตุ', 'Note')}: {update['note']}")
    for evidence in row["evidence"]:
        when = app.format_time(_instant(evidence["at"]))
        by = f"{when}, {evidence['actor']}"
        lines.append(f"{app.t('หลักฐาน', 'Evidence')}: {evidence['url']} ({by})")
    return lines


def _update_line(app: AppContext, update: dict[str, Any]) -> str:
    from tracker.i18n import TASK_FIELD, label

    fields = [c["field"] for c in update["changes"]]
    if "created" in fields or not fields:  # the import made it, or a note alone
        what = label(TASK_FIELD, "created" if fields else "note", app.lang)
    else:
        what = "; ".join(
            f"{label(TASK_FIELD, c['field'], app.lang)} {_value(app, c['before'])} → "
            f"{_value(app, c['after'])}"
            for c in update["changes"]
        )
    return f"{app.format_time(_instant(update['at']))} {update['actor']}: {what}"


def _value(app: AppContext, value: str | None) -> str:
    from tracker.i18n import TASK_STATUS, label

    return "-" if value is None else _shorten(label(TASK_STATUS, value, app.lang), 40)


def step_link(task: Any) -> dict[str, Any]:
    """Another year's step a task is linked with by a rollover (`tasks show --json`)."""
    plan = task.measure.plan
    return {
        "id": task.id,
        "ref": f"{task.measure.position}.{task.number}",
        "plan_id": plan.id,
        "fiscal_year": plan.fiscal_year,
    }


def _link_words(app: AppContext, link: dict[str, Any]) -> str:
    return app.t(
        f"ขั้นตอน {link['ref']} (ID {link['id']}) ของแผน {link['plan_id']} "
        f"ปีงบประมาณ {link['fiscal_year']}",
        f"task {link['ref']} (ID {link['id']}) of plan {link['plan_id']}, "
        f"fiscal year {link['fiscal_year']}",
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def event_row(app: AppContext, event: Any) -> dict[str, Any]:
    from tracker.views import event_row as row

    return row(event)


@tasks_group.command("history")
@click.argument("task_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def history_command(app: AppContext, task_id: int, as_json: bool) -> None:
    """Show a task's audit log: who changed what, when, with notes and evidence.

    A step carried over from last year's plan (`tracker plans rollover`) shows that step's
    log after its own, and so on back; --json prints this task's own log only.

    \b
    Example:
      tracker tasks history 3 --json
    """
    from tracker.services.rollover import carried_from
    from tracker.services.tasks import get_task, history

    with app.transaction() as session:
        task = get_task(session, task_id)
        events = history(session, task)
        earlier = [(step_link(e), history(session, e)) for e in carried_from(session, task)]

    if as_json:
        echo_json([event_row(app, e) for e in events])
        return
    _print_history(app, app.t(f"ประวัติขั้นตอน ID {task_id}", f"History of task {task_id}"), events)
    for link, earlier_events in earlier:
        title = f"{app.t('ยกมาจาก', 'Carried from')} {_link_words(app, link)}"
        _print_history(app, title, earlier_events)


def _print_history(app: AppContext, title: str, events: list[Any]) -> None:
    from tracker.i18n import TASK_FIELD, label

    rows = [event_row(app, e) for e in events]
    print_table(
        title,
        [
            app.t("เมื่อ", "When"),
            app.t("โดย", "By"),
            app.t("รายการ", "Field"),
            app.t("จาก", "From"),
            app.t("เป็น", "To"),
            app.t("หมายเหตุ", "Note"),
        ],
        [
            [
                app.format_time(e.at),
                r["actor"],
                label(TASK_FIELD, r["field"], app.lang),
                "" if r["before"] is None else _value(app, r["before"]),
                "" if r["after"] is None else _shorten(_value(app, r["after"]), 60),
                "\n".join(x for x in (r["note"], r["evidence_url"]) if x),
            ]
            for r, e in zip(rows, events, strict=True)
        ],
    )


def _change_options(func: F) -> F:
    func = click.option("--user", help="The person acting for the unit (recorded in the log).")(
        func
    )
    func = click.option(
        "--by",
        "unit_name",
        required=True,
        metavar="UNIT",
        help="The responsible unit making the change.",
    )(func)
    return func


def _apply(
    app: AppContext,
    task_id: int,
    unit_name: str,
    user: str | None,
    change: Callable[[Session, Task, Actor], list[TaskEvent]],
) -> None:
    from tracker.services.tasks import Actor, get_task
    from tracker.services.units import get_unit

    with app.transaction() as session:
        task = get_task(session, task_id, for_update=True)
        unit = get_unit(session, task.measure.plan.organization, unit_name)
        events = change(session, task, Actor(unit, user))
        state = status_label(app, task_row(app, task, app.today()))
        summary = f"{app.t('ขั้นตอน', 'task')} {task.id}: {state}"
    if events:
        click.echo(summary)
    else:
        click.echo(f"{summary} — {app.t('ไม่มีอะไรเปลี่ยนแปลง', 'nothing changed')}")


@click.command("done")
@click.argument("task_id", type=ID)
@_change_options
@click.option("--note", help="What was done.")
@click.option("--evidence", metavar="URL", help="Where the evidence is (a link).")
@pass_app
def done_command(
    app: AppContext,
    task_id: int,
    unit_name: str,
    user: str | None,
    note: str | None,
    evidence: str | None,
) -> None:
    """Mark a task done (100%), with an optional note and evidence link.

    \b
    Example:
      tracker done 1 --by "สำนักปลัด" --note "ลงนามคำสั่งแล้ว" --evidence https://example.go.th/order.pdf
    """
    from tracker.services.tasks import mark_done

    _apply(
        app,
        task_id,
        unit_name,
        user,
        lambda s, t, a: mark_done(s, t, a, app.now, note=note, evidence_url=evidence),
    )


@click.command("progress", cls=NumberArgumentsCommand)
@click.argument("task_id", type=ID)
@click.argument("percent", type=PERCENT)
@_change_options
@click.option("--note", help="What has been done so far.")
@click.option("--evidence", metavar="URL", help="Where the evidence is (a link).")
@pass_app
def progress_command(
    app: AppContext,
    task_id: int,
    percent: int,
    unit_name: str,
    user: str | None,
    note: str | None,
    evidence: str | None,
) -> None:
    """Report a task's progress in percent (100 marks it done).

    \b
    Example:
      tracker progress 2 50 --by "กองคลัง" --note "ร่างคู่มือแล้ว"
    """
    from tracker.services.tasks import set_progress

    _apply(
        app,
        task_id,
        unit_name,
        user,
        lambda s, t, a: set_progress(s, t, a, percent, app.now, note=note, evidence_url=evidence),
    )


@click.command("reopen")
@click.argument("task_id", type=ID)
@_change_options
@click.option("--note", required=True, help="Why the task is reopened.")
@pass_app
def reopen_command(
    app: AppContext, task_id: int, unit_name: str, user: str | None, note: str
) -> None:
    """Reopen a done or cancelled task, saying why.

    \b
    Example:
      tracker reopen 1 --by "สำนักปลัด" --note "คำสั่งต้องแก้ไขรายชื่อ"
    """
    from tracker.services.tasks import reopen

    _apply(app, task_id, unit_name, user, lambda s, t, a: reopen(s, t, a, app.now, note=note))
