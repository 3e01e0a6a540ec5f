"""Measuring, the table and the runner of the follow-up benchmarks.

bench/bench_followup.py runs every group of steps on one database per backend;
bench_followup_reminders.py, bench_followup_reports.py and bench_followup_alerts.py run
theirs alone (bench_followup_prefect.py has its own tiny database). Each builds the national
database (followup_bench_data.build) on a temporary SQLite file and, with --pg, on a scratch
PostgreSQL database made and dropped here, then runs its groups in order on it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followup_bench_data import ALERT_DAYS, PEAK_MEETING, REMINDER_DAY, build
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from schedules.workdays import ThaiCalendar
from tracker.db import open_database
from tracker.followup.jobs import Options
from tracker.models import OutboxMessage

# --- measuring -----------------------------------------------------------------------------


@dataclass
class Statements:
    """Counts the statements an engine sends (an executemany is one)."""

    count: int = 0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


@dataclass
class Results:
    """One backend's cells, by measurement key."""

    name: str
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class Step:
    """What one measured call did: its result (None if it failed), wall and client CPU time,
    and this process's peak resident memory during it (MB; None where unknown)."""

    result: Any
    wall: float
    cpu: float
    statements: int
    peak_mb: float | None = None
    before_mb: float | None = None  # resident memory when it started


