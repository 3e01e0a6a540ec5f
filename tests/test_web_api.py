"""The JSON API, /api/v1: every endpoint on the demo plan (examples/demo-plan.yaml), who may
call what with which token, organizations kept apart, and the one JSON error shape.

The demo plan, as the expectations below read it: องค์การบริหารส่วนตำบลทุ่งดาวเรือง, fiscal
year 2570, assessment 2569 (85.97, A, 10 indicators, items I17 E11 O12); measure 1 answers
O12 with steps 1.1 (สำนักปลัด, Oct 2026, done), 1.2 (สำนักปลัด, Nov 2026, in progress 60),
1.3 (กองคลัง, from Nov 2026), 1.4 (สำนักปลัด and กองคลัง, by 30 Apr 2027); measure 2 answers
I17 and E11 with 2.1 (กองคลัง and กองช่าง, Dec 2026 - Jan 2027), 2.2 (สำนักปลัด, from Dec
2026), 2.3 (กองการศึกษา, Jan - Mar 2027), 2.4 (the every-unit group, Oct 2026 - Sep 2027, in
progress 10). Meetings: 1st, 3rd and 5th Wednesdays at 09:30, 30 Dec 2026 cancelled. The
site's clock is Monday 14 Dec 2026, 09:30.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import DEMO_PLAN, FINANCE, PALAD, Site, site_fixture  # noqa: F401

from tracker.models import (
    EvidenceFile,
    Measure,
    MeetingSeries,
    OutboxMessage,
    OutboxStatus,
    Plan,
    Role,
    Task,
    TaskStatus,
    TokenKind,
    WebSession,
)
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.access import digest
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.units import get_unit
from tracker.web.auth import SESSION_COOKIE

DEMO = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
OTHER = "เทศบาลตำบลนาทองคำ"  # a second organization, importing a copy of the demo plan
PUBLIC_WORKS = "กองช่าง"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"
SERIES = "ประชุมหัวหน้าส่วนราชการ"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers ----------------------------------------------------------------------------------


def token(
    site: Site,
    role: Role,
    *,
    unit: str | None = None,
    organization: str = DEMO,
    label: str | None = None,
    days: int | None = None,
) -> dict[str, str]:
    """The Authorization header of a new API token."""
    with site.session() as session:
        found = get_organization(session, organization)
        unit_row = get_unit(session, found, unit) if unit else None
        _, secret = access.add_token(
            session, found, TokenKind.API, role, site.now, unit=unit_row, label=label, days=days
        )
    return {"Authorization": f"Bearer {secret}"}


def ids(site: Site, organization: str = DEMO) -> dict[str, int]:
    """The task ids by step ("1.3"), of the organization's plan."""
    with site.session() as session:
        rows = session.execute(
            select(Measure.position, Task.number, Task.id)
            .join(Task.measure)
            .join(Measure.plan)
            .where(Plan.organization_id == get_organization(session, organization).id)
        ).all()
    return {f"{position}.{number}": task_id for position, number, task_id in rows}


def steps(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['measure']}.{r['number']}" for r in rows]


def add_other_organization(site: Site) -> None:
    """Import the demo plan again, as another organization's, into the same database."""
    document = read_plan_document(DEMO_PLAN)
    document["organization"]["name"] = OTHER
    with site.session() as session:
        import_plan(session, document, now=site.now, actor="import: other")


def csrf_header(site: Site, client: TestClient) -> dict[str, str]:
    """The X-CSRF-Token of the client's session."""
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie is not None
    with site.session() as session:
        row = session.scalar(select(WebSession).where(WebSession.session_hash == digest(cookie)))
        assert row is not None
        return {"X-CSRF-Token": row.csrf}


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The error of a refused request: its status, and the one JSON shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "what", "choices"}
    found: dict[str, Any] = body["error"]
    return found


# --- plans and measures -----------------------------------------------------------------------


