"""Click parameter types shared by the commands."""

from __future__ import annotations

from datetime import date

import click


class DateParam(click.ParamType):
    """A calendar date: ISO ``YYYY-MM-DD`` or Thai ("1 ต.ค. 2565", "๑ ตุลาคม ๒๕๖๕")."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        from schedules import PeriodError, parse_period

        try:
            period = parse_period(text)
        except PeriodError as error:
            self.fail(
                f"{text!r} is not a date ({error}); write 2022-10-01 or 1 ต.ค. 2565", param, ctx
            )
        if period.start is None or period.start != period.end:
            self.fail(
                f"{text!r} is a period, not one day; write 2022-10-01 or 1 ต.ค. 2565", param, ctx
            )
        return period.start


DATE = DateParam()

STATUS_CHOICE = click.Choice(["not_started", "in_progress", "done", "cancelled"])
HOLIDAY_POLICY_CHOICE = click.Choice(["flag", "skip", "move"])
