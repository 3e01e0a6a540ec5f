"""The web app's commands: tracker serve (a real process), tracker users, tracker units link."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DEMO_PLAN, Cli

from tracker.services.access import digest

PASSWORD = "a long enough password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _wait_for_line(process: subprocess.Popen[str], words: str, seconds: float = 30) -> None:
    """Read the process's stderr until a line holds ``words`` (the rest stays unread)."""
    assert process.stderr is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if words in line:
            return
        assert line, "the process ended its log without " + words
    raise AssertionError(f"no {words!r} within {seconds} s")


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", [True, False], ids=["with-scheduler", "no-scheduler"])
def test_serve_answers_and_stops_on_sigterm(
    tracker_bin: str, tmp_path: Path, scheduler: bool
) -> None:
    db = tmp_path / "tracker.db"
    env = {
        **os.environ,
        "TRACKER_NOW": "2026-12-14T09:30:00+07:00",
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        "TRACKER_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    env.pop("TRACKER_DATABASE_URL", None)
    subprocess.run(
        [tracker_bin, "--db", str(db), "import", str(DEMO_PLAN)],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    command = [tracker_bin, "--db", str(db), "serve", "--port", str(port)]
    if not scheduler:
        command.append("--no-scheduler")
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert _get(f"http://127.0.0.1:{port}/healthz") == (200, '{"status":"ok"}')
        status, page = _get(f"http://127.0.0.1:{port}/login")
        assert status == 200
        assert "เข้าสู่ระบบ" in page
        if scheduler:  # wait for the scheduler's catch-up, then its triggers
            _wait_for_line(process, "ตัวจัดตารางงานทำงานตามกำหนดแล้ว")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out
    assert ("signal 15: finished the current job, stopped" in err) is scheduler, err


def test_users_add_passwd_disable(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    cli.ok("import", str(DEMO_PLAN))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    added = cli.ok("users", "add", "Somchai", "--role", "secretariat", "--password-stdin")
    assert "somchai" in added.stdout
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    head = cli.ok("users", "add", "head", "--role", "unit", "--unit", "กองคลัง", "--password-stdin")
    assert "head (unit)" in head.stdout
    listed = cli.ok("users", "--json").json()
    assert [(u["username"], u["role"], u["unit"], u["disabled"]) for u in listed] == [
        ("head", "unit", "กองคลัง", False),
        ("somchai", "secretariat", None, False),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    again = cli("users", "add", "somchai", "--role", "viewer", "--password-stdin")
    assert "already a user 'somchai'" in again.error_line(1)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    weak = cli("users", "passwd", "somchai", "--password-stdin")
    assert "at least 10 characters" in weak.error_line()
    cli.ok("users", "disable", "somchai")
    assert cli.ok("users", "--json").json()[1]["disabled"] is True
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    nounit = cli("users", "add", "x", "--role", "unit", "--password-stdin")
    assert "a unit account needs its unit" in nounit.error_line()


def test_units_link_prints_a_renewable_link_and_revokes_it(cli: Cli, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from tracker.models import AccessToken

    cli.env(
        TRACKER_PUBLIC_URL="https://tracker.example.go.th/",
        TRACKER_SECRET_KEY="a test key",
        TRACKER_DATA_DIR=str(tmp_path / "data"),
    )
    cli.ok("import", str(DEMO_PLAN))
    first = cli.ok("units", "link", "กองคลัง", "--json").json()
    assert first["url"].startswith("https://tracker.example.go.th/u/")
    assert first["expires_at"].startswith("2027-01-24")  # 60 days after 25 Nov 2569 (2026)
    again = cli.ok("units", "link", "กองคลัง", "--json").json()
    assert again["url"] == first["url"]
    secret = first["path"].removeprefix("/u/")
    engine = create_engine(os.environ["TRACKER_DATABASE_URL"])
    with Session(engine) as session:
        stored = session.scalars(select(AccessToken)).all()
        assert [t.token_hash for t in stored] == [digest(secret)]  # only the hash is kept
    engine.dispose()
    revoked = cli.ok("units", "link", "กองคลัง", "--revoke")
    assert "1" in revoked.stdout
    fresh = cli.ok("units", "link", "กองคลัง", "--json").json()
    assert fresh["url"] != first["url"]
