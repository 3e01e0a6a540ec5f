"""Shared parts of the follow-up CLI tests (tests/test_followup_*.py): the seed, its expected
values, helpers that read the CLI's answers, and the seed fixtures.

The seed report (../shared/seeds/000_950678517d269ae1.txt) has its expected values in
../shared/vectors/seed-expected.json: one meeting series (1st, 3rd and 5th Wednesday, 28
meetings in FY2566), two units (the secretariat and the "every unit" group, which is never
messaged itself) and seven tasks, all not started. Due moments are worked out here from the
`holidays` package (Thai public holidays), never from the product's calendar:

- progress report: 1 working day before a meeting, 08:00 Bangkok;
- meeting reminder: 2 working days before, 09:00 Bangkok, to each unit with open tasks
  (started by the meeting day) at that meeting.

Fixtures (`outbox_dir`, `seed_cli`) are imported by name into the test modules that use them.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from conftest import SHARED
from thai_words import THAI_ABBREVIATED_MONTHS, thai_short_date

SEED = SHARED / "seeds" / "000_950678517d269ae1.txt"
EXPECTED = json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))
MEETINGS = [date.fromisoformat(day) for day in EXPECTED["meetings_fy2566"]]
SEED_TASKS = EXPECTED["measures"][0]["tasks"]
SEED_IMPORTED_AT = "2022-10-01T00:00:00+07:00"

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_HOLIDAYS = holidays.Thailand(years=range(2022, 2028), language="th")

JOB_IDS = [
    "meeting-reminders",
    "progress-reports",
    "deadline-alerts",
    "overdue-digests",
    "dispatch",
]

AUG_2 = date(2023, 8, 2)  # a meeting on a holiday (วันเข้าพรรษา), held: the policy is "flag"
JUL_19 = date(2023, 7, 19)  # the meeting before it
BETWEEN_MEETINGS = "2023-07-25T10:00:00+07:00"

REMIND_AT = "2023-07-26T09:30+07:00"  # the 2 Aug 2023 reminder was due at 09:00 that day


# --- expected values, worked out independently ------------------------------------------------


def working_days_before(day: date, count: int) -> date:
    """``count`` working days before ``day``: weekends and Thai public holidays skipped."""
    current = day
    while count:
        current -= timedelta(days=1)
        if current.weekday() < 5 and current not in THAI_HOLIDAYS:
            count -= 1
    return current


def bangkok(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BANGKOK)


def thai_date(day: date) -> str:
    return thai_short_date(day)


def dates_named_in(subject: str) -> list[date]:
    """Every Thai BE date ("5 ต.ค. 2565") in a subject, as a date."""
    found = []
    for day, month, year in re.findall(r"(\d{1,2}) (\S+) (25\d\d)", subject):
        if month in THAI_ABBREVIATED_MONTHS:
            found.append(date(int(year) - 543, THAI_ABBREVIATED_MONTHS.index(month) + 1, int(day)))
    return found


def seed_open_at(meeting: date) -> list[int]:
    """Numbers of the seed's tasks that are open and started by ``meeting`` (none is closed)."""
    return [
        t["number"]
        for t in SEED_TASKS
        if t["status"] in ("not_started", "in_progress")
        and (t["start"] is None or date.fromisoformat(t["start"]) <= meeting)
    ]


def seed_overdue_on(day: date) -> list[int]:
    return [
        t["number"]
        for t in SEED_TASKS
        if t["end"] is not None and date.fromisoformat(t["end"]) < day
    ]


def squeeze(name: str) -> str:
    return re.sub(r"\s+", "", name)


# --- helpers -------------------------------------------------------------------------------


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """A refusal's one stderr line (conftest.Result.error_line)."""
    line: str = result.error_line()
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def outbox(cli, *options: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.ok("outbox", "--json", *options).json()


def items(results: list[dict]) -> list[dict]:
    return [item for result in results for item in result["items"]]


def message_file(outbox_dir: Path, row: dict) -> Path:
    """Where the file channel wrote an outbox row (its address plus .txt)."""
    assert row["channel"] == "file", row
    return outbox_dir / f"{row['recipient']}.txt"


def listed_task_ids(message: str) -> set[int]:
    return {int(number) for number in re.findall(r"^ • #(\d+) \(", message, flags=re.MULTILINE)}


def seed_task_ids(cli) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Seed task number -> task id (one measure)."""
    return {row["number"]: row["id"] for row in cli.ok("tasks", "--json").json()}


def series_name(cli) -> str:  # type: ignore[no-untyped-def]
    rows = cli.ok("series", "--json").json()
    assert len(rows) == 1
    assert EXPECTED["meeting_series"][0]["name_contains"] in rows[0]["name"]
    return rows[0]["name"]


def secretariat(cli) -> str:  # type: ignore[no-untyped-def]
    """The seed's one ordinary unit, as the database spells it."""
    wanted = [squeeze(u["name"]) for u in EXPECTED["units"] if not u["all_units"]]
    names = [u["name"] for u in cli.ok("units", "--json").json() if not u["all_units"]]
    assert [squeeze(n) for n in names] == wanted
    return names[0]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(name="outbox_dir")
def outbox_dir_fixture(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture(name="seed_cli")
def seed_cli_fixture(cli, outbox_dir: Path):  # type: ignore[no-untyped-def]
    """The CLI with the seed report imported on 1 Oct 2022, its file channel in tmp_path."""
    cli.env(
        TRACKER_NOW=SEED_IMPORTED_AT,
        TRACKER_OUTBOX_DIR=str(outbox_dir),
        TRACKER_SMTP_HOST=None,
        TRACKER_DEADLINE_ALERT_DAYS=None,
    )
    cli.ok("import", str(SEED), "--merge-similar-units")
    return cli


@pytest.fixture(name="mixed_outbox")
def mixed_outbox_fixture(seed_cli):  # type: ignore[no-untyped-def]
    """At 08:30 on 27 Jul 2023 with the unit reachable only by email (no SMTP configured):
    the 2 Aug reminder and the week's digest fail, the 2 Aug report (no recipients: a file)
    is sent, and what was due before the 5 and 19 Jul meetings is missed."""
    seed_cli.ok("units", "contact", secretariat(seed_cli), "email", "x@example.go.th")
    seed_cli.ok("remind", "--now", "2023-07-27T08:30+07:00")
    return seed_cli
