"""One-tap links in follow-up messages: with TRACKER_PUBLIC_URL set, every reminder, deadline
alert and overdue digest to a unit ends with the link to that unit's page (text, HTML and the
``Link`` header), renewed by each message; every unit message lists its tasks' ids in
``X-Tracker-Tasks``; a retried message keeps what it was queued with; `tracker outbox` never
shows a link's secret. Without TRACKER_PUBLIC_URL the words are what they were.

The demo plan (examples/demo-plan.yaml), imported on 14 Dec 2026 (web_support.NOW): its
series meets on the 1st, 3rd and 5th Wednesday at 09:30 (30 Dec 2026 cancelled), reminders go
2 working days before at 09:00 (worked out here from the `holidays` package), alerts 7 and 1
days before a task's end at 09:00, digests on Mondays at 08:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from followup_cli_support import bangkok, working_days_before
from line_fake import LineApi, line_api_fixture  # noqa: F401
from sqlalchemy import select
from web_support import (  # noqa: F401
    DEMO_PLAN,
    FINANCE,
    PALAD,
    PUBLIC_URL,
    Site,
    site_fixture,
    web_settings,
)

from tracker.followup.dispatcher import dispatch
from tracker.followup.jobs.base import JobResult
from tracker.followup.runner import run_job
from tracker.followup.simulate import simulate
from tracker.models import AccessToken, OutboxMessage, Task, TokenKind, Unit
from tracker.notify import Message, QuotaExhausted, TemporaryFailure
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.units import add_contact, get_unit

WORKS = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
JAN_6 = date(2027, 1, 6)  # 1st Wednesday of January 2027 (the 30 Dec meeting is cancelled)
FEB_3 = date(2027, 2, 3)  # 1st Wednesday of February 2027, four weeks later
LINK_DAYS = 60  # TRACKER_LINK_DAYS' default: a link lives 60 days after its last message
LINK_LINE = re.compile(r"^เปิดหน้างานของหน่วยงาน \(กดเพื่อรายงานผล\): (\S+)$", re.MULTILINE)
LISTED = re.compile(r"^(?: • )?#(\d+) \(", re.MULTILINE)  # a task line of a message
# Each unit's page lists a task only it has at the 6 Jan meeting, and not one of another's.
OWN_TASK = {
    PALAD: ("มอบหมายผู้รับผิดชอบข้อมูล", "เผยแพร่สรุปผลการจัดซื้อจัดจ้าง"),
    FINANCE: ("เผยแพร่สรุปผลการจัดซื้อจัดจ้าง", "อบรมคุณธรรม"),
    WORKS: ("จัดทำแนวปฏิบัติการขอยืม", "เผยแพร่สรุปผลการจัดซื้อจัดจ้าง"),
    EDUCATION: ("อบรมคุณธรรม", "จัดทำแนวปฏิบัติการขอยืม"),
}


def reminder_moment(meeting: date) -> datetime:
    """Half an hour after the reminder of ``meeting`` came due (2 working days before, 09:00)."""
    return bangkok(working_days_before(meeting, 2), 9, 30)


def run(site: Site, job: str, at: datetime, **options: object) -> JobResult:
    """Run one catalogued job at ``at`` on the site's database, as the scheduler would."""
    site.at(at)
    settings = options.pop("settings", site.settings)
    return run_job(
        job,
        settings,  # type: ignore[arg-type]
        at,
        worker="test",
        factory=site.factory,
        **options,  # type: ignore[arg-type]
    )


def messages_of(site: Site, job: str) -> list[OutboxMessage]:
    with site.session() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.job == job).order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
    return rows


def unit_names(site: Site) -> dict[int, str]:
    with site.session() as session:
        return {unit.id: unit.name for unit in session.scalars(select(Unit))}


def task_ids(site: Site) -> dict[str, int]:
    """Task id by its reference in the plan ("1.3": measure 1, step 3)."""
    with site.session() as session:
        return {f"{t.measure.position}.{t.number}": t.id for t in session.scalars(select(Task))}


def unit_links(site: Site) -> list[AccessToken]:
    with site.session() as session:
        rows = list(
            session.scalars(select(AccessToken).where(AccessToken.kind == TokenKind.UNIT_LINK))
        )
        session.expunge_all()
    return rows


def link_in(text: str) -> str:
    found = LINK_LINE.findall(text)
    assert len(found) == 1, text
    return str(found[0])


