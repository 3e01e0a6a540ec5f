"""Web benchmark: task updates through the JSON API against a bare FastAPI endpoint served by
the same server, with 50 concurrent clients, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/bench_web.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

The server is one uvicorn process (as `tracker serve` runs it) holding the real app plus one
extra route, ``POST /bench/bare``: it parses the same JSON body and answers without touching
the database, so it is the floor of what this server, Python and HTTP stack can do on this
machine in this run. The clients (one asyncio process, a minimal HTTP/1.1 client over
keep-alive connections, lighter than the server) send ``POST
/api/v1/tasks/{id}/progress`` with a unit's API token, each client on a task of its own, then
the same number of requests to the bare route. Printed: throughput, p50/p99 latency, the
server's CPU seconds, and the API's share of the bare route's throughput. Nothing here
asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 14, 2, 30, tzinfo=UTC)
UNIT = "กองคลัง"


class Progress(BaseModel):
    """The bare route's body: what the API's progress update parses, without the unit."""

    percent: int = Field(ge=0, le=100)


def bench_plan(tasks: int) -> dict:
    """The demo plan with one extra measure of ``tasks`` open steps of UNIT."""
    demo = yaml.safe_load((ROOT / "examples" / "demo-plan.yaml").read_text(encoding="utf-8"))
    template = copy.deepcopy(demo["measures"][0]["tasks"][2])  # an open task of กองคลัง
    demo["measures"].append(
        {
            "title": "มาตรการทดสอบความเร็ว",
            "items": [],
            "tasks": [
                {
                    **copy.deepcopy(template),
                    "number": n + 1,
                    "title": f"ขั้นตอนทดสอบ {n + 1}",
                    "status": "not_started",
                    "percent": 0,
                }
                for n in range(tasks)
            ],
        }
    )
    return demo


def prepare(url: str, tasks: int, data_dir: Path) -> tuple[str, list[int]]:
    """Import the bench plan; return a unit API token and the bench tasks' ids."""
    from sqlalchemy import select

    from tracker.db import open_database, unit_of_work
    from tracker.models import Measure, Role, Task, TokenKind
    from tracker.plandoc import parse_plan_document
    from tracker.services import access
    from tracker.services.organizations import get_organization
    from tracker.services.plan_import import import_plan
    from tracker.services.units import get_unit

    factory = open_database(url)
    document = parse_plan_document(
        yaml.safe_dump(bench_plan(tasks), allow_unicode=True), "bench", "yaml"
    )
    with unit_of_work(factory) as session:
        import_plan(session, document, now=NOW, actor="bench")
    with unit_of_work(factory) as session:
        organization = get_organization(session, None)
        unit = get_unit(session, organization, UNIT)
        _, secret = access.add_token(
            session, organization, TokenKind.API, Role.UNIT, NOW, unit=unit
        )
        ids = list(
            session.scalars(
                select(Task.id)
                .join(Task.measure)
                .where(Measure.title == "มาตรการทดสอบความเร็ว")
                .order_by(Task.id)
            )
        )
    factory.kw["bind"].dispose()
    return secret, ids


def serve(url: str, port: int) -> None:
    """The server process: the real app plus the bare route."""
    import uvicorn

    from tracker.config import Settings
    from tracker.db import open_database
    from tracker.web.app import create_app

    settings = Settings(
        database_url=url, secret_key="bench", data_dir=Path(os.environ["BENCH_DATA"])
    )
    app = create_app(settings, open_database(url), lambda: NOW)

    @app.post("/bench/bare", include_in_schema=False)
    def bare(body: Progress) -> dict[str, bool]:
        return {"ok": body.percent >= 0}

    gc.freeze()  # as `tracker serve` does once the app is built
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")


async def load(
    base: str, paths: list[str], token: str, clients: int, total: int
) -> tuple[float, list[float]]:
    """Send ``total`` requests from ``clients`` concurrent keep-alive connections, client i
    on paths[i]; returns the wall time and each request's latency (seconds).

    The client speaks HTTP/1.1 over asyncio streams itself: a full HTTP client library costs
    more CPU per request than the bare route, and on a 2-core machine the client would then be
    what is measured."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    per_client = total // clients

    async def client(i: int) -> None:
        path = paths[i % len(paths)]
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for n in range(per_client):
                body = json.dumps({"percent": (n % 99) + 1}).encode()
                request = (
                    f"POST {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\n"
                    f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
                ).encode() + body
                started = time.perf_counter()
                writer.write(request)
                status, answer = await _response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{path}: {status} {answer[:200]!r}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return time.perf_counter() - started, latencies


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    return status, await reader.readexactly(length)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_backend(name: str, url: str, clients: int, total: int) -> list[str]:
    data = Path(tempfile.mkdtemp(prefix="bench-web-"))
    token, ids = prepare(url, clients, data)
    port = free_port()
    env = {**os.environ, "BENCH_DATA": str(data)}
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        api_paths = [f"/api/v1/tasks/{i}/progress" for i in ids]
        asyncio.run(load(base, api_paths, token, clients, clients * 4))  # warm up both
        asyncio.run(load(base, ["/bench/bare"], token, clients, clients * 4))
        rows = []
        for label, paths in (("bare endpoint", ["/bench/bare"]), ("API task update", api_paths)):
            before = cpu_seconds(server.pid)
            wall, latencies = asyncio.run(load(base, paths, token, clients, total))
            cpu = cpu_seconds(server.pid) - before
            rows.append((label, len(latencies) / wall, latencies, cpu))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = []
    floor = rows[0][1]
    for label, throughput, latencies, cpu in rows:
        q = statistics.quantiles(latencies, n=100)
        p50, p99 = q[49] * 1000, q[98] * 1000
        lines.append(
            f"| {name} | {label} | {throughput:,.0f} req/s | {p50:.1f} ms | {p99:.1f} ms "
            f"| {cpu:.2f} s | {throughput / floor:.0%} |"
        )
    return lines


def _wait(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/healthz", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def pg_scratch(admin_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    name = f"bench_web_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def pg_drop(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is made there")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    lines = [
        f"{args.clients} concurrent clients, {args.requests:,} requests per row",
        "",
        "| database | endpoint | throughput | p50 | p99 | server CPU | of bare |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        lines += run_backend("SQLite", f"sqlite:///{folder}/bench.db", args.clients, args.requests)
    if args.pg:
        name, url = pg_scratch(args.pg)
        try:
            lines += run_backend("PostgreSQL", url, args.clients, args.requests)
        finally:
            pg_drop(args.pg, name)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
