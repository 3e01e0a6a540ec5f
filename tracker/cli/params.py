"""Click parameter types shared by the commands."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import click


class DateParam(click.ParamType[date]):
    """A calendar date: ISO ``YYYY-MM-DD`` (CE) or Thai ("1 ต.ค. 2565", "๑ ตุลาคม ๒๕๖๕")."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        day = self._iso(text, param, ctx) if _ISO_SHAPE.fullmatch(text) else None
        day = day or self._thai(text, param, ctx)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.fail(f"{text!r} is outside the years ITA Tracker works with ({YEARS})", param, ctx)
        return day

    def _thai(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from schedules import PeriodError, parse_period
        from schedules.period_words import quoted

        try:
            period = parse_period(text)
        except PeriodError as error:
            self.fail(
                f"{quoted(text)} is not a date ({error}); write 2022-10-01 or 1 ต.ค. 2565",
                param,
                ctx,
            )
        if period.start is None or period.start != period.end:
            self.fail(
                f"{quoted(text)} is a period, not one day; write 2022-10-01 or 1 ต.ค. 2565",
                param,
                ctx,
            )
        return period.start

    def _iso(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """An ISO date; a Buddhist-era year in one (2569-11-01) is refused with the CE date."""
        year, month = int(text[:4]), int(text[5:7])
        if year >= BE_YEARS_FROM:
            from schedules.thai import THAI_MONTHS_ABBR

            thai = f", or in Thai: {int(text[8:])} {THAI_MONTHS_ABBR[month - 1]} {year}"
            self.fail(
                f"{text!r} has a Buddhist-era year: ISO dates are CE ({year - 543}{text[4:]})"
                + (thai if 1 <= month <= 12 else ""),
                param,
                ctx,
            )
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            self.fail(f"{text!r} is not a real date ({error})", param, ctx)


_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
BE_YEARS_FROM = 2400  # four-digit years from here on are Buddhist-era (domain.md §3)
# The years a date given to a command may fall in: plans, meetings and clocks of people
# alive; beyond them date arithmetic (a week before 1 Jan of year 1) would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2399
YEARS = "CE 1900 to 2399, BE 2443 to 2942"


DATE = DateParam()


class DateTimeParam(click.ParamType[datetime]):
    """An ISO date and time (CE); without an offset it is in the configured zone
    (TRACKER_TIMEZONE, Asia/Bangkok by default)."""

    name = "DATETIME"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        from schedules import InstantError, parse_instant

        if isinstance(value, datetime):
            return value
        text = str(value)
        try:
            moment = parse_instant(text, default_zone=_configured_zone(ctx))
        except InstantError as error:
            self.fail(str(error), param, ctx)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            self.fail(f"{text!r} is outside the years ITA Tracker works with ({YEARS})", param, ctx)
        return moment


def _configured_zone(ctx: click.Context | None) -> str:
    """The zone of the command's settings (its AppContext), else the default."""
    from schedules import DEFAULT_ZONE

    app = ctx.obj if ctx is not None else None
    return str(app.settings.timezone) if app is not None else DEFAULT_ZONE


DATETIME = DateTimeParam()

STATUS_CHOICE = click.Choice(["not_started", "in_progress", "done", "cancelled"])
HOLIDAY_POLICY_CHOICE = click.Choice(["flag", "skip", "move"])


MAX_ID = 2**31 - 1  # ids are INTEGER columns, 32 bits on PostgreSQL


class IdParam(click.ParamType[int]):
    """A row id: a whole number from 1 to MAX_ID (a longer number is no id, not a crash)."""

    name = "ID"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            number = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else 0
        if not 1 <= number <= MAX_ID:
            shown = str(value) if len(str(value)) <= 20 else f"{str(value)[:17]}…"
            self.fail(f"{shown!r} is not an id (a whole number from 1 to {MAX_ID:,})", param, ctx)
        return number


ID = IdParam()


class PercentParam(click.ParamType[int]):
    """A percent done: a whole number from 0 to 100 ("70" or "70%")."""

    name = "PERCENT"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        text = str(value).strip().removesuffix("%")
        digits = text.isascii() and text.isdigit() and len(text) <= 3
        if not digits or int(text) > 100:
            shown = str(value) if len(str(value)) <= 20 else f"{str(value)[:17]}…"
            self.fail(f"{shown!r} is not a percent (a whole number from 0 to 100)", param, ctx)
        return int(text)


PERCENT = PercentParam()


class FiscalYearParam(click.ParamType[int]):
    """A Buddhist-era fiscal year: 2567, or 67 for 2567."""

    name = "BE_YEAR"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        text = str(value).strip()
        year = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 0
        if len(text) <= 2 and text:
            year += 2500
        if not 2400 <= year <= 2800:
            shown = text if len(text) <= 20 else f"{text[:17]}…"
            self.fail(
                f"{shown!r} is not a fiscal year: write its Buddhist-era year, e.g. 2567",
                param,
                ctx,
            )
        return year


FISCAL_YEAR = FiscalYearParam()


class NumberArgumentsCommand(click.Command):
    """A command whose arguments may be negative numbers: ``tracker progress 2 -5`` reaches
    PERCENT (and gets its range error) instead of being taken for an unknown option "-5".

    Unknown options are still errors: the arguments are checked before click parses them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {})["ignore_unknown_options"] = True
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag
            for name in param.opts
        }
        known = (
            takes_value
            | {
                name
                for param in self.params
                if isinstance(param, click.Option)
                for name in param.opts
            }
            | set(ctx.help_option_names)
        )
        skip = False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name.startswith("-") and not _NEGATIVE_NUMBER.fullmatch(arg):
                if name not in known:
                    raise click.NoSuchOption(name, ctx=ctx)
                skip = name in takes_value and "=" not in arg
        return super().parse_args(ctx, args)


_NEGATIVE_NUMBER = re.compile(r"-\d+(?:\.\d+)?%?")


class TimeParam(click.ParamType[time]):
    """A time of day, HH:MM (24-hour)."""

    name = "HH:MM"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> time:
        if isinstance(value, time):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,2}:\d{2}", text):
            self.fail(f"{text[:20]!r} is not a time: write HH:MM, e.g. 07:30", param, ctx)
        try:
            return time.fromisoformat(text.zfill(5))
        except ValueError:
            self.fail(f"{text!r} is not a time of day: write HH:MM, e.g. 07:30", param, ctx)


TIME = TimeParam()
