"""A job's options and its result: what every follow-up job takes and gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from schedules import DEFAULT_ZONE
from schedules.workdays import ThaiCalendar
from tracker.reports.formats import PrintSettings
from tracker.reports.messages import Answer, cli_answer


@dataclass
class JobResult:
    """What one run of a job did, counted; ``items`` lists what it queued or found missed."""

    job: str
    queued: int = 0
    already: int = 0  # found in the ledger: queued by an earlier run
    missed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0  # claims whose lease had ended (a crash): queued again, same key
    items: list[dict[str, object]] = field(default_factory=list)
    # What went wrong without stopping the run (a report's PDF that could not be printed).
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class UnitLinks:
    """How unit messages carry the one-tap link to the unit's page (TRACKER_PUBLIC_URL set):
    ``address`` turns a path into the address people reach (Settings.public_link), ``key`` is
    the server's secret the links are derived from, and each message keeps its unit's link
    valid ``days`` longer (TRACKER_LINK_DAYS)."""

    address: Callable[[str], str | None]
    key: bytes = field(repr=False)
    days: int


@dataclass(frozen=True)
class Options:
    """What jobs need besides the database and the clock (tracker.followup.runner builds
    them from the settings): language, holidays, alert days, zone, and two switches."""

    lang: str = "th"
    calendar: ThaiCalendar = field(default_factory=ThaiCalendar)
    alert_days: tuple[int, ...] = (7, 1)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    answer: Answer = cli_answer  # how messages tell a unit to answer (a CLI line; a web link)
    links: UnitLinks | None = None  # None: messages carry no link (no TRACKER_PUBLIC_URL)
    force_file: bool = False  # every message to a file (simulations, demos): nobody is mailed
    # How progress reports print the PDF their e-mail carries; None: no PDF (text and HTML).
    printing: PrintSettings | None = None
    dry_run: bool = False  # decide and report, record nothing
