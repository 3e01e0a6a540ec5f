"""The web app under test: a site on this test's database with the demo plan, an account of
every role, and clients signed in as each (httpx through Starlette's TestClient, HTTPS so the
secure cookies travel).

``site`` is the fixture; ``site.client(role)`` a client signed in with a password,
``site.unit_client(unit)`` one that opened the unit's link, ``site.anonymous()`` nobody.
The clock is frozen (``site.now``) and can be moved (``site.at(moment)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.db import open_database, unit_of_work
from tracker.models import Role
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.units import get_unit
from tracker.web.app import create_app

# Argon2 at the product's cost (about 0.3 s of CPU for each hash or check) would make each
# site's four accounts and each sign-in cost seconds; the tests check what is hashed and how
# it is checked, not the cost. PRODUCTION_HASHER keeps the product's own for the one test of it.
PRODUCTION_HASHER = access._hasher
access._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
access._DUMMY_HASH = access._hasher.hash("not a password of anyone")

ROOT = Path(__file__).resolve().parent.parent
DEMO_PLAN = ROOT / "examples" / "demo-plan.yaml"
NOW = datetime.fromisoformat("2026-12-14T09:30:00+07:00")  # two working days before a meeting
PASSWORD = "correct horse battery 2569"
PUBLIC_URL = "https://tracker.example.go.th"
# One account per role: the unit account heads กองคลัง.
ACCOUNTS = {
    Role.ADMIN: "admin",
    Role.SECRETARIAT: "secretary",
    Role.VIEWER: "executive",
    Role.UNIT: "finance-head",
}
FINANCE = "กองคลัง"
PALAD = "สำนักปลัด"


@dataclass
class Site:
    """A running app on a test database (see the module docstring)."""

    factory: sessionmaker[Session]
    settings: Settings
    app: FastAPI
    now: datetime
    clients: list[TestClient] = field(default_factory=list)

    def clock(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> None:
        self.now = moment

    def session(self) -> Any:
        return unit_of_work(self.factory)

    def anonymous(self) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver", follow_redirects=False)
        self.clients.append(client)
        return client

    def client(self, role: Role) -> TestClient:
        """A client signed in with the password of the account of ``role``."""
        client = self.anonymous()
        login(client, ACCOUNTS[role], PASSWORD)
        return client

    def unit_link(self, unit_name: str) -> str:
        """The unit's link path (/u/...), renewed now."""
        with self.session() as session:
            unit = get_unit(session, get_organization(session, None), unit_name)
            _, secret = access.current_unit_link(
                session, self.settings.secret_key_bytes(), unit, self.now
            )
        return access.unit_link_path(secret)

    def unit_client(self, unit_name: str = FINANCE) -> TestClient:
        client = self.anonymous()
        response = client.get(self.unit_link(unit_name))
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/unit"
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.factory.kw["bind"].dispose()


def csrf_of(html: str) -> str:
    """The form secret a page carries (its first csrf field)."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no csrf field"
    return found.group(1)


def login(client: TestClient, username: str, password: str) -> Any:
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf": csrf_of(page.text)}
    )
    return response


def web_settings(tmp_path: Path, database_url: str, **extra: Any) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test secret key, not for production",
        public_url=PUBLIC_URL,
        outbox_dir=tmp_path / "outbox",
        allow_private_destinations=True,  # the test servers listen on 127.0.0.1
        **extra,
    )


def make_site(tmp_path: Path, database_url: str, **extra: Any) -> Site:
    settings = web_settings(tmp_path, database_url, **extra)
    factory = open_database(database_url)
    with unit_of_work(factory) as session:
        import_plan(session, read_plan_document(DEMO_PLAN), now=NOW, actor="import: demo")
    with unit_of_work(factory) as session:
        organization = get_organization(session, None)
        for role, username in ACCOUNTS.items():
            unit = get_unit(session, organization, FINANCE) if role is Role.UNIT else None
            access.add_user(session, organization, username, PASSWORD, role, NOW, unit=unit)
    site = Site(factory, settings, FastAPI(), NOW)
    site.app = create_app(settings, factory, site.clock)
    return site


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path, database_url: str) -> Iterator[Site]:
    """The demo plan's site on this test's database (both backends)."""
    made = make_site(tmp_path, database_url)
    yield made
    made.close()