def to(rows: list[OutboxMessage], site: Site, unit: str) -> OutboxMessage:
    names = unit_names(site)
    (row,) = [r for r in rows if r.unit_id is not None and names[r.unit_id] == unit]
    return row


def opens_page_of(site: Site, url: str, unit: str) -> None:
    """Opening ``url`` signs a phone in as ``unit`` and shows its page with its own task."""
    assert url.startswith(f"{PUBLIC_URL}/u/")
    client = site.anonymous()
    opened = client.get(url.removeprefix(PUBLIC_URL))
    assert opened.status_code == 303, opened.text
    assert opened.headers["location"] == "/unit"
    page = client.get("/unit")
    assert page.status_code == 200
    own, other = OWN_TASK[unit]
    assert own in page.text
    assert other not in page.text


# --- reminders -------------------------------------------------------------------------------


def test_each_reminder_carries_its_units_link_and_the_link_opens_that_units_page(
    site: Site,
) -> None:
    result = run(site, "meeting-reminders", reminder_moment(JAN_6))

    reminders = messages_of(site, "meeting-reminder")
    assert result.queued == len(reminders) == 4  # the every-unit task 2.4 is open for all four
    names = unit_names(site)
    assert sorted(names[r.unit_id] for r in reminders if r.unit_id) == sorted(OWN_TASK)
    for row in reminders:
        url = link_in(row.body_text)
        assert row.body_text.endswith(f"\n\nเปิดหน้างานของหน่วยงาน (กดเพื่อรายงานผล): {url}\n")
        assert row.body_html is not None
        assert f'<a href="{url}">{url}</a>' in row.body_html
        assert row.headers is not None
        assert row.headers["Link"] == f'<{url}>; rel="alternate"'
        assert "tracker done" not in row.body_text  # the page is how a unit answers now
        assert row.unit_id is not None
        opens_page_of(site, url, names[row.unit_id])
    assert len({link_in(r.body_text) for r in reminders}) == 4  # a link of its own each


def test_a_reminder_a_month_later_carries_the_same_link_and_moves_its_expiry(site: Site) -> None:
    first_at = reminder_moment(JAN_6)
    run(site, "meeting-reminders", first_at)
    first = link_in(to(messages_of(site, "meeting-reminder"), site, FINANCE).body_text)
    with site.session() as session:
        unit = get_unit(session, get_organization(session, None), FINANCE)
        finance_id = unit.id
    (link,) = [t for t in unit_links(site) if t.unit_id == finance_id]
    assert link.expires_at == first_at + timedelta(days=LINK_DAYS)

    second_at = reminder_moment(FEB_3)
    assert second_at - first_at == timedelta(weeks=4)
    run(site, "meeting-reminders", second_at)

    rows = [
        r
        for r in messages_of(site, "meeting-reminder")
        if r.unit_id == finance_id and f"/{FEB_3}/" in r.occurrence
    ]
    assert len(rows) == 1
    assert link_in(rows[0].body_text) == first
    (renewed,) = [t for t in unit_links(site) if t.unit_id == finance_id]
    assert renewed.id == link.id
    assert renewed.expires_at == second_at + timedelta(days=LINK_DAYS)
    opens_page_of(site, first, FINANCE)


def test_the_tasks_header_lists_exactly_the_tasks_each_message_lists(site: Site) -> None:
    run(site, "meeting-reminders", reminder_moment(JAN_6))

    reminders = messages_of(site, "meeting-reminder")
    for row in reminders:
        assert row.headers is not None
        assert row.headers["X-Tracker-Tasks"].split(",") == LISTED.findall(row.body_text)
    ids = task_ids(site)
    finance = to(reminders, site, FINANCE)
    assert finance.headers is not None
    # กองคลัง's open tasks started by 6 Jan: its own 1.3, 1.4 (with สำนักปลัด), 2.1 (with
    # กองช่าง) and the every-unit 2.4.
    listed = {int(i) for i in finance.headers["X-Tracker-Tasks"].split(",")}
    assert listed == {ids["1.3"], ids["1.4"], ids["2.1"], ids["2.4"]}
    education = to(reminders, site, EDUCATION)
    assert education.headers is not None
    assert {int(i) for i in education.headers["X-Tracker-Tasks"].split(",")} == {
        ids["2.3"],
        ids["2.4"],
    }


