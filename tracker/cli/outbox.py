"""The outbox command: every message queued, sent, failed or missed, and retrying one."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.params import ID

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "missed")


def register(cli: click.Group) -> None:
    cli.add_command(outbox_group)


@click.group("outbox", invoke_without_command=True)
@click.option("--failed", is_flag=True, help="Only messages that failed for good.")
@click.option("--status", type=click.Choice(OUTBOX_STATUSES))
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def outbox_group(
    ctx: click.Context, app: AppContext, failed: bool, status: str | None, limit: int, as_json: bool
) -> None:
    """List the outbox: every message queued, sent, failed or missed, newest first.

    \b
    Example:
      tracker outbox --failed
      tracker outbox retry 12
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.outbox import list_messages
    from tracker.views import outbox_row

    with app.transaction() as session:
        wanted = "failed" if failed else status
        rows = [outbox_row(m) for m in list_messages(session, status=wanted, limit=limit)]
    if as_json:
        echo_json(rows)
    else:
        _print_outbox(app, rows)


def _print_outbox(app: AppContext, rows: list[dict[str, object]]) -> None:
    from tracker.followup.catalogue import kind_label
    from tracker.i18n import MISSED_REASON, OUTBOX_STATUS, label

    print_table(
        app.t("กล่องข้อความขาออก", "Outbox"),
        [
            "ID",
            app.t("สถานะ", "Status"),
            app.t("ประเภท", "Kind"),
            app.t("ถึง", "To"),
            app.t("เรื่อง", "Subject"),
            app.t("เหตุผล", "Reason"),
        ],
        [
            [
                str(r["id"]),
                label(OUTBOX_STATUS, str(r["status"]), app.lang)
                + (f" ×{r['attempts']}" if int(r["attempts"]) > 1 else ""),  # type: ignore[call-overload]
                kind_label(str(r["job"]), app.lang),
                f"{r['channel']}: {r['recipient']}",
                str(r["subject"]),
                label(MISSED_REASON, str(r["last_error"] or ""), app.lang),
            ]
            for r in rows
        ],
    )


@outbox_group.command("retry")
@click.argument("message_id", type=ID)
@pass_app
def outbox_retry_command(app: AppContext, message_id: int) -> None:
    """Queue a failed or missed message again; the next dispatch sends it.

    \b
    Example:
      tracker outbox retry 12 && tracker jobs run dispatch
    """
    from tracker.services.outbox import retry

    with app.transaction() as session:
        row = retry(session, message_id, app.now)
        click.echo(app.t(f"ข้อความ {row.id} กลับเข้าคิวแล้ว", f"message {row.id} queued again"))
