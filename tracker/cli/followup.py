"""Follow-up commands: remind, jobs, run, simulate, deploy (report, outbox and series have
their own modules)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_lines, print_table
from tracker.cli.params import DATE, DATETIME


def register(cli: click.Group) -> None:
    for command in (
        remind_command,
        jobs_group,
        run_command,
        simulate_command,
        deploy_command,
    ):
        cli.add_command(command)


def _print_items(app: AppContext, results: list[Any]) -> None:
    from tracker.followup.catalogue import kind_label

    rows = [
        [
            str(item["due"])[:16].replace("T", " "),
            kind_label(str(item["job"]), app.lang),
            str(item["to"]),
            str(item["subject"]) + (app.t(" (เลยกำหนดแล้ว)", " (missed)") if item["missed"] else ""),
        ]
        for result in results
        for item in result.items
    ]
    if rows:
        print_table(
            app.t("ข้อความ", "Messages"),
            [
                app.t("กำหนดส่ง", "Due"),
                app.t("ประเภท", "Kind"),
                app.t("ถึง", "To"),
                app.t("เรื่อง", "Subject"),
            ],
            rows,
        )
    click.echo(count_line(results, app.lang))
    for result in results:
        for problem in result.problems:
            click.echo(app.t("คำเตือน: ", "warning: ") + problem, err=True)


def count_line(results: list[Any], lang: str) -> str:
    """ "เข้าคิว 5, มีอยู่แล้ว 0, …": what job runs did, summed, in the command's language."""
    from tracker.i18n import JOB_COUNT, counts_line

    return counts_line({key: sum(getattr(r, key) for r in results) for key in JOB_COUNT}, lang)


