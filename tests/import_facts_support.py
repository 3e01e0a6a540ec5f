"""The facts of an ITA report, and which of them an import read right.

Shared by tests/test_import_reports.py and bench/import_facts.py. A *fact* is one thing an
officer reads off a report and expects the plan to hold; each is compared with the expected
plan document (tests/expected/<report>.json) as follows (names, titles and units compare with
all whitespace removed, since PDF line wraps mean nothing):

- ``organization``: the organization's name;
- ``assessment year``, ``fiscal year``, ``score``, ``grade``: equal values;
- ``indicator N``: an indicator numbered N with the expected name, tool and score;
- ``item CODE``: an item with that code, tool and score (its question and suggestion are
  checked by the oracle's own tests, not counted here);
- ``measure M title``: the M-th measure's title;
- ``step M.S title``, ``step M.S units``, ``step M.S start``, ``step M.S end``: the S-th task
  of the M-th measure (by position): its title, its set of unit names, its start and its end
  date (null for an open end);
- ``meeting NAME``: a follow-up series of that name whose rule gives the expected dates in the
  fiscal year;
- ``no measures``: for a report without a measure table, that the plan has none.

A fact is right only if read exactly; a missing part (no such indicator, task or series) makes
its facts wrong, naming what was missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dateutil.rrule import rrulestr

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "examples" / "reports"
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
# Every file of the corpus (examples/reports/README.md says what each is); the files of one
# report share its expected plan, tests/expected/<report>.json.
REPORT_FILES = (
    "report-a.md",
    "report-a.pdf",
    "report-b.txt",
    "report-b.pdf",
    "report-c.txt",
    "report-d.txt",
    "report-e.docx",
    "report-e.txt",
    "report-f.pdf",
    "report-f.md",
    "report-g.pdf",
    "report-g.docx",
    "report-g.txt",
    "report-h.txt",
    "report-i.txt",
    "report-i.clean.txt",
    "report-j.md",
    "report-k.txt",
    "report-l.txt",
)


def report_of(file: str) -> str:
    """The report a file is a form of: "report-i.clean.txt" -> "report-i"."""
    return file.split(".", 1)[0]


def expected_plan(report: str) -> dict[str, Any]:
    """tests/expected/<report>.json, the plan written by hand from the report's text."""
    document: dict[str, Any] = json.loads(
        (EXPECTED_DIR / f"{report}.json").read_text(encoding="utf-8")
    )
    return document


@dataclass(frozen=True)
class Fact:
    """One fact: its name, whether it was read right, and (when wrong) what was read."""

    name: str
    right: bool
    detail: str = ""


def key(text: Any) -> Any:
    """A name or text with all whitespace removed (None and numbers as they are)."""
    return "".join(text.split()) if isinstance(text, str) else text


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """1 Oct of the year before .. 30 Sep, the Buddhist-era year converted to CE."""
    year = fiscal_year - 543
    return date(year - 1, 10, 1), date(year, 9, 30)


def rule_dates(rrule: str, fiscal_year: int) -> list[str]:
    """The days an RRULE gives inside the fiscal year, expanded with dateutil alone."""
    first, last = fiscal_year_bounds(fiscal_year)
    start = datetime.combine(first, datetime.min.time())
    rule = rrulestr(rrule, dtstart=start)
    end = datetime.combine(last, datetime.max.time())
    return [moment.date().isoformat() for moment in rule.between(start, end, inc=True)]


def check_facts(want: dict[str, Any], got: dict[str, Any]) -> list[Fact]:
    """Every fact of the expected document ``want``, checked against the plan ``got``."""
    facts: list[Fact] = []

    def fact(name: str, expected: Any, read: Any, same: Callable[[Any, Any], bool]) -> None:
        right = same(expected, read)
        facts.append(Fact(name, right, "" if right else f"expected {expected!r}, read {read!r}"))

    equal: Callable[[Any, Any], bool] = lambda a, b: a == b  # noqa: E731
    same_key: Callable[[Any, Any], bool] = lambda a, b: key(a) == key(b)  # noqa: E731
    assessment = got.get("assessment") or {}
    fact("organization", want["organization"]["name"], _get(got, "organization", "name"), same_key)
    fact("assessment year", want["assessment"]["year"], assessment.get("year"), equal)
    fact("fiscal year", want["fiscal_year"], got.get("fiscal_year"), equal)
    fact("score", want["assessment"]["score"], assessment.get("score"), equal)
    fact("grade", want["assessment"]["grade"], assessment.get("grade"), equal)
    facts += _indicator_facts(want["assessment"]["indicators"], assessment.get("indicators") or [])
    facts += _item_facts(want["assessment"]["items"], assessment.get("items") or [])
    facts += _measure_facts(want["measures"], got.get("measures") or [])
    facts += _meeting_facts(want, got.get("meeting_series") or [])
    return facts