def test_without_a_public_url_messages_carry_no_link_and_answer_by_command(site: Site) -> None:
    settings = site.settings.replace(public_url=None)

    run(site, "meeting-reminders", reminder_moment(JAN_6), settings=settings)

    reminders = messages_of(site, "meeting-reminder")
    assert len(reminders) == 4
    names = unit_names(site)
    for row in reminders:
        assert "/u/" not in row.body_text
        assert "/u/" not in (row.body_html or "")
        assert "เปิดหน้างาน" not in row.body_text
        assert row.headers is not None
        assert "Link" not in row.headers
        first = LISTED.findall(row.body_text)[0]
        assert row.headers["X-Tracker-Tasks"].split(",")[0] == first
        assert row.unit_id is not None
        unit = names[row.unit_id]
        assert f'  tracker done {first} --by "{unit}" --evidence https://…\n' in row.body_text
    assert unit_links(site) == []  # no link was made for messages that carry none


def test_a_dry_run_makes_and_renews_no_link(site: Site) -> None:
    result = run(site, "meeting-reminders", reminder_moment(JAN_6), dry_run=True)

    assert result.queued == 4
    assert messages_of(site, "meeting-reminder") == []
    assert unit_links(site) == []


# --- alerts and digests ----------------------------------------------------------------------


def test_a_deadline_alert_carries_the_link_and_its_one_task(site: Site) -> None:
    # Task 2.1 (กองคลัง and กองช่าง) ends on 31 Jan 2027: its 7-day alert is due 24 Jan, 09:00.
    run(site, "deadline-alerts", bangkok(date(2027, 1, 24), 9, 30))

    alerts = messages_of(site, "deadline-alert")
    ids = task_ids(site)
    assert sorted(r.occurrence for r in alerts) == [f"{ids['2.1']}/2027-01-31/7d"] * 2
    for unit in (FINANCE, WORKS):
        row = to(alerts, site, unit)
        url = link_in(row.body_text)
        assert row.body_html is not None
        assert f'<a href="{url}">{url}</a>' in row.body_html
        assert row.headers == {
            "X-Tracker-Tasks": str(ids["2.1"]),
            "Link": f'<{url}>; rel="alternate"',
        }
        opens_page_of(site, url, unit)


def test_the_overdue_digest_carries_the_link_and_the_overdue_tasks(site: Site) -> None:
    # Monday 4 Jan 2027: only 1.2 (สำนักปลัด, due 30 Nov 2026, in progress) is overdue.
    monday = bangkok(date(2027, 1, 4), 9, 30)
    run(site, "overdue-digests", monday)
    run(site, "meeting-reminders", monday)  # the 6 Jan reminders are due that morning too

    (digest,) = messages_of(site, "overdue-digest")
    names = unit_names(site)
    assert digest.unit_id is not None
    assert names[digest.unit_id] == PALAD
    url = link_in(digest.body_text)
    assert digest.headers == {
        "X-Tracker-Tasks": str(task_ids(site)["1.2"]),
        "Link": f'<{url}>; rel="alternate"',
    }
    assert digest.body_html is not None
    assert f'<a href="{url}">{url}</a>' in digest.body_html
    # One link per unit: the reminder of the same morning carries the same one.
    assert link_in(to(messages_of(site, "meeting-reminder"), site, PALAD).body_text) == url
    opens_page_of(site, url, PALAD)


# --- delivery --------------------------------------------------------------------------------


