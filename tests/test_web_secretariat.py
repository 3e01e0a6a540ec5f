"""The secretariat's pages: the dashboard's numbers, the meetings and their reports, tasks,
units (contacts, renames, merges, links), series, the outbox, the audit log, who may change
what, and one organization never seeing another's data.

Expected numbers are worked out from examples/demo-plan.yaml itself (read here with
PyYAML), on the site's frozen day, Monday 14 December 2569 (2026).
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from report_support import pdf_text
from sqlalchemy import select
from web_support import (
    FINANCE,
    NOW,
    PALAD,
    PUBLIC_URL,
    Site,
    csrf_of,
    site_fixture,  # noqa: F401
)

from tracker.models import (
    EvidenceFile,
    Meeting,
    MeetingSeries,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Role,
    Task,
    TaskEvent,
    Unit,
    UnitAlias,
    UnitContact,
)
from tracker.plandoc import read_plan_document
from tracker.services.plan_import import import_plan
from tracker.services.tasks import Actor, get_task, set_progress
from tracker.web.auth import route_table

ROOT = Path(__file__).resolve().parent.parent
DEMO = yaml.safe_load((ROOT / "examples" / "demo-plan.yaml").read_text(encoding="utf-8"))
TODAY = NOW.date()  # 2026-12-14, a Monday (NOW is in Bangkok time)
WORKS = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"
WEBHOOK = "https://hooks.example.go.th/T0KEN-secret-123"
OTHER_ORGANIZATION = "เทศบาลตำบลบ้านอื่น"
OTHER_MARK = "ของเทศบาลอื่น:"  # put before each task title of the other organization
_occurrences = count(1)


# --- reading pages ---------------------------------------------------------------------------


def text_of(fragment: str) -> str:
    """What a person reads: the tags dropped, the white space collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html.unescape(without_tags).split())