def reset_peak() -> bool:
    """Reset this process's peak resident memory (Linux: VmHWM, through clear_refs); False
    where that cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb(field: str = "VmHWM") -> float:
    """This process's peak resident memory since the last reset_peak (else since it started);
    ``field="VmRSS"``: its resident memory now."""
    try:
        status = Path("/proc/self/status").read_text()
        kilobytes = int(status.split(f"{field}:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        import resource

        kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def measured(column: Results, key: str, statements: Statements, func: Callable[[], Any]) -> Step:
    """Run ``func`` once; note its wall time, this process's CPU time and statement count.

    A failure is a finding at this scale: it is shown in the table, and the run goes on.
    """
    gc.collect()
    before = statements.count
    peak_known = reset_peak()
    resident = peak_mb("VmRSS") if peak_known else None
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = func()
    except Exception as error:
        wall = time.perf_counter() - wall
        reason = " ".join(str(error).split())[:150]
        column.cells[key] = (
            f"**failed** after {seconds(wall)}, {statements.count - before:,} statements: "
            f"{type(error).__name__}: {reason}"
        )
        print(f"[{column.name}] {key}: {column.cells[key]}", file=sys.stderr)
        return Step(None, wall, 0.0, statements.count - before)
    step = Step(
        result,
        time.perf_counter() - wall,
        time.process_time() - cpu,
        statements.count - before,
        peak_mb() if peak_known else None,
        resident,
    )
    column.cells[key] = (
        f"{seconds(step.wall)} (CPU {seconds(step.cpu)}), {step.statements:,} statements"
    )
    print(f"[{column.name}] {key}: {column.cells[key]}", file=sys.stderr)
    return step


def measured_round(
    column: Results,
    key: str,
    statements: Statements,
    factory: sessionmaker[Session],
    job: str,
    run: Callable[[], Any],
) -> Step:
    """``measured`` for a job that queues messages: the cell also says how many rows of
    ``job`` it added to the ledger, and how many a second."""
    before = outbox_count(factory, job)
    step = measured(column, key, statements, run)
    if step.result is not None:
        queued = outbox_count(factory, job) - before
        column.cells[key] += f"; {queued:,} rows queued, {queued / step.wall:,.0f} messages/s"
    return step


def against_pipeline(
    bench: Bench,
    key: str,
    job: str,
    now: Any,
    run_job: Callable[[], Any],
    pipeline: Callable[[], Any],
) -> None:
    """Issue 15's comparison: the hand-written ``pipeline`` of a round (bench/handwritten_rounds.py)
    first, its INSERT rolled back, then the job's round (the row ``key``), on the same
    database; the row ``key``-pipeline gives job CPU / pipeline CPU and both peaks, and says
    whether every ledger row the pipeline built is the one the job wrote."""
    from handwritten_rounds import check

    column = bench.column
    with tempfile.TemporaryDirectory() as scratch:
        built_at = Path(scratch) / "pipeline.pickle"
        in_child(bench, f"{key}-pipeline", pipeline, built_at)
        step = measured_round(column, key, bench.statements, bench.factory, job, run_job)
        built: Step = pickle.loads(built_at.read_bytes())
    column.cells[f"{key}-pipeline"] = built.result if isinstance(built.result, str) else ""
    if built.result is None or isinstance(built.result, str) or step.result is None:
        return
    differences = check(bench.engine, job, now, built.result.rows)
    same = "every row identical" if not differences else f"**{differences}**"
    peaks = (
        f"peak RSS {step.peak_mb:,.0f} MB, {step.before_mb:,.0f} MB before it "
        f"(pipeline {built.peak_mb:,.0f} MB)"
        if step.peak_mb is not None and built.peak_mb is not None
        else "peak RSS unknown"
    )
    column.cells[f"{key}-pipeline"] = (
        f"job {seconds(step.cpu)} / pipeline {seconds(built.cpu)} CPU = "
        f"**{step.cpu / built.cpu:.2f}×**; {peaks}; {len(built.result.rows):,} rows, {same}"
    )
    print(f"[{column.name}] {key}-pipeline: {column.cells[f'{key}-pipeline']}", file=sys.stderr)


def outbox_count(factory: sessionmaker[Session], job: str) -> int:
    with factory() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.job == job)
        )


@dataclass
class Scratch:
    """A PostgreSQL database made for one run and dropped after it."""

    admin_url: str
    name: str = field(default_factory=lambda: f"tracker_bench_{uuid.uuid4().hex[:8]}")

    def __enter__(self) -> str:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return make_url(self.admin_url).set(database=self.name).render_as_string(False)

    def __exit__(self, *_exc: object) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def in_child(bench: Bench, key: str, func: Callable[[], Any], to: Path) -> None:
    """``measured`` of ``func`` in a forked child process, its Step pickled to ``to``: what
    it allocates never enlarges this process, whose peak memory the next step measures."""
    pid = os.fork()
    if pid == 0:  # the child: its own connections (SQLAlchemy's advice after a fork)
        code = 1
        try:
            bench.engine.dispose(close=False)
            step = measured(Results(bench.column.name), key, bench.statements, func)
            if step.result is None:
                step.result = f"**failed** in the child ({key})"
            to.write_bytes(pickle.dumps(step))
            code = 0
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    if status != 0 or not to.exists():
        to.write_bytes(pickle.dumps(Step(f"**failed** (child exit {status})", 0.0, 0.0, 0)))


# --- the table -------------------------------------------------------------------------------


LABELS = {
    "build": "build: {orgs} organizations with Core executemany",
    "plan-first": "(a) plan meeting dues of every series, first time (empty table)",
    "plan": "(a) plan meeting dues of every series, the next day (once a day)",
    "idle": "(b) `meeting_reminders`, nothing due (every 15 min)",
    "floor": "(d) floor: one SQL query for every (due, task, unit)",
    "peak": "(c) `meeting_reminders`, every organization due",
    "peak-pipeline": "(c) against its hand-written pipeline (CPU ratio, peak memory)",
    "dispatch": "(h) dispatch of that round (claim, send, record: 2 commits each)",
    "plan-report-day": "(a) plan meeting dues of every series, the day after",
    "reports": "(f) `progress_reports`, every organization's report due",
    "reports-pipeline": "(f) against its hand-written pipeline (CPU ratio, peak memory)",
    "digests": "(g) `overdue_digests`, Monday's round for every unit with overdue work",
    "digests-pipeline": "(g) against its hand-written pipeline (CPU ratio, peak memory)",
    "digests-again": "(g) `overdue_digests`, a later sweep of the same week",
    "alerts-idle": "(e) `deadline_alerts`, nothing due",
    "alerts-peak": "(e) `deadline_alerts`, 7-days-left round of 30 Sep{subset}",
    "alerts-peak-pipeline": "(e) against its hand-written pipeline (CPU ratio, peak memory)",
}


def table(
    columns: list[Results],
    extra: list[tuple[str, str]],
    orgs: int,
    alert_orgs: int,
    keys: Iterable[str] = tuple(LABELS),
) -> Iterator[str]:
    subset = f" (tasks of {alert_orgs:,} organizations)" if alert_orgs < orgs else ""
    yield "| measurement | " + " | ".join(c.name for c in columns) + " |"
    yield "|---|" + "---|" * len(columns)
    for key in keys:
        label = LABELS[key]
        cells = [c.cells.get(key, "—") for c in columns]
        yield f"| {label.format(orgs=f'{orgs:,}', subset=subset)} | " + " | ".join(cells) + " |"
    for label, value in extra:
        yield f"| {label} | {value} |" + " — |" * (len(columns) - 1)


# --- running groups of steps -----------------------------------------------------------------


@dataclass
class Bench:
    """One backend's built national database, as the groups' steps use it."""

    factory: sessionmaker[Session]
    engine: Engine
    statements: Statements
    options: Options
    column: Results
    args: argparse.Namespace


@dataclass(frozen=True)
class Group:
    """Some steps, run in order on a built database: the rows they fill and how to run them."""

    keys: tuple[str, ...]  # keys of LABELS, in table order
    run: Callable[[Bench], None]


def bench_database(
    url: str, args: argparse.Namespace, column: Results, groups: Sequence[Group]
) -> None:
    """Build the national database at ``url``, then run each group's steps on it in order."""
    factory = open_database(url)
    engine: Engine = factory.kw["bind"]
    statements = Statements()
    statements.attach(engine)
    options = Options(alert_days=ALERT_DAYS)

    step = measured(
        column,
        "build",
        statements,
        lambda: build(engine, args.orgs, args.seed, alert_orgs=args.alert_orgs),
    )
    if step.result is None:
        return
    counts = step.result
    column.cells["build"] = (
        f"{seconds(step.wall)} ({counts['tasks']:,} tasks, "
        f"{counts['task_units']:,} task-unit links, {counts['units']:,} units)"
    )
    bench = Bench(factory, engine, statements, options, column, args)
    for group in groups:
        group.run(bench)
    engine.dispose()


