"""How many facts of each example ITA report the importer reads right, per file format.

Run: .venv/bin/python bench/import_facts.py [--wrong] [FILE ...]

Reads every file of examples/reports (or the FILEs named, e.g. report-e.docx) with the
importer's library (tracker.importers.read_source: nothing is written to any database) and
compares the plan it gives with the report's hand-written expected plan
(tests/expected/<report>.json). What counts as a fact, and when it is right, is defined in
tests/import_facts_support.py: organization, assessment year, fiscal year, score, grade, each
indicator, each item (code, tool and score), each measure's title, each step's title, units,
start and end, each meeting rule (its dates in the fiscal year), and "no measures" for a report
without a measure table.

Prints a Markdown table, one row per file: facts expected, facts right, and the wrong ones
(all of them with --wrong, else the first five); a file the importer refuses counts no fact
right and shows the refusal (a reader that crashes, likewise, with its exception). Copy the
table into the closing note with the date it ran.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fact definitions, shared with the oracle

from import_facts_support import (  # noqa: E402
    REPORT_FILES,
    REPORTS_DIR,
    Fact,
    check_facts,
    expected_plan,
    report_of,
)

SHOWN = 5  # wrong facts listed per file unless --wrong


def facts_of(file: str) -> tuple[list[Fact], str | None]:
    """The facts of ``file`` checked against its expected plan, and the refusal if any."""
    from tracker.errors import InvalidInput
    from tracker.importers import read_source

    want = expected_plan(report_of(file))
    try:
        document = read_source(REPORTS_DIR / file).document
    except InvalidInput as refused:
        return _none_right(want, "file refused"), f"refused: {refused}"
    except Exception as error:  # a bench reports a reader's crash and goes on to the next file
        return _none_right(want, "reader crashed"), f"crashed: {type(error).__name__}: {error}"
    return check_facts(want, document), None


def _none_right(want: dict[str, Any], why: str) -> list[Fact]:
    return [Fact(f.name, False, why) for f in check_facts(want, {})]


def row(file: str, show_all: bool) -> tuple[str, int, int]:
    facts, refusal = facts_of(file)
    right = sum(f.right for f in facts)
    wrong = [f for f in facts if not f.right]
    if refusal is not None:
        said = _one_line(refusal)
    else:
        listed = wrong if show_all else wrong[:SHOWN]
        said = "; ".join(f"{f.name} ({f.detail})" for f in listed)
        if len(wrong) > len(listed):
            said += f"; … {len(wrong) - len(listed)} more"
    return f"| {file} | {len(facts)} | {right} | {_cell(said)} |", len(facts), right


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="report files to read (default: all)")
    parser.add_argument("--wrong", action="store_true", help="list every wrong fact")
    options = parser.parse_args(argv)
    files = options.files or list(REPORT_FILES)
    unknown = [f for f in files if f not in REPORT_FILES]
    if unknown:
        parser.error(f"not in the corpus: {', '.join(unknown)}")
    print("| file | facts | right | wrong |")
    print("|---|---:|---:|---|")
    total_facts = total_right = 0
    by_report: dict[str, tuple[int, int]] = {}
    for file in files:
        line, facts, right = row(file, options.wrong)
        print(line)
        total_facts += facts
        total_right += right
        seen = by_report.get(report_of(file), (0, 0))
        by_report[report_of(file)] = (seen[0] + facts, seen[1] + right)
    print(f"| **all {len(files)} files** | {total_facts} | {total_right} | |")
    print()
    print("| report (all its formats) | facts | right |")
    print("|---|---:|---:|")
    for report, (facts, right) in by_report.items():
        print(f"| {report} | {facts} | {right} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
