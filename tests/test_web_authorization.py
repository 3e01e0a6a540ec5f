"""The authorization matrix: every route of the app × every role, from the app's own route
table, so a route added without a rule fails here.

For each route and method: nobody signed in gets 401 (the API) or is sent to the login page;
a role the rule leaves out gets 403; a role it lets in gets past the rule (whatever the route
answers then: 404 for a made-up id, 422 for a missing field, but never 401 or 403). Requests
with a session carry its CSRF secret, so the rule itself is what is tested.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import FINANCE, Site, site_fixture  # noqa: F401

from tracker.models import Role, WebSession
from tracker.services.access import digest
from tracker.web.auth import OPEN_BY_NATURE, SESSION_COOKIE, Rule, route_table

PLACEHOLDER = "999999"


def _routes(site: Site) -> list[tuple[str, str, Rule]]:
    """(method, path, rule) of every route of the app, from its own route table."""
    found = []
    for entry in route_table(site.app.routes):
        if entry.rule is None:
            assert entry.path in OPEN_BY_NATURE, f"{entry.path} has no rule"
            continue
        found += [(method, entry.path, entry.rule) for method in sorted(entry.methods)]
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", PLACEHOLDER, path)


def _csrf(site: Site, client: TestClient) -> dict[str, str]:
    cookie = client.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return {}
    with site.session() as session:
        row = session.scalar(select(WebSession).where(WebSession.session_hash == digest(cookie)))
        return {"x-csrf-token": row.csrf} if row is not None else {}


def test_every_route_has_a_rule(site: Site) -> None:
    table = route_table(site.app.routes)
    missing = [e.path for e in table if e.rule is None and e.path not in OPEN_BY_NATURE]
    assert missing == []
    assert len(_routes(site)) >= 8  # the table is really read


def _signed_in(site: Site) -> dict[str, TestClient]:
    clients = {
        role.value: site.client(role)
        for role in (Role.ADMIN, Role.SECRETARIAT, Role.VIEWER, Role.UNIT)
    }
    clients["unit-link"] = site.unit_client(FINANCE)
    return clients


ROLE_OF = {
    "admin": Role.ADMIN,
    "secretariat": Role.SECRETARIAT,
    "viewer": Role.VIEWER,
    "unit": Role.UNIT,
    "unit-link": Role.UNIT,
}


def test_each_role_gets_exactly_what_its_rules_allow(site: Site) -> None:
    clients = _signed_in(site)
    anonymous = site.anonymous()
    failures = []
    for method, path, rule in _routes(site):
        url = _concrete(path)
        if path == "/logout":
            continue  # signs the client out: checked on its own below
        answer = anonymous.request(method, url)
        if not rule.public and answer.status_code not in (401, 303):
            failures.append(f"anonymous {method} {path}: {answer.status_code}")
        if not rule.public and answer.status_code == 303:
            assert answer.headers["location"].startswith("/login"), (method, path)
        for name, client in clients.items():
            answer = client.request(method, url, headers=_csrf(site, client))
            allowed = rule.public or ROLE_OF[name] in rule.roles
            if allowed and answer.status_code in (401, 403) and path != "/login":
                failures.append(f"{name} {method} {path}: refused ({answer.status_code})")
            if not allowed and answer.status_code != 403:
                failures.append(f"{name} {method} {path}: {answer.status_code}, not 403")
    assert failures == []


def test_signing_out_ends_the_session(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    assert client.post("/logout", headers=_csrf(site, client)).status_code == 303
    assert client.get("/unit").status_code in (303, 401)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARIAT, Role.VIEWER])
def test_security_headers_are_on_every_page(site: Site, role: Role) -> None:
    response = site.client(role).get("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
