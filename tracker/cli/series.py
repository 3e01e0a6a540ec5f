"""The series commands: meeting series with their follow-up timing and report recipients."""

from __future__ import annotations

from datetime import time

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.params import HOLIDAY_POLICY_CHOICE, TIME
from tracker.notify import CHANNELS

ORG_OPTION = click.option(
    "--org", "org_name", metavar="NAME", help="Organization (default: the only one)."
)


def register(cli: click.Group) -> None:
    cli.add_command(series_group)


@click.group("series", invoke_without_command=True)
@ORG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def series_group(ctx: click.Context, app: AppContext, org_name: str | None, as_json: bool) -> None:
    """List meeting series with their follow-up timing and report recipients.

    \b
    Example:
      tracker series
      tracker series recipient "ประชุมหัวหน้าส่วนราชการ" email secretariat@example.go.th
      tracker series timing "ประชุมหัวหน้าส่วนราชการ" --reminder-days 3
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.meetings import organization_series
    from tracker.services.organizations import get_organization
    from tracker.views import series_row

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        rows = [series_row(s) for s in organization_series(session, organization)]
    if as_json:
        echo_json(rows)
    else:
        _print_series(app, rows)


def _print_series(app: AppContext, rows: list[dict[str, object]]) -> None:
    def lead(days: object, at: object) -> str:
        return app.t(f"{days} วันทำการก่อน {at}", f"{days} working days before, {at}")

    print_table(
        app.t("การประชุมติดตามผล", "Follow-up meetings"),
        [
            app.t("ชื่อ", "Name"),
            "RRULE",
            app.t("เตือน", "Reminder"),
            app.t("รายงาน", "Report"),
            app.t("ผู้รับรายงาน", "Report to"),
        ],
        [
            [
                str(r["name"]),
                str(r["rrule"]),
                lead(r["reminder_days"], r["reminder_time"]),
                lead(r["report_days"], r["report_time"]),
                "\n".join(f"{x['channel']}: {x['address']}" for x in r["recipients"]),  # type: ignore[attr-defined]
            ]
            for r in rows
        ],
    )


@series_group.command("recipient")
@click.argument("name")
@click.argument("channel", type=click.Choice(CHANNELS))
@click.argument("address")
@click.option("--remove", is_flag=True, help="Remove this recipient instead.")
@ORG_OPTION
@pass_app
def series_recipient_command(
    app: AppContext, name: str, channel: str, address: str, remove: bool, org_name: str | None
) -> None:
    """Add (or --remove) a recipient of a series' progress report.

    \b
    Example:
      tracker series recipient "ประชุมหัวหน้าส่วนราชการ" email secretariat@example.go.th
    """
    from tracker.services.meetings import get_series
    from tracker.services.organizations import get_organization
    from tracker.services.series import add_recipient, remove_recipient

    with app.transaction() as session:
        series = get_series(session, get_organization(session, org_name), name)
        if remove:
            remove_recipient(session, series, channel, address)
        else:
            add_recipient(session, series, channel, address)
        count = len(series.recipients)
    click.echo(
        app.t(
            f"{series.name}: ผู้รับรายงาน {count} ราย", f"{series.name}: {count} report recipient(s)"
        )
    )


@series_group.command("timing")
@click.argument("name")
@click.option("--reminder-days", type=click.IntRange(0, 20), help="Working days before a meeting.")
@click.option("--reminder-time", type=TIME)
@click.option("--report-days", type=click.IntRange(0, 20), help="Working days before a meeting.")
@click.option("--report-time", type=TIME)
@click.option("--holidays", "policy", type=HOLIDAY_POLICY_CHOICE)
@ORG_OPTION
@pass_app
def series_timing_command(
    app: AppContext,
    name: str,
    reminder_days: int | None,
    reminder_time: time | None,
    report_days: int | None,
    report_time: time | None,
    policy: str | None,
    org_name: str | None,
) -> None:
    """Change when a series' reminders and report go out, or its holiday policy.

    \b
    Example:
      tracker series timing "ประชุมหัวหน้าส่วนราชการ" --reminder-days 3 --report-time 07:30
    """
    from tracker.services.meetings import get_series
    from tracker.services.organizations import get_organization
    from tracker.services.series import set_timing
    from tracker.views import series_row

    with app.transaction() as session:
        series = get_series(session, get_organization(session, org_name), name)
        set_timing(
            series,
            reminder_days=reminder_days,
            reminder_time=reminder_time,
            report_days=report_days,
            report_time=report_time,
            holiday_policy=policy,
        )
        row = series_row(series)
    echo_json(row)
