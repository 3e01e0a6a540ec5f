"""`tracker import REPORT` on two fictional ITA analysis reports written for these tests.

examples/reports/report-a.md is a municipality's report in Markdown (pipe tables, Arabic
digits, three measures, two follow-up meetings, weak items with their question, score and
suggestion together); examples/reports/report-b.txt is a department's report converted from PDF
(tab-separated tables, Thai digits, wrapped cells) with one deliberate inconsistency (its
overall score is the plain mean of the indicators) and two gaps (a step with no unit, a step
whose period is no date).

What each must yield is in tests/expected/<name>.json, written by hand from the report text:
dates worked out from the Thai fiscal year and a printed calendar, never from the program.
Names and titles are compared with whitespace removed; question and suggestion texts must
contain the report's text. Every test runs through the real CLI, on SQLite and (with
TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil.rrule import rrulestr

ROOT = Path(__file__).resolve().parent.parent
REPORTS = {
    "report-a": ROOT / "examples" / "reports" / "report-a.md",
    "report-b": ROOT / "examples" / "reports" / "report-b.txt",
}
EXPECTED = Path(__file__).resolve().parent / "expected"
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
REPORT_NAMES = sorted(REPORTS)
# The gaps --strict refuses in report B: step 1.3 names no unit, step 2.2's period is no date.
REPORT_B_GAPS = ["measures[0].tasks[2]", "measures[1].tasks[1]"]


def expected(name: str) -> dict[str, Any]:
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


def key(text: str | None) -> str | None:
    """A name or text with all whitespace removed (PDF line wraps mean nothing)."""
    return None if text is None else "".join(text.split())


def spaced(text: str | None) -> str | None:
    """Text with runs of whitespace made single spaces."""
    return None if text is None else " ".join(text.split())


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """1 Oct of the year before .. 30 Sep, the Buddhist-era year converted to CE."""
    year = fiscal_year - 543
    return date(year - 1, 10, 1), date(year, 9, 30)


def rule_dates(rrule: str, fiscal_year: int) -> list[str]:
    """The days an RRULE gives inside the fiscal year, expanded with dateutil alone."""
    first, last = fiscal_year_bounds(fiscal_year)
    rule = rrulestr(rrule, dtstart=datetime.combine(first, datetime.min.time()))
    start, end = (
        datetime.combine(first, datetime.min.time()),
        datetime.combine(last, datetime.max.time()),
    )
    return [moment.date().isoformat() for moment in rule.between(start, end, inc=True)]


def import_json(cli, name: str, *options: str) -> dict[str, Any]:
    result = cli("import", str(REPORTS[name]), "--json", *options)
    assert result.exit_code == 0, f"import {name} failed: {result.stderr}"
    return result.json()


def export_json(cli) -> dict[str, Any]:
    return cli.ok("export", "--format", "json").json()


def tasks_by_position(cli) -> dict[tuple[int, int], dict[str, Any]]:
    """`tracker tasks --json` rows by (measure position, 1-based; step number)."""
    rows = cli.ok("tasks", "--json").json()
    by_position = {(row["measure"], row["number"]): row for row in rows}
    assert len(by_position) == len(rows), "two tasks share a measure and step number"
    return by_position


def expected_tasks(doc: dict[str, Any]) -> list[tuple[int, int, dict[str, Any]]]:
    """(measure index, task index, task) for every expected task."""
    return [
        (m, t, task)
        for m, measure in enumerate(doc["measures"])
        for t, task in enumerate(measure["tasks"])
    ]


def warning_codes(warnings: list[dict[str, Any]]) -> Counter[str]:
    return Counter(w["code"] for w in warnings)


def nothing_written(cli) -> None:
    assert cli.ok("plans", "--json").json() == []
    assert cli.ok("tasks", "--json").json() == []


# --- the expected documents are consistent with themselves ------------------------------------


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_expected_meeting_dates_are_the_dates_of_the_expected_rules(name):
    doc = expected(name)
    for series in doc["meeting_series"]:
        assert rule_dates(series["rrule"], doc["fiscal_year"]) == series["dates"], series["name"]


def test_report_a_states_the_weighted_score_of_its_indicators():
    assessment = expected("report-a")["assessment"]
    scores = {i["number"]: i["score"] for i in assessment["indicators"]}
    weighted = (
        0.3 * sum(scores[n] for n in range(1, 6)) / 5
        + 0.3 * sum(scores[n] for n in range(6, 9)) / 3
        + 0.4 * sum(scores[n] for n in (9, 10)) / 2
    )
    assert round(weighted, 2) == assessment["score"] == 79.02
    assert assessment["grade"] == "B"  # 75.00-84.99


# --- what the import says it found ---------------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_import_reports_what_the_report_holds(cli, name):
    doc = expected(name)
    summary = import_json(cli, name)

    assert summary["kind"] == "report"
    assert summary["changed"] is True
    found = summary["found"]
    assert key(found["organization"]) == key(doc["organization"]["name"])
    assert found["assessment_year"] == doc["assessment"]["year"]
    assert found["fiscal_year"] == doc["fiscal_year"]
    assert found["score"] == doc["assessment"]["score"]
    assert found["grade"] == doc["assessment"]["grade"]
    assert found["measures"] == len(doc["measures"])
    assert found["tasks"] == sum(len(m["tasks"]) for m in doc["measures"])
    assert found["units"] == len(doc["units"])
    assert found["items"] == len(doc["assessment"]["items"])
    meetings = {key(n): count for n, count in found["meetings_in_fiscal_year"].items()}
    assert meetings == {key(s["name"]): len(s["dates"]) for s in doc["meeting_series"]}


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_import_warns_exactly_what_the_report_deserves(cli, name):
    doc = expected(name)
    warnings = import_json(cli, name)["warnings"]

    assert warning_codes(warnings) == warning_codes(doc["warnings"]), warnings
    for want in doc["warnings"]:
        if "where" in want:
            assert any(
                w["code"] == want["code"] and w["where"] == want["where"] for w in warnings
            ), (want, warnings)
    for warning in warnings:
        assert warning["message"]
    # The plan keeps them: export gives the same codes back.
    assert warning_codes(export_json(cli)["warnings"]) == warning_codes(doc["warnings"])


def test_report_b_score_mismatch_names_both_scores(cli):
    [warning] = [
        w for w in import_json(cli, "report-b")["warnings"] if w["code"] == "score-mismatch"
    ]
    assert "89.61" in warning["message"]  # what the report states (the plain mean)
    assert "86.14" in warning["message"]  # the weighted score of its indicators


# --- the exported plan holds every fact of the report --------------------------------------------


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_export_has_the_organization_and_assessment(cli, name):
    doc = expected(name)
    import_json(cli, name)
    plan = export_json(cli)

    assert key(plan["organization"]["name"]) == key(doc["organization"]["name"])
    assert plan["fiscal_year"] == doc["fiscal_year"]
    assessment, want = plan["assessment"], doc["assessment"]
    assert (assessment["year"], assessment["score"], assessment["grade"]) == (
        want["year"],
        want["score"],
        want["grade"],
    )
    indicators = {i["number"]: i for i in assessment["indicators"]}
    assert sorted(indicators) == [i["number"] for i in want["indicators"]]
    for indicator in want["indicators"]:
        got = indicators[indicator["number"]]
        assert key(got["name"]) == key(indicator["name"]), indicator["number"]
        assert (got["tool"], got["score"]) == (indicator["tool"], indicator["score"])


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_export_has_every_weak_item_with_its_score_question_and_suggestion(cli, name):
    doc = expected(name)
    import_json(cli, name)
    items = {i["code"]: i for i in export_json(cli)["assessment"]["items"]}

    assert sorted(items) == sorted(i["code"] for i in doc["assessment"]["items"])
    problems = []
    for item in doc["assessment"]["items"]:
        got = items[item["code"]]
        if (got["tool"], got["score"]) != (item["tool"], item["score"]):
            problems.append(f"{item['code']}: tool/score {got['tool']}/{got['score']}")
        for field in ("question", "suggestion"):
            if key(item[field]) not in (key(got.get(field)) or ""):
                problems.append(f"{item['code']}: {field} is {got.get(field)!r}")
    assert problems == []


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_export_has_exactly_the_units_of_the_report(cli, name):
    doc = expected(name)
    import_json(cli, name)
    units = export_json(cli)["units"]

    assert len(units) == len(doc["units"])
    got = {key(u["name"]): (u["all_units"], sorted(map(key, u["aliases"]))) for u in units}
    want = {key(u["name"]): (u["all_units"], sorted(map(key, u["aliases"]))) for u in doc["units"]}
    assert got == want


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_export_has_the_follow_up_meetings_with_their_dates(cli, name):
    doc = expected(name)
    import_json(cli, name)
    series = export_json(cli)["meeting_series"]

    assert len(series) == len(doc["meeting_series"])
    by_name = {key(s["name"]): s for s in series}
    for want in doc["meeting_series"]:
        got = by_name[key(want["name"])]
        assert rule_dates(got["rrule"], doc["fiscal_year"]) == want["dates"], want["name"]
        assert key(got["text"]).translate(THAI_DIGITS) == key(want["text"]).translate(THAI_DIGITS)


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_export_has_every_measure_and_task(cli, name):
    doc = expected(name)
    import_json(cli, name)
    measures = export_json(cli)["measures"]

    assert len(measures) == len(doc["measures"])
    for got, want in zip(measures, doc["measures"], strict=True):
        assert key(got["title"]) == key(want["title"])
        assert sorted(got["items"]) == sorted(want["items"]), want["title"]
        assert len(got["tasks"]) == len(want["tasks"]), want["title"]
    for m, t, want in expected_tasks(doc):
        got = measures[m]["tasks"][t]
        where = f"measures[{m}].tasks[{t}]"
        assert got["number"] == want["number"], where
        assert key(got["title"]) == key(want["title"]), where
        assert sorted(map(key, got["units"])) == sorted(map(key, want["units"])), where
        assert spaced(got["period_text"]) == spaced(want["period_text"]), where
        assert (got["start"], got["end"]) == (want["start"], want["end"]), where
        assert key(got["follow_up"]) == key(want["follow_up"]), where
        assert got["status"] == "not_started", where


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_tasks_listing_shows_every_step_with_unit_period_and_meeting(cli, name):
    doc = expected(name)
    import_json(cli, name)
    rows = tasks_by_position(cli)

    assert len(rows) == sum(len(m["tasks"]) for m in doc["measures"])
    for m, _t, want in expected_tasks(doc):
        row = rows[(m + 1, want["number"])]
        where = f"measure {m + 1} step {want['number']}"
        assert key(row["title"]) == key(want["title"]), where
        assert sorted(map(key, row["units"])) == sorted(map(key, want["units"])), where
        assert spaced(row["period_text"]) == spaced(want["period_text"]), where
        assert (row["start"], row["end"]) == (want["start"], want["end"]), where
        assert key(row["follow_up"]) == key(want["follow_up"]), where


# --- importing again, --strict, --dry-run --------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_importing_the_same_report_twice_changes_nothing(cli, name):
    import_json(cli, name)
    exported = cli.ok("export", "--format", "json").stdout
    tasks = cli.ok("tasks", "--json").stdout

    again = import_json(cli, name)

    assert again["changed"] is False
    assert again["created"] == {}
    assert again["changes"] == []
    assert cli.ok("export", "--format", "json").stdout == exported
    assert cli.ok("tasks", "--json").stdout == tasks
    assert len(cli.ok("plans", "--json").json()) == 1


def test_strict_refuses_report_b_naming_its_gaps_and_writes_nothing(cli):
    result = cli("import", str(REPORTS["report-b"]), "--strict", "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "strict" in lines[0]
    for where in REPORT_B_GAPS:
        assert where in lines[0]
    nothing_written(cli)


def test_strict_accepts_report_a_which_has_no_gaps(cli):
    summary = import_json(cli, "report-a", "--strict")
    assert summary["changed"] is True
    assert len(cli.ok("tasks", "--json").json()) == 8


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_dry_run_reports_but_writes_nothing(cli, name):
    doc = expected(name)
    summary = import_json(cli, name, "--dry-run")

    assert summary["dry_run"] is True
    assert summary["found"]["tasks"] == sum(len(m["tasks"]) for m in doc["measures"])
    assert warning_codes(summary["warnings"]) == warning_codes(doc["warnings"])
    nothing_written(cli)


def test_report_files_use_the_digits_and_layouts_they_claim():
    a = REPORTS["report-a"].read_text(encoding="utf-8")
    b = REPORTS["report-b"].read_text(encoding="utf-8")
    assert not re.search("[๐-๙]", a)
    assert "|---" in a
    assert "\t" not in a
    assert "\t" in b
    assert "|" not in b
    assert not re.search(r"[0-9]\.[0-9]", b)  # scores in Thai digits only
