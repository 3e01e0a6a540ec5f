"""Settings: one typed object read from the environment (prefix ``TRACKER_``) at the edge.

| variable                | meaning                                                    |
|-------------------------|------------------------------------------------------------|
| TRACKER_DATABASE_URL    | SQLAlchemy URL; default: a SQLite file in the user's data dir |
| TRACKER_LANG            | ``th`` (default) or ``en``: language of dates and messages  |
| TRACKER_TIMEZONE        | zone "today" and "overdue" are judged in (Asia/Bangkok)    |
| TRACKER_NOW             | freeze the clock (ISO datetime): for demos, tests, replays |
| TRACKER_SMTP_HOST, _PORT, _FROM, _USERNAME, _PASSWORD | email delivery |
| TRACKER_SMTP_STARTTLS, _TLS, _CA_FILE, _ALLOW_PLAIN_LOGIN | email's TLS (verified) |
| TRACKER_SMTP_CONNECT_TIMEOUT, _DATA_TIMEOUT | seconds per reply; for the reply to the message |
| TRACKER_SEND_TIMEOUT    | seconds an HTTP send (webhook, LINE) may take               |
| TRACKER_ALLOW_PRIVATE_DESTINATIONS | webhook/Apprise contacts may reach private addresses |
| TRACKER_DISPATCH_THREADS | messages at once per destination                          |
| TRACKER_SEND_LEASE_MINUTES | how long a claim holds a message (longer than any send)  |
| TRACKER_BREAKER_FAILURES, _BREAKER_COOLDOWN_MINUTES | a destination's circuit breaker |
| TRACKER_OUTBOX_DIR      | where the file channel writes messages (default: data dir) |
| TRACKER_DEADLINE_ALERT_DAYS | days before a task's end to alert, e.g. "7,1"          |
| TRACKER_<CHANNEL>_<FIELD> | a setting of a channel's transport (NotifySettings.channel) |
| TRACKER_PUBLIC_URL      | the web app's address as people reach it: links in messages |
| TRACKER_SECRET_KEY      | derives unit links; default: a random key kept in the data dir |
| TRACKER_DATA_DIR        | uploaded evidence, the secret key (default: beside the database) |
| TRACKER_LINK_DAYS       | how long a unit link lives after the last reminder (60)     |
| TRACKER_UPLOAD_MAX_MB   | largest evidence file accepted (10)                         |
| TRACKER_LINE_CHANNEL_SECRET | checks X-Line-Signature of LINE webhook events          |

Secrets and what may be kept in a mounted file also read ``<NAME>_FILE`` (a file holding the
value): TRACKER_DATABASE_URL, _LANG, _TIMEZONE, _NOW, _SMTP_USERNAME, _SMTP_PASSWORD,
_SECRET_KEY, _LINE_CHANNEL_SECRET and every TRACKER_<CHANNEL>_<FIELD>. Invalid values fail at
start-up with the variable's name and never its value.

The environment is read here (:func:`environment_values`) into a plain dataclass, without
pydantic or pydantic-settings: every command reads its settings, and importing those and
building their schema cost about a tenth of a second of each command's start-up for what is
a dictionary lookup and a conversion per field. Names are matched without regard to case,
and an empty variable counts as unset.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedules import DEFAULT_ZONE
from tracker.errors import InvalidInput
from tracker.notify import CHANNELS, NotifySettings

if TYPE_CHECKING:
    from tracker.reports.formats import PrintSettings

APP_DIR_NAME = "ita-tracker"


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/ita-tracker/tracker.db``, i.e. ``~/.local/share/ita-tracker/tracker.db``."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP_DIR_NAME / "tracker.db"


class SettingError(ValueError):
    """A setting's value is refused: ``name`` is the field (TRACKER_<NAME> in the environment);
    None for a rule across settings, whose message names the variables itself."""

    def __init__(self, name: str | None, message: str) -> None:
        super().__init__(message)
        self.name = name


# How a setting is read from the text of its variable; a value given as a Python object
# (tests, the bench) is taken as it is and only checked.
def _text(value: str) -> str:
    return value


def _integer(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError("must be a whole number") from None


def _number(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ValueError("must be a number") from None


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError("must be true or false")


def _path(value: str) -> Path:
    return Path(value)


def _instant(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("must be a date and time like 2022-11-02T09:00:00+07:00") from None


def _reads(read: Any, **bounds: float) -> dict[str, Any]:
    """A field's metadata: how its variable's text is read (text as it is when a field has
    none) and the bounds a number must keep (``gt``, ``ge``, ``le``)."""
    return {"read": read, "bounds": bounds}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting, typed and checked when made. ``Settings(...)`` takes Python values (tests,
    the bench); :func:`load_settings` reads them from the environment. A refused value raises
    :class:`SettingError` naming the field."""

    # A URL may carry a password: kept out of repr (and so out of tracebacks and logs).
    database_url: str | None = field(default=None, repr=False)
    lang: str = "th"  # "th" or "en"
    timezone: str = DEFAULT_ZONE
    now: datetime | None = field(default=None, metadata=_reads(_instant))
    smtp_host: str | None = None
    smtp_port: int = field(default=25, metadata=_reads(_integer, ge=1, le=65535))
    smtp_from: str = "ITA Tracker <ita-tracker@localhost>"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = field(default=False, metadata=_reads(_flag))
    smtp_tls: bool = field(default=False, metadata=_reads(_flag))
    smtp_ca_file: Path | None = field(default=None, metadata=_reads(_path))
    smtp_allow_plain_login: bool = field(default=False, metadata=_reads(_flag))
    smtp_connect_timeout: float = field(default=10.0, metadata=_reads(_number, gt=0, le=3600))
    smtp_data_timeout: float = field(default=600.0, metadata=_reads(_number, gt=0, le=3600))
    send_timeout: float = field(default=30.0, metadata=_reads(_number, gt=0, le=3600))
    allow_private_destinations: bool = field(default=False, metadata=_reads(_flag))
    # Messages sent at once to one destination (a mail server, a webhook host, LINE);
    # destinations are sent to side by side (tracker.followup.dispatcher).
    dispatch_threads: int = field(default=4, metadata=_reads(_integer, ge=1, le=32))
    # How long a claim holds a message: past it, a dispatch takes it to have been
    # interrupted (a crash) and sends it again with the same idempotency key. Longer than
    # any send may take (see _check_lease).
    send_lease_minutes: float = field(default=15.0, metadata=_reads(_number, gt=0, le=24 * 60))
    breaker_failures: int = field(default=3, metadata=_reads(_integer, ge=1, le=1000))
    breaker_cooldown_minutes: float = field(default=5.0, metadata=_reads(_number, gt=0, le=24 * 60))
    outbox_dir: Path | None = field(default=None, metadata=_reads(_path))
    deadline_alert_days: str = "7,1"
    public_url: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    data_dir: Path | None = field(default=None, metadata=_reads(_path))
    link_days: int = field(default=60, metadata=_reads(_integer, ge=1, le=3650))
    upload_max_mb: float = field(default=10.0, metadata=_reads(_number, gt=0, le=1024))
    line_channel_secret: str | None = field(default=None, repr=False)
    # Printed reports (tracker.reports): the agency's own font files (TH Sarabun New, say),
    # regular and bold, instead of the bundled Sarabun; its body size in points; the Chromium
    # that prints PDFs; whether the progress report's e-mail carries its PDF.
    report_font: Path | None = field(default=None, metadata=_reads(_path))
    report_font_bold: Path | None = field(default=None, metadata=_reads(_path))
    report_font_size: float | None = field(default=None, metadata=_reads(_number, ge=6, le=30))
    chromium: Path | None = field(default=None, metadata=_reads(_path))
    report_pdf_in_mail: bool = field(default=True, metadata=_reads(_flag))
    # TRACKER_<CHANNEL>_<FIELD> of every registered channel, gathered by load_settings.
    channel_settings: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for spec in fields(self):
            _check_bounds(spec.name, getattr(self, spec.name), spec.metadata.get("bounds", {}))
        _check_choice("lang", self.lang, ("th", "en"))
        _check_zone(self.timezone)
        _check_web_address(self.public_url)
        _check_days_list(self.deadline_alert_days)
        _check_aware(self.now)
        _check_lease(self)

    def outbox_path(self) -> Path:
        """Where the file channel writes: TRACKER_OUTBOX_DIR, else next to the database."""
        return self.outbox_dir or default_database_path().parent / "outbox"

    def data_path(self) -> Path:
        """Where uploads and the generated secret key live: TRACKER_DATA_DIR, else the
        default database's folder."""
        return self.data_dir or default_database_path().parent

    def secret_key_bytes(self) -> bytes:
        """TRACKER_SECRET_KEY, else the key in ``<data dir>/secret.key``, made (random,
        readable by its owner only) the first time. Every server of one database must share
        it: unit links are derived from it."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_path() / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with os.fdopen(
                    os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w"
                ) as f:
                    f.write(secrets.token_urlsafe(48))
            except FileExistsError:  # another process made it first: use theirs
                pass
        return path.read_text(encoding="utf-8").strip().encode()

    def public_link(self, path: str) -> str | None:
        """The address of ``path`` (starting with "/") as people reach it, or None when
        TRACKER_PUBLIC_URL is not set."""
        if not self.public_url:
            return None
        return self.public_url.rstrip("/") + path

    def printing(self) -> PrintSettings:
        """What printed reports need: the font (the agency's own files, else the bundled
        Sarabun) and the Chromium that prints PDFs."""
        from tracker.reports.fonts import report_fonts
        from tracker.reports.formats import PrintSettings

        fonts = report_fonts(self.report_font, self.report_font_bold, self.report_font_size)
        return PrintSettings(fonts=fonts, chromium=self.chromium)

    def notify(self, *, outbox_dir: Path | None = None) -> NotifySettings:
        """What the transports need (``outbox_dir`` overrides TRACKER_OUTBOX_DIR)."""
        return NotifySettings(
            outbox_dir=outbox_dir or self.outbox_path(),
            smtp_host=self.smtp_host,
            smtp_port=self.smtp_port,
            smtp_from=self.smtp_from,
            smtp_username=self.smtp_username,
            smtp_password=self.smtp_password,
            smtp_starttls=self.smtp_starttls,
            smtp_tls=self.smtp_tls,
            smtp_ca_file=self.smtp_ca_file,
            smtp_allow_plain_login=self.smtp_allow_plain_login,
            smtp_connect_timeout=self.smtp_connect_timeout,
            smtp_data_timeout=self.smtp_data_timeout,
            send_timeout=self.send_timeout,
            allow_private_destinations=self.allow_private_destinations,
            channels=MappingProxyType(
                {
                    name: MappingProxyType(dict(fields))
                    for name, fields in self.channel_settings.items()
                }
            ),
        )

    def alert_days(self) -> tuple[int, ...]:
        return tuple(
            sorted({int(d) for d in self.deadline_alert_days.split(",") if d.strip()}, reverse=True)
        )

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (field names), checked like a new one."""
        return dataclasses.replace(self, **changes)


