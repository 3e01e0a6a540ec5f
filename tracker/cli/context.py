"""What every command shares: settings, the database, the clock, the language, output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from tracker.config import Settings


@dataclass
class AppContext:
    db_path: str | None
    lang_option: str | None
    _factory: Any = field(default=None, repr=False)

    @cached_property
    def settings(self) -> Settings:
        from tracker.config import load_settings

        return load_settings()

    @property
    def lang(self) -> str:
        return self.lang_option or self.settings.lang

    @property
    def database_url(self) -> str:
        from tracker.config import database_url

        return database_url(self.settings, self.db_path)

    def session_factory(self) -> sessionmaker[Session]:
        """Open the database once per command (migrating it on first use)."""
        if self._factory is None:
            from tracker.db import open_database

            self._factory = open_database(self.database_url)
        return self._factory

    @contextmanager
    def transaction(self, *, dry_run: bool = False) -> Iterator[Session]:
        """The command's single transaction: all of it is written, or none of it.

        With ``dry_run`` the work is done (so every check runs) and then rolled back.
        """
        from tracker.db import unit_of_work

        with unit_of_work(self.session_factory(), dry_run=dry_run) as session:
            yield session

    @cached_property
    def now(self) -> datetime:
        from tracker.config import current_time

        return current_time(self.settings)

    def today(self) -> date:
        """Today's date in the configured zone (Asia/Bangkok unless told otherwise)."""
        from zoneinfo import ZoneInfo

        return self.now.astimezone(ZoneInfo(self.settings.timezone)).date()

    # --- output ----------------------------------------------------------------------------

    def format_date(self, day: date | None) -> str:
        from schedules import format_date

        return "" if day is None else format_date(day, self.lang)  # type: ignore[arg-type]

    def format_period(self, start: date | None, end: date | None) -> str:
        from schedules import format_span

        return format_span(start, end, self.lang)  # type: ignore[arg-type]

    def format_time(self, moment: datetime) -> str:
        """A UTC instant shown in the configured zone: "2 พ.ย. 2565 09:00"."""
        from zoneinfo import ZoneInfo

        local = moment.astimezone(ZoneInfo(self.settings.timezone))
        return f"{self.format_date(local.date())} {local:%H:%M}"

    def holiday_calendar(self):  # type: ignore[no-untyped-def]
        """Thai public holidays, named in the command's language."""
        from schedules.workdays import ThaiCalendar

        return ThaiCalendar(language="th" if self.lang == "th" else "en_US")

    def t(self, thai: str, english: str) -> str:
        """Pick the label for the current language."""
        return thai if self.lang == "th" else english


def echo_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, Thai unescaped, one document."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_table(title: str | None, columns: list[str], rows: list[list[str]]) -> None:
    """A Rich table for people; long Thai text wraps rather than being cut."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(width=_width()).print(table)


def print_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def _width() -> int | None:
    import shutil

    columns = shutil.get_terminal_size(fallback=(120, 24)).columns
    return max(columns, 100)


pass_app = click.make_pass_decorator(AppContext)