@click.command("remind")
@click.option("--now", "now", type=DATETIME, help="The moment to act at (default: now).")
@click.option("--dry-run", is_flag=True, help="Show what would be queued; queue and send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def remind_command(app: AppContext, now: datetime | None, dry_run: bool, as_json: bool) -> None:
    """Queue every reminder, report and alert due at NOW, then send what is queued.

    Safe to run as often as you like: the outbox ledger never sends a message twice.

    \b
    Example:
      tracker remind --now 2023-07-31T09:00+07:00 --dry-run
    """
    from tracker.followup.catalogue import JOBS
    from tracker.followup.runner import run_job

    moment = now or app.now
    factory = app.session_factory()
    results = [
        run_job(
            job_id, app.settings, moment, worker="tracker remind", dry_run=dry_run, factory=factory
        )
        for job_id in (job.id for job in JOBS)
    ]
    if as_json:
        echo_json([r.as_dict() for r in results])
    else:
        _print_items(app, results)


class _JobRow(TypedDict):
    """A job as `tracker jobs --json` prints it."""

    id: str
    description: str
    trigger: str
    next_run: str | None  # ISO 8601, or None when it fires no more


@click.group("jobs", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def jobs_group(ctx: click.Context, app: AppContext, as_json: bool) -> None:
    """List the scheduler's jobs and when each runs next.

    \b
    Example:
      tracker jobs
      tracker jobs run meeting-reminders --now 2023-07-31T09:00+07:00 --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.followup.catalogue import JOBS, job
    from tracker.followup.scheduler import next_runs

    upcoming = next_runs(app.settings.timezone, app.now)
    rows: list[_JobRow] = []
    for e in JOBS:
        next_run = upcoming[e.id]
        rows.append(
            {
                "id": e.id,
                "description": e.description[1],  # English in JSON, as scripts read it
                "trigger": e.trigger,
                "next_run": next_run.isoformat() if next_run else None,
            }
        )
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("งานตามกำหนดเวลา", "Scheduled jobs"),
        ["ID", app.t("ทำอะไร", "What"), app.t("เมื่อ", "Trigger"), app.t("ครั้งถัดไป", "Next run")],
        [
            [
                r["id"],
                app.t(*job(r["id"]).description),
                r["trigger"],
                (r["next_run"] or "")[:16].replace("T", " "),
            ]
            for r in rows
        ],
    )


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--now", "now", type=DATETIME, help="The moment to act at (default: now).")
@click.option("--dry-run", is_flag=True, help="Show what would be queued; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def jobs_run_command(
    app: AppContext, job_id: str, now: datetime | None, dry_run: bool, as_json: bool
) -> None:
    """Run one job by its id, now or at --now.

    \b
    Example:
      tracker jobs run dispatch
    """
    from tracker.followup.runner import run_job

    result = run_job(
        job_id,
        app.settings,
        now or app.now,
        worker="tracker jobs run",
        dry_run=dry_run,
        factory=app.session_factory(),
    )
    if as_json:
        echo_json(result.as_dict())
    else:
        _print_items(app, [result])


@click.command("run")
@click.option(
    "--for",
    "seconds",
    type=click.FloatRange(1, 366 * 24 * 3600),
    metavar="SECONDS",
    help="Stop this long after catching up (default: run until SIGTERM or Ctrl-C); a "
    "database that does not answer is waited for this long at most.",
)
@pass_app
def run_command(app: AppContext, seconds: float | None) -> None:
    """Start the embedded scheduler: reminders, reports, alerts and delivery, in this process.

    No server needed: the jobs come from the catalogue and the outbox ledger in the
    tracker's own database remembers what was sent. A database that is down or restarting
    is waited for (one log line per try). SIGTERM or Ctrl-C finishes the job in progress
    and stops.

    \b
    Example:
      tracker run
      tracker run --for 30
    """
    from tracker.followup.scheduler import run_forever

    log_on_the_products_clock(app)

    def ready() -> None:
        started = app.t("เริ่มตัวจัดตารางงาน", "scheduler started")
        click.echo(f"{started} ({app.shown_database_url})")

    run_forever(
        app.settings.timezone,
        seconds=seconds,
        on_ready=ready,
        # Migrate first, and fail early on a bad database; one that is down is waited for.
        prepare=app.session_factory,
    )
    click.echo(app.t("หยุดตัวจัดตารางงานแล้ว", "scheduler stopped"))


def log_on_the_products_clock(app: AppContext) -> None:
    """One line per log record, "2569-12-14 09:30 …", stamped by the product's clock in its zone
    (TRACKER_NOW when frozen, as in the demo), not the machine's; APScheduler's and Alembic's
    routine lines (job added, running, executed; a migration's steps) are left out, their
    warnings kept."""
    import logging

    class ProductClock(logging.Formatter):
        def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
            return app.format_time(app.clock())

    handler = logging.StreamHandler()
    handler.setFormatter(ProductClock("%(asctime)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a first migration's chatter
    logging.getLogger("apprise").setLevel(logging.WARNING)  # "Notifying 1 service(s)." each


@click.command("simulate")
@click.option("--from", "start", type=DATE, required=True, help="First day, ISO or Thai.")
@click.option("--to", "end", type=DATE, required=True, help="Last day, ISO or Thai.")
@click.option(
    "--outbox",
    "outbox",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("simulation-outbox"),
    show_default=True,
    help="Where every simulated message is written as a file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@pass_app
def simulate_command(app: AppContext, start: date, end: date, outbox: Path, as_json: bool) -> None:
    """Replay a period on a virtual clock: what would be sent, when, to whom.

    Runs the real jobs on a scratch copy of your plans, delivering everything to files; your
    database and outbox are untouched. Two runs give identical output.

    \b
    Example:
      tracker simulate --from 2022-10-01 --to 2023-09-30 --outbox /tmp/fy2566
    """
    from tracker.errors import InvalidInput
    from tracker.followup.simulate import simulate
    from tracker.i18n import OUTBOX_STATUS, label
    from tracker.services.plans import export_plan, list_plans

    if end < start:
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    with app.transaction() as session:
        documents = [export_plan(session, plan) for plan in list_plans(session)]
    events = simulate(documents, start, end, outbox, app.settings)
    if as_json:
        echo_json([e.__dict__ for e in events])
        return
    missed = f"({label(OUTBOX_STATUS, 'missed', app.settings.lang)}) "
    print_lines(
        [
            f"{e.due[:16].replace('T', ' ')}  {e.job:<16}  {e.to}  {missed if e.missed else ''}"
            f"{e.subject}"
            for e in events
        ]
    )
    click.echo(
        app.t(
            f"{len(events)} ข้อความ, เขียนไว้ที่ {outbox}",
            f"{len(events)} messages, written to {outbox}",
        )
    )


@click.command("deploy")
@click.option("--dry-run", is_flag=True, help="Print the schedules; contact no server.")
@click.option(
    "--horizon-days",
    type=click.IntRange(1, 366),
    default=120,
    show_default=True,
    help="How far ahead to list the meetings' moments.",
)
@click.option(
    "--work-pool", metavar="NAME", default="ita-tracker", show_default=True, help="Work pool."
)
@click.option(
    "--sweep-every",
    metavar="DURATION",
    default="1h",
    show_default=True,
    help="How often the safety sweep runs, counted from 00:05 Bangkok time: 10s to 1d, "
    "e.g. 15m, 1h30m.",
)
@click.option("--now", "now", type=DATETIME, help="The moment to plan from (default: now).")
@pass_app
def deploy_command(
    app: AppContext,
    dry_run: bool,
    horizon_days: int,
    work_pool: str,
    sweep_every: str,
    now: datetime | None,
) -> None:
    """Register Prefect deployments with schedules derived from the meeting series.

    Needs PREFECT_API_URL pointing at a Prefect server; the embedded `tracker run` needs none.
    Workers: `prefect worker start --pool ita-tracker --type process` where ITA Tracker is
    installed, with the same TRACKER_* settings.

    \b
    Example:
      tracker deploy --dry-run
      PREFECT_API_URL=http://127.0.0.1:4200/api tracker deploy
      PREFECT_API_URL=http://127.0.0.1:4200/api tracker deploy --sweep-every 15m
    """
    import importlib

    # The one place the CLI reaches into `flows` (and so prefect): resolved at run time, so
    # `tracker` itself never depends on flows and `tracker --help` never loads prefect.
    deploy = importlib.import_module("flows.deploy")
    try:
        every = deploy.parse_every(sweep_every)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--sweep-every'") from None
    lines = deploy.run(
        dry_run=dry_run,
        now=now,
        horizon_days=horizon_days,
        work_pool=work_pool,
        sweep_every=every,
    )
    print_lines(lines)