def section(page: str, element_id: str) -> str:
    """The HTML of the <section> with this id."""
    found = re.search(rf'<section[^>]*id="{element_id}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"the page has no section {element_id!r}"
    return found.group(1)


def body_rows(fragment: str) -> list[list[str]]:
    """The text of each cell of each row of the table bodies in ``fragment``."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            rows.append([text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
    return rows


def ok(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return response.text


def post(client: TestClient, path: str, page: str = "/units", **form: Any) -> Any:
    """POST a form from the secretariat's pages, with the form secret of ``page``."""
    return client.post(path, data={"csrf": csrf_of(ok(client, page)), **form})


def unit_id(site: Site, name: str, organization: str | None = None) -> int:
    with site.session() as session:
        statement = select(Unit.id).join(Organization).where(Unit.name == name)
        if organization is not None:
            statement = statement.where(Organization.name == organization)
        else:
            statement = statement.where(Organization.name == DEMO["organization"]["name"])
        found = session.scalar(statement)
    assert found is not None, name
    return found


def task_ids_of(site: Site, titles: list[str]) -> list[int]:
    with site.session() as session:
        return [session.scalar(select(Task.id).where(Task.title == title)) for title in titles]  # type: ignore[misc]


# --- what the demo plan says, worked out from the file -----------------------------------------


def demo_tasks() -> list[dict[str, Any]]:
    return [
        {**task, "measure": position}
        for position, measure in enumerate(DEMO["measures"], start=1)
        for task in measure["tasks"]
    ]


def completion(tasks: list[dict[str, Any]]) -> tuple[float, int, int]:
    """(mean percent to one decimal, done, counted) with cancelled tasks left out: the
    progress report's rule. The mean is rounded as Python rounds (half to even)."""
    counted = [t for t in tasks if t["status"] != "cancelled"]
    done = sum(1 for t in counted if t["status"] == "done")
    return round(sum(t["percent"] for t in counted) / len(counted), 1), done, len(counted)


def shown(mean: float, done: int, total: int) -> str:
    return f"{mean}% เสร็จ {done}/{total}"


def overdue_on(day: date) -> list[dict[str, Any]]:
    return [
        t
        for t in demo_tasks()
        if t["end"] and date.fromisoformat(t["end"]) < day and t["status"] in OPEN
    ]


OPEN = ("not_started", "in_progress")


def responsible(unit: dict[str, Any], task: dict[str, Any]) -> bool:
    """A unit's task: one naming it, or for a real unit one of the every-unit group."""
    groups = {u["name"] for u in DEMO["units"] if u["all_units"]}
    return unit["name"] in task["units"] or (
        not unit["all_units"] and bool(groups & set(task["units"]))
    )


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_the_demo_plans_numbers(site: Site) -> None:
    page = ok(site.client(Role.VIEWER), "/dashboard")
    tasks = demo_tasks()
    assert len(tasks) == 8

    overall = text_of(section(page, "overall"))
    assert shown(*completion(tasks)) in overall  # 170 / 8 = 21.25 -> 21.2, 1 of 8 done
    late = overdue_on(TODAY)
    assert [t["title"] for t in late] == [DEMO["measures"][0]["tasks"][1]["title"]]  # 1.2
    assert f"ขั้นตอนที่เลยกำหนด: {len(late)}" in overall

    measures = body_rows(section(page, "by-measure"))
    expected_measures = [
        [
            str(position),
            measure["title"],
            shown(*completion([t for t in tasks if t["measure"] == position])),
        ]
        for position, measure in enumerate(DEMO["measures"], start=1)
    ]
    assert measures == expected_measures
    assert [row[2] for row in measures] == ["40.0% เสร็จ 1/4", "2.5% เสร็จ 0/4"]  # by hand too

    units = body_rows(section(page, "by-unit"))
    expected_units = []
    for unit in DEMO["units"]:
        mine = [t for t in tasks if responsible(unit, t)]
        name = unit["name"] + (" ทุกหน่วยงาน" if unit["all_units"] else "")
        late_count = sum(1 for t in mine if t in late)
        expected_units.append([name, shown(*completion(mine)), str(late_count)])
    assert units == expected_units
    assert units[0] == [PALAD, "34.0% เสร็จ 1/5", "1"]  # 100+60+0+0 and the group's 10

    overdue = text_of(section(page, "overdue"))
    assert "1.2" in overdue
    assert late[0]["title"] in overdue
    assert "30 พ.ย. 2569" in overdue


def test_the_dashboard_names_the_units_that_have_not_updated_since_the_last_meeting(
    site: Site,
) -> None:
    """The heads meet on the 1st, 3rd and 5th Wednesday: before Monday 14 December 2026 the
    last meeting was Wednesday 2 December, 09:30. An import is no unit's update."""
    staff = site.client(Role.SECRETARIAT)
    silent = text_of(section(ok(staff, "/dashboard"), "silent"))
    assert "ตั้งแต่การประชุมเมื่อ 2 ธ.ค. 2569 09:30" in silent
    real_units = [u["name"] for u in DEMO["units"] if not u["all_units"]]
    assert all(name in silent for name in real_units)
    assert EVERY_UNIT not in silent  # the group is no unit that reports: its task is theirs

    finance_task = task_ids_of(site, [DEMO["measures"][0]["tasks"][2]["title"]])[0]  # 1.3
    phone = site.unit_client(FINANCE)
    answer = phone.post(
        f"/unit/tasks/{finance_task}/progress",
        data={"percent": "20", "csrf": csrf_of(ok(phone, "/unit"))},
    )
    assert answer.status_code == 303
    silent = text_of(section(ok(staff, "/dashboard"), "silent"))
    assert FINANCE not in silent  # it updated one of its open tasks
    assert all(name in silent for name in real_units if name != FINANCE)


def test_the_dashboard_lists_the_next_meetings_and_what_they_follow_up(site: Site) -> None:
    with site.session() as session:
        series_id = session.scalar(select(MeetingSeries.id))
    coming = section(ok(site.client(Role.SECRETARIAT), "/dashboard"), "coming")
    read = text_of(coming)
    open_count = sum(1 for t in demo_tasks() if t["status"] in OPEN)
    assert open_count == 7
    first = read.split("30 ธ.ค. 2569")[0]
    assert "16 ธ.ค. 2569 09:30" in first
    assert f"ติดตามผล {open_count} ขั้นตอน" in first
    assert "เลยกำหนด 1" in first  # 1.2 is still overdue on 16 December
    # 30 December is cancelled in the plan document: shown, following up nothing.
    assert re.search(r"30 ธ.ค. 2569 09:30 · ประชุมหัวหน้าส่วนราชการ งดประชุม", read)
    assert f'/meetings/{series_id}/2026-12-16"' in coming
    assert f'/meetings/{series_id}/2026-12-30"' not in coming
    assert "6 ม.ค. 2570 09:30" in read  # 1st Wednesday of January 2027


# --- meetings ------------------------------------------------------------------------------


def test_a_meetings_page_shows_its_progress_report(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    listing = ok(staff, "/meetings")
    with site.session() as session:
        series_id = session.scalar(select(MeetingSeries.id))
    assert f'href="/meetings/{series_id}/2026-12-16"' in listing
    assert f'href="/meetings/{series_id}/2026-12-02"' in listing  # a past one

    page = ok(staff, f"/meetings/{series_id}/2026-12-16")
    read = text_of(page)
    assert shown(*completion(demo_tasks())) in read
    assert "ครั้งก่อน 2 ธ.ค. 2569" in read
    assert "การประชุมครั้งถัดไป 6 ม.ค. 2570" in read
    # No unit has reported since 2 December: every open, started task is "no update" (2.3
    # starts in January).
    refs = ", ".join(rf"#\d+ \({ref}\)" for ref in ("1.2", "1.3", "1.4", "2.1", "2.2", "2.4"))
    assert re.search(rf"ไม่มีความคืบหน้า {refs} ครบกำหนด", read)

    printable = staff.get(f"/meetings/{series_id}/2026-12-16/report.html")
    assert printable.status_code == 200
    assert "<h1>รายงานผลการดำเนินการตามมาตรการ ITA</h1>" in printable.text
    assert "content-security-policy" in printable.headers
    pdf = staff.get(f"/meetings/{series_id}/2026-12-16/report.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "progress-report-2026-12-16.pdf" in pdf.headers["content-disposition"]
    read_back = pdf_text(pdf.content)
    assert "รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส" in read_back
    assert "16 ธันวาคม 2569" in read_back

    assert staff.get(f"/meetings/{series_id}/2026-12-17").status_code == 404  # a Thursday
    assert staff.get(f"/meetings/{series_id}/2026-12-30").status_code == 404  # cancelled
    assert staff.get(f"/meetings/{series_id}/not-a-date").status_code == 422


# --- tasks -----------------------------------------------------------------------------------


def listed_refs(page: str) -> list[str]:
    return [row[0] for row in body_rows(page) if row and row[0] != "ไม่มี"]


def test_the_task_list_filters_like_the_cli(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    everything = [f"{t['measure']}.{t['number']}" for t in demo_tasks()]
    assert listed_refs(ok(staff, "/tasks")) == everything
    finance = unit_id(site, FINANCE)
    finance_refs = [
        f"{t['measure']}.{t['number']}"
        for t in demo_tasks()
        if responsible({"name": FINANCE, "all_units": False}, t)
    ]
    assert finance_refs == ["1.3", "1.4", "2.1", "2.4"]
    assert listed_refs(ok(staff, f"/tasks?unit={finance}")) == finance_refs
    assert listed_refs(ok(staff, "/tasks?status=done")) == ["1.1"]
    assert listed_refs(ok(staff, "/tasks?overdue=1")) == ["1.2"]
    assert listed_refs(ok(staff, "/tasks?unit=&status=&plan=")) == everything  # an empty form
    refused = staff.get("/tasks?status=finished")
    assert refused.status_code == 422
    assert "status 'finished' is not one of" in html.unescape(refused.text)
    assert staff.get("/tasks?unit=abc").status_code == 422
    assert staff.get("/tasks?unit=999999").status_code == 404


def test_a_task_page_shows_its_whole_history_and_evidence(site: Site) -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    task = task_ids_of(site, [DEMO["measures"][0]["tasks"][2]["title"]])[0]  # 1.3, กองคลัง
    phone = site.unit_client(FINANCE)
    csrf = csrf_of(ok(phone, "/unit"))
    phone.post("/unit/name", data={"officer": "สมหญิง ใจดี", "csrf": csrf})
    answer = phone.post(
        f"/unit/tasks/{task}/progress",
        data={
            "percent": "40",
            "note": "ส่งข้อมูลเดือน พ.ย. แล้ว",
            "csrf": csrf,
            "evidence_url": "https://www.example.go.th/procurement/2569-11",
        },
        files={"file": ("สรุปผล.pdf", pdf, "application/pdf")},
    )
    assert answer.status_code == 303
    page = ok(site.client(Role.VIEWER), f"/tasks/{task}")
    history = text_of(section(page, "history"))
    assert f"สมหญิง ใจดี ({FINANCE})" in history
    assert "ร้อยละ: 0 → 40" in history
    assert "สถานะ: ยังไม่เริ่ม → กำลังดำเนินการ" in history
    assert "ส่งข้อมูลเดือน พ.ย. แล้ว" in history
    assert "import: demo" in history  # the task's creation, oldest, last
    assert history.index("สมหญิง") < history.index("import: demo")
    files = section(page, "files")
    with site.session() as session:
        evidence_id = session.scalar(select(EvidenceFile.id).where(EvidenceFile.task_id == task))
    assert f'href="/evidence/{evidence_id}"' in files
    assert "สรุปผล.pdf" in files
    assert "https://www.example.go.th/procurement/2569-11" in files
    assert site.client(Role.VIEWER).get(f"/evidence/{evidence_id}").content == pdf
    assert site.client(Role.VIEWER).get("/tasks/999999").status_code == 404


# --- who may change what ------------------------------------------------------------------------

MY_PAGES = ("/dashboard", "/meetings", "/tasks", "/units", "/series", "/outbox", "/audit")


def my_posts(site: Site) -> list[str]:
    """Every POST route of these pages, from the app's route table, ids made concrete."""
    paths = [
        entry.path
        for entry in route_table(site.app.routes)
        if "POST" in entry.methods and entry.path.startswith(MY_PAGES)
    ]
    assert len(paths) >= 14  # the table is really read
    return [re.sub(r"\{[^}]+\}", "1", path) for path in paths]


def test_a_viewer_reads_every_page_and_changes_nothing(site: Site) -> None:
    viewer = site.client(Role.VIEWER)
    with site.session() as session:
        series_id = session.scalar(select(MeetingSeries.id))
    for path in (*MY_PAGES, f"/meetings/{series_id}/2026-12-16", "/tasks/1"):
        page = ok(viewer, path)
        assert 'action="/units/' not in page
        assert 'action="/series/' not in page
    csrf = csrf_of(ok(viewer, "/units"))  # the logout form's
    for path in my_posts(site):
        answer = viewer.post(
            path,
            data={
                "csrf": csrf,
                "name": "x",
                "channel": "email",
                "address": "a@example.go.th",
                "into": "2",
                "day": "2026-12-16",
            },
        )
        assert answer.status_code == 403, path
    with site.session() as session:
        assert session.scalars(select(UnitContact)).all() == []
        assert session.scalars(select(Meeting)).all()[0].date == date(2026, 12, 30)  # as imported
        assert len(session.scalars(select(Meeting)).all()) == 1


def test_a_form_without_the_sessions_secret_changes_nothing(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    finance = unit_id(site, FINANCE)
    answer = staff.post(
        f"/units/{finance}/contacts", data={"channel": "email", "address": "a@example.go.th"}
    )
    assert answer.status_code == 403
    with site.session() as session:
        assert session.scalars(select(UnitContact)).all() == []


# --- units ---------------------------------------------------------------------------------------


def test_a_contact_added_and_removed_through_the_page(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    finance = unit_id(site, FINANCE)
    answer = post(
        staff, f"/units/{finance}/contacts", channel="webhook", address=WEBHOOK, role="head"
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/units?saved=1#unit-{finance}"
    with site.session() as session:
        contacts = [
            (c.unit_id, c.channel, c.address, c.role) for c in session.scalars(select(UnitContact))
        ]
    assert contacts == [(finance, "webhook", WEBHOOK, "head")]

    page = ok(staff, "/units?saved=1")
    assert "บันทึกแล้ว" in page
    card = section(page, f"unit-{finance}")
    assert "https://hooks.example.go.th/***" in card
    assert "T0KEN" not in page  # the webhook's secret path is never shown

    refused = post(staff, f"/units/{finance}/contacts", channel="email", address="not an address")
    assert refused.status_code == 422
    assert "email address" in refused.text
    with site.session() as session:
        assert len(session.scalars(select(UnitContact)).all()) == 1  # nothing half written

    removal = re.search(rf'action="(/units/{finance}/contacts/\d+/remove)"', card)
    assert removal
    assert post(staff, removal.group(1)).status_code == 303
    with site.session() as session:
        assert session.scalars(select(UnitContact)).all() == []
    assert post(staff, removal.group(1)).status_code == 404  # already gone


def test_a_unit_renamed_and_merged_through_the_page(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    works, finance = unit_id(site, WORKS), unit_id(site, FINANCE)
    assert post(staff, f"/units/{works}/rename", name="กองช่างโยธา").status_code == 303
    with site.session() as session:
        renamed = session.get(Unit, works)
        assert renamed is not None
        assert renamed.name == "กองช่างโยธา"
        assert [a.name for a in renamed.aliases] == [WORKS]  # the old name still finds it

    group = unit_id(site, EVERY_UNIT)
    refused = post(staff, f"/units/{works}/merge", into=str(group))
    assert refused.status_code == 409
    assert "every-unit group" in refused.text

    assert post(staff, f"/units/{works}/merge", into=str(finance)).status_code == 303
    shared_task = task_ids_of(site, [DEMO["measures"][1]["tasks"][0]["title"]])[0]  # 2.1
    with site.session() as session:
        task = session.get(Task, shared_task)
        assert task is not None
        assert [u.name for u in task.units] == [FINANCE]
        event = session.scalar(
            select(TaskEvent).where(TaskEvent.task_id == shared_task, TaskEvent.field == "units")
        )
        assert event is not None
        assert (event.before, event.after) == (f"{FINANCE}, กองช่างโยธา", FINANCE)
        assert event.actor == "secretary (secretariat)"
        aliases = set(session.scalars(select(UnitAlias.name).where(UnitAlias.unit_id == finance)))
        assert aliases == {WORKS, "กองช่างโยธา"}
        assert session.get(Unit, works).merged_into_id == finance  # type: ignore[union-attr]
    page = ok(staff, "/units")
    assert f'id="unit-{works}"' not in page
    assert "กองช่างโยธา" in text_of(section(page, f"unit-{finance}"))
    assert post(staff, f"/units/{works}/rename", name="อื่น").status_code == 404  # merged away


def test_the_link_page_shows_a_link_that_opens_the_unit_page(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    finance = unit_id(site, FINANCE)
    answer = post(staff, f"/units/{finance}/link")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    found = re.search(r'<code id="unit-link">([^<]+)</code>', answer.text)
    assert found
    assert found.group(1).startswith(PUBLIC_URL + "/u/")
    path = found.group(1).removeprefix(PUBLIC_URL)
    opened = site.anonymous().get(path)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/unit"

    assert site.settings.link_days == 60  # 14 December + 60 days: 12 February 2570
    card = text_of(section(ok(staff, "/units"), f"unit-{finance}"))
    assert "ใช้ได้ถึง 12 ก.พ. 2570 09:30" in card
    assert path.split("/u/")[1] not in ok(staff, "/units")  # the list never shows the link

    assert post(staff, f"/units/{finance}/link/revoke").status_code == 303
    assert site.anonymous().get(path).status_code == 404
    assert "ยกเลิกแล้วเมื่อ" in text_of(section(ok(staff, "/units"), f"unit-{finance}"))


def test_without_a_public_address_the_link_page_shows_the_path(site: Site) -> None:
    web = site.app.state.web
    web.settings = web.settings.replace(public_url=None)
    staff = site.client(Role.SECRETARIAT)
    answer = post(staff, f"/units/{unit_id(site, PALAD)}/link")
    found = re.search(r'<code id="unit-link">(/u/[^<]+)</code>', answer.text)
    assert found
    assert "TRACKER_PUBLIC_URL" in answer.text
    assert site.anonymous().get(found.group(1)).headers["location"] == "/unit"


# --- series ------------------------------------------------------------------------------------


def test_a_series_timing_recipients_and_meetings_change_through_the_page(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    with site.session() as session:
        series = session.scalars(select(MeetingSeries)).one()
        series_id = series.id
        series.dues_planned_on = TODAY  # as the planner leaves it
    back = f"/series?saved=1#series-{series_id}"
    answer = post(
        staff,
        f"/series/{series_id}/timing",
        "/series",
        reminder_days="3",
        reminder_time="07:45",
        report_days="",
        report_time="",
        holiday_policy="move",
    )
    assert (answer.status_code, answer.headers["location"]) == (303, back)
    with site.session() as session:
        series = session.get(MeetingSeries, series_id)
        assert series is not None
        assert (series.reminder_days, series.reminder_time.strftime("%H:%M")) == (3, "07:45")
        assert (series.report_days, series.holiday_policy.value) == (1, "move")  # blank: kept
        assert series.dues_planned_on is None  # planned again

    assert (
        post(
            staff,
            f"/series/{series_id}/recipients",
            "/series",
            channel="email",
            address="secretariat@example.go.th",
            name="งานเลขานุการ",
        ).status_code
        == 303
    )
    page = ok(staff, "/series")
    assert "secretariat@example.go.th" in page
    assert "งานเลขานุการ" in page
    removal = re.search(rf'action="(/series/{series_id}/recipients/\d+/remove)"', page)
    assert removal
    assert post(staff, removal.group(1), "/series").status_code == 303
    with site.session() as session:
        assert session.get(MeetingSeries, series_id).recipients == []  # type: ignore[union-attr]

    # Cancel 6 January, move 20 January to the 21st, then restore 30 December (cancelled in
    # the plan document): the meetings page follows.
    assert (
        post(
            staff,
            f"/series/{series_id}/meetings/cancel",
            "/series",
            day="2027-01-06",
            note="ติดภารกิจ",
        ).status_code
        == 303
    )
    assert (
        post(
            staff,
            f"/series/{series_id}/meetings/move",
            "/series",
            day="2027-01-20",
            to="2027-01-21",
        ).status_code
        == 303
    )
    assert (
        post(
            staff, f"/series/{series_id}/meetings/restore", "/series", day="2026-12-30"
        ).status_code
        == 303
    )
    with site.session() as session:
        rows = {m.date: (m.cancelled, m.moved_to, m.note) for m in session.scalars(select(Meeting))}
    assert rows == {
        date(2027, 1, 6): (True, None, "ติดภารกิจ"),
        date(2027, 1, 20): (False, date(2027, 1, 21), None),
    }
    meetings = ok(staff, "/meetings")
    assert f'href="/meetings/{series_id}/2026-12-30"' in meetings  # held again
    assert f'href="/meetings/{series_id}/2027-01-21"' in meetings
    assert f'href="/meetings/{series_id}/2027-01-20"' not in meetings
    assert f'href="/meetings/{series_id}/2027-01-06"' not in meetings

    not_a_meeting = post(staff, f"/series/{series_id}/meetings/cancel", "/series", day="2027-01-07")
    assert not_a_meeting.status_code == 404
    assert "does not meet on 2027-01-07" in not_a_meeting.text
    clash = post(
        staff, f"/series/{series_id}/meetings/move", "/series", day="2027-02-03", to="2027-02-17"
    )
    assert clash.status_code == 409  # the 17th is the 3rd Wednesday: a meeting already
    bad = post(staff, f"/series/{series_id}/timing", "/series", reminder_time="25:00")
    assert bad.status_code == 422
    assert "reminder time" in bad.text
    assert (
        post(staff, f"/series/{series_id}/timing", "/series", reminder_days="21").status_code == 422
    )


# --- the outbox ----------------------------------------------------------------------------------


def add_message(site: Site, organization_id: int, status: OutboxStatus) -> int:
    with site.session() as session:
        message = OutboxMessage(
            job="meeting-reminder",
            occurrence=f"test/{next(_occurrences)}",
            recipient=WEBHOOK,
            channel="webhook",
            organization_id=organization_id,
            subject="[ITA] แจ้งเตือนการประชุม",
            body_text="ข้อความทดสอบ",
            status=status,
            attempts=5,
            due_at=NOW,
            next_attempt_at=NOW,
            created_at=NOW,
            last_error=f"403 from {WEBHOOK}",
        )
        session.add(message)
        session.flush()
        return message.id


def demo_organization(site: Site) -> int:
    with site.session() as session:
        found = session.scalar(
            select(Organization.id).where(Organization.name == DEMO["organization"]["name"])
        )
    assert found is not None
    return found


def test_the_outbox_retry_is_for_admins_only(site: Site) -> None:
    organization = demo_organization(site)
    failed = add_message(site, organization, OutboxStatus.FAILED)
    also_failed = add_message(site, organization, OutboxStatus.FAILED)
    missed = add_message(site, organization, OutboxStatus.MISSED)
    staff, admin = site.client(Role.SECRETARIAT), site.client(Role.ADMIN)

    listing = ok(staff, "/outbox")
    assert f'href="/outbox/{failed}"' in listing
    assert "T0KEN" not in listing
    detail = ok(staff, f"/outbox/{failed}")
    assert "ข้อความทดสอบ" in detail
    assert "T0KEN" not in detail
    assert f'action="/outbox/{failed}/retry"' not in detail  # the secretariat may not

    assert post(staff, f"/outbox/{failed}/retry", "/outbox").status_code == 403
    assert post(staff, "/outbox/retry", "/outbox").status_code == 403
    with site.session() as session:
        assert session.get(OutboxMessage, failed).status is OutboxStatus.FAILED  # type: ignore[union-attr]

    assert f'action="/outbox/{failed}/retry"' in ok(admin, f"/outbox/{failed}")
    answer = post(admin, f"/outbox/{failed}/retry", "/outbox")
    assert (answer.status_code, answer.headers["location"]) == (303, f"/outbox/{failed}?saved=1")
    with site.session() as session:
        row = session.get(OutboxMessage, failed)
        assert row is not None
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    again = post(admin, f"/outbox/{failed}/retry", "/outbox")
    assert again.status_code == 409  # pending now: nothing to retry

    assert post(admin, "/outbox/retry", "/outbox", status="failed").status_code == 303
    with site.session() as session:
        assert session.get(OutboxMessage, also_failed).status is OutboxStatus.PENDING  # type: ignore[union-attr]
        assert session.get(OutboxMessage, missed).status is OutboxStatus.MISSED  # type: ignore[union-attr]
    assert post(admin, "/outbox/retry", "/outbox", status="sent").status_code == 422
    assert ok(staff, "/outbox?status=missed").count('href="/outbox/') == 2  # row id and subject


# --- the audit log ------------------------------------------------------------------------------


def audit_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr id="event-(\d+)"', page)]


def unit_changes(site: Site) -> None:
    """Changes by กองคลัง (1.3 and the shared 2.4) and by สำนักปลัด (1.2), through the services
    as the unit page makes them, a day apart."""
    demo = DEMO["measures"]
    finance_task, shared, palad_task = task_ids_of(
        site,
        [demo[0]["tasks"][2]["title"], demo[1]["tasks"][3]["title"], demo[0]["tasks"][1]["title"]],
    )
    with site.session() as session:
        finance = session.get(Unit, unit_id(site, FINANCE))
        palad = session.get(Unit, unit_id(site, PALAD))
        assert finance is not None
        assert palad is not None
        set_progress(
            session, get_task(session, finance_task, for_update=True), Actor(finance), 30, NOW
        )
        set_progress(
            session,
            get_task(session, shared, for_update=True),
            Actor(finance),
            20,
            NOW + timedelta(days=1),
            note="รายงานแล้ว",
        )
        set_progress(
            session,
            get_task(session, palad_task, for_update=True),
            Actor(palad),
            80,
            NOW + timedelta(days=2),
        )


def test_the_audit_log_filtered_by_unit_shows_only_that_units_events(site: Site) -> None:
    unit_changes(site)
    viewer = site.client(Role.VIEWER)
    finance = unit_id(site, FINANCE)
    with site.session() as session:
        theirs = list(
            session.scalars(
                select(TaskEvent.id)
                .where(TaskEvent.actor_unit_id == finance)
                .order_by(TaskEvent.id.desc())
            )
        )
        everything = session.scalars(select(TaskEvent)).all()
    assert len(theirs) == 3  # 1.3: percent and status; 2.4: its percent (still in progress)
    page = ok(viewer, f"/audit?unit={finance}")
    assert sorted(audit_ids(page), reverse=True) == theirs
    rows = body_rows(page)
    assert {row[2] for row in rows} == {FINANCE}
    assert "รายงานแล้ว" in text_of(page)

    everyone = audit_ids(ok(viewer, "/audit"))
    assert len(everyone) == min(50, len(everything))
    newest = max(everything, key=lambda e: (e.at, e.id))
    assert everyone[0] == newest.id
    assert newest.actor == PALAD

    by_field = body_rows(ok(viewer, f"/audit?unit={finance}&field=status"))
    assert [row[3] for row in by_field] == ["สถานะ"]
    by_who = audit_ids(ok(viewer, "/audit?who=ปลัด"))
    assert by_who
    assert all(e.actor == PALAD for e in everything if e.id in by_who)
    second_day = (NOW + timedelta(days=1)).date().isoformat()
    one_day = body_rows(ok(viewer, f"/audit?from={second_day}&to={second_day}"))
    assert [(row[2], row[5]) for row in one_day] == [(FINANCE, "รายงานแล้ว")]
    assert viewer.get("/audit?from=2027-01-02&to=2027-01-01").status_code == 422
    assert viewer.get("/audit?unit=999999").status_code == 404


def test_the_audit_log_pages_by_fifty_newest_first(site: Site) -> None:
    task_id = task_ids_of(site, [DEMO["measures"][0]["tasks"][2]["title"]])[0]
    with site.session() as session:
        finance = session.get(Unit, unit_id(site, FINANCE))
        assert finance is not None
        for step in range(1, 61):  # 60 changes of the percent, a minute apart
            set_progress(
                session,
                get_task(session, task_id, for_update=True),
                Actor(finance),
                step,
                NOW + timedelta(minutes=step),
            )
        expected = list(
            session.scalars(
                select(TaskEvent.id)
                .where(TaskEvent.task_id == task_id)
                .order_by(TaskEvent.at.desc(), TaskEvent.id.desc())
            )
        )
    assert len(expected) == 62  # the import's "created", 60 percents, one status change
    viewer = site.client(Role.VIEWER)
    first = ok(viewer, f"/audit?task={task_id}")
    second = ok(viewer, f"/audit?task={task_id}&page=2")
    assert audit_ids(first) == expected[:50]
    assert audit_ids(second) == expected[50:]
    assert "page=2" in first
    assert "หน้า 1 / 2" in text_of(first)
    assert audit_ids(ok(viewer, f"/audit?task={task_id}&page=3")) == []
    assert viewer.get("/audit?page=0").status_code == 422
    assert viewer.get("/outbox?page=0").status_code == 422


# --- one organization never sees another's -------------------------------------------------------


def another_organization(site: Site, tmp_path: Path) -> dict[str, Any]:
    """The demo plan again, as another organization's (its task titles marked), with a unit
    change and a failed message of its own. Returns its ids."""
    text = (ROOT / "examples" / "demo-plan.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    document["organization"]["name"] = OTHER_ORGANIZATION
    for measure in document["measures"]:
        for task in measure["tasks"]:
            task["title"] = f"{OTHER_MARK} {task['title']}"
    copy = tmp_path / "other-plan.yaml"
    copy.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with site.session() as session:
        import_plan(session, read_plan_document(copy), now=NOW, actor="import: other-plan")
    with site.session() as session:
        organization = session.scalar(
            select(Organization).where(Organization.name == OTHER_ORGANIZATION)
        )
        assert organization is not None
        unit = session.scalar(
            select(Unit).where(Unit.organization_id == organization.id, Unit.name == FINANCE)
        )
        finance_title = f"{OTHER_MARK} {DEMO['measures'][0]['tasks'][2]['title']}"  # its 1.3
        task = session.scalar(select(Task).where(Task.title == finance_title))
        series = session.scalar(
            select(MeetingSeries).where(MeetingSeries.organization_id == organization.id)
        )
        assert unit is not None
        assert task is not None
        assert series is not None
        set_progress(
            session,
            get_task(session, task.id, for_update=True),
            Actor(unit),
            50,
            NOW,
            note="บันทึกของเทศบาลอื่น",
        )
        ids = {
            "organization": organization.id,
            "unit": unit.id,
            "task": task.id,
            "series": series.id,
            "plan": task.measure.plan_id,
        }
    ids["message"] = add_message(site, ids["organization"], OutboxStatus.FAILED)
    return ids


def test_another_organizations_data_never_shows_and_its_ids_are_not_found(
    site: Site, tmp_path: Path
) -> None:
    other = another_organization(site, tmp_path)
    ours = add_message(site, demo_organization(site), OutboxStatus.FAILED)
    staff, admin = site.client(Role.SECRETARIAT), site.client(Role.ADMIN)

    for path in MY_PAGES:
        page = ok(staff, path)
        for theirs in (OTHER_MARK, OTHER_ORGANIZATION, "บันทึกของเทศบาลอื่น", "import: other-plan"):
            assert theirs not in page, (path, theirs)
    assert shown(*completion(demo_tasks())) in text_of(section(ok(staff, "/dashboard"), "overall"))
    assert len(listed_refs(ok(staff, "/tasks"))) == 8
    assert f'id="unit-{other["unit"]}"' not in ok(staff, "/units")
    with site.session() as session:
        their_events = set(
            session.scalars(
                select(TaskEvent.id).join(Task).where(Task.title.startswith(OTHER_MARK))
            )
        )
    assert their_events
    assert not their_events & set(audit_ids(ok(staff, "/audit")))
    assert f'href="/outbox/{other["message"]}"' not in ok(staff, "/outbox")
    assert f'href="/outbox/{ours}"' in ok(staff, "/outbox")

    for path in (
        f"/tasks/{other['task']}",
        f"/tasks?unit={other['unit']}",
        f"/tasks?plan={other['plan']}",
        f"/dashboard?plan={other['plan']}",
        f"/audit?unit={other['unit']}",
        f"/meetings/{other['series']}/2026-12-16",
        f"/meetings/{other['series']}/2026-12-16/report.html",
        f"/outbox/{other['message']}",
    ):
        assert staff.get(path).status_code == 404, path
    finance = unit_id(site, FINANCE)
    changes = [
        (staff, f"/units/{other['unit']}/rename", {"name": "ถูกเปลี่ยน"}),
        (
            staff,
            f"/units/{other['unit']}/contacts",
            {"channel": "email", "address": "x@example.go.th"},
        ),
        (staff, f"/units/{finance}/merge", {"into": str(other["unit"])}),
        (staff, f"/units/{other['unit']}/link", {}),
        (staff, f"/units/{other['unit']}/link/revoke", {}),
        (staff, f"/series/{other['series']}/timing", {"reminder_days": "5"}),
        (staff, f"/series/{other['series']}/meetings/cancel", {"day": "2027-01-06"}),
        (admin, f"/outbox/{other['message']}/retry", {}),
        (staff, f"/series/{other['series']}/feed", {}),
        (staff, f"/units/{other['unit']}/feed", {}),
        (staff, f"/series/{other['series']}/feed/revoke", {}),
    ]
    for client, path, form in changes:
        assert post(client, path, **form).status_code == 404, path
    assert post(admin, "/outbox/retry", "/outbox").status_code == 303  # ours only
    with site.session() as session:
        unit = session.get(Unit, other["unit"])
        assert unit is not None
        assert unit.name == FINANCE
        assert unit.contacts == []
        assert session.get(Unit, finance).merged_into_id is None  # type: ignore[union-attr]
        assert session.get(MeetingSeries, other["series"]).reminder_days == 2  # type: ignore[union-attr]
        assert session.scalars(select(Meeting).where(Meeting.series_id == other["series"])).all()[
            0
        ].date == date(2026, 12, 30)
        assert session.get(OutboxMessage, other["message"]).status is OutboxStatus.FAILED  # type: ignore[union-attr]
        assert session.get(OutboxMessage, ours).status is OutboxStatus.PENDING  # type: ignore[union-attr]


@pytest.mark.parametrize("path", ["/dashboard", "/units", "/audit"])
def test_the_pages_speak_english_when_asked(site: Site, path: str) -> None:
    page = ok(site.client(Role.SECRETARIAT), f"{path}?lang=en")
    assert '<html lang="en">' in page
    assert 'href="/audit"' in page
    assert "ภาพรวม" not in page  # the nav is in English too


def test_a_unit_officer_is_refused_the_secretariats_pages(site: Site) -> None:
    phone = site.unit_client(FINANCE)
    for path in MY_PAGES:
        assert phone.get(path).status_code == 403, path
    assert site.anonymous().get("/dashboard").headers["location"].startswith("/login")


def test_a_series_feed_address_is_shown_to_staff_and_can_be_revoked(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    with site.session() as session:
        series_id = session.scalar(select(MeetingSeries.id))
    assert f'action="/series/{series_id}/feed"' in ok(staff, "/series")
    assert 'action="/series/' not in ok(site.client(Role.VIEWER), "/series")
    answer = post(staff, f"/series/{series_id}/feed", "/series")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    found = re.search(r'<code id="feed-link">([^<]+)</code>', answer.text)
    assert found
    assert found.group(1).startswith(PUBLIC_URL + "/feeds/")
    path = found.group(1).removeprefix(PUBLIC_URL)
    calendar = site.anonymous().get(path)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "20261216T093000" in calendar.text  # the 16 December meeting, local time
    again = post(staff, f"/series/{series_id}/feed", "/series")
    assert path in again.text  # the same address until it is revoked

    revoke = re.search(r'<form method="post" action="([^"]+/feed/revoke)"', answer.text)
    assert revoke
    assert revoke.group(1) == f"/series/{series_id}/feed/revoke"
    assert post(staff, revoke.group(1), "/series").status_code == 303
    assert site.anonymous().get(path).status_code == 404


def test_a_units_feed_address_opens_its_calendar(site: Site) -> None:
    staff = site.client(Role.SECRETARIAT)
    finance = unit_id(site, FINANCE)
    units_page = ok(staff, "/units")
    assert f'action="/units/{finance}/feed"' in units_page
    assert (
        f'action="/units/{unit_id(site, EVERY_UNIT)}/feed"' not in units_page
    )  # no feed of its own
    answer = post(staff, f"/units/{finance}/feed")
    found = re.search(r'<code id="feed-link">[^<]*(/feeds/[^<]+)</code>', answer.text)
    assert found
    calendar = site.anonymous().get(found.group(1))
    assert calendar.status_code == 200
    assert "BEGIN:VCALENDAR" in calendar.text
    assert post(staff, f"/units/{finance}/feed/revoke").status_code == 303
    assert site.anonymous().get(found.group(1)).status_code == 404