class RecordingSender:
    """Accepts every message, except that LINE fails first for a while, then for good (its
    monthly quota), so the message goes to the unit's e-mail fallback."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Message]] = []
        self.line_tries = 0

    def __call__(self, channel: str, address: str, message: Message) -> None:
        self.sent.append((channel, address, message))
        if channel == "line":
            self.line_tries += 1
            if self.line_tries == 1:
                raise TemporaryFailure("LINE answered 500")
            raise QuotaExhausted("LINE: the monthly limit has been reached")


def test_a_retried_message_and_its_email_fallback_keep_the_link_it_was_queued_with(
    site: Site,
) -> None:
    line_user = "U" + "0123456789abcdef" * 2
    with site.session() as session:
        unit = get_unit(session, get_organization(session, None), FINANCE)
        add_contact(session, unit, "line", line_user)
        add_contact(session, unit, "email", "finance@example.go.th", fallback=True)
    at = reminder_moment(JAN_6)
    run(site, "meeting-reminders", at)
    queued = to(messages_of(site, "meeting-reminder"), site, FINANCE)
    assert queued.channel == "line"
    sender = RecordingSender()

    dispatch(site.factory, at, sender, worker="test")  # LINE fails: tried again in a minute
    with site.session() as session:  # meanwhile the link is revoked and a new one made
        unit = get_unit(session, get_organization(session, None), FINANCE)
        access.revoke_unit_links(session, unit, at)
        access.current_unit_link(session, site.settings.secret_key_bytes(), unit, at)
    dispatch(site.factory, at + timedelta(minutes=2), sender, worker="test")

    finance_addresses = (line_user, "finance@example.go.th")
    tries = [(channel, m) for channel, address, m in sender.sent if address in finance_addresses]
    assert [channel for channel, _m in tries] == ["line", "line", "email"]
    for _channel, message in tries:
        assert message.text == queued.body_text
        assert message.html == queued.body_html
        assert message.headers == queued.headers
    url = link_in(queued.body_text)
    assert tries[-1][1].headers["Link"] == f'<{url}>; rel="alternate"'
    fallback = [r for r in messages_of(site, "meeting-reminder") if r.fallback_of == queued.id]
    assert [r.headers for r in fallback] == [queued.headers]


def test_a_reminder_pushed_to_line_has_the_link_and_a_button_card_per_listed_task(
    site: Site, line_api: LineApi
) -> None:
    line_user = "U" + "fedcba9876543210" * 2
    with site.session() as session:
        add_contact(
            session, get_unit(session, get_organization(session, None), FINANCE), "line", line_user
        )
    at = reminder_moment(JAN_6)
    run(site, "meeting-reminders", at)
    queued = to(messages_of(site, "meeting-reminder"), site, FINANCE)
    line = {"line": {"token": line_api.token, "api_url": line_api.url}}
    settings = site.settings.replace(channel_settings=line)

    result = run(site, "dispatch", at, settings=settings)

    assert result.sent == 4  # กองคลัง's by LINE, the three others to their files
    (push,) = line_api.pushes_to(line_user)
    assert link_in("".join(push.texts)) == link_in(queued.body_text)
    (card,) = [m for m in push.body["messages"] if m["type"] == "template"]
    done = [column["actions"][0]["data"] for column in card["template"]["columns"]]
    assert done == [f"action=done&task={i}" for i in LISTED.findall(queued.body_text)]


def test_the_outbox_listing_never_shows_a_links_secret(site: Site, cli) -> None:  # type: ignore[no-untyped-def]
    run(site, "meeting-reminders", reminder_moment(JAN_6))
    finance = to(messages_of(site, "meeting-reminder"), site, FINANCE)
    url = link_in(finance.body_text)
    secret = url.rsplit("/", 1)[1]

    listed = [
        cli.ok("outbox"),
        cli.ok("outbox", "--json"),
        cli.ok("outbox", "show", str(finance.id)),
        cli.ok("outbox", "show", str(finance.id), "--json"),
        cli.ok("--lang", "en", "outbox", "show", str(finance.id)),
    ]

    for result in listed:
        assert secret not in result.stdout
        assert secret not in result.stderr
    shown = listed[3].json()
    assert shown["text"].endswith(f"เปิดหน้างานของหน่วยงาน (กดเพื่อรายงานผล): {PUBLIC_URL}/u/***\n")
    assert shown["text"].replace(f"{PUBLIC_URL}/u/***", url) == finance.body_text


def test_a_simulation_carries_no_link_even_with_a_public_url(tmp_path: Path) -> None:
    # A simulation's scratch database would derive links from the real key that open the
    # real database's pages: its files must hold none.
    settings = web_settings(tmp_path, "sqlite://")
    assert settings.public_url == PUBLIC_URL
    outbox = tmp_path / "simulated"
    events = simulate(
        [read_plan_document(DEMO_PLAN)], date(2027, 1, 1), date(2027, 1, 31), outbox, settings
    )

    assert any(e.job == "meeting-reminder" for e in events)
    written = [path.read_text(encoding="utf-8") for path in outbox.rglob("*.txt")]
    assert written
    assert all("/u/" not in text and "เปิดหน้างาน" not in text for text in written)
    assert any("tracker done" in text for text in written)