def check_calendar() -> None:
    """Stop unless the calendar puts the peak meeting's reminder on REMINDER_DAY."""
    calendar = ThaiCalendar()
    reminder_day = calendar.add_working_days(PEAK_MEETING, -2)
    if reminder_day != REMINDER_DAY:  # the moments above are worked out from this
        sys.exit(f"the calendar puts the reminder on {reminder_day}, not {REMINDER_DAY}")
    off = calendar.holidays_between(reminder_day, PEAK_MEETING)
    print(
        f"reminder for {PEAK_MEETING} due {reminder_day} 09:00 (days off in between: "
        + ", ".join(f"{d} {n}" for d, n in off.items())
        + ")",
        file=sys.stderr,
    )


def make_parser(description: str, *, dispatch: bool, prefect: bool) -> argparse.ArgumentParser:
    """The options of bench_followup.py; ``dispatch`` and ``prefect`` add those steps' own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--orgs", type=int, default=8300, help="organizations (default 8,300)")
    parser.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is made there")
    parser.add_argument(
        "--alert-orgs",
        type=int,
        help="organizations whose tasks' alerts are due at the alert peak (default: all)",
    )
    if dispatch:
        parser.add_argument(
            "--dispatch-threads", type=int, default=1, help="threads of the dispatch step (h)"
        )
        parser.add_argument(
            "--send-latency-ms", type=float, default=0.0, help="each send's wait in step (h)"
        )
    if prefect:
        parser.add_argument("--prefect", action="store_true", help="also time a Prefect flow run")
        parser.add_argument("--prefect-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2566)
    return parser


def main(
    description: str,
    groups: Sequence[Group],
    *,
    dispatch: bool = False,
    prefect: Callable[[Path, int, int], list[tuple[str, str]]] | None = None,
) -> None:
    """Parse the options, run ``groups`` on SQLite (and PostgreSQL with --pg), print the table.

    ``prefect``, given, adds --prefect: then it runs once more, in the same temporary
    directory, and its rows follow the table's.
    """
    args = make_parser(description, dispatch=dispatch, prefect=prefect is not None).parse_args()
    alert_orgs = args.orgs if args.alert_orgs is None else min(args.alert_orgs, args.orgs)
    args.alert_orgs = alert_orgs

    check_calendar()
    started = time.perf_counter()
    columns: list[Results] = []
    extra: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_column = Results(f"SQLite {sqlite3.sqlite_version}")
        bench_database(f"sqlite:///{tmp}/national.db", args, sqlite_column, groups)
        columns.append(sqlite_column)
        if args.pg:
            pg_column = Results("PostgreSQL")
            with Scratch(args.pg) as url:
                from sqlalchemy import create_engine

                probe = create_engine(url)
                with probe.connect() as connection:
                    version = connection.execute(text("SHOW server_version")).scalar()
                probe.dispose()
                pg_column.name = f"PostgreSQL {str(version).split()[0]}"
                bench_database(url, args, pg_column, groups)
            columns.append(pg_column)
        if prefect is not None and args.prefect:
            extra = prefect(Path(tmp), args.seed, args.prefect_runs)
    keys = ("build", *(key for group in groups for key in group.keys))
    print("\n".join(table(columns, extra, args.orgs, alert_orgs, keys)))
    if alert_orgs < args.orgs and "alerts-peak" in keys:
        print(
            f"\nnote: the deadline-alert peak covers the tasks of {alert_orgs:,} of "
            f"{args.orgs:,} organizations, not all."
        )
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "orgs": args.orgs,
                "alert_orgs": alert_orgs,
                "total_s": round(time.perf_counter() - started, 1),
            }
        )
    )
