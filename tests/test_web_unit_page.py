"""The unit page: one-tap links, marking work done with evidence, and the audit log."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import select
from web_support import FINANCE, PALAD, Site, csrf_of, site_fixture  # noqa: F401

from tracker.models import EvidenceFile, Task, TaskEvent, TaskStatus, Unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _task_of(site: Site, unit_name: str, status: TaskStatus | None = None) -> Task:
    with site.session() as session:
        unit = session.scalar(select(Unit).where(Unit.name == unit_name))
        tasks = [t for t in session.scalars(select(Task)) if unit in t.units]
        if status is not None:
            tasks = [t for t in tasks if t.status is status]
        session.expunge_all()
    return tasks[0]


def test_a_unit_link_opens_the_units_page_with_its_open_tasks(site: Site) -> None:
    client = site.unit_client(FINANCE)
    page = client.get("/unit")
    assert page.status_code == 200
    assert FINANCE in page.text
    assert "เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือน" in page.text  # กองคลัง's own task
    assert "แต่งตั้งคณะทำงาน" not in page.text  # สำนักปลัด's task, done: not this unit's


def test_marking_a_task_done_with_a_pdf_is_audited_under_the_unit_and_officer(site: Site) -> None:
    task = _task_of(site, FINANCE, TaskStatus.NOT_STARTED)
    client = site.unit_client(FINANCE)
    page = client.get("/unit")
    csrf = csrf_of(page.text)
    client.post("/unit/name", data={"officer": "สมหญิง ใจดี", "csrf": csrf})
    response = client.post(
        f"/unit/tasks/{task.id}/done",
        data={"note": "เผยแพร่แล้ว", "csrf": csrf},
        files={"file": ("รายงาน.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 303, response.text
    with site.session() as session:
        done = session.get(Task, task.id)
        assert done is not None
        assert done.status is TaskStatus.DONE
        assert done.percent == 100
        events = list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id)))
        status_event = next(e for e in events if e.field == "status")
        assert status_event.actor == f"สมหญิง ใจดี ({FINANCE})"
        assert status_event.note == "เผยแพร่แล้ว"
        files = list(session.scalars(select(EvidenceFile)))
        assert [(f.filename, f.content_type, f.event_id) for f in files] == [
            ("รายงาน.pdf", "application/pdf", status_event.id)
        ]
        evidence_id = files[0].id
    download = client.get(f"/evidence/{evidence_id}")
    assert download.status_code == 200
    assert download.content == PDF


def test_a_file_is_judged_by_its_content_not_its_name(site: Site) -> None:
    task = _task_of(site, FINANCE, TaskStatus.NOT_STARTED)
    client = site.unit_client(FINANCE)
    csrf = csrf_of(client.get("/unit").text)
    response = client.post(
        f"/unit/tasks/{task.id}/progress",
        data={"percent": "40", "csrf": csrf},
        files={"file": ("evidence.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert response.status_code == 422
    assert "is not a PDF, JPEG, PNG, DOCX or XLSX file" in response.text
    with site.session() as session:  # nothing half written: the percent did not move either
        assert session.get(Task, task.id).percent == 0  # type: ignore[union-attr]
        assert session.scalars(select(EvidenceFile)).all() == []


def test_office_documents_are_told_apart_by_their_parts(site: Site) -> None:
    from tracker.services.evidence import DOCX, XLSX, sniff

    def package(*names: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in names:
                archive.writestr(name, "<x/>")
        return buffer.getvalue()

    assert sniff(package("[Content_Types].xml", "word/document.xml")) == DOCX
    assert sniff(package("[Content_Types].xml", "xl/workbook.xml")) == XLSX
    assert sniff(package("word/document.xml")) is None  # a zip, not an Office package
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0....") == "image/jpeg"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(site: Site) -> None:
    task = _task_of(site, FINANCE, TaskStatus.NOT_STARTED)
    client = site.unit_client(FINANCE)
    csrf = csrf_of(client.get("/unit").text)
    big = PDF + b"0" * (12 * 1024 * 1024)
    response = client.post(
        f"/unit/tasks/{task.id}/done",
        data={"csrf": csrf},
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert response.status_code == 413
    with site.session() as session:
        assert session.get(Task, task.id).status is TaskStatus.NOT_STARTED  # type: ignore[union-attr]


def test_a_unit_cannot_change_another_units_task(site: Site) -> None:
    theirs = _task_of(site, PALAD, TaskStatus.IN_PROGRESS)
    client = site.unit_client(FINANCE)
    csrf = csrf_of(client.get("/unit").text)
    response = client.post(f"/unit/tasks/{theirs.id}/done", data={"csrf": csrf})
    assert response.status_code == 409
    assert "is not responsible" in response.text


def test_a_form_without_the_sessions_secret_is_refused(site: Site) -> None:
    task = _task_of(site, FINANCE, TaskStatus.NOT_STARTED)
    client = site.unit_client(FINANCE)
    response = client.post(f"/unit/tasks/{task.id}/done", data={"csrf": "forged"})
    assert response.status_code == 403
    response = client.post(f"/unit/tasks/{task.id}/done", data={})
    assert response.status_code == 403
    with site.session() as session:
        assert session.get(Task, task.id).status is TaskStatus.NOT_STARTED  # type: ignore[union-attr]


def test_expired_and_revoked_links_open_nothing(site: Site) -> None:
    from tracker.services import access
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    link = site.unit_link(FINANCE)
    client = site.unit_client(FINANCE)  # a phone that opened the link earlier
    assert client.get("/unit").status_code == 200
    with site.session() as session:
        unit = get_unit(session, get_organization(session, None), FINANCE)
        assert access.revoke_unit_links(session, unit, site.now) == 1
    assert site.anonymous().get(link).status_code == 404
    assert client.get("/unit").status_code == 303  # its session ended with the link

    fresh = site.unit_link(FINANCE)
    assert fresh != link  # a new link, not the revoked one again
    site.at(site.now + timedelta(days=61))
    assert site.anonymous().get(fresh).status_code == 404  # 60 days, not renewed: expired


def test_a_reminder_renews_the_link_it_carries(site: Site) -> None:
    first = site.unit_link(FINANCE)
    site.at(site.now + timedelta(days=50))
    assert site.unit_link(FINANCE) == first  # the same link, its expiry moved on
    site.at(site.now + timedelta(days=50))  # 100 days after it was made, 50 after renewal
    assert site.anonymous().get(first).status_code == 303
