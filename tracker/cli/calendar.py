"""Calendar commands over the pure `schedules` library: period, recurrence."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_lines
from tracker.cli.params import FISCAL_YEAR


def register(cli: click.Group) -> None:
    cli.add_command(period_command)
    cli.add_command(recurrence_command)


@click.command("period")
@click.argument("text")
@click.option(
    "--fiscal-year",
    type=FISCAL_YEAR,
    help="Fiscal year (BE) for text that leaves the year out.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def period_command(app: AppContext, text: str, fiscal_year: int | None, as_json: bool) -> None:
    """Read a Thai period ("พ.ย.๒๕๖๕", "ม.ค. - มี.ค. ๒๕๖๖", "ต.ค.๒๕๖๕ เป็นต้นไป").

    Prints its first and last day (null when open). Text that states no period, or an
    impossible date, is an error saying what could not be read.

    \b
    Example:
      tracker period "ภายในเดือน ม.ค. - มี.ค. ๒๕๖๖" --json
      tracker period "ไตรมาสที่ ๒" --fiscal-year 2566
    """
    from schedules import PeriodError, format_period, parse_period
    from tracker.errors import InvalidInput

    try:
        period = parse_period(text, fiscal_year)
    except PeriodError as error:
        raise InvalidInput(str(error)) from None
    if as_json:
        echo_json(
            {
                "start": period.start.isoformat() if period.start else None,
                "end": period.end.isoformat() if period.end else None,
                "text": text,
            }
        )
        return
    open_word = app.t("ไม่กำหนด", "open")
    print_lines(
        [
            f"{app.t('เริ่ม', 'start')}: {app.format_date(period.start) or open_word}",
            f"{app.t('สิ้นสุด', 'end')}: {app.format_date(period.end) or open_word}",
            f"{app.t('เขียนได้ว่า', 'written')}: {format_period(period, app.lang)}",  # type: ignore[arg-type]
        ]
    )


@click.command("recurrence")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def recurrence_command(app: AppContext, text: str, as_json: bool) -> None:
    """Turn a Thai meeting phrase (or an RRULE) into an RRULE and say it back.

    \b
    Example:
      tracker recurrence "ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน" --json
    """
    from schedules.recurrence import describe_recurrence, parse_recurrence
    from schedules.rrules import RecurrenceError
    from tracker.errors import InvalidInput

    try:
        rule = parse_recurrence(text)
    except RecurrenceError as error:
        raise InvalidInput(str(error)) from None
    description = describe_recurrence(rule, app.lang)
    if as_json:
        echo_json({"rrule": rule, "description": description})
    else:
        print_lines([rule, description])