def _get(document: dict[str, Any], *path: str) -> Any:
    value: Any = document
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _indicator_facts(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[Fact]:
    by_number = {i.get("number"): i for i in got}
    facts = []
    for indicator in want:
        name = f"indicator {indicator['number']}"
        read = by_number.get(indicator["number"])
        expected = (key(indicator["name"]), indicator["tool"], indicator["score"])
        if read is None:
            facts.append(Fact(name, False, "not read"))
            continue
        seen = (key(read.get("name")), read.get("tool"), read.get("score"))
        right = seen == expected
        facts.append(Fact(name, right, "" if right else f"expected {expected}, read {seen}"))
    return facts


def _item_facts(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[Fact]:
    by_code = {i.get("code"): i for i in got}
    facts = []
    for item in want:
        name = f"item {item['code']}"
        read = by_code.get(item["code"])
        if read is None:
            facts.append(Fact(name, False, "not read"))
            continue
        expected, seen = (item["tool"], item["score"]), (read.get("tool"), read.get("score"))
        right = seen == expected
        facts.append(Fact(name, right, "" if right else f"expected {expected}, read {seen}"))
    return facts


def _measure_facts(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[Fact]:
    if not want:
        right = not got
        return [Fact("no measures", right, "" if right else f"read {len(got)} measure(s)")]
    facts = []
    for m, measure in enumerate(want):
        read = got[m] if m < len(got) else None
        label = f"measure {m + 1}"
        if read is None:
            facts.append(Fact(f"{label} title", False, "no such measure read"))
        else:
            right = key(read.get("title")) == key(measure["title"])
            detail = "" if right else f"read {read.get('title')!r}"
            facts.append(Fact(f"{label} title", right, detail))
        tasks = (read or {}).get("tasks") or []
        for t, task in enumerate(measure["tasks"]):
            facts += _task_facts(
                f"step {m + 1}.{t + 1}", task, tasks[t] if t < len(tasks) else None
            )
    return facts


def _task_facts(label: str, want: dict[str, Any], got: dict[str, Any] | None) -> list[Fact]:
    if got is None:
        return [Fact(f"{label} {part}", False, "no such step read") for part in _TASK_PARTS]
    read = {
        "title": key(got.get("title")),
        "units": sorted(key(u) for u in got.get("units") or []),
        "start": got.get("start"),
        "end": got.get("end"),
    }
    expected = {
        "title": key(want["title"]),
        "units": sorted(key(u) for u in want["units"]),
        "start": want["start"],
        "end": want["end"],
    }
    return [
        Fact(
            f"{label} {part}",
            read[part] == expected[part],
            ""
            if read[part] == expected[part]
            else f"expected {expected[part]!r}, read {read[part]!r}",
        )
        for part in _TASK_PARTS
    ]


_TASK_PARTS = ("title", "units", "start", "end")


def _meeting_facts(want: dict[str, Any], got: list[dict[str, Any]]) -> list[Fact]:
    by_name = {key(s.get("name")): s for s in got}
    facts = []
    for series in want["meeting_series"]:
        name = f"meeting {series['name']}"
        read = by_name.get(key(series["name"]))
        if read is None:
            named = ", ".join(repr(s.get("name")) for s in got) or "none"
            facts.append(Fact(name, False, f"no series of that name (read: {named})"))
            continue
        try:
            dates = rule_dates(read.get("rrule") or "", want["fiscal_year"])
        except (ValueError, TypeError) as error:
            facts.append(Fact(name, False, f"rule {read.get('rrule')!r} does not expand: {error}"))
            continue
        right = dates == series["dates"]
        detail = "" if right else f"rule {read.get('rrule')!r} gives {len(dates)} other dates"
        facts.append(Fact(name, right, detail))
    return facts
