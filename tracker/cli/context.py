"""What every command shares: settings, the database, the clock, the language, output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.measure import Measurement
    from rich.segment import Segment
    from rich.table import Table
    from sqlalchemy.orm import Session, sessionmaker

    from schedules.workdays import ThaiCalendar
    from tracker.config import Settings
    from tracker.db import Create, DatabaseMissing


@dataclass
class AppContext:
    db_path: str | None
    lang_option: str | None
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)

    @cached_property
    def settings(self) -> Settings:
        from tracker.config import load_settings

        return load_settings()

    @property
    def lang(self) -> str:
        return self.lang_option or self.settings.lang

    @cached_property
    def database_url(self) -> str:
        """The checked URL (``--db`` or TRACKER_DATABASE_URL or the default file)."""
        from tracker.config import database_url
        from tracker.db import parse_database_url
        from tracker.errors import InvalidInput

        try:
            url = parse_database_url(database_url(self.settings, self.db_path))
        except InvalidInput as error:
            source = "--db" if self.db_path else "TRACKER_DATABASE_URL"
            raise InvalidInput(f"{source}: {error}") from None
        return url.render_as_string(hide_password=False)

    @property
    def shown_database_url(self) -> str:
        """The database URL as it may be printed: its password masked."""
        from tracker.redact import mask_url

        return mask_url(self.database_url)

    def session_factory(self, *, create: bool = False) -> sessionmaker[Session]:
        """Open the database once per command (migrating it on first use).

        A SQLite file that does not exist is an error unless ``create`` (only import passes
        it); even then a folder that does not exist is made only for the default database:
        a typo'd ``--db`` never becomes a new empty database.
        """
        if self._factory is None:
            from tracker.db import DatabaseMissing, open_database

            try:
                self._factory = open_database(self.database_url, create=self.may_create(create))
            except DatabaseMissing as missing:
                raise self.missing_database(missing) from None
        return self._factory

    def may_create(self, create: bool) -> Create:
        """How far opening may go in making a database that does not exist (see db.Create)."""
        from tracker.db import Create

        if not create:
            return Create.NEVER
        explicit = self.db_path or self.settings.database_url
        return Create.FILE if explicit else Create.WITH_FOLDERS

    def missing_database(self, missing: DatabaseMissing) -> Exception:
        """The CLI's words for a database that is not there: how to make one on purpose."""
        from tracker.errors import InvalidInput

        if not (self.db_path or self.settings.database_url):  # the default file, first use
            return InvalidInput(
                f"no database yet at {missing.path}: import a plan first (`tracker import FILE`)"
            )
        option = f" --db {self.db_path}" if self.db_path else ""
        if missing.folder_missing:
            advice = f"check the path; `tracker{option} db upgrade` creates one there on purpose"
        else:
            advice = (
                f"check the path, import a plan (`tracker{option} import FILE`), or create an "
                f"empty database with `tracker{option} db upgrade`"
            )
        return InvalidInput(f"{missing}; {advice}")

    @contextmanager
    def transaction(self, *, dry_run: bool = False, create: bool = False) -> Iterator[Session]:
        """The command's single transaction: all of it is written, or none of it.

        With ``dry_run`` the work is done (so every check runs) and then rolled back;
        ``create`` as for :meth:`session_factory`.
        """
        from tracker.db import unit_of_work

        with unit_of_work(self.session_factory(create=create), dry_run=dry_run) as session:
            yield session

    @cached_property
    def now(self) -> datetime:
        """The command's moment: read once, so one command acts at one instant."""
        return self.clock()

    def clock(self) -> datetime:
        """The product's clock, read again at each call (TRACKER_NOW when frozen)."""
        from tracker.config import current_time

        return current_time(self.settings)

    def today(self) -> date:
        """Today's date in the configured zone (Asia/Bangkok unless told otherwise)."""
        from zoneinfo import ZoneInfo

        return self.now.astimezone(ZoneInfo(self.settings.timezone)).date()

    def start_of(self, day: date) -> datetime:
        """The first instant of ``day`` in the configured zone (UTC-aware)."""
        from zoneinfo import ZoneInfo

        return datetime.combine(day, time(0), tzinfo=ZoneInfo(self.settings.timezone))

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

    def holiday_calendar(self) -> ThaiCalendar:
        """Thai public holidays, named in the command's language."""
        from schedules.workdays import ThaiCalendar

        return ThaiCalendar(language="th" if self.lang == "th" else "en_US")

    def t(self, thai: str, english: str) -> str:
        """Pick the label for the current language (tracker.i18n.t)."""
        from tracker.i18n import t

        return t(self.lang, thai, english)


def echo_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, Thai unescaped, one document."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_table(title: str | None, columns: list[str], rows: list[list[str]]) -> None:
    """A Rich table for people. Rich chooses the column widths; every heading, cell and the
    title wraps itself at word boundaries (tracker.textbreak: ICU's Thai line breaks), so no
    Thai word is folded in the middle unless it alone is wider than its column."""
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in columns:
        table.add_column(_WordWrapped(column))
    for row in rows:
        table.add_row(*(_WordWrapped(cell) for cell in row))
    console = Console(width=_width())
    if title:
        _print_titled(console, title, table)
    else:
        console.print(table)


def _print_titled(console: Console, title: str, table: Table) -> None:
    """The table under its title, the title wrapped at word boundaries to the table's width
    (as Rich would place it, but Rich's own title wrapping folds words): the table is laid out
    once, its width read from its first line."""
    from rich.cells import cell_len
    from rich.segment import Segment, SegmentLines
    from rich.text import Text

    from tracker.textbreak import wrap

    lines = console.render_lines(table, pad=False)
    width = max(Segment.get_line_length(lines[0]), 1)
    heading = Text("\n".join(wrap(title, width, cell_len)), style="table.title")
    console.print(heading, justify="left", width=width)
    console.print(SegmentLines(lines, new_lines=True))


class _WordWrapped:
    """Text that Rich measures and places like a string but that breaks its own lines with
    tracker.textbreak at the width Rich gives it (Rich's folding would cut Thai words)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        from tracker.textbreak import widest_word

        widest_line = max(cell_len(line) for line in self.text.split("\n"))
        narrowest = min(widest_word(self.text, cell_len), widest_line)
        return Measurement(narrowest, widest_line).with_maximum(options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.cells import cell_len
        from rich.segment import Segment

        from tracker.textbreak import wrap

        for line in wrap(self.text, max(options.max_width, 1), cell_len):
            yield Segment(line)
            yield Segment.line()


def print_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def _width() -> int:
    """The terminal's width (COLUMNS when set; 120 when output is not a terminal)."""
    import shutil

    return shutil.get_terminal_size(fallback=(120, 24)).columns


pass_app = click.make_pass_decorator(AppContext)
