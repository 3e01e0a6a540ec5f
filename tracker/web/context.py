"""What every request shares: the settings, the database, the clock, the templates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.db import unit_of_work


@dataclass
class WebContext:
    """The web app's environment, made once by :func:`tracker.web.create_app`.

    ``clock`` is the only way the app reads the time (TRACKER_NOW freezes it for demos and
    tests); one request reads it once, through :meth:`now`.
    """

    settings: Settings
    factory: sessionmaker[Session]
    clock: Callable[[], datetime]
    secret_key: bytes = field(repr=False, default=b"")

    _sqlite_writes: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One request's unit of work: all of it is written, or none of it.

        ``write`` marks a transaction that changes rows. On SQLite those take turns behind
        one lock of this process: SQLite lets one writer in at a time and the others poll
        for the lock, which under a few dozen concurrent updates starves some of them past
        the busy timeout ("database is locked"); waiting in line here is fair and wastes no
        CPU. PostgreSQL locks rows itself: no lock is taken.
        """
        lock = self._sqlite_writes if write and self.is_sqlite else None
        if lock is None:
            with unit_of_work(self.factory) as session:
                yield session
            return
        with lock, unit_of_work(self.factory) as session:
            yield session

    @cached_property
    def is_sqlite(self) -> bool:
        bind = self.factory.kw.get("bind")
        return bind is not None and bind.dialect.name == "sqlite"

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    @property
    def upload_limit(self) -> int:
        return int(self.settings.upload_max_mb * 1024 * 1024)

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent over HTTPS only, unless the app is reached over plain HTTP on
        purpose (TRACKER_PUBLIC_URL=http://...), as on an office network without TLS."""
        public = self.settings.public_url or ""
        return not public.startswith("http://")


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


def request_now(request: Request) -> datetime:
    """The request's moment: read once, so one request acts at one instant."""
    now: datetime | None = getattr(request.state, "now", None)
    if now is None:
        now = web_context(request).clock()
        request.state.now = now
    return now
