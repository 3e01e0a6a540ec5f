"""Foundation benchmarks: CLI start-up, and importing/exporting/listing a large plan.

Run: .venv/bin/python bench/bench_foundation.py [--pg postgresql+psycopg://...]
Prints a Markdown table; copy the numbers into bench/README.md with the machine they ran on.
Not a test: nothing here asserts a speed.

Commands are measured by the CPU time (user + system) the child process used, read with
``resource.getrusage(RUSAGE_CHILDREN)`` around each run: wall time on a shared two-core
machine says more about the neighbours than about the command. Each is set beside floors
measured in the same run (bare ``python -c pass``, and ``import sqlalchemy``, the one
library every database command needs), so a slower or busier machine moves both.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def median_cpu(
    command: list[str], runs: int, env: dict[str, str] | None = None, before: Any = None
) -> float:
    """Median CPU seconds (user + system) of ``command``; ``before`` runs before each (not
    counted), e.g. to put a fresh database in place."""
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True, capture_output=True, env=env)
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(end.ru_utime - start.ru_utime + end.ru_stime - start.ru_stime)
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
    runs = args.runs
    python_cpu = median_cpu([sys.executable, "-c", "pass"], runs)
    sqlalchemy_cpu = median_cpu([sys.executable, "-c", "import sqlalchemy"], runs)
    rows.append(("floor: bare `python -c pass` (CPU, median)", f"{python_cpu:.3f} s"))
    rows.append(("floor: `python -c 'import sqlalchemy'` (CPU, median)", f"{sqlalchemy_cpu:.3f} s"))

    def against_floors(label: str, cpu: float) -> None:
        rows.append(
            (
                label,
                f"{cpu:.3f} s CPU ({cpu / python_cpu:.1f}x bare Python, "
                f"{cpu / sqlalchemy_cpu:.1f}x importing SQLAlchemy)",
            )
        )

    against_floors("`tracker --help` (median)", median_cpu([str(TRACKER), "--help"], runs))
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp}/cli.db", "PATH": "/usr/bin:/bin"}
        demo = ROOT / "examples/demo-plan.yaml"
        subprocess.run(
            [str(TRACKER), "import", str(demo)], check=True, capture_output=True, env=env
        )
        listing = median_cpu([str(TRACKER), "tasks", "--json"], runs, env)
        against_floors("`tracker tasks --json` on the demo plan (median)", listing)
        document = big_plan(20, 50)
        big = Path(tmp) / "big.yaml"
        big.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
        fresh = {**env, "TRACKER_DATABASE_URL": f"sqlite:///{tmp}/fresh.db"}

        def no_database() -> None:
            Path(tmp, "fresh.db").unlink(missing_ok=True)

        imported = median_cpu(
            [str(TRACKER), "import", str(big)], max(3, runs // 2), fresh, no_database
        )
        against_floors("`tracker import` of the 1,000-task YAML, new database (median)", imported)
        demo_db = Path(tmp) / "demo.db"
        demo_env = {**env, "TRACKER_DATABASE_URL": f"sqlite:///{demo_db}"}
        subprocess.run(
            [str(TRACKER), "import", str(demo)], check=True, capture_output=True, env=demo_env
        )
        saved = demo_db.read_bytes()

        def demo_database() -> None:
            demo_db.write_bytes(saved)

        into = median_cpu(
            [str(TRACKER), "import", str(big)], max(3, runs // 2), demo_env, demo_database
        )
        against_floors(
            "`tracker import` of the 1,000-task YAML into the demo's database (median)", into
        )
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
