"""tracker tokens: API tokens made (the secret printed once), listed (never the secret) and
revoked, and what the API then makes of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FROZEN_NOW, Cli
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import web_settings

from tracker.db import open_database, unit_of_work
from tracker.models import AccessToken, TokenKind
from tracker.services.access import digest
from tracker.web.app import create_app

NOW = datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture
def api(demo_cli: Cli, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The web app on the CLI's database, its clock at the CLI's frozen moment."""
    factory = open_database(database_url)
    app = create_app(web_settings(tmp_path, database_url), factory, lambda: NOW)
    with TestClient(app, base_url="https://testserver") as client:
        yield client
    factory.kw["bind"].dispose()


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_unit_token_is_printed_once_and_reads_only_its_units_tasks(
    demo_cli: Cli, api: TestClient, database_url: str
) -> None:
    made = demo_cli.ok("tokens", "add", "--role", "unit", "--unit", "กองคลัง", "--label", "สารบรรณ")
    lines = made.stdout.splitlines()
    assert lines[0] == "โทเคน 1 (unit, กองคลัง, สารบรรณ), ไม่หมดอายุ:"
    secret = lines[1]
    assert secret.startswith("tk_")
    assert len(secret) > 40
    assert len(lines) == 2
    assert "แสดงครั้งเดียว" in made.stderr  # the warning goes to stderr, the secret to stdout
    with unit_of_work(open_database(database_url)) as session:  # only its hash is kept
        row = session.scalars(select(AccessToken)).one()
        assert row.token_hash == digest(secret)
        assert row.kind is TokenKind.API
    answer = api.get("/api/v1/tasks", headers=_bearer(secret))
    assert answer.status_code == 200
    # กองคลัง's steps in the demo plan: 1.3, 1.4 and 2.1, and 2.4 of the every-unit group.
    assert [(t["measure"], t["number"]) for t in answer.json()] == [(1, 3), (1, 4), (2, 1), (2, 4)]
    assert api.get("/api/v1/plans", headers=_bearer(secret)).status_code == 403


def test_the_list_never_shows_a_secret(demo_cli: Cli) -> None:
    secret = demo_cli.ok("tokens", "add", "--role", "viewer", "--days", "30").stdout.split()[-1]
    demo_cli.ok("tokens", "add", "--role", "admin", "--label", "backup script")
    table = demo_cli.ok("tokens").stdout
    listed = demo_cli.ok("tokens", "list", "--json").json()
    assert secret not in table
    assert secret not in str(listed)
    assert "tk_" not in table
    assert "tk_" not in str(listed)
    assert [(r["id"], r["role"], r["unit"], r["label"], r["state"]) for r in listed] == [
        (1, "viewer", None, None, "usable"),
        (2, "admin", None, "backup script", "usable"),
    ]
    # 30 days from the frozen clock (2026-11-25 10:00 in Bangkok, 03:00 UTC).
    assert listed[0]["expires_at"] == "2026-12-25T03:00:00+00:00"
    assert listed[1]["expires_at"] is None
    assert "25 ธ.ค. 2569 10:00" in table
    assert "ไม่หมดอายุ" in table
    assert "backup script" in table


def test_json_add_gives_the_secret_and_the_row(demo_cli: Cli) -> None:
    made = demo_cli.ok("tokens", "add", "--role", "secretariat", "--days", "1", "--json").json()
    assert made["token"].startswith("tk_")
    assert made["role"] == "secretariat"
    assert made["state"] == "usable"
    assert made["expires_at"] == "2026-11-26T03:00:00+00:00"
    english = demo_cli.ok("--lang", "en", "tokens", "add", "--role", "viewer", "--days", "2")
    assert english.stdout.startswith("token 2 (viewer), valid until 27 Nov 2026 10:00:\ntk_")


def test_a_revoked_token_is_refused_by_the_api(demo_cli: Cli, api: TestClient) -> None:
    secret = demo_cli.ok("tokens", "add", "--role", "viewer").stdout.split()[-1]
    assert api.get("/api/v1/plans", headers=_bearer(secret)).status_code == 200
    assert demo_cli.ok("tokens", "revoke", "1").stdout == "โทเคน 1: ยกเลิกแล้ว\n"
    refused = api.get("/api/v1/plans", headers=_bearer(secret))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_signed_in"
    assert demo_cli.ok("tokens", "--json").json()[0]["state"] == "revoked"
    first = demo_cli.ok("tokens", "--json").json()[0]["revoked_at"]
    demo_cli.ok("tokens", "revoke", "1")  # again: still revoked, at the first time
    assert demo_cli.ok("tokens", "--json").json()[0]["revoked_at"] == first


def test_revoke_finds_api_tokens_only(demo_cli: Cli) -> None:
    assert "no api token 7" in demo_cli("tokens", "revoke", "7").error_line(1)
    demo_cli.ok("units", "link", "กองคลัง")  # a unit link is a token row too, of its own kind
    assert "no api token 1" in demo_cli("tokens", "revoke", "1").error_line(1)
    demo_cli.ok("units", "link", "กองคลัง")  # still usable: the same link is renewed
    assert demo_cli.ok("tokens", "--json").json() == []


def test_bad_requests_are_one_line_each(demo_cli: Cli) -> None:
    no_unit = demo_cli("tokens", "add", "--role", "unit")
    assert "a unit token needs its unit" in no_unit.error_line(2)
    stray = demo_cli("tokens", "add", "--role", "admin", "--unit", "กองคลัง")
    assert "only a unit token has one" in stray.error_line(2)
    unknown = demo_cli("tokens", "add", "--role", "unit", "--unit", "กองไม่มี")
    assert "no unit 'กองไม่มี'" in unknown.error_line(1)
    label = demo_cli("tokens", "add", "--role", "viewer", "--label", "ก" * 301)
    assert "the token's label is 301 characters long" in label.error_line(2)
    days = demo_cli("tokens", "add", "--role", "viewer", "--days", "0")
    assert "--days" in days.error_line(2)
    assert demo_cli.ok("tokens", "--json").json() == []  # nothing half made


def test_an_expired_token_is_listed_as_expired(demo_cli: Cli) -> None:
    demo_cli.ok("tokens", "add", "--role", "viewer", "--days", "1")
    later = NOW + timedelta(days=1, seconds=1)
    demo_cli.env(TRACKER_NOW=later.isoformat())
    assert demo_cli.ok("tokens", "--json").json()[0]["state"] == "expired"
    assert "หมดอายุ" in demo_cli.ok("tokens").stdout
