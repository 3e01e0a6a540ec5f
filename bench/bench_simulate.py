"""`tracker simulate` of FY2566 of the seed: CPU time, statements, moments and messages.

Run: .venv/bin/python bench/bench_simulate.py [--runs 3] [--seed-file PATH]

The seed report (../shared/seeds/000_950678517d269ae1.txt, as tests/test_simulate_unchanged.py
uses it) is imported with `tracker import --merge-similar-units` into a temporary SQLite file
at 1 Oct 2022 08:00, then the fiscal year is simulated two ways:

- the command as a user runs it, `tracker simulate --from 2022-10-01 --to 2023-09-30`, in a
  child process: its CPU time (user + system, getrusage of the children), Python's start-up
  and every import included; beside it `tracker --help`, the floor of any command;
- the same simulation in this process (tracker.followup.simulate.simulate, everything already
  imported): CPU time, the statements its engines sent (an executemany is one), the moments
  it visited and the job runs it made.

Each child run's timeline must be the same (the messages are checked byte for byte by
tests/test_simulate_unchanged.py). Medians of --runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_950678517d269ae1.txt"
IMPORTED_AT = "2022-10-01T08:00:00+07:00"
START, END = date(2022, 10, 1), date(2023, 9, 30)
TRACKER = Path(sys.executable).parent / "tracker"


def child_cpu(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``tracker ARGS``; (its CPU seconds, user + system, and its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [str(TRACKER), *args], env=env, capture_output=True, text=True, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, done.stdout


@contextmanager
def counted_statements() -> Iterator[list[int]]:
    """Count what every engine made while inside sends (``[count]``, an executemany is one):
    the simulation opens its own scratch engine, so the count listens on all of them."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    count = [0]

    def seen(*_args: Any) -> None:
        count[0] += 1

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield count
    finally:
        event.remove(Engine, "before_cursor_execute", seen)


def in_process(url: str, outbox: Path) -> dict[str, float]:
    """One simulation in this process: CPU, statements, moments, job runs and messages."""
    from tracker.config import load_settings
    from tracker.db import open_database
    from tracker.followup import simulate as simulation
    from tracker.services.plans import export_plan, list_plans

    os.environ["TRACKER_DATABASE_URL"] = url
    settings = load_settings()
    factory = open_database(url)
    with factory() as session:
        documents = [export_plan(session, plan) for plan in list_plans(session)]
    factory.kw["bind"].dispose()
    visited: list[int] = []
    moments: Callable[..., Any] = simulation.due_moments

    def counting_moments(*args: Any) -> Any:
        found = moments(*args)
        visited.append(len(found))
        visited.append(sum(len(jobs) for _moment, jobs in found))
        return found

    simulation.due_moments = counting_moments  # type: ignore[assignment]
    try:
        with counted_statements() as count:
            cpu = time.process_time()
            events = simulation.simulate(documents, START, END, outbox, settings)
            cpu = time.process_time() - cpu
    finally:
        simulation.due_moments = moments  # type: ignore[assignment]
    return {
        "cpu": cpu,
        "statements": count[0],
        "moments": visited[0],
        "job_runs": visited[1],
        "messages": len(events),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed-file", type=Path, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/tracker.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(TRACKER_DATABASE_URL=url, TRACKER_NOW=IMPORTED_AT, TRACKER_LANG="th")
        child_cpu(["import", str(args.seed_file), "--merge-similar-units"], env)
        help_cpu, simulate_cpu, timelines = [], [], set()
        for run in range(args.runs):
            help_cpu.append(child_cpu(["--help"], env)[0])
            cpu, out = child_cpu(
                ["simulate", "--from", str(START), "--to", str(END), "--outbox", f"{tmp}/o{run}"],
                env,
            )
            simulate_cpu.append(cpu)
            timelines.add("\n".join(out.splitlines()[:-1]))  # the last line names the folder
        if len(timelines) != 1:
            sys.exit("the simulations' timelines differ from run to run")
        os.environ.update(TRACKER_NOW=IMPORTED_AT, TRACKER_LANG="th")
        inside = [in_process(url, Path(tmp) / f"in{run}") for run in range(args.runs)]
    median = statistics.median
    print("| measurement | value |")
    print("|---|---|")
    print(f"| `tracker --help` (start-up floor), CPU | {median(help_cpu):.3f} s |")
    print(
        f"| `tracker simulate` FY2566 of the seed, child process CPU | "
        f"{median(simulate_cpu):.3f} s (runs: {', '.join(f'{c:.2f}' for c in simulate_cpu)}) |"
    )
    last = inside[-1]
    print(
        f"| the same simulation in process, CPU | {median(r['cpu'] for r in inside):.3f} s; "
        f"{last['statements']:,} statements, {last['moments']} moments, "
        f"{last['job_runs']} queueing-job runs, {last['messages']} messages |"
    )


if __name__ == "__main__":
    main()
