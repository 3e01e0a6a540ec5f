"""`tracker import REPORT` on the fictional ITA analysis reports of examples/reports.

Twelve reports, each in a layout of its own (examples/reports/README.md says which), most in
several formats: report-a (Markdown, pipe tables) and report-b (text converted from PDF: tab
tables, Thai digits, one deliberate inconsistency and two gaps) also as PDFs printed by
Chromium; c, prose scores and indicators in a memo; d, prose items with unlabelled suggestion
paragraphs and Thai digits; e, a Word file with real tables and merged cells, and its text;
f, a PDF printed from hand-written HTML (rowspan tables), and its Markdown; g, a Word file,
the PDF LibreOffice makes of it, and its text; h, tables flattened to space-separated lines;
i, text with the damage pdftotext shows on old Thai fonts, and the clean text; j, quarter
periods and start/middle/end-of-month meetings; k, results with no measure table; l,
abbreviated organization and units, the organization named only in prose, the plan's year
stated before the assessment's.

What each must yield is in tests/expected/<report>.json, written by hand from the report text:
dates worked out from the Thai fiscal year and a printed calendar, never from the program.
Every format of a report must give that same plan. Names, titles and period texts are
compared with whitespace removed (a PDF's line wraps mean nothing); question and suggestion
texts must contain the report's text. Every
import test runs through the real CLI, on SQLite and (with TRACKER_TEST_DATABASE_URL) on
PostgreSQL.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cli_support import assert_json_error
from import_facts_support import (
    REPORT_FILES,
    REPORTS_DIR,
    check_facts,
    expected_plan,
    fiscal_year_bounds,
    key,
    report_of,
    rule_dates,
)

ROOT = Path(__file__).resolve().parent.parent
REPORTS = {file: REPORTS_DIR / file for file in REPORT_FILES}
FILES = list(REPORT_FILES)
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
REPORT_NAMES = sorted({report_of(file) for file in FILES})
# The reports that come in more than one format: every format must give the same plan.
FORMATS = {
    name: [file for file in FILES if report_of(file) == name]
    for name in REPORT_NAMES
    if sum(report_of(file) == name for file in FILES) > 1
}
OTHER_FORMATS = [(files[0], other) for files in FORMATS.values() for other in files[1:]]
# The gaps --strict refuses in report B: step 1.3 names no unit, step 2.2's period is no date.
REPORT_B_GAPS = ["measures[0].tasks[2]", "measures[1].tasks[1]"]
FRAMEWORKS = json.loads((ROOT / "tracker" / "data" / "ita-frameworks.json").read_text("utf-8"))


def expected(name: str) -> dict[str, Any]:
    """The expected plan of a report, by report ("report-e") or file ("report-e.docx")."""
    return expected_plan(report_of(name))


def import_json(cli, file: str, *options: str) -> dict[str, Any]:
    result = cli("import", str(REPORTS[file]), "--json", *options)
    assert result.exit_code == 0, f"import {file} failed: {result.stderr}"
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


def framework(year: int) -> dict[str, Any]:
    """The framework entry of the data file covering ``year``, its same_as followed."""
    for entry in FRAMEWORKS["frameworks"]:
        first, last = entry["years"]
        if first <= year <= last:
            if "same_as" in entry:
                return {**framework(entry["same_as"]), **{"labels": entry.get("labels", [])}}
            return dict(entry)
    raise AssertionError(f"no framework for {year}")


def comparable(plan: Any) -> Any:
    """An exported plan as the oracle compares it: every text with its whitespace removed
    (a PDF's line wraps mean nothing), without what names the file it came from: its source,
    and the line numbers some warnings give (a PDF's lines are not its text file's)."""
    if isinstance(plan, str):
        return key(plan)
    if isinstance(plan, list):
        return [comparable(value) for value in plan]
    if not isinstance(plan, dict):
        return plan
    same = {k: comparable(v) for k, v in plan.items() if k != "source"}
    if "warnings" in same and "schema" in plan:
        same["warnings"] = sorted(
            (w["code"], "line" if str(w["where"]).startswith("line") else w["where"])
            for w in same["warnings"]
        )
    return same


# --- the expected documents are consistent with themselves ------------------------------------


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_expected_meeting_dates_are_the_dates_of_the_expected_rules(name):
    doc = expected(name)
    for series in doc["meeting_series"]:
        assert rule_dates(series["rrule"], doc["fiscal_year"]) == series["dates"], series["name"]


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_expected_score_and_grade_follow_the_framework_of_the_assessment_year(name):
    """The overall score is the weighted score of the indicators (30/30/40 of the tools'
    means) and the grade its band; report B states the plain mean instead, on purpose, and
    expects the warning that says so."""
    doc = expected(name)
    assessment = doc["assessment"]
    rules = framework(assessment["year"])
    tools = {i["number"]: i["tool"] for i in rules["indicators"]}
    by_tool: dict[str, list[float]] = {}
    for indicator in assessment["indicators"]:
        assert tools[indicator["number"]] == indicator["tool"], indicator
        by_tool.setdefault(indicator["tool"], []).append(indicator["score"])
    weighted = sum(
        weight * sum(by_tool[tool]) / len(by_tool[tool])
        for tool, weight in rules["weights"].items()
    )
    mismatch = abs(weighted - assessment["score"]) > 0.005
    assert mismatch == ("score-mismatch" in warning_codes(doc["warnings"])), weighted
    band = next(g["grade"] for g in rules["grades"] if assessment["score"] >= g["min"])
    assert band == assessment["grade"]


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_expected_tasks_lie_in_the_fiscal_year_and_name_listed_units(name):
    doc = expected(name)
    first, last = (d.isoformat() for d in fiscal_year_bounds(doc["fiscal_year"]))
    names = [u["name"] for u in doc["units"]]
    used = set()
    for m, t, task in expected_tasks(doc):
        assert task["number"] == t + 1, (m, t)
        for day in (task["start"], task["end"]):
            assert day is None or first <= day <= last, (m, t, day)
        if task["start"] and task["end"]:
            assert task["start"] <= task["end"], (m, t)
        assert set(task["units"]) <= set(names), (m, t)
        used |= set(task["units"])
    assert used == set(names)
    assert len(set(map(key, names))) == len(names)
    codes = {i["code"] for i in doc["assessment"]["items"]}
    for measure in doc["measures"]:
        assert set(measure["items"]) <= codes, measure["title"]


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


# --- the corpus is what it says it is ------------------------------------------------------------


def test_report_files_use_the_digits_and_layouts_they_claim():
    a = REPORTS["report-a.md"].read_text(encoding="utf-8")
    b = REPORTS["report-b.txt"].read_text(encoding="utf-8")
    assert not re.search("[๐-๙]", a)
    assert "|---" in a
    assert "\t" not in a
    assert "\t" in b
    assert "|" not in b
    assert not re.search(r"[0-9]\.[0-9]", b)  # scores in Thai digits only


def test_the_prose_reports_state_their_results_in_sentences():
    c = REPORTS["report-c.txt"].read_text(encoding="utf-8")
    d = REPORTS["report-d.txt"].read_text(encoding="utf-8")
    assert "ได้คะแนน 91.30 คะแนน อยู่ในระดับ A" in c
    assert "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้ 95.12 คะแนน" in c
    assert "โดยได้ผล ๙๗.๐๔ คะแนน" in d
    assert re.search(r"^ข้อ I7 .*มากน้อยเพียงใด\nคะแนน ๗๙\.๔๐$", d, re.M)
    assert not re.search(r"[0-9]\.[0-9]", d)  # every score in Thai digits


def test_the_word_file_has_real_tables_with_merged_cells():
    with zipfile.ZipFile(REPORTS["report-e.docx"]) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert body.count("<w:tbl>") == 3  # score, indicators, measures
    assert '<w:vMerge w:val="restart"/>' in body  # a measure cell spanning its steps
    assert "ทุกกอง/สำนัก" in body
    assert "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่" in body


def test_the_pdfs_come_from_the_tools_they_claim():
    f_html = (REPORTS_DIR / "report-f.html").read_text(encoding="utf-8")
    assert 'rowspan="3"' in f_html
    assert "ได้คะแนน เท่ากับร้อยละ 88.10" in f_html
    for file in ("report-a.pdf", "report-b.pdf", "report-f.pdf"):
        data = REPORTS[file].read_bytes()
        assert data.startswith(b"%PDF-"), file
        assert b"Skia/PDF" in data, file  # Chromium's printer
    g = REPORTS["report-g.pdf"].read_bytes()
    producer = "".join(f"{ord(c):04X}" for c in "LibreOffice").encode()  # UTF-16BE, in hex
    assert g.startswith(b"%PDF-")
    assert b"/Producer<FEFF" + producer in g
    assert "โดยมีผลการประเมินระดับ B" in REPORTS["report-g.txt"].read_text(encoding="utf-8")


def test_the_flattened_report_has_no_table_separators():
    h = REPORTS["report-h.txt"].read_text(encoding="utf-8")
    assert "\t" not in h
    assert "|" not in h
    assert re.search(r"^1\. จัดทำประกาศ.* กองคลัง ต\.ค\. 2567 - ธ\.ค\. 2567 ", h, re.M)


def test_the_damaged_report_is_the_clean_one_with_pdf_extraction_damage():
    damaged = REPORTS["report-i.txt"].read_text(encoding="utf-8")
    clean = REPORTS["report-i.clean.txt"].read_text(encoding="utf-8")
    assert "สานักงานส่งเสริม" in damaged  # sara am lost on the title page
    assert "\u0e4d\u0e32" in damaged  # sara am as nikhahit + sara aa in the body
    assert re.search("[\uf700-\uf71a]", damaged)  # tone marks as private-use glyphs
    assert "ผู\uf70bรับ ผิดชอบ" in damaged  # ผู้รับผิดชอบ split by a space, its tone mark lowered
    assert not re.search("[\uf700-\uf71a]|\u0e4d\u0e32", clean)
    assert "สำนักงานส่งเสริม" in clean


def test_the_quarter_and_month_phrases_are_in_report_j():
    j = REPORTS["report-j.md"].read_text(encoding="utf-8")
    for phrase in (
        "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)",
        "ไตรมาส 1/2568",
        "ไตรมาสที่ 2 และ 3",
        "ทุกต้นเดือน",
        "ทุกกลางเดือน",
        "ทุกสิ้นเดือน",
    ):
        assert phrase in j, phrase


def test_report_l_names_its_organization_only_in_prose_and_short():
    lines = REPORTS["report-l.txt"].read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("มาตรการ")
    assert "ประจำปีงบประมาณ 2567" in lines[0]
    assert "ITA ประจำปี 2566" in lines[1]
    org = "องค์การบริหารส่วนตำบลหนองบัวทอง"
    assert not any(line.strip() in (org, "อบต.หนองบัวทอง") for line in lines)
    assert sum(org in line for line in lines) == 1  # in full once, inside a sentence
    for short in ("สป.", "กค.", "กช.", "กศ.", "กองสาธารณสุขฯ", "ทุกกอง ทุกสำนัก", "ทุกหน่วยงาน"):
        assert any(f"\t{short}" in line or f" {short}\t" in line for line in lines), short


# --- what the import says it found ---------------------------------------------------------------


@pytest.mark.parametrize("file", FILES)
def test_import_reports_what_the_report_holds(cli, file):
    doc = expected(file)
    summary = import_json(cli, file)

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


@pytest.mark.parametrize("file", FILES)
def test_the_library_reads_every_fact_of_the_report(file):
    """The facts bench/import_facts.py counts, all of them, through read_source alone: one
    failure listing every fact read wrong."""
    from tracker.importers import read_source

    document = read_source(REPORTS[file]).document
    wrong = [f"{f.name}: {f.detail}" for f in check_facts(expected(file), document) if not f.right]
    assert not wrong, f"{len(wrong)} fact(s) read wrong:\n" + "\n".join(wrong)


@pytest.mark.parametrize("file", FILES)
def test_import_warns_exactly_what_the_report_deserves(cli, file):
    doc = expected(file)
    warnings = import_json(cli, file)["warnings"]

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
        w for w in import_json(cli, "report-b.txt")["warnings"] if w["code"] == "score-mismatch"
    ]
    assert "89.61" in warning["message"]  # what the report states (the plain mean)
    assert "86.14" in warning["message"]  # the weighted score of its indicators


def test_a_report_without_a_measure_table_imports_its_assessment_and_says_so(cli):
    result = cli("import", str(REPORTS["report-k.txt"]), "--json")

    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert [w["code"] for w in summary["warnings"]] == ["no-measure-table"]
    assert (summary["found"]["measures"], summary["found"]["tasks"]) == (0, 0)
    plan = export_json(cli)
    assert plan["measures"] == []
    assert plan["assessment"]["score"] == 93.18
    assert len(plan["assessment"]["indicators"]) == 10
    assert cli.ok("tasks", "--json").json() == []


def test_a_word_file_with_none_of_the_facts_is_refused_listing_what_was_sought(cli, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("บันทึกการประชุมประจำสัปดาห์")
    document.add_paragraph("เริ่มประชุมเวลา ๙.๐๐ น. ผู้เข้าประชุมรับทราบกำหนดการงานกีฬาสี")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "วาระ", "เรื่อง"
    table.cell(1, 0).text, table.cell(1, 1).text = "๑", "เรื่องแจ้งเพื่อทราบ"
    path = tmp_path / "minutes.docx"
    document.save(str(path))

    result = cli("import", str(path), "--json")

    said = assert_json_error(result)
    assert result.exit_code == 2
    message = said["error"]
    assert message.startswith("minutes.docx: not an ITA analysis report"), message
    for sought in ("organization", "assessment year", "overall score", "indicator", "items"):
        assert sought in message, sought
    assert "measure table" in message
    nothing_written(cli)


# --- the exported plan holds every fact of the report --------------------------------------------


@pytest.mark.parametrize("file", FILES)
def test_export_has_the_organization_and_assessment(cli, file):
    doc = expected(file)
    import_json(cli, file)
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


@pytest.mark.parametrize("file", FILES)
def test_export_has_every_weak_item_with_its_score_question_and_suggestion(cli, file):
    doc = expected(file)
    import_json(cli, file)
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


@pytest.mark.parametrize("file", FILES)
def test_export_has_exactly_the_units_of_the_report(cli, file):
    doc = expected(file)
    import_json(cli, file)
    units = export_json(cli)["units"]

    assert len(units) == len(doc["units"])
    got = {key(u["name"]): (u["all_units"], sorted(map(key, u["aliases"]))) for u in units}
    want = {key(u["name"]): (u["all_units"], sorted(map(key, u["aliases"]))) for u in doc["units"]}
    assert got == want


@pytest.mark.parametrize("file", FILES)
def test_export_has_the_follow_up_meetings_with_their_dates(cli, file):
    doc = expected(file)
    import_json(cli, file)
    series = export_json(cli)["meeting_series"]

    assert len(series) == len(doc["meeting_series"])
    by_name = {key(s["name"]): s for s in series}
    for want in doc["meeting_series"]:
        got = by_name[key(want["name"])]
        assert rule_dates(got["rrule"], doc["fiscal_year"]) == want["dates"], want["name"]
        assert key(got["text"]).translate(THAI_DIGITS) == key(want["text"]).translate(THAI_DIGITS)


@pytest.mark.parametrize("file", FILES)
def test_export_has_every_measure_and_task(cli, file):
    doc = expected(file)
    import_json(cli, file)
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
        assert key(got["period_text"]) == key(want["period_text"]), where
        assert (got["start"], got["end"]) == (want["start"], want["end"]), where
        assert key(got["follow_up"]) == key(want["follow_up"]), where
        assert got["status"] == "not_started", where


@pytest.mark.parametrize("file", FILES)
def test_tasks_listing_shows_every_step_with_unit_period_and_meeting(cli, file):
    doc = expected(file)
    import_json(cli, file)
    rows = tasks_by_position(cli)

    assert len(rows) == sum(len(m["tasks"]) for m in doc["measures"])
    for m, _t, want in expected_tasks(doc):
        row = rows[(m + 1, want["number"])]
        where = f"measure {m + 1} step {want['number']}"
        assert key(row["title"]) == key(want["title"]), where
        assert sorted(map(key, row["units"])) == sorted(map(key, want["units"])), where
        assert key(row["period_text"]) == key(want["period_text"]), where
        assert (row["start"], row["end"]) == (want["start"], want["end"]), where
        assert key(row["follow_up"]) == key(want["follow_up"]), where


# --- every format of a report is the same plan ---------------------------------------------------


@pytest.mark.parametrize(("first", "other"), OTHER_FORMATS, ids=[o for _f, o in OTHER_FORMATS])
def test_every_format_of_a_report_gives_the_same_plan(cli, first, other):
    """Import one format, then another into the same database: nothing is created, and the
    exported plan and task list are the same (as the oracle compares them) but for the file
    the plan came from."""
    import_json(cli, first)
    plan, tasks = export_json(cli), cli.ok("tasks", "--json").json()

    again = import_json(cli, other)

    assert again["created"] == {}, again["changes"]
    changed = differences(comparable(plan), comparable(export_json(cli)))
    changed += differences(comparable(tasks), comparable(cli.ok("tasks", "--json").json()))
    assert not changed, f"{other} differs from {first}:\n" + "\n".join(changed)
    assert export_json(cli)["source"] == other
    assert len(cli.ok("plans", "--json").json()) == 1


def differences(first: Any, other: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, one line per differing leaf ("measures[0].title: …")."""
    if isinstance(first, dict) and isinstance(other, dict):
        return [
            line
            for name in sorted(set(first) | set(other), key=str)
            for line in differences(first.get(name), other.get(name), f"{path}.{name}")
        ]
    if isinstance(first, list) and isinstance(other, list) and len(first) == len(other):
        return [
            line
            for index, (a, b) in enumerate(zip(first, other, strict=True))
            for line in differences(a, b, f"{path}[{index}]")
        ]
    return [] if first == other else [f"{path or '.'}: {first!r} != {other!r}"]


# --- importing again, --strict, --dry-run --------------------------------------------------------


@pytest.mark.parametrize("file", FILES)
def test_importing_the_same_report_twice_changes_nothing(cli, file):
    import_json(cli, file)
    exported = cli.ok("export", "--format", "json").stdout
    tasks = cli.ok("tasks", "--json").stdout

    again = import_json(cli, file)

    assert again["changed"] is False
    assert again["created"] == {}
    assert again["changes"] == []
    assert cli.ok("export", "--format", "json").stdout == exported
    assert cli.ok("tasks", "--json").stdout == tasks
    assert len(cli.ok("plans", "--json").json()) == 1


@pytest.mark.parametrize("file", FORMATS["report-b"])
def test_strict_refuses_report_b_naming_its_gaps_and_writes_nothing(cli, file):
    result = cli("import", str(REPORTS[file]), "--strict", "--json")

    said = assert_json_error(result)  # one error line on stderr, the same as JSON on stdout
    assert result.exit_code == 2
    assert "strict" in said["error"]
    for where in REPORT_B_GAPS:
        assert where in said["error"]
    nothing_written(cli)


@pytest.mark.parametrize("file", FORMATS["report-a"])
def test_strict_accepts_report_a_which_has_no_gaps(cli, file):
    summary = import_json(cli, file, "--strict")
    assert summary["changed"] is True
    assert len(cli.ok("tasks", "--json").json()) == 8


@pytest.mark.parametrize("file", FILES)
def test_dry_run_reports_but_writes_nothing(cli, file):
    doc = expected(file)
    summary = import_json(cli, file, "--dry-run")

    assert summary["dry_run"] is True
    assert summary["found"]["tasks"] == sum(len(m["tasks"]) for m in doc["measures"])
    assert warning_codes(summary["warnings"]) == warning_codes(doc["warnings"])
    nothing_written(cli)
