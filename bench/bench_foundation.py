"""Foundation benchmarks: CLI start-up, and importing/exporting/listing a large plan.

Run: .venv/bin/python bench/bench_foundation.py [--pg postgresql+psycopg://...]
Prints a Markdown table; copy the numbers into bench/README.md with the machine they ran on.
Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRACKER = Path(sys.executable).parent / "tracker"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def median_seconds(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def big_plan(measures: int, tasks_per_measure: int) -> dict:
    """The demo plan grown to measures x tasks_per_measure steps (same units and series)."""
    demo = yaml.safe_load((ROOT / "examples" / "demo-plan.yaml").read_text(encoding="utf-8"))
    template = demo["measures"][1]["tasks"][0]
    demo["measures"] = [
        {
            "title": f"มาตรการทดสอบที่ {m + 1}",
            "items": [],
            "tasks": [
                {**copy.deepcopy(template), "number": t + 1, "title": f"ขั้นตอน {m + 1}.{t + 1}"}
                for t in range(tasks_per_measure)
            ],
        }
        for m in range(measures)
    ]
    return demo


def timed(label: str, func, rows: list[tuple[str, str]]) -> object:
    started = time.perf_counter()
    result = func()
    rows.append((label, f"{time.perf_counter() - started:.3f} s"))
    return result


def bench_database(url: str, document: dict, rows: list[tuple[str, str]], name: str) -> None:
    from tracker.db import open_database, unit_of_work
    from tracker.services.plan_import import import_plan
    from tracker.services.plans import export_plan, get_plan
    from tracker.services.tasks import TaskQuery, list_tasks

    factory = timed(f"{name}: create schema (migrations)", lambda: open_database(url), rows)
    count = sum(len(m["tasks"]) for m in document["measures"])

    def run_import() -> None:
        with unit_of_work(factory) as session:
            import_plan(session, document, now=NOW, actor="bench")

    timed(f"{name}: import {count} tasks", run_import, rows)
    timed(f"{name}: re-import {count} tasks (no change)", run_import, rows)

    def run_export() -> None:
        with unit_of_work(factory) as session:
            export_plan(session, get_plan(session, None))

    timed(f"{name}: export {count} tasks", run_export, rows)

    def run_list() -> None:
        with unit_of_work(factory) as session:
            list_tasks(session, TaskQuery(as_of=NOW.date(), overdue=True))

    timed(f"{name}: list overdue among {count} tasks", run_list, rows)
    factory.kw["bind"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is made there")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    rows.append(
        (
            "`tracker --help` (median)",
            f"{median_seconds([str(TRACKER), '--help'], args.runs):.3f} s",
        )
    )
    python_start = median_seconds([sys.executable, "-c", "pass"], args.runs)
    rows.append(("bare `python -c pass` (median, for scale)", f"{python_start:.3f} s"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp}/cli.db", "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [str(TRACKER), "import", str(ROOT / "examples/demo-plan.yaml")],
            check=True,
            capture_output=True,
            env=env,
        )
        listing = median_seconds([str(TRACKER), "tasks", "--json"], args.runs, env)
        rows.append(("`tracker tasks --json` on the demo plan (median)", f"{listing:.3f} s"))
        document = big_plan(20, 50)
        bench_database(f"sqlite:///{tmp}/big.db", document, rows, "SQLite")
    if args.pg:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            bench_database(url, document, rows, "PostgreSQL")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    print("| measurement | time |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    print(json.dumps({"python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
