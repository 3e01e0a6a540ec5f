"""The outbox command: every message queued, sent, failed or missed; one message with its
attempts; queueing failed or missed messages again, one or all that match."""

from __future__ import annotations

from datetime import date, datetime

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.params import DATE, ID

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "missed")


def _check_kind(_ctx: click.Context, _param: click.Parameter, kind: str | None) -> str | None:
    """A message kind as the ledger names it (read from the catalogue only when given, so
    that `tracker --help` stays light)."""
    from tracker.followup.catalogue import JOBS

    kinds = [job.kind for job in JOBS if job.kind is not None]
    if kind is not None and kind not in kinds:
        raise click.BadParameter(f"{kind!r} is not a kind of message ({', '.join(kinds)})")
    return kind


def register(cli: click.Group) -> None:
    cli.add_command(outbox_group)


@click.group("outbox", invoke_without_command=True)
@click.option("--failed", is_flag=True, help="Only messages that failed for good.")
@click.option("--status", type=click.Choice(OUTBOX_STATUSES))
@click.option(
    "--interrupted",
    is_flag=True,
    help="Only messages a crash interrupted: sent again, or waiting for their lease to end.",
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
@click.pass_context
def outbox_group(
    ctx: click.Context,
    app: AppContext,
    failed: bool,
    status: str | None,
    interrupted: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List the outbox: every message queued, sent, failed or missed, newest first.

    Webhook and Apprise addresses are shown without their tokens.

    \b
    Example:
      tracker outbox --failed
      tracker outbox show 12
      tracker outbox retry --failed --job meeting-reminder
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.services.outbox import list_messages
    from tracker.views import outbox_row

    with app.transaction() as session:
        wanted = "failed" if failed else status
        found = list_messages(
            session, status=wanted, limit=limit, interrupted_by=app.now if interrupted else None
        )
        rows = [outbox_row(m) for m in found]
    if as_json:
        echo_json(rows)
    else:
        _print_outbox(app, rows)


def _status_words(app: AppContext, row: dict[str, object]) -> str:
    """The status as the table shows it: "กำลังส่ง (ขาดตอน …)" for a claim whose lease has
    ended, "รอส่ง (ส่งอีกครั้ง …)" for a message waiting out a backoff or an open circuit,
    the attempts and interruptions after it."""
    from tracker.i18n import OUTBOX_STATUS, label

    status = str(row["status"])
    words = label(OUTBOX_STATUS, status, app.lang)
    lease = row.get("lease_until")
    if status == "sending" and lease and datetime.fromisoformat(str(lease)) < app.now:
        words += app.t(" (ขาดตอน: จะส่งใหม่)", " (interrupted: to be resent)")
    retry_at = row.get("next_attempt_at")
    if status == "pending" and retry_at and datetime.fromisoformat(str(retry_at)) > app.now:
        when = app.format_time(datetime.fromisoformat(str(retry_at)))
        words += app.t(f" (ส่งอีกครั้ง {when})", f" (next try {when})")
    attempts, interruptions = int(str(row["attempts"])), int(str(row["interruptions"]))
    if attempts > 1:
        words += f" ×{attempts}"
    if interruptions:
        words += app.t(f", ขาดตอน {interruptions}", f", interrupted {interruptions}")
    return words


def _print_outbox(app: AppContext, rows: list[dict[str, object]]) -> None:
    from tracker.followup.catalogue import kind_label
    from tracker.i18n import MISSED_REASON, label

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
                _status_words(app, r),
                kind_label(str(r["job"]), app.lang),
                f"{r['channel']}: {r['recipient']}",
                str(r["subject"]),
                label(MISSED_REASON, str(r["last_error"] or ""), app.lang),
            ]
            for r in rows
        ],
    )


