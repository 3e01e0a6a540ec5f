"""The office page and its API: a provincial office sees its agencies and never another
office's; the national office sees every province and opens one; an agency's users (and a
unit's link) have no office page; the navigation links it for an office's readers only.

The site is the demo plan's (web_support) with offices around it: the national office
oversees two provinces, the northern one the demo organization, the southern one an agency
of its own (a copy of the demo plan scoring 70). Figures are the demo plan's, worked out by
hand in tests/test_offices.py, on the site's day (14 December 2569).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from conftest import DEMO_PLAN
from fastapi.testclient import TestClient
from web_support import FINANCE, NOW, PASSWORD, Site, login, site_fixture  # noqa: F401

from tracker.models import Organization, Role
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.units import get_unit
from tracker.textkey import lookup_key
from tracker.web.routes import office as office_routes

DEMO = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
NATION, NORTH, SOUTH = "สำนักงานส่วนกลาง", "สำนักงานจังหวัดเหนือ", "สำนักงานจังหวัดใต้"
SOUTHERN_AGENCY = "องค์การบริหารส่วนตำบลปลายแหลม"


@dataclass
class Offices:
    site: Site
    ids: dict[str, int]

    def reader(self, organization: str, role: Role = Role.VIEWER) -> TestClient:
        """A client signed in as a reader (``role``) of ``organization``."""
        username = f"{role.value}-{self.ids[organization]}"
        with self.site.session() as session:
            found = session.get(Organization, self.ids[organization])
            access.add_user(session, found, username, PASSWORD, role, NOW)
        client = self.site.anonymous()
        assert login(client, username, PASSWORD).status_code == 303
        return client


@pytest.fixture
def world(site: Site) -> Offices:
    with site.session() as session:
        # The demo plan as another agency's: its name everywhere (the every-unit group too).
        text = json.dumps(read_plan_document(DEMO_PLAN), ensure_ascii=False)
        document = json.loads(text.replace(DEMO, SOUTHERN_AGENCY))
        document["assessment"]["score"] = 70.0
        import_plan(session, document, now=NOW, actor="import: south")
    with site.session() as session:
        made = {}
        for name, office in ((NATION, None), (NORTH, NATION), (SOUTH, NATION)):
            made[name] = Organization(name=name, key=lookup_key(name), office=made.get(office))
            session.add(made[name])
        get_organization(session, DEMO).office = made[NORTH]
        get_organization(session, SOUTHERN_AGENCY).office = made[SOUTH]
        session.flush()
        ids = {name: get_organization(session, name).id for name in (*made, DEMO, SOUTHERN_AGENCY)}
    return Offices(site, ids)


def unit_link_client(site: Site) -> TestClient:
    """A client that opened กองคลัง's link (web_support's needs the only organization)."""
    with site.session() as session:
        unit = get_unit(session, get_organization(session, DEMO), FINANCE)
        _, secret = access.current_unit_link(session, site.settings.secret_key_bytes(), unit, NOW)
    client = site.anonymous()
    assert client.get(access.unit_link_path(secret)).status_code == 303
    return client


def shown(client: TestClient, url: str = "/office") -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.text


def test_a_province_sees_its_agency_and_not_the_other_provinces(world: Offices) -> None:
    north = shown(world.reader(NORTH))
    assert DEMO in north
    assert SOUTHERN_AGENCY not in north
    assert SOUTH not in north
    south = shown(world.reader(SOUTH, Role.SECRETARIAT))
    assert SOUTHERN_AGENCY in south
    assert DEMO not in south
    assert NORTH not in south


def test_the_national_office_sees_every_province_and_opens_one(world: Offices) -> None:
    client = world.reader(NATION, Role.ADMIN)
    page = shown(client)
    for name in (NORTH, SOUTH, DEMO, SOUTHERN_AGENCY):
        assert name in page
    link = f'href="/office?under={world.ids[NORTH]}"'
    assert link in page
    north = shown(client, f"/office?under={world.ids[NORTH]}")
    assert DEMO in north
    assert SOUTHERN_AGENCY not in north
    assert f"← กลับไปที่ {NATION}" in north  # the way back up, to the caller's own office


@pytest.mark.parametrize("target", [SOUTH, NATION, DEMO, SOUTHERN_AGENCY])
def test_an_office_opens_nothing_outside_its_subtree_nor_an_agency(
    world: Offices, target: str
) -> None:
    client = world.reader(NORTH)
    assert client.get(f"/office?under={world.ids[target]}").status_code == 404
    answer = client.get(f"/api/v1/office?under={world.ids[target]}")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert SOUTHERN_AGENCY not in answer.text


def test_an_agencys_users_and_a_units_link_have_no_office_page(world: Offices) -> None:
    for role in (Role.ADMIN, Role.SECRETARIAT, Role.VIEWER):
        agency = world.site.client(role)  # the demo organization's own accounts
        assert agency.get("/office").status_code == 404
        assert agency.get("/api/v1/office").status_code == 404
        assert agency.get(f"/api/v1/office?under={world.ids[SOUTHERN_AGENCY]}").status_code == 404
        assert agency.get(f"/office?under={world.ids[NORTH]}").status_code == 404
    assert world.site.client(Role.UNIT).get("/office").status_code == 403
    assert unit_link_client(world.site).get("/office").status_code == 403
    other = world.reader(SOUTHERN_AGENCY)
    assert other.get("/office").status_code == 404
    assert DEMO not in other.get("/dashboard").text


def test_the_navigation_links_the_office_page_for_an_offices_readers_only(world: Offices) -> None:
    assert 'href="/office"' in shown(world.reader(NORTH), "/dashboard")
    assert 'href="/office"' not in shown(world.site.client(Role.ADMIN), "/dashboard")


def test_the_page_in_thai_then_english(world: Offices) -> None:
    client = world.reader(NORTH)
    thai = shown(client)
    assert "ภาพรวมหน่วยงานในกำกับ" in thai
    assert "ณ วันที่ 14 ธ.ค. 2569" in thai
    assert "85.97 (A)" in thai
    assert "ถึงเป้าหมาย" in thai  # the one scored agency of the north scores 85 or more
    english = shown(client, "/office?lang=en")
    assert "Agencies overseen" in english
    assert "As of 14 Dec 2026" in english
    assert '<html lang="en">' in english


def test_the_api_gives_the_figures_of_the_subtree(world: Offices) -> None:
    client = world.reader(NORTH)
    document = client.get("/api/v1/office").json()
    assert document["office"] == NORTH
    assert document["as_of"] == "2026-12-14"
    rows = {row["name"]: row for row in document["organizations"]}
    assert set(rows) == {NORTH, DEMO}
    demo = rows[DEMO]
    assert demo["completion"] == {"done": 1, "total": 8, "percent": 21.2}
    assert demo["overdue"] == 1
    assert (demo["units_followed"], demo["units_not_updated"]) == (4, 4)
    assert demo["last_meeting"] == "2026-12-02"
    assert (demo["score"], demo["score_year"], demo["grade"]) == (85.97, 2569, "A")
    assert rows[NORTH]["plan_id"] is None
    assert rows[NORTH]["score"] is None
    assert document["summary"] == {
        "organizations": 2,
        "scored": 1,
        "pass_score": 85.0,
        "passing": 1,
        "share": 1.0,
        "target_share": 0.8,
        "target_met": True,
    }
    later = client.get("/api/v1/office?as_of=2027-02-10").json()
    assert next(r for r in later["organizations"] if r["name"] == DEMO)["overdue"] == 2
    nation = world.reader(NATION).get("/api/v1/office").json()["summary"]
    assert (nation["scored"], nation["passing"], nation["share"]) == (2, 1, 0.5)
    assert client.get("/api/v1/office?page=2").status_code == 422  # no such parameter


def test_a_long_list_comes_a_page_at_a_time(
    world: Offices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office_routes, "PAGE_SIZE", 1)
    client = world.reader(NATION)
    first, second = shown(client), shown(client, "/office?page=2")
    assert "หน้า 1 / 5" in first  # the nation, two provinces, two agencies, by name
    assert 'href="/office?page=2"' in first
    assert "หน้า 2 / 5" in second
    assert client.get("/office?page=6").status_code == 404
    assert client.get("/office?page=0").status_code == 422