def test_plans_and_a_plan_with_its_measures(site: Site) -> None:
    client, admin = site.anonymous(), token(site, Role.ADMIN)
    listed = client.get("/api/v1/plans", headers=admin).json()
    assert [(p["organization"], p["fiscal_year"], p["measures"], p["tasks"]) for p in listed] == [
        (DEMO, 2570, 2, 8)
    ]
    plan = client.get(f"/api/v1/plans/{listed[0]['id']}", headers=admin).json()
    assert plan["title"] == "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๗๐"
    assessment = plan["assessment"]
    assert (assessment["year"], assessment["score"], assessment["grade"]) == (2569, 85.97, "A")
    assert len(assessment["indicators"]) == 10
    assert assessment["indicators"][8] == {
        "number": 9,
        "name": "การเปิดเผยข้อมูล",
        "tool": "OIT",
        "score": 78.5,
    }
    assert [i["code"] for i in assessment["items"]] == ["I17", "E11", "O12"]
    first, second = plan["measures"]
    assert (first["number"], first["items"], second["items"]) == (1, ["O12"], ["I17", "E11"])
    assert [t["number"] for t in first["tasks"]] == [1, 2, 3, 4]
    # Measure 1: 100 + 60 + 0 + 0 over 4 steps, one done; measure 2: 10 over 4, none done.
    assert first["completion"] == {"done": 1, "total": 4, "percent": 40.0}
    assert second["completion"] == {"done": 0, "total": 4, "percent": 2.5}
    assert (plan["completion"]["done"], plan["completion"]["total"]) == (1, 8)
    assert first["tasks"][0]["status_label"] == {"th": "เสร็จแล้ว", "en": "done"}


def test_measures_of_every_plan_or_of_one(site: Site) -> None:
    client, viewer = site.anonymous(), token(site, Role.VIEWER)
    every = client.get("/api/v1/measures", headers=viewer).json()
    assert [m["title"] for m in every] == [
        "ยกระดับการเปิดเผยข้อมูลสาธารณะ (OIT)",
        "ป้องกันการใช้ทรัพย์สินของราชการโดยมิชอบและเปิดช่องทางร้องเรียน",
    ]
    plan_id = every[0]["plan_id"]
    assert client.get(f"/api/v1/measures?plan={plan_id}", headers=viewer).json() == every
    unknown = error_of(client.get("/api/v1/measures?plan=999999", headers=viewer), 422)
    assert unknown == {"code": "invalid_input", "message": "no plan with id 999999", "what": "plan"}


# --- tasks ---------------------------------------------------------------------------------------


def test_tasks_with_the_clis_filters(site: Site) -> None:
    client, secretariat = site.anonymous(), token(site, Role.SECRETARIAT)

    def listed(query: str) -> list[str]:
        answer = client.get(f"/api/v1/tasks{query}", headers=secretariat)
        assert answer.status_code == 200, answer.text
        return steps(answer.json())

    assert listed("") == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"]
    assert listed("?overdue=true") == ["1.2"]  # ended 30 Nov 2026, 60 percent
    assert listed("?overdue=true&as_of=2027-02-10") == ["1.2", "2.1"]  # 2.1 ended 31 Jan
    assert listed("?status=done") == ["1.1"]
    assert listed("?status=in_progress") == ["1.2", "2.4"]
    assert listed("?due_before=2027-02-01") == ["1.1", "1.2", "2.1"]
    assert listed(f"?unit={PUBLIC_WORKS}") == ["2.1", "2.4"]  # its own, and the every-unit's
    assert listed("?unit=สำนักงานปลัด อบต.") == ["1.1", "1.2", "1.4", "2.2", "2.4"]  # an alias
    plan_id = client.get("/api/v1/plans", headers=secretariat).json()[0]["id"]
    assert listed(f"?plan={plan_id}&unit={FINANCE}&status=not_started") == ["1.3", "1.4", "2.1"]


def test_a_task_row_in_either_language(site: Site) -> None:
    client, viewer = site.anonymous(), token(site, Role.VIEWER)
    thai = client.get("/api/v1/tasks?status=done", headers=viewer).json()[0]
    assert thai == {
        "id": ids(site)["1.1"],
        "plan_id": thai["plan_id"],
        "measure": 1,
        "number": 1,
        "title": "แต่งตั้งคณะทำงานขับเคลื่อนการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๗๐",
        "units": [PALAD],
        "period_text": "ต.ค.๒๕๖๙",
        "start": "2026-10-01",
        "end": "2026-10-31",
        "period": "ต.ค. 2569",
        "follow_up": SERIES,
        "status": "done",
        "status_label": {"th": "เสร็จแล้ว", "en": "done"},
        "percent": 100,
        "overdue": False,
    }
    english = client.get("/api/v1/tasks?status=done&lang=en", headers=viewer).json()[0]
    assert english["period"] == "Oct 2026"
    open_ended = client.get(f"/api/v1/tasks/{ids(site)['1.3']}?lang=en", headers=viewer).json()
    assert (open_ended["end"], open_ended["period"]) == (None, "from Nov 2026")