@outbox_group.command("show")
@click.argument("message_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def outbox_show_command(app: AppContext, message_id: int, as_json: bool) -> None:
    """One message: where it goes, its idempotency key, its text and every attempt.

    \b
    Example:
      tracker outbox show 12
    """
    from tracker.services.outbox import message_with_attempts
    from tracker.views import outbox_detail

    with app.transaction() as session:
        detail = outbox_detail(*message_with_attempts(session, message_id))
    if as_json:
        echo_json(detail)
        return
    _print_detail(app, detail)


def _print_detail(app: AppContext, detail: dict[str, object]) -> None:
    from tracker.followup.catalogue import kind_label
    from tracker.i18n import ATTEMPT_OUTCOME, MISSED_REASON, label

    def when(text: object) -> str:
        return app.format_time(datetime.fromisoformat(str(text))) if text else "-"

    facts = [
        (app.t("สถานะ", "status"), _status_words(app, detail)),
        (app.t("ประเภท", "kind"), kind_label(str(detail["job"]), app.lang)),
        (app.t("เรื่องที่", "about"), str(detail["occurrence"])),
        (app.t("ถึง", "to"), f"{detail['channel']}: {detail['recipient']}"),
        (app.t("เรื่อง", "subject"), str(detail["subject"])),
        (app.t("กำหนดส่ง", "due"), when(detail["due_at"])),
        (app.t("ส่งเมื่อ", "sent"), when(detail["sent_at"])),
        (app.t("คีย์กันส่งซ้ำ", "idempotency key"), str(detail["idempotency_key"])),
    ]
    if detail["fallback_of"]:
        facts.append((app.t("ส่งแทนข้อความ", "instead of message"), str(detail["fallback_of"])))
    if detail["last_error"]:
        reason = label(MISSED_REASON, str(detail["last_error"]), app.lang)
        facts.append((app.t("เหตุผล", "reason"), reason))
    click.echo(app.t(f"ข้อความ {detail['id']}", f"message {detail['id']}"))
    for name, value in facts:
        click.echo(f"  {name}: {value}")
    attempts = detail["attempt_history"]
    assert isinstance(attempts, list)
    if not attempts:
        click.echo(app.t("ยังไม่เคยส่ง", "no attempt at sending it yet"))
        return
    print_table(
        app.t("การส่งแต่ละครั้ง", "Attempts"),
        [
            "#",
            app.t("ผู้ส่ง", "Worker"),
            app.t("เริ่ม", "Started"),
            app.t("จบ", "Finished"),
            app.t("ผล", "Outcome"),
            app.t("เหตุผล", "Reason"),
        ],
        [
            [
                str(number),
                str(a["worker"]),
                when(a["started_at"]),
                when(a["finished_at"]),
                label(ATTEMPT_OUTCOME, str(a["outcome"]), app.lang),
                str(a["error"] or ""),
            ]
            for number, a in enumerate(attempts, start=1)
        ],
    )


@outbox_group.command("retry")
@click.argument("message_id", type=ID, required=False)
@click.option("--failed", "which", flag_value="failed", help="Every failed message.")
@click.option("--missed", "which", flag_value="missed", help="Every missed message.")
@click.option(
    "--job",
    "kind",
    callback=_check_kind,
    metavar="KIND",
    help="Only messages of this kind: meeting-reminder, progress-report, deadline-alert, "
    "overdue-digest.",
)
@click.option("--since", type=DATE, help="Only messages due on or after this day (ISO or Thai).")
@pass_app
def outbox_retry_command(
    app: AppContext,
    message_id: int | None,
    which: str | None,
    kind: str | None,
    since: date | None,
) -> None:
    """Queue a failed or missed message again (or, with --failed or --missed, every one that
    matches, in one transaction); the next dispatch sends it, with the same idempotency key.

    \b
    Example:
      tracker outbox retry 12 && tracker jobs run dispatch
      tracker outbox retry --failed --job deadline-alert --since 2026-12-01
    """
    if (message_id is None) == (which is None):
        raise click.UsageError("give one message ID, or --failed or --missed (not both)")
    if message_id is not None and (kind or since):
        raise click.UsageError("--job and --since choose among --failed or --missed messages")
    from tracker.services.outbox import retry, retry_all

    with app.transaction() as session:
        if message_id is not None:
            row = retry(session, message_id, app.now)
            click.echo(app.t(f"ข้อความ {row.id} กลับเข้าคิวแล้ว", f"message {row.id} queued again"))
            return
        assert which is not None
        count = retry_all(
            session, app.now, status=which, job=kind, since=app.start_of(since) if since else None
        )
    click.echo(app.t(f"กลับเข้าคิว {count} ข้อความ", f"{count} messages queued again"))
