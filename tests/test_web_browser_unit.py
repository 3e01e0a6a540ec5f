"""In a real browser on a phone: a unit officer opens the link of a real reminder from the
outbox, marks a task done with a PDF, and the secretariat sees it on the dashboard and in the
audit log; the page works without JavaScript too."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from browser_support import (  # noqa: F401
    Live,
    desk_fixture,
    live_fixture,
    phone_fixture,
    sign_in,
)
from followup_cli_support import bangkok, working_days_before
from playwright.sync_api import Page, expect
from sqlalchemy import select
from web_support import ACCOUNTS, FINANCE, PASSWORD, PUBLIC_URL

from tracker.followup.runner import run_job
from tracker.models import EvidenceFile, OutboxMessage, Role, Task, TaskEvent, TaskStatus
from tracker.services.organizations import get_organization
from tracker.services.units import get_unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PUBLISHING = "เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือน"  # กองคลัง's open task in the demo plan


LINK_LINE = re.compile(r"^เปิดหน้างานของหน่วยงาน \(กดเพื่อรายงานผล\): (\S+)$", re.MULTILINE)


def link_from_a_real_reminder(live: Live) -> str:
    """Run the reminder round of the 6 Jan 2027 meeting (due two working days before, at
    09:00; the site's plan was imported after the 16 Dec round came due), and return the
    link กองคลัง's queued reminder carries, pointed at the live server instead of the public
    address. The site's clock stays at that moment."""
    with live.site.session() as session:
        finance_id = get_unit(session, get_organization(session, None), FINANCE).id
    live.site.at(bangkok(working_days_before(date(2027, 1, 6), 2), 9, 30))
    site = live.site
    result = run_job(
        "meeting-reminders", site.settings, site.now, worker="test", factory=site.factory
    )
    assert result.queued >= 1
    with live.site.session() as session:
        body = session.scalar(
            select(OutboxMessage.body_text).where(
                OutboxMessage.unit_id == finance_id, OutboxMessage.job == "meeting-reminder"
            )
        )
    assert body is not None
    found = LINK_LINE.search(body)
    assert found, body
    assert found.group(1).startswith(PUBLIC_URL + "/u/")
    return live.url + found.group(1).removeprefix(PUBLIC_URL)


def _finance_task(live: Live) -> int:
    with live.site.session() as session:
        task = next(t for t in session.scalars(select(Task)) if t.title.startswith(PUBLISHING))
        return task.id


def test_an_officer_marks_a_task_done_with_a_pdf_on_a_phone(
    live: Live, phone: Page, desk: Page, tmp_path: Path
) -> None:
    task_id = _finance_task(live)
    evidence = tmp_path / "สรุปผลจัดซื้อจัดจ้าง.pdf"
    evidence.write_bytes(PDF)
    phone.goto(link_from_a_real_reminder(live))
    expect(phone).to_have_url(f"{live.url}/unit")  # the link's secret left the address bar
    expect(phone.locator("h1")).to_have_text(FINANCE)
    live.shot(phone, "unit-page-phone", full_page=False)

    phone.fill("input[name=officer]", "สมหญิง ใจดี")
    phone.click("form.officer button")
    card = phone.locator(f"#task-{task_id}")
    card.locator("summary").click()
    card.locator("textarea[name=note]").fill("เผยแพร่สรุปผลเดือนพฤศจิกายนแล้ว")
    card.locator("input[type=file]").set_input_files(str(evidence))
    card.get_by_role("button", name="เสร็จแล้ว").click()
    expect(phone.locator(f"#task-{task_id} .status-done")).to_be_visible()
    live.shot(phone, "unit-task-done-phone")
    phone.goto(f"{live.url}/unit")
    live.shot(phone, "unit-page-after-phone", full_page=False)

    with live.site.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        assert task.status is TaskStatus.DONE
        events = list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)))
        done = next(e for e in events if e.field == "status")
        assert done.actor == f"สมหญิง ใจดี ({FINANCE})"
        assert done.note == "เผยแพร่สรุปผลเดือนพฤศจิกายนแล้ว"
        stored = session.scalar(select(EvidenceFile).where(EvidenceFile.task_id == task_id))
        assert stored is not None
        assert stored.filename == evidence.name
        assert stored.event_id == done.id
        finance_id = done.actor_unit_id

    # The secretariat sees it: กองคลัง's row on the dashboard, the change in the audit log.
    sign_in(desk, live, ACCOUNTS[Role.SECRETARIAT], PASSWORD)
    expect(desk).to_have_url(f"{live.url}/dashboard")
    finance_row = desk.locator("#by-unit tr", has_text=FINANCE)
    expect(finance_row).to_contain_text("1/4")  # of its 4 tasks (3 own, 1 every-unit), 1 done
    live.shot(desk, "dashboard-desk")
    desk.goto(f"{live.url}/audit?unit={finance_id}")
    row = desk.locator("tr", has_text="สมหญิง ใจดี")
    expect(row.first).to_be_visible()
    expect(desk.locator("a.evidence-file", has_text=evidence.name)).to_be_visible()
    live.shot(desk, "audit-desk")


def test_the_unit_page_works_without_javascript(live: Live, browser: object) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    task_id = _finance_task(live)
    page.goto(live.url + live.site.unit_link(FINANCE))
    card = page.locator(f"#task-{task_id}")
    card.locator("summary").click()
    card.locator("input[name=percent]").fill("40")
    card.get_by_role("button", name="บันทึกความคืบหน้า").click()
    expect(page).to_have_url(f"{live.url}/unit?saved={task_id}#task-{task_id}")
    expect(page.locator(f"#task-{task_id} progress")).to_have_attribute("value", "40")
    context.close()
    with live.site.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        assert task.percent == 40
        assert task.status is TaskStatus.IN_PROGRESS


def test_a_refused_upload_is_one_line_beside_the_form(
    live: Live, phone: Page, tmp_path: Path
) -> None:
    task_id = _finance_task(live)
    fake = tmp_path / "evidence.pdf"
    fake.write_bytes(b"MZ this is a program, not a PDF")
    phone.goto(live.url + live.site.unit_link(FINANCE))
    card = phone.locator(f"#task-{task_id}")
    card.locator("summary").click()
    card.locator("input[type=file]").set_input_files(str(fake))
    card.get_by_role("button", name="เสร็จแล้ว").click()
    expect(card.locator(".form-error")).to_contain_text(
        "is not a PDF, JPEG, PNG, DOCX or XLSX file"
    )
    live.shot(phone, "unit-refused-upload-phone", full_page=False)
    with live.site.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        assert task.status is TaskStatus.NOT_STARTED
