"""In a real browser: the secretariat uploads the seed ITA report, reviews the draft with its
warnings, corrects a unit's name, confirms, and the plan is live."""

from __future__ import annotations

import json

from browser_support import (  # noqa: F401
    Live,
    desk_fixture,
    live_fixture,
    sign_in,
)
from conftest import SEED_REPORT, SHARED
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from web_support import ACCOUNTS, PASSWORD

from tracker.models import Plan, Role, Task, Unit

EXPECTED = json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))


def _count(live: Live, what: type) -> int:
    with live.site.session() as session:
        return int(session.scalar(select(func.count()).select_from(what)) or 0)


def test_the_seed_report_is_reviewed_then_confirmed(live: Live, desk: Page) -> None:
    plans, tasks = _count(live, Plan), _count(live, Task)  # the demo plan's
    sign_in(desk, live, ACCOUNTS[Role.SECRETARIAT], PASSWORD)
    desk.goto(f"{live.url}/imports")
    desk.locator("input[name=file]").set_input_files(str(SEED_REPORT))
    desk.locator("form.upload button[type=submit]").click()
    expect(desk).to_have_url(f"{live.url}/imports/1")
    expect(desk.locator("#units")).to_be_visible()
    live.shot(desk, "import-review-desk", full_page=False)
    assert (_count(live, Plan), _count(live, Task)) == (plans, tasks)  # a draft: nothing live

    units = desk.locator("#units form").first
    first_unit = units.locator("select[name=unit] option").first.inner_text()
    units.locator("select[name=unit]").select_option(first_unit)
    units.locator("input[name=name]").fill(first_unit + " (แก้ชื่อ)")
    units.locator("button[type=submit]").click()
    expect(desk.locator("#units")).to_contain_text(first_unit + " (แก้ชื่อ)")

    desk.locator("form.confirm button[type=submit]").first.click()
    expect(desk.locator("#state")).to_be_visible()
    live.shot(desk, "import-confirmed-desk", full_page=False)
    with live.site.session() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == plans + 1
        added = session.scalar(select(func.count()).select_from(Task)) - tasks
        assert added == sum(len(m["tasks"]) for m in EXPECTED["measures"])  # the seed's 7 steps
        renamed = session.scalar(select(Unit).where(Unit.name == first_unit + " (แก้ชื่อ)"))
        assert renamed is not None
