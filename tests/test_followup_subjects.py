"""Every subject arrives as it was queued: four months of the demo plan's follow-up
(reminders, progress reports, deadline alerts, overdue digests, in Thai and in English) sent
to a real SMTP server, each received message decoded with ``email.policy.default`` and
compared with its ledger row, found by its Message-ID.

Python's own header folding put the space of "กองการศึกษา ศาสนาและวัฒนธรรม (1 รายการ)" between
two encoded words, where a reader drops it ("(1รายการ)"): the demo plan's สำนักปลัด, which has
overdue work every week, is renamed so in this test, and the test checks that its digests are
among those sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DEMO_PLAN
from followup_support import BKK, SmtpServer, outbox, smtp_fixture  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.followup.catalogue import JOBS, JobRun
from tracker.followup.delivery import make_sender
from tracker.followup.dispatcher import dispatch
from tracker.followup.jobs import Options
from tracker.importers import read_source
from tracker.models import OutboxStatus, Unit, UnitContact
from tracker.services.plan_import import import_plan

IMPORTED = datetime(2026, 11, 25, 10, 0, tzinfo=BKK)
FOLDED_BADLY = "กองการศึกษา ศาสนาและวัฒนธรรม"


def import_demo_with_mail(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        import_plan(session, read_source(DEMO_PLAN).document, now=IMPORTED, actor="test")
    with unit_of_work(factory) as session:
        for number, unit in enumerate(session.scalars(select(Unit).order_by(Unit.id))):
            if unit.name == "สำนักปลัด":
                unit.name = FOLDED_BADLY
            elif unit.name == FOLDED_BADLY:
                unit.name = "กองการศึกษา"
            for role in ("unit", "head"):
                address = f"{role}{number}@thungdaoruang.example"
                session.add(
                    UnitContact(unit_id=unit.id, channel="email", address=address, role=role)
                )


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_subject_of_four_months_arrives_exactly_as_queued(
    session_factory: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path, lang: str
) -> None:
    import_demo_with_mail(session_factory)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())
    options = Options(lang=lang)
    for day in range(120):  # 10:00 each day: after every sweep's moment of that day
        now = IMPORTED + timedelta(days=day)
        run = JobRun(session_factory, now, options, worker="test", sender=lambda: send)
        for job in JOBS:
            if job.kind is not None:
                job.run(run)
        dispatch(session_factory, now, send, worker="test")

    rows = outbox(session_factory)
    sent = [m for m in rows if m.status is OutboxStatus.SENT and m.channel == "email"]
    assert all(m.status is OutboxStatus.SENT for m in rows if m.channel == "file")  # reports
    assert {m.job for m in sent} >= {"meeting-reminder", "deadline-alert", "overdue-digest"}
    by_id = {mail.message["Message-ID"]: mail for mail in smtp.mails}
    assert len(by_id) == len(smtp.mails) == len(sent)
    for row in sent:
        mail = by_id[f"<{row.idempotency_key}@localhost>"]
        assert str(mail.message["Subject"]) == row.subject, (row.job, row.subject)
    if lang == "th":
        assert any(FOLDED_BADLY in m.subject and " รายการ)" in m.subject for m in sent)
