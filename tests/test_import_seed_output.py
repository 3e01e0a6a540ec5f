"""What `tracker import <report.txt>` says about the seed ITA analysis report, and its
--strict and --dry-run options.

Expected facts come from ../shared/vectors/seed-expected.json, read at test time; the seed
report itself is read from ../shared/seeds and only short substrings of it appear here, to edit
copies. Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import re

from import_support import (
    EXPECTED,
    SEED,
    TASKS,
    UNIT_CELL,
    edit_step,
    export,
    import_seed,
    seed_text,
    warnings_with,
    write_copy,
)

# --- what the import says ----------------------------------------------------------------------


def test_the_human_import_output_names_the_organization_years_score_counts_and_warnings(cli):
    out = cli.ok("import", "--merge-similar-units", str(SEED)).stdout

    assert EXPECTED["organization"]["name"] in out
    lines = out.splitlines()
    # The assessment (2565: score and grade) and the plan (FY2566: its counts).
    assert any("2565" in line and "99.76" in line and "AA" in line for line in lines)
    [plan_line] = [line for line in lines if re.search(r"ขั้นตอน\s*7\b", line)]
    assert "2566" in plan_line
    assert re.search(r"มาตรการ\s*1\b", plan_line)
    assert re.search(r"หน่วยงาน\s*2\b", plan_line)
    assert re.search(r"ประชุมหัวหน้าส่วนราชการ\S*:?\s*28\b", out)
    codes = {w["code"] for w in export(cli)["warnings"]}
    assert codes >= {
        "period-year-mismatch",
        "similar-units",
        "indicator-tool-label",
        "analysis-indicator-mismatch",
    }
    for code in codes:
        assert code in out


# --- --strict and --dry-run ------------------------------------------------------------------


def test_strict_imports_the_seed_which_has_no_gaps(cli):
    report = import_seed(cli, "--strict", "--merge-similar-units")

    assert report["found"]["tasks"] == len(TASKS)
    gaps = {"missing-unit", "missing-period", "unreadable-period"}
    assert not [w for w in report["warnings"] if w["code"] in gaps]
    assert len(cli.ok("plans", "--json").json()) == 1


def test_strict_refuses_a_step_without_a_unit_and_writes_nothing(cli, tmp_path):
    def no_unit(cells: list[str], listing: str) -> None:
        assert cells[UNIT_CELL].strip()
        cells[UNIT_CELL] = ""

    gap = write_copy(tmp_path, "no-unit.txt", edit_step(seed_text(), 4, no_unit))
    # Without --strict the gap is a warning on step 4 (so the edit did make a gap).
    lenient = cli.ok("import", "--dry-run", "--json", str(gap)).json()
    [warning] = warnings_with("missing-unit", lenient["warnings"])
    assert warning["where"] == "measures[0].tasks[3]"

    result = cli("import", "--strict", str(gap))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "missing-unit" in lines[0]
    assert result.stdout == ""
    assert cli.ok("plans", "--json").json() == []


def test_dry_run_prints_what_it_found_and_writes_nothing(cli):
    out = cli.ok("import", "--dry-run", "--merge-similar-units", str(SEED)).stdout

    assert EXPECTED["organization"]["name"] in out
    assert "99.76" in out
    assert re.search(r"ขั้นตอน\s*7\b", out)
    assert cli.ok("plans", "--json").json() == []
    report = cli.ok("import", "--dry-run", "--json", str(SEED)).json()
    assert report["dry_run"] is True
    assert report["found"]["tasks"] == len(TASKS)
    assert report["found"]["organization"] == EXPECTED["organization"]["name"]
    assert cli.ok("plans", "--json").json() == []
