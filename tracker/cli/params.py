"""Click parameter types shared by the commands."""

from __future__ import annotations

from datetime import date

import click


class DateParam(click.ParamType):
    """A calendar date written as ISO ``YYYY-MM-DD``."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2022-11-02", param, ctx
            )


DATE = DateParam()

STATUS_CHOICE = click.Choice(["not_started", "in_progress", "done", "cancelled"])
