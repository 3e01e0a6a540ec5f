"""What every request shares: the settings, the database, the clock, the templates."""

from __future__ import annotations

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

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One request's unit of work: all of it is written, or none of it."""
        with unit_of_work(self.factory) as session:
            yield session

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