def test_bad_filters_are_one_line_each(site: Site) -> None:
    client, admin = site.anonymous(), token(site, Role.ADMIN)
    unknown = error_of(client.get("/api/v1/tasks?unit=กองไม่มี", headers=admin), 422)
    assert unknown["message"] == f"unit: no unit 'กองไม่มี' in {DEMO}"
    assert unknown["choices"] == [
        PALAD,
        FINANCE,
        PUBLIC_WORKS,
        "กองการศึกษา ศาสนาและวัฒนธรรม",
        EVERY_UNIT,
    ]
    status = error_of(client.get("/api/v1/tasks?status=finished", headers=admin), 422)
    assert status["message"].startswith("query.status: Input should be 'not_started'")
    flag = error_of(client.get("/api/v1/tasks?overdue=maybe", headers=admin), 422)
    assert flag["message"].startswith("query.overdue: ")
    buddhist = error_of(client.get("/api/v1/tasks?due_before=2570-01-01", headers=admin), 422)
    assert buddhist["message"] == (
        "query.due_before: 2570-01-01 is outside the years ITA Tracker works with "
        "(CE 1900 to 2399) (a Buddhist-era year? CE 2027)"
    )
    huge = error_of(client.get("/api/v1/tasks/99999999999999999999", headers=admin), 422)
    assert huge["message"].startswith("path.task_id: ")
    epoch = error_of(client.get("/api/v1/tasks?due_before=0", headers=admin), 422)
    assert epoch["message"] == "query.due_before: '0' is not a date: write YYYY-MM-DD"
    typo = error_of(client.get("/api/v1/tasks?stauts=done", headers=admin), 422)
    assert typo["message"] == "query.stauts: this request takes no such parameter"
    assert typo["choices"] == [
        "as_of", "due_before", "lang", "overdue", "plan", "status", "unit"
    ]  # fmt: skip
    # ?lang= is taken everywhere, as on the pages, whether the answer has words or not.
    assert client.get("/api/v1/units?lang=en", headers=admin).status_code == 200


