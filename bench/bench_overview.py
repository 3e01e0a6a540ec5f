"""Provincial overview benchmark (issue 15): every organization's figures at national scale.

Run: .venv/bin/python bench/bench_overview.py [--orgs 8300] [--pg postgresql+psycopg://...]

Builds the national database of the follow-up benchmarks (followup_bench_data.build: 8,300
organizations, 25 steps each, one meeting series each) and adds, here only:
- offices: 77 provincial offices and one national office (organizations too), every agency
  under a province, every province under the national office;
- one ITA assessment per agency (FY2565's result, a score drawn around 86);
- unit updates: one change by a responsible unit on two in three steps in progress, at a
  moment in July 2023 (before or after the meeting of 19 July, the last before the day).

Then measures, CPU time of this process (medians of --repeat runs), on the day of the
reminder bench (26 July 2023):
- the floor: one plain SQL query counting the steps of each organization (GROUP BY);
- the overview of every organization (tracker.services.offices.overview and the view that
  shapes it, tracker.views_offices.overview_document), with its statement count;
- the national office's subtree (the same, through the recursive CTE) and one province's;
- encoding the document as the CLI does (indented JSON, Thai unescaped) and, beside it,
  compact JSON (the C encoder; `indent` makes the json module use its pure-Python one);
- `tracker overview --all --json` as a subprocess (CPU of the child: getrusage), and the
  output for people (past 200 organizations plain aligned lines, not a Rich table) once.
Nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from followup_bench_data import BATCH, analyze, build
from followup_bench_support import Scratch, Statements
from sqlalchemy import Engine, func, select, text

from tracker.db import open_database, unit_of_work
from tracker.models import Assessment, Measure, Organization, Plan, Task, TaskEvent
from tracker.services.offices import overview
from tracker.textkey import lookup_key
from tracker.views_offices import overview_document

AS_OF = date(2023, 7, 26)
PROVINCES = 77
TRACKER = str(Path(sys.executable).parent / "tracker")
JULY = datetime(2023, 7, 1, 2, 0, tzinfo=UTC)


# --- the extra rows -------------------------------------------------------------------------


def add_offices_scores_and_updates(engine: Engine, organizations: int, seed: int) -> dict[str, int]:
    """The offices, scores and unit updates of the module docstring (Core, batched)."""
    rng = random.Random(seed + 1)
    nation = organizations + 1
    provinces = [organizations + 2 + k for k in range(PROVINCES)]
    counts = {"offices": 1 + PROVINCES, "assessments": organizations, "task_events": 0}
    with engine.begin() as connection:
        names = ["สำนักงานส่วนกลาง"] + [f"สำนักงานจังหวัดที่ {k + 1}" for k in range(PROVINCES)]
        connection.execute(
            Organization.__table__.insert(),  # type: ignore[arg-type]
            [
                {"id": i, "name": n, "key": lookup_key(n), "office_id": None}
                for i, n in zip([nation, *provinces], names, strict=True)
            ],
        )
        connection.execute(
            text("UPDATE organizations SET office_id = :n WHERE id > :n"), {"n": nation}
        )
        for k, province in enumerate(provinces):  # agency n goes to province n mod 77
            connection.execute(
                text(
                    "UPDATE organizations SET office_id = :p "
                    "WHERE id <= :last AND (id - 1) % :count = :k"
                ),
                {"p": province, "last": organizations, "count": PROVINCES, "k": k},
            )
        connection.execute(
            Assessment.__table__.insert(),  # type: ignore[arg-type]
            [
                {
                    "organization_id": org,
                    "year": 2565,
                    "score": round(min(100.0, rng.gauss(86.0, 6.0)), 2),
                    "grade": None,
                }
                for org in range(1, organizations + 1)
            ],
        )
        counts["task_events"] = _unit_updates(connection, rng)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in ("organizations", "assessments", "task_events"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    analyze(engine)
    return counts


def _unit_updates(connection: Any, rng: random.Random) -> int:
    """One change by a named unit on two in three steps in progress, in July 2023."""
    rows = connection.execute(
        text(
            "SELECT t.id, u.id, u.name, t.percent FROM tasks t "
            "JOIN task_units tu ON tu.task_id = t.id JOIN units u ON u.id = tu.unit_id "
            "WHERE t.status = 'in_progress' AND NOT u.all_units AND t.id % 3 != 0"
        )
    ).all()
    events = TaskEvent.__table__
    pending: list[dict[str, Any]] = []
    for task_id, unit_id, name, percent in rows:
        pending.append(
            {
                "task_id": task_id,
                "at": JULY + timedelta(minutes=rng.randrange(25 * 24 * 60)),
                "actor": name,
                "actor_unit_id": unit_id,
                "field": "percent",
                "before": str(max(0, percent - 10)),
                "after": str(percent),
            }
        )
        if len(pending) >= BATCH:
            connection.execute(events.insert(), pending)
            pending = []
    if pending:
        connection.execute(events.insert(), pending)
    return len(rows)


# --- measuring ------------------------------------------------------------------------------


def cpu_median(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median CPU time of this process over ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = func()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def child_cpu(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, int]:
    """The median CPU time (user + system) of a child process, and its output's size."""
    times, size = [], 0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(args, env=env, capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        size = len(done.stdout)
    return statistics.median(times), size


def floor_query(factory: Any) -> int:
    """One plain SQL query: the steps of each organization, counted by GROUP BY."""
    with unit_of_work(factory) as session:
        rows = session.execute(
            select(Plan.organization_id, func.count(Task.id))
            .join(Measure, Measure.plan_id == Plan.id)
            .join(Task, Task.measure_id == Measure.id)
            .group_by(Plan.organization_id)
        ).all()
    return len(rows)


def the_overview(factory: Any, office_id: int | None = None) -> dict[str, Any]:
    with unit_of_work(factory) as session:
        return overview_document(overview(session, AS_OF, office_id=office_id))


def run_backend(name: str, url: str, args: argparse.Namespace) -> list[list[str]]:
    factory = open_database(url)
    engine = factory.kw["bind"]
    start = time.perf_counter()
    build(engine, args.orgs, args.seed, contacts=False)
    extra = add_offices_scores_and_updates(engine, args.orgs, args.seed)
    print(
        f"{name}: built {args.orgs:,} organizations, {extra['offices']} offices, "
        f"{extra['task_events']:,} unit updates in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    nation, province = args.orgs + 1, args.orgs + 2
    statements = Statements()
    statements.attach(engine)
    floor, groups = cpu_median(lambda: floor_query(factory), args.repeat)
    rows: list[list[str]] = []
    everything: dict[str, Any] = {}

    def row(label: str, cpu: float, note: str) -> None:
        rows.append([name, label, f"{cpu:.3f} s", f"{cpu / floor:.1f}×", note])

    row("floor: steps counted per organization (one GROUP BY)", floor, f"{groups:,} rows")
    for label, office in (
        ("overview of every organization (service + view)", None),
        ("the national office's subtree (recursive CTE)", nation),
        ("one province's subtree", province),
    ):
        before = statements.count
        cpu, document = cpu_median(lambda o=office: the_overview(factory, o), args.repeat)
        per_run = (statements.count - before) // args.repeat
        summary = document["summary"]
        share = f"{summary['share'] * 100:.1f}%" if summary["share"] is not None else "-"
        note = (
            f"{len(document['organizations']):,} organizations, {per_run} statements, "
            f"{share} at 85+"
        )
        row(label, cpu, note)
        if office is None:
            everything = document
    for label, indent in (("the document as the CLI encodes it (indent 2)", 2), ("compact", None)):
        cpu, text = cpu_median(
            lambda i=indent: json.dumps(everything, ensure_ascii=False, indent=i), args.repeat
        )
        row(f"JSON: {label}, of every organization", cpu, f"{len(text.encode()) / 1e6:.1f} MB")
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_LANG": "th", "COLUMNS": "120"}
    command = [TRACKER, "overview", "--all", "--as-of", AS_OF.isoformat()]
    cpu, size = child_cpu([*command, "--json"], env, args.repeat)
    row("`tracker overview --all --json` (child process, whole)", cpu, f"{size / 1e6:.1f} MB")
    cpu, size = child_cpu(command, env, 1)
    row("`tracker overview --all` (plain aligned lines, once)", cpu, f"{size / 1e6:.1f} MB")
    cpu, _ = child_cpu([sys.executable, "-c", "pass"], env, args.repeat)
    rows.append([name, "python -c pass (start-up of any command)", f"{cpu:.3f} s", "", ""])
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=8_300)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is made there")
    args = parser.parse_args()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as folder:
        rows += run_backend("SQLite", f"sqlite:///{folder}/overview.db", args)
    if args.pg:
        with Scratch(args.pg) as url:
            rows += run_backend("PostgreSQL", url, args)
    print("| database | path | CPU (median) | of floor | what |")
    print("|---|---|---|---|---|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
