"""Follow-up engine: what a Prefect flow run adds to a sweep.

Run: .venv/bin/python bench/bench_followup_prefect.py [--prefect-runs 7] [--seed 2566]
The Prefect rows of bench/bench_followup.py (there with --prefect); alone, they print the same
rows under the SQLite column. Flow runs of flows.flows.followup_sweep (an async flow), on a
temporary SQLite database of 3 organizations, against the same jobs as plain functions and as
a sync flow around the same body (what the flows were before they became async), measured
side by side in one run: wall time (a flow run mostly waits) and this process's CPU time.
Every measured run is the same no-op sweep (what was due is queued and sent once first).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from followup_bench_data import PEAK_AT, build
from followup_bench_support import Results, check_calendar, seconds, table

from tracker.db import open_database


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """The medians of ``runs`` calls of ``run``: wall seconds, CPU seconds of this process."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return median(walls), median(cpus)


def wall_cpu(wall: float, cpu: float) -> str:
    return f"{seconds(wall)} (CPU {seconds(cpu)})"


def bench_prefect(tmp: Path, seed: int, runs: int) -> list[tuple[str, str]]:
    """Flow runs of flows.flows.followup_sweep against the same jobs as plain functions and
    as a sync flow."""
    database = tmp / "prefect-tiny.db"
    url = f"sqlite:///{database}"
    # Before Prefect is first imported: no telemetry, a throwaway home, time to start.
    os.environ.update(
        {
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "TRACKER_DATABASE_URL": url,
            "TRACKER_OUTBOX_DIR": str(tmp / "outbox"),
        }
    )
    for name in ("PREFECT_API_URL", "TRACKER_NOW"):
        os.environ.pop(name, None)
    factory = open_database(url)
    build(factory.kw["bind"], 3, seed, contacts=False)
    factory.kw["bind"].dispose()
    started = time.perf_counter()
    try:
        from flows import flows
    except ImportError as error:
        print(f"note: --prefect skipped: flows.flows cannot be imported ({error})")
        return [("Prefect", f"skipped: flows.flows missing ({error})")]
    if not hasattr(flows, "followup_sweep"):
        print("note: --prefect skipped: flows.flows has no followup_sweep")
        return [("Prefect", "skipped: flows.flows.followup_sweep missing")]
    imported = time.perf_counter() - started
    from prefect import flow, get_run_logger

    from tracker.config import load_settings
    from tracker.followup.catalogue import QUEUEING

    moment = PEAK_AT.isoformat()

    def plain() -> None:  # what the flow body does, without Prefect
        settings = load_settings()
        with flows.open_factory(settings) as tiny:
            flows.run_jobs(
                QUEUEING,
                flows.parse_now(moment, settings),
                settings=settings,
                factory=tiny,
                worker="bench",
            )

    @flow(name="bench-sync-sweep", log_prints=False)
    def sync_sweep(now: str) -> dict[str, dict[str, object]]:
        """The same body in a sync flow: the flows as they were before they became async."""
        return flows._sweep(QUEUEING, now, False, "bench", get_run_logger())

    def async_flow() -> None:
        asyncio.run(flows.followup_sweep(now=moment))

    def sync_flow() -> None:
        sync_sweep(now=moment)

    plain()  # queue and send what is due once: every measured run below is the same no-op
    plain_wall, plain_cpu = timed(plain, runs)
    started = time.perf_counter()
    async_flow()
    first = time.perf_counter() - started
    sync_flow()  # its flow is registered on the first call: not measured either
    # Interleaved, so that a machine busy for a while weighs on both alike.
    async_times, sync_times = [], []
    for _ in range(runs):
        async_times.append(timed(async_flow, 1))
        sync_times.append(timed(sync_flow, 1))
    async_wall = median([wall for wall, _ in async_times])
    async_cpu = median([cpu for _, cpu in async_times])
    sync_wall = median([wall for wall, _ in sync_times])
    sync_cpu = median([cpu for _, cpu in sync_times])
    return [
        ("Prefect: `import flows.flows` (imports prefect)", seconds(imported)),
        (
            "Prefect: first `followup_sweep` flow run (starts the temporary server)",
            seconds(first),
        ),
        (
            f"Prefect: `followup_sweep` async flow run, warm (median of {runs})",
            wall_cpu(async_wall, async_cpu),
        ),
        (
            f"Prefect: the same body as a sync flow (the flows before; median of {runs})",
            wall_cpu(sync_wall, sync_cpu),
        ),
        (
            f"Prefect: the same jobs as plain functions (median of {runs})",
            wall_cpu(plain_wall, plain_cpu),
        ),
        (
            "Prefect: overhead of one flow run, sync → async",
            f"{seconds(sync_wall - plain_wall)} → {seconds(async_wall - plain_wall)} "
            f"(CPU {seconds(sync_cpu - plain_cpu)} → {seconds(async_cpu - plain_cpu)})",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2566)
    args = parser.parse_args()
    check_calendar()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        extra = bench_prefect(Path(tmp), args.seed, args.prefect_runs)
    column = Results(f"SQLite {sqlite3.sqlite_version}")
    print("\n".join(table([column], extra, 0, 0, keys=())))
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "prefect_runs": args.prefect_runs,
                "total_s": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
