"""Follow-up engine: what a Prefect flow run adds to a sweep.

Run: .venv/bin/python bench/bench_followup_prefect.py [--prefect-runs 3] [--seed 2566]
The Prefect rows of bench/bench_followup.py (there with --prefect); alone, they print the same
rows under the SQLite column. One flow run of flows.flows.followup_sweep, on a temporary
SQLite database of 3 organizations, against the same jobs as plain functions.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from followup_bench_data import PEAK_AT, build
from followup_bench_support import Results, check_calendar, seconds, table

from tracker.db import open_database


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def bench_prefect(tmp: Path, seed: int, runs: int) -> list[tuple[str, str]]:
    """One flow run of flows.flows.followup_sweep against the same plain functions."""
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

    plain()  # queue and send what is due once: every measured run below is the same no-op
    plain_times = []
    for _ in range(runs):
        started = time.perf_counter()
        plain()
        plain_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    flows.followup_sweep(now=moment)
    first = time.perf_counter() - started
    flow_times = []
    for _ in range(runs):
        started = time.perf_counter()
        flows.followup_sweep(now=moment)
        flow_times.append(time.perf_counter() - started)
    plain_median, flow_median = median(plain_times), median(flow_times)
    return [
        ("Prefect: `import flows.flows` (imports prefect)", seconds(imported)),
        (
            "Prefect: first `followup_sweep` flow run (starts the temporary server)",
            seconds(first),
        ),
        (f"Prefect: `followup_sweep` flow run, warm (median of {runs})", seconds(flow_median)),
        (f"Prefect: the same jobs as plain functions (median of {runs})", seconds(plain_median)),
        ("Prefect: overhead of one flow run", seconds(flow_median - plain_median)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-runs", type=int, default=3)
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
