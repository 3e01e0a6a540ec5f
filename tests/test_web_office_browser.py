"""In a real browser on a phone: a provincial office's executive signs in, opens the office
page from the navigation and reads it in Thai; the table of agencies scrolls inside its
card rather than widening the page, and nothing on the page breaks the CSP."""

from __future__ import annotations

import json

from browser_support import PHONE, Live, live_fixture, phone_fixture, sign_in  # noqa: F401
from conftest import DEMO_PLAN
from playwright.sync_api import ConsoleMessage, Page, expect
from web_support import NOW, PASSWORD

from tracker.models import Organization, Role
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.textkey import lookup_key

DEMO = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
NORTH, SOUTH = "สำนักงานจังหวัดเหนือ", "สำนักงานจังหวัดใต้"
SOUTHERN_AGENCY = "องค์การบริหารส่วนตำบลปลายแหลม"


def offices_around_the_demo(live: Live) -> None:
    """The north oversees the demo organization, the south an agency of its own; the
    north's executive has an account."""
    with live.site.session() as session:
        text = json.dumps(read_plan_document(DEMO_PLAN), ensure_ascii=False)
        import_plan(session, json.loads(text.replace(DEMO, SOUTHERN_AGENCY)), now=NOW, actor="t")
    with live.site.session() as session:
        north = Organization(name=NORTH, key=lookup_key(NORTH))
        south = Organization(name=SOUTH, key=lookup_key(SOUTH))
        session.add_all([north, south])
        get_organization(session, DEMO).office = north
        get_organization(session, SOUTHERN_AGENCY).office = south
        session.flush()
        access.add_user(session, north, "north-executive", PASSWORD, Role.VIEWER, NOW)


def test_an_office_reads_its_agencies_in_thai_on_a_phone(live: Live, phone: Page) -> None:
    offices_around_the_demo(live)
    problems: list[str] = []
    phone.on("console", lambda m: problems.append(m.text) if _is_error(m) else None)
    sign_in(phone, live, "north-executive", PASSWORD)
    phone.click('nav a[href="/office"]')
    expect(phone).to_have_url(f"{live.url}/office")
    expect(phone.locator("h1")).to_have_text("ภาพรวมหน่วยงานในกำกับ")
    row = phone.locator("#organizations article", has_text=DEMO)
    expect(row).to_contain_text("85.97 (A)")
    expect(row).to_contain_text("เสร็จ 1/8")
    expect(phone.locator("#summary")).to_contain_text("ถึงเป้าหมาย")
    expect(phone.locator("body")).not_to_contain_text(SOUTHERN_AGENCY)
    # Thai is drawn, not boxes: the heading takes its width in a Thai font's glyphs, far
    # more than the empty boxes of a missing font would (one per character, narrow).
    heading = phone.locator("h1").bounding_box()
    assert heading is not None
    assert heading["width"] > 150
    assert phone.evaluate("document.fonts.check('16px Loma', 'ภาพรวม')")
    # A phone zooms a page out to its content: the content must fit the phone's width.
    wide = phone.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert wide <= 0, f"the page is {wide}px wider than the phone"
    live.shot(phone, "office-phone")
    assert problems == []


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