def test_a_task_with_its_history_and_evidence(site: Site) -> None:
    client, finance = site.anonymous(), token(site, Role.UNIT, unit=FINANCE)
    task_id = ids(site)["1.3"]
    upload = client.post(
        f"/api/v1/tasks/{task_id}/evidence",
        headers=finance,
        data={"note": "สรุปผลเดือนพฤศจิกายน", "officer": "สมหญิง ใจดี"},
        files={"file": ("สรุปผล.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    added = upload.json()
    assert added["evidence"]["filename"] == "สรุปผล.pdf"
    assert added["evidence"]["content_type"] == "application/pdf"
    assert added["evidence"]["size"] == len(PDF)
    assert added["evidence"]["uploaded_by"] == f"สมหญิง ใจดี ({FINANCE})"
    assert [e["field"] for e in added["events"]] == ["note"]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=finance).json()
    assert (detail["measure_title"], detail["organization"], detail["fiscal_year"]) == (
        "ยกระดับการเปิดเผยข้อมูลสาธารณะ (OIT)",
        DEMO,
        2570,
    )
    assert [(e["field"], e["actor"], e["note"]) for e in detail["history"]] == [
        ("created", "import: demo", None),
        ("note", f"สมหญิง ใจดี ({FINANCE})", "สรุปผลเดือนพฤศจิกายน"),
    ]
    assert datetime.fromisoformat(detail["history"][1]["at"]) == site.now
    [file] = detail["evidence_files"]
    assert file["url"] == f"/evidence/{file['id']}"
    download = site.unit_client(FINANCE).get(file["url"])
    assert download.content == PDF


def test_a_file_that_is_not_evidence_is_refused_and_nothing_is_written(site: Site) -> None:
    client, finance = site.anonymous(), token(site, Role.UNIT, unit=FINANCE)
    task_id = ids(site)["1.3"]
    refused = client.post(
        f"/api/v1/tasks/{task_id}/evidence",
        headers=finance,
        data={"note": "ไฟล์ผิด"},
        files={"file": ("report.pdf", b"MZ\x90\x00 a program", "application/pdf")},
    )
    problem = error_of(refused, 422)
    assert (
        problem["message"]
        == "evidence file 'report.pdf' is not a PDF, JPEG, PNG, DOCX or XLSX file"
    )
    with site.session() as session:  # the note did not stay behind either
        assert session.scalars(select(EvidenceFile)).all() == []
        history = client.get(f"/api/v1/tasks/{task_id}", headers=finance).json()["history"]
        assert [e["field"] for e in history] == ["created"]


# --- changes -------------------------------------------------------------------------------------


def test_a_unit_token_marks_done_reopens_reports_progress_and_notes(site: Site) -> None:
    client, finance = site.anonymous(), token(site, Role.UNIT, unit=FINANCE, label="สารบรรณ")
    task = f"/api/v1/tasks/{ids(site)['1.3']}"
    done = client.post(f"{task}/done", headers=finance, json={"note": "เผยแพร่แล้ว"}).json()
    assert (done["task"]["status"], done["task"]["percent"], done["changed"]) == ("done", 100, True)
    assert [(e["field"], e["before"], e["after"]) for e in done["events"]] == [
        ("status", "not_started", "done"),
        ("percent", "0", "100"),
    ]
    assert {e["actor"] for e in done["events"]} == {FINANCE}  # the unit, not the token's label
    assert done["events"][0]["note"] == "เผยแพร่แล้ว"
    again = client.post(f"{task}/done", headers=finance).json()
    assert (again["changed"], again["events"]) == (False, [])
    closed = error_of(client.post(f"{task}/progress", headers=finance, json={"percent": 50}), 409)
    assert closed["message"].endswith("is done; reopen it to report progress")
    reopened = client.post(f"{task}/reopen", headers=finance, json={"note": "ยังไม่ครบ"}).json()
    assert (reopened["task"]["status"], reopened["task"]["percent"]) == ("in_progress", 0)
    progress = client.post(
        f"{task}/progress", headers=finance, json={"percent": 40, "officer": "สมหญิง ใจดี"}
    ).json()
    assert (progress["task"]["status"], progress["task"]["percent"]) == ("in_progress", 40)
    assert progress["events"][0]["actor"] == f"สมหญิง ใจดี ({FINANCE})"
    noted = client.post(
        f"{task}/note",
        headers=finance,
        json={"note": "รอข้อมูลจากพัสดุ", "evidence_url": "https://example.go.th/procure.pdf"},
    ).json()
    assert (noted["task"]["status"], noted["task"]["percent"]) == ("in_progress", 40)
    assert [(e["field"], e["note"], e["evidence_url"]) for e in noted["events"]] == [
        ("note", "รอข้อมูลจากพัสดุ", "https://example.go.th/procure.pdf")
    ]
    with site.session() as session:
        stored = session.get(Task, ids(site)["1.3"])
        assert stored is not None
        assert (stored.status, stored.percent) == (TaskStatus.IN_PROGRESS, 40)


def test_a_unit_token_sees_and_changes_its_own_tasks_only(site: Site) -> None:
    client, finance = site.anonymous(), token(site, Role.UNIT, unit=FINANCE)
    mine = client.get("/api/v1/tasks", headers=finance).json()
    assert steps(mine) == ["1.3", "1.4", "2.1", "2.4"]  # 2.4: the every-unit group's
    assert steps(client.get("/api/v1/tasks?overdue=true", headers=finance).json()) == []
    palads = ids(site)["1.2"]
    unseen = error_of(client.get(f"/api/v1/tasks/{palads}", headers=finance), 404)
    assert unseen == {"code": "not_found", "message": f"no task with id {palads}", "what": "task"}
    error_of(client.post(f"/api/v1/tasks/{palads}/done", headers=finance), 404)
    other = error_of(client.get(f"/api/v1/tasks?unit={PALAD}", headers=finance), 422)
    assert other["message"] == f"unit: this caller sees {FINANCE}'s tasks only; leave unit out"
    posing = client.post(
        f"/api/v1/tasks/{ids(site)['1.3']}/done", headers=finance, json={"unit": PALAD}
    )
    assert (
        error_of(posing, 422)["message"] == f"unit: this caller acts as {FINANCE}; leave unit out"
    )
    for path in ("/plans", "/measures", "/units", "/meetings", "/outbox"):
        assert client.get(f"/api/v1{path}", headers=finance).status_code == 403, path
    # The every-unit group's step is every unit's to report on.
    shared = client.post(
        f"/api/v1/tasks/{ids(site)['2.4']}/progress", headers=finance, json={"percent": 20}
    )
    assert shared.json()["task"]["percent"] == 20


def test_staff_name_the_unit_they_record_a_change_for(site: Site) -> None:
    client, admin = site.anonymous(), token(site, Role.ADMIN, label="ระบบรายงานจังหวัด")
    task_id = ids(site)["2.1"]
    task = f"/api/v1/tasks/{task_id}"
    missing = error_of(client.post(f"{task}/done", headers=admin), 422)
    assert missing == {
        "code": "invalid_input",
        "message": f"unit: name the responsible unit this change of task {task_id} is made for",
        "what": "unit",
        "choices": [FINANCE, PUBLIC_WORKS],
    }
    wrong = error_of(client.post(f"{task}/done", headers=admin, json={"unit": PALAD}), 409)
    assert wrong["message"].startswith(f"unit '{PALAD}' is not responsible for task")
    unknown = error_of(client.post(f"{task}/done", headers=admin, json={"unit": "กองไม่มี"}), 422)
    assert unknown["what"] == "unit"
    # Named short, as the CLI takes it: "กช." is กองช่าง in local government (the demo's อบต.).
    done = client.post(f"{task}/done", headers=admin, json={"unit": "กช."}).json()
    assert done["events"][0]["actor"] == f"ระบบรายงานจังหวัด ({PUBLIC_WORKS})"
    photo = {"file": ("ประกาศ.png", PNG, "image/png")}
    unnamed = client.post(f"{task}/evidence", headers=admin, files=photo)
    assert error_of(unnamed, 422)["choices"] == [FINANCE, PUBLIC_WORKS]
    upload = client.post(f"{task}/evidence", headers=admin, data={"unit": FINANCE}, files=photo)
    assert upload.status_code == 201, upload.text
    added = upload.json()
    assert added["evidence"]["content_type"] == "image/png"
    assert added["evidence"]["uploaded_by"] == f"ระบบรายงานจังหวัด ({FINANCE})"
    assert [(e["field"], e["after"]) for e in added["events"]] == [("evidence", "ประกาศ.png")]


def test_a_signed_in_secretary_acts_with_the_sessions_csrf_token(site: Site) -> None:
    secretary = site.client(Role.SECRETARIAT)
    task = f"/api/v1/tasks/{ids(site)['1.3']}/progress"
    body = {"percent": 30, "unit": FINANCE}
    assert error_of(secretary.post(task, json=body), 403)["code"] == "forbidden"
    answer = secretary.post(task, json=body, headers=csrf_header(site, secretary))
    assert answer.status_code == 200, answer.text
    assert answer.json()["events"][0]["actor"] == f"secretary ({FINANCE})"
    assert secretary.get("/api/v1/tasks?status=in_progress").status_code == 200


def test_a_viewer_reads_but_changes_nothing(site: Site) -> None:
    client, viewer = site.anonymous(), token(site, Role.VIEWER)
    task = ids(site)["1.3"]
    assert client.get(f"/api/v1/tasks/{task}", headers=viewer).status_code == 200
    for action, body in (("done", {}), ("progress", {"percent": 5}), ("note", {"note": "x"})):
        refused = client.post(f"/api/v1/tasks/{task}/{action}", headers=viewer, json=body)
        assert error_of(refused, 403)["message"] == "your role may not do this"
    assert client.get("/api/v1/outbox", headers=viewer).status_code == 403


def test_malformed_bodies_are_refused_with_the_field_named(site: Site) -> None:
    client, finance = site.anonymous(), token(site, Role.UNIT, unit=FINANCE)
    task = f"/api/v1/tasks/{ids(site)['1.3']}"
    over = error_of(client.post(f"{task}/progress", headers=finance, json={"percent": 101}), 422)
    assert over["message"] == "percent: Input should be less than or equal to 100"
    typo = client.post(f"{task}/done", headers=finance, json={"evidnce_url": "https://x.go.th"})
    assert error_of(typo, 422)["message"] == "evidnce_url: Extra inputs are not permitted"
    blank = error_of(client.post(f"{task}/note", headers=finance, json={"note": "   "}), 422)
    assert blank["message"] == "a note needs some text"
    link = client.post(
        f"{task}/done", headers=finance, json={"evidence_url": "javascript:alert(1)"}
    )
    assert "evidence 'javascript:alert(1)'" in error_of(link, 422)["message"]
    empty = error_of(client.post(f"{task}/reopen", headers=finance, json={}), 422)
    assert empty["message"] == "note: Field required"
    with site.session() as session:  # none of it changed the task
        stored = session.get(Task, ids(site)["1.3"])
        assert stored is not None
        assert (stored.status, stored.percent) == (TaskStatus.NOT_STARTED, 0)


# --- units, meetings, the report -----------------------------------------------------------------


def test_units_with_their_task_counts(site: Site) -> None:
    client = site.anonymous()
    units = client.get("/api/v1/units", headers=token(site, Role.VIEWER)).json()
    # Named on: สำนักปลัด 1.1 1.2 1.4 2.2; กองคลัง 1.3 1.4 2.1; กองช่าง 2.1; กองการศึกษา 2.3;
    # the every-unit group 2.4.
    assert [(u["name"], u["tasks"], u["all_units"]) for u in units] == [
        (PALAD, 4, False),
        (FINANCE, 3, False),
        (PUBLIC_WORKS, 1, False),
        ("กองการศึกษา ศาสนาและวัฒนธรรม", 1, False),
        (EVERY_UNIT, 1, True),
    ]
    assert units[0]["aliases"] == ["สำนักงานปลัด อบต."]


def test_upcoming_meetings_by_default_and_a_chosen_span(site: Site) -> None:
    client, viewer = site.anonymous(), token(site, Role.VIEWER)
    upcoming = client.get("/api/v1/meetings", headers=viewer).json()
    # 1st, 3rd and 5th Wednesdays from 14 Dec 2026 for 90 days (to 14 Mar 2027).
    assert [(m["date"], m["cancelled"]) for m in upcoming] == [
        ("2026-12-16", False),
        ("2026-12-30", True),
        ("2027-01-06", False),
        ("2027-01-20", False),
        ("2027-02-03", False),
        ("2027-02-17", False),
        ("2027-03-03", False),
    ]
    first = upcoming[0]
    assert first["start"] == "2026-12-16T09:30:00+07:00"
    assert (first["series"], first["place"]) == (SERIES, "ห้องประชุมสภา อบต.ทุ่งดาวเรือง ชั้น ๒")
    december = client.get(
        f"/api/v1/meetings?series={first['series_id']}&from=2026-12-01&to=2026-12-31",
        headers=viewer,
    ).json()
    assert [m["date"] for m in december] == ["2026-12-02", "2026-12-16", "2026-12-30"]
    backwards = client.get("/api/v1/meetings?from=2027-01-01&to=2026-12-01", headers=viewer)
    assert error_of(backwards, 422)["message"] == "to: 2026-12-01 is before from 2027-01-01"
    unknown = error_of(client.get("/api/v1/meetings?series=999999", headers=viewer), 422)
    assert unknown["what"] == "series"


def test_a_meeting_before_bangkok_kept_standard_time_is_given_in_utc(site: Site) -> None:
    client, viewer = site.anonymous(), token(site, Role.VIEWER)
    old = client.get("/api/v1/meetings?from=1920-01-01&to=1920-01-10", headers=viewer)
    assert old.status_code == 200, old.text
    [first] = old.json()
    # Local mean time (+06:42:04) has no RFC 3339 form: the same instant, in UTC.
    assert first["start"] == "1920-01-07T02:47:56Z"
    assert datetime.fromisoformat(first["start"]) == datetime(
        1920, 1, 7, 9, 30, tzinfo=ZoneInfo("Asia/Bangkok")
    )


def _series_id(site: Site, organization: str = DEMO) -> int:
    with site.session() as session:
        found = get_organization(session, organization)
        return int(
            session.scalars(
                select(MeetingSeries.id).where(MeetingSeries.organization_id == found.id)
            ).one()
        )


def test_a_meetings_progress_report(site: Site) -> None:
    client, secretariat = site.anonymous(), token(site, Role.SECRETARIAT)
    finance = token(site, Role.UNIT, unit=FINANCE)
    step = ids(site)
    assert client.post(f"/api/v1/tasks/{step['1.3']}/done", headers=finance).status_code == 200
    path = f"/api/v1/meetings/{_series_id(site)}/2026-12-16/report"
    report = client.get(path, headers=secretariat).json()
    assert (report["organization"], report["series"], report["meeting"]) == (
        DEMO,
        SERIES,
        "2026-12-16",
    )
    # The meeting before is 2 Dec; the one after skips the cancelled 30 Dec.
    assert (report["previous_meeting"], report["next_meeting"]) == ("2026-12-02", "2027-01-06")
    assert report["newly_done"] == [f"#{step['1.3']} (1.3)"]  # done today, after 2 Dec
    # Open, started by the meeting and not updated since 2 Dec: all but 1.3 (just done) and
    # 2.3 (starts in January).
    assert report["no_update"] == [f"#{step[s]} ({s})" for s in ("1.2", "1.4", "2.1", "2.2", "2.4")]
    assert report["newly_overdue"] == []  # 1.2 ended on 30 Nov, before the last meeting
    assert report["due_before_next"] == []
    assert (report["done"], report["total"]) == (2, 8)
    refs = [[s["ref"] for s in m["steps"]] for m in report["measures"]]
    assert refs == [["1.1", "1.2", "1.3", "1.4"], ["2.1", "2.2", "2.3", "2.4"]]
    english = client.get(f"{path}?lang=en", headers=secretariat).json()
    assert english["measures"][0]["steps"][0]["period"] == "Oct 2026"
    for day in ("2026-12-17", "2026-12-30"):  # no meeting; a cancelled one
        missing = client.get(
            f"/api/v1/meetings/{_series_id(site)}/{day}/report", headers=secretariat
        )
        assert error_of(missing, 404)["message"] == f"{SERIES} does not meet on {day}"


# --- the outbox ----------------------------------------------------------------------------------


def _message(site: Site, organization: str, status: OutboxStatus, recipient: str) -> int:
    with site.session() as session:
        row = OutboxMessage(
            job="meeting-reminder",
            occurrence=f"{organization}/2026-12-16",
            recipient=recipient,
            channel="webhook",
            organization_id=get_organization(session, organization).id,
            subject="[ITA] เตือนก่อนประชุม",
            body_text="ข้อความ",
            status=status,
            attempts=3,
            due_at=site.now - timedelta(hours=1),
            next_attempt_at=site.now,
            created_at=site.now - timedelta(hours=1),
            last_error="HTTP 500 from https://hooks.example.go.th/notify/s3cr3t-t0ken-value",
        )
        session.add(row)
        session.flush()
        return row.id


def test_the_outbox_for_the_admin_masked_and_retried(site: Site) -> None:
    add_other_organization(site)
    failed = _message(
        site, DEMO, OutboxStatus.FAILED, "https://hooks.example.go.th/notify/s3cr3t-t0ken-value"
    )
    sent = _message(site, DEMO, OutboxStatus.SENT, "https://hooks.example.go.th/notify/another")
    theirs = _message(site, OTHER, OutboxStatus.FAILED, "https://hooks.example.go.th/notify/x")
    client, admin = site.anonymous(), token(site, Role.ADMIN)
    page = client.get("/api/v1/outbox", headers=admin).json()
    assert [m["id"] for m in page["messages"]] == [sent, failed]  # newest first, ours only
    assert (page["total"], page["page"], page["pages"]) == (2, 1, 1)
    assert "s3cr3t-t0ken-value" not in str(page)
    assert page["messages"][1]["recipient"] == "https://hooks.example.go.th/***"
    only_failed = client.get("/api/v1/outbox?status=failed", headers=admin).json()
    assert [m["id"] for m in only_failed["messages"]] == [failed]
    retried = client.post(f"/api/v1/outbox/{failed}/retry", headers=admin).json()
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    assert error_of(client.post(f"/api/v1/outbox/{sent}/retry", headers=admin), 409)["message"] == (
        f"message {sent} is sent; only failed or missed messages can be retried"
    )
    assert error_of(client.post(f"/api/v1/outbox/{theirs}/retry", headers=admin), 404)["what"] == (
        "message"
    )
    secretariat = token(site, Role.SECRETARIAT)
    assert client.get("/api/v1/outbox", headers=secretariat).status_code == 403


# --- organizations apart, tokens that no longer work ---------------------------------------------


def test_one_organizations_token_never_sees_anothers(site: Site) -> None:
    add_other_organization(site)
    client = site.anonymous()
    ours, theirs = token(site, Role.ADMIN), token(site, Role.ADMIN, organization=OTHER)
    their_plan = client.get("/api/v1/plans", headers=theirs).json()
    our_plan = client.get("/api/v1/plans", headers=ours).json()
    assert [p["organization"] for p in their_plan] == [OTHER]
    assert [p["organization"] for p in our_plan] == [DEMO]
    our_task, our_series = ids(site)["1.3"], _series_id(site)
    for path in (
        f"/plans/{our_plan[0]['id']}",
        f"/tasks/{our_task}",
        f"/meetings/{our_series}/2026-12-16/report",
    ):
        assert error_of(client.get(f"/api/v1{path}", headers=theirs), 404)["code"] == "not_found"
    assert client.get(f"/api/v1/tasks/{our_task}", headers=ours).status_code == 200
    body = {"unit": FINANCE}
    error_of(client.post(f"/api/v1/tasks/{our_task}/done", headers=theirs, json=body), 404)
    error_of(client.get(f"/api/v1/tasks?plan={our_plan[0]['id']}", headers=theirs), 422)
    error_of(client.get(f"/api/v1/meetings?series={our_series}", headers=theirs), 422)
    listed = client.get("/api/v1/tasks", headers=theirs).json()
    assert {t["id"] for t in listed} == set(ids(site, OTHER).values())
    assert {u["name"] for u in client.get("/api/v1/units", headers=theirs).json()} >= {FINANCE}
    their_units = client.get("/api/v1/units", headers=theirs).json()
    our_units = client.get("/api/v1/units", headers=ours).json()
    assert not {u["id"] for u in their_units} & {u["id"] for u in our_units}
    # Another organization's unit token acts on its own organization's task only.
    their_finance = token(site, Role.UNIT, unit=FINANCE, organization=OTHER)
    error_of(client.post(f"/api/v1/tasks/{our_task}/done", headers=their_finance), 404)
    done = client.post(f"/api/v1/tasks/{ids(site, OTHER)['1.3']}/done", headers=their_finance)
    assert done.status_code == 200
    with site.session() as session:
        assert session.get(Task, our_task).status is TaskStatus.NOT_STARTED  # type: ignore[union-attr]


@pytest.mark.parametrize("case", ["revoked", "expired", "unknown", "missing", "not bearer"])
def test_a_token_that_does_not_work_is_401(site: Site, case: str) -> None:
    client = site.anonymous()
    header = token(site, Role.ADMIN, days=1)
    assert client.get("/api/v1/plans", headers=header).status_code == 200
    if case == "revoked":
        with site.session() as session:
            for row in access.list_tokens(session, get_organization(session, None), TokenKind.API):
                access.revoke_token(session, get_organization(session, None), row.id, site.now)
    elif case == "expired":
        site.at(site.now + timedelta(days=1))
    elif case == "unknown":
        header = {"Authorization": "Bearer tk_" + "x" * 43}
    elif case == "missing":
        header = {}
    else:
        header = {"Authorization": header["Authorization"].replace("Bearer", "Basic")}
    refused = client.get("/api/v1/plans", headers=header)
    problem = error_of(refused, 401)
    assert problem == {"code": "not_signed_in", "message": "sign in, or give an API token"}
    assert refused.headers["www-authenticate"] == "Bearer"


def test_a_unit_link_secret_is_no_api_token(site: Site) -> None:
    path = site.unit_link(FINANCE)  # /u/<secret>: a key to the unit's page, not to the API
    refused = site.anonymous().get("/api/v1/tasks", headers={"Authorization": f"Bearer {path[3:]}"})
    assert error_of(refused, 401)["code"] == "not_signed_in"


# --- the OpenAPI document ------------------------------------------------------------------------


def test_the_openapi_document_describes_every_answer(site: Site) -> None:
    document = site.anonymous().get("/api/v1/openapi.json")
    assert document.status_code == 200  # open: it holds no data
    schema = document.json()
    assert schema["components"]["securitySchemes"]["api_token"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "tk_…",
        "description": schema["components"]["securitySchemes"]["api_token"]["description"],
    }
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/measures",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/done",
        "/api/v1/tasks/{task_id}/progress",
        "/api/v1/tasks/{task_id}/reopen",
        "/api/v1/tasks/{task_id}/note",
        "/api/v1/tasks/{task_id}/evidence",
        "/api/v1/units",
        "/api/v1/meetings",
        "/api/v1/meetings/{series_id}/{day}/report",
        "/api/v1/office",
        "/api/v1/outbox",
        "/api/v1/outbox/{message_id}/retry",
    }
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            answers = operation["responses"]
            for status in ("401", "403", "422"):
                assert answers[status]["content"]["application/json"]["schema"] == error_ref, (
                    method,
                    path,
                    status,
                )
            if "{" in path:
                assert "404" in answers, (method, path)
            success = next(s for s in answers if s.startswith("2"))
            assert "$ref" in str(answers[success]["content"]["application/json"]["schema"]), path
            assert operation["security"] == [{"api_token": []}]
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # our shape, not FastAPI's
