"""The e-mail transport's Message-ID and Subject, as an aiosmtpd server on 127.0.0.1 received
them (the servers: tests/notify_smtp_support.py).

Expected values come from the RFCs: RFC 5322 3.6.4 (Message-ID is ``<id-left@id-right>``),
RFC 2047 (encoded words; whitespace between two of them is not part of the text).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notify_smtp_support import (
    DIGEST,
    KEY,
    TO,
    Handler,
    Server,
    decoded_subject,
    header_lines,
    message,
)

from tracker.notify.smtp import SmtpTransport

# --- Message-ID ---------------------------------------------------------------------------------


def test_every_send_of_one_ledger_row_carries_the_message_id_key_at_the_from_domain() -> None:
    with Server(Handler()) as server:
        transport = server.transport()
        transport.send(TO, message())
        transport.send(TO, message())  # the same row again, as after a crash
        transport.send(TO, message(key=""))
        transport.send(TO, message(key=""))
    ids = [m.message["Message-ID"] for m in server.mails]
    assert ids[:2] == [f"<{KEY}@phrae.go.th>"] * 2
    # outside the ledger: a fresh id each time, still at the From domain
    assert ids[2] != ids[3]
    assert all(i.startswith("<") and i.endswith("@phrae.go.th>") for i in ids[2:])


@pytest.mark.parametrize(
    ("sender", "domain"),
    [
        ("ita@phrae.go.th", "phrae.go.th"),
        ("ITA Tracker <ita@xn--12c1fe0br.xn--o3cw4h>", "xn--12c1fe0br.xn--o3cw4h"),
        ("ITA Tracker <ita@ตัวอย่าง.ไทย>", "ตัวอย่าง.ไทย".encode("idna").decode()),
        ("ITA Tracker", "ita-tracker.invalid"),
        ("ITA Tracker <ita@>", "ita-tracker.invalid"),
    ],
)
def test_the_message_id_domain_is_the_from_domain_or_a_reserved_invalid_one(
    sender: str, domain: str
) -> None:
    built = SmtpTransport("127.0.0.1", 25, sender).build(TO, message())
    assert built["Message-ID"] == f"<{KEY}@{domain}>"


# --- the Subject --------------------------------------------------------------------------------

SUBJECTS = [
    DIGEST,
    "แจ้งเตือน: งานที่เลยกำหนด (4 รายการ) ของกองคลัง องค์การบริหารส่วนจังหวัดแพร่",
    "[ITA] แจ้งเตือน: งานที่เลยกำหนด (12 รายการ) ของกองช่าง องค์การบริหารส่วนจังหวัดแพร่ ปี 2566",
    "ขอรายงานความคืบหน้า: ประชุมคณะทำงาน ITA ครั้งที่ 4/2566 วันที่ 2 ส.ค. 2566 (เหลือ 2 วัน)",
    "ITA Tracker digest: overdue tasks (4 รายการ) ของกองคลัง",
    "Deadline alert: task #12 is due on 30 Sep 2023 (3 days left)",
    "ครบกำหนด  (2  รายการ)  ช่องว่างคู่",
    "  นำหน้าและตามหลัง  ",
    " leading and trailing ",
    "double  space in ASCII",
    "(4 รายการ)",
    "4 รายการ",
    "a" * 120,
    "ก" * 120,
    "Tracker องค์การบริหารส่วนจังหวัดแพร่ กองช่าง ITA [ITA] งานที่เลยกำหนด ครั้งที่ Tracker",
    "=?utf-8?q?not_an_encoded_word?= and more",
    "",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_arrives_exactly_as_queued_in_lines_of_at_most_78(subject: str) -> None:
    with Server(Handler()) as server:
        server.transport().send(TO, message(subject))
    (mail,) = server.mails
    assert decoded_subject(mail) == subject
    assert max(len(line) for line in header_lines(mail)) <= 78


def test_a_digest_subject_keeps_the_space_before_the_thai_word() -> None:
    """The case that was lost: "(4 รายการ)" arrived as "(4รายการ)"."""
    with Server(Handler()) as server:
        server.transport().send(TO, message(DIGEST))
    assert "(4 รายการ)" in decoded_subject(server.mails[0])


THAI = "กขคงจฉชซญดตถทนบปผพฟภมยรลวศษสหอฮะาำเแโใไๆ๑๒๓" + "ัิีึืุู่้๊๋็์"
WORDS = st.text(st.sampled_from(THAI + "ABCxyz0123456789()[]:#/.-"), min_size=1, max_size=25)
SPACES = st.sampled_from([" ", " ", " ", "  ", "   "])


@st.composite
def mixed_subjects(draw: st.DrawFn) -> str:
    """Thai and ASCII words, digits and parentheses, with single, double and edge spaces."""
    words = draw(st.lists(WORDS, min_size=1, max_size=14))
    text = words[0]
    for word in words[1:]:
        text += draw(SPACES) + word
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " "]))


@pytest.fixture(scope="module")
def shared_server() -> Iterator[Server]:
    with Server(Handler()) as server:
        yield server


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.one_of(
        mixed_subjects(), st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
    )
)
def test_any_subject_decodes_to_what_was_queued(shared_server: Server, subject: str) -> None:
    before = len(shared_server.mails)
    shared_server.transport().send(TO, message(subject))
    (mail,) = shared_server.mails[before:]
    assert decoded_subject(mail) == subject
    assert max(len(line) for line in header_lines(mail)) <= 78