def _check_bounds(name: str, value: Any, bounds: Mapping[str, float]) -> None:
    if value is None or not bounds:
        return
    if "gt" in bounds and not value > bounds["gt"]:
        raise SettingError(name, f"must be greater than {bounds['gt']:g}")
    if "ge" in bounds and not value >= bounds["ge"]:
        raise SettingError(name, f"must be at least {bounds['ge']:g}")
    if "le" in bounds and not value <= bounds["le"]:
        raise SettingError(name, f"must be at most {bounds['le']:g}")


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingError(name, f"{value!r}: choose one of {', '.join(choices)}")


def _check_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError("timezone", f"unknown timezone {value!r}") from None


def _check_web_address(value: str | None) -> None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise SettingError("public_url", "must be an http:// or https:// address")


def _check_days_list(value: str) -> None:
    if not all(part.strip().isdigit() for part in value.split(",") if part.strip()):
        raise SettingError("deadline_alert_days", f"{value!r} is not a list of days like 7,1")


def _check_aware(value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise SettingError("now", "needs a timezone, e.g. 2022-11-02T09:00:00+07:00")


def _check_lease(settings: Settings) -> None:
    """A lease shorter than a send could take would let a second dispatcher resend a message
    still being sent: refuse it."""
    longest = max(
        settings.smtp_connect_timeout * 5 + settings.smtp_data_timeout, settings.send_timeout
    )
    if settings.send_lease_minutes * 60 <= longest:
        raise SettingError(
            None,
            f"TRACKER_SEND_LEASE_MINUTES ({settings.send_lease_minutes:g}) must be longer than "
            f"the longest send ({longest:g} s: 5 x TRACKER_SMTP_CONNECT_TIMEOUT + "
            "TRACKER_SMTP_DATA_TIMEOUT, or TRACKER_SEND_TIMEOUT)",
        )


FILE_SETTINGS = (
    "database_url",
    "lang",
    "timezone",
    "now",
    "smtp_password",
    "smtp_username",
    "secret_key",
    "line_channel_secret",
)


ENV_PREFIX = "TRACKER_"


def environment_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The plain ``TRACKER_<FIELD>`` variables of ``environ`` by field name, names matched
    without regard to case; an empty variable (TRACKER_OUTBOX_DIR=) means unset, not "the
    current folder". Channel fields and ``_FILE`` variants are read by their own functions."""
    readers = _READERS
    values: dict[str, Any] = {}
    for variable, value in environ.items():
        name = variable.lower().removeprefix(ENV_PREFIX.lower())
        if value and len(name) < len(variable) and name in readers:
            values[name] = value
    return values


# Each field's reader of its variable's text; channel settings are gathered on their own.
_READERS: dict[str, Any] = {
    spec.name: spec.metadata.get("read", _text)
    for spec in fields(Settings)
    if spec.name != "channel_settings"
}


def _read(values: Mapping[str, str]) -> dict[str, Any]:
    """The variables' texts turned into typed values; SettingError naming the field."""
    typed: dict[str, Any] = {}
    for name, text in values.items():
        try:
            typed[name] = _READERS[name](text)
        except ValueError as error:
            raise SettingError(name, str(error)) from None
    return typed


def _read_file_variants(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given as files (TRACKER_*_FILE): their text, for Settings to validate."""
    values: dict[str, Any] = {}
    for name in FILE_SETTINGS:
        variable = f"TRACKER_{name.upper()}_FILE"
        if environ.get(variable):
            values[name] = _file_value(variable, environ[variable])
    return values


def channel_variables(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``TRACKER_<CHANNEL>_<FIELD>`` of every registered channel, by channel then field (lower
    case); ``..._<FIELD>_FILE`` gives the field the text of that file, and wins over the plain
    variable. A channel named ``my-bot`` reads ``TRACKER_MY_BOT_*``; when two channels' prefixes
    both fit (``line`` and ``line-bot``), the variable belongs to the longer one."""
    prefixes = sorted(
        (("TRACKER_" + channel.upper().replace("-", "_") + "_", channel) for channel in CHANNELS),
        key=lambda pair: -len(pair[0]),
    )
    plain: dict[str, dict[str, str]] = {}
    from_files: dict[str, dict[str, str]] = {}
    for variable, value in sorted(environ.items()):
        owner = next((pair for pair in prefixes if variable.startswith(pair[0])), None)
        if owner is None or not value:
            continue
        prefix, channel = owner
        name = variable.removeprefix(prefix).lower()
        if name.endswith("_file"):
            from_files.setdefault(channel, {})[name.removesuffix("_file")] = _file_value(
                variable, value
            )
        elif name:
            plain.setdefault(channel, {})[name] = value
    return {
        channel: plain.get(channel, {}) | from_files.get(channel, {})
        for channel in CHANNELS
        if channel in plain or channel in from_files
    }


def _file_value(variable: str, path: str) -> str:
    """The trimmed text of the file ``variable`` names; InvalidInput naming the variable (the
    path is shown, never the file's content)."""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise InvalidInput(f"{variable}: cannot read {path}: not UTF-8 text") from None
    except OSError as error:
        raise InvalidInput(f"{variable}: cannot read {path}: {error.strerror or error}") from None


def load_settings() -> Settings:
    """Read the settings from the environment; a bad value is an InvalidInput naming the
    variable. A ``_FILE`` variant wins over the plain variable."""
    texts = environment_values(os.environ) | _read_file_variants(os.environ)
    try:
        return Settings(**_read(texts), channel_settings=channel_variables(os.environ))
    except SettingError as error:
        if error.name is None:  # a rule across settings: its message names the variables
            raise InvalidInput(str(error)) from None
        raise InvalidInput(f"{ENV_PREFIX}{error.name.upper()}: {error}") from None


def database_url(settings: Settings, db_path: str | None) -> str:
    """``--db PATH`` wins over TRACKER_DATABASE_URL, which wins over the default file."""
    from tracker.db import sqlite_url

    if db_path:
        return sqlite_url(db_path)
    return settings.database_url or sqlite_url(default_database_path())


def current_time(settings: Settings) -> datetime:
    """The clock of this command: TRACKER_NOW if set, else the real time (UTC-aware)."""
    return settings.now.astimezone(UTC) if settings.now else datetime.now(UTC)
