"""The meeting's progress report printed: `tracker report --meeting … --format pdf|html` on
the imported seed, read back as its readers would (pdftotext, pdffonts, a picture of page 1),
and the secretariat's e-mail carrying the PDF through a real SMTP server.

Expected values are the seed's (../shared/vectors/seed-expected.json) and the calendar
worked out by hand: the heads' meeting is every 1st, 3rd and 5th Wednesday, so the 2 Nov 2022
meeting follows the 19 Oct one and precedes the 16 Nov one; its report is due one working day
before, at 08:00 (Tuesday 1 Nov).
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from followup_cli_support import (
    EXPECTED,
    outbox_dir_fixture,  # noqa: F401
    secretariat,
    seed_cli_fixture,  # noqa: F401
    seed_task_ids,
    series_name,
)
from notify_smtp_support import Handler, Server
from report_support import page_png, pdf_fonts, pdf_text

MEETING = "2022-11-02"
TITLE = "รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
# A unit's note with the words PDF text layers get wrong (sara am, tone marks over vowels).
HARD_NOTE = "ดำเนินการแบ่งหน้าที่ให้ผู้รับผิดชอบปฏิบัติแล้ว น้ำหนักงานเท่ากันทุกกอง"
REPORT_DUE = "2022-11-01T08:30+07:00"

pytestmark = pytest.mark.slow


def squeezed(text: str) -> str:
    """No white space at all: a table cell's line wraps are not part of its words."""
    return "".join(text.split())


@pytest.fixture
def noted_seed_cli(seed_cli):  # type: ignore[no-untyped-def]
    """The seed with step 2 at 40 % and the hard note, written on 25 Oct 2022."""
    ids = seed_task_ids(seed_cli)
    seed_cli.env(TRACKER_NOW="2022-10-25T10:00:00+07:00")
    seed_cli.ok("progress", str(ids[2]), "40", "--by", secretariat(seed_cli), "--note", HARD_NOTE)
    return seed_cli


def test_the_pdf_reads_back_the_seeds_titles_units_and_be_dates(
    noted_seed_cli, tmp_path: Path
) -> None:
    target = tmp_path / "meeting.pdf"
    noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "pdf", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")

    text = pdf_text(data)
    lines = [line.strip() for line in text.splitlines()]
    assert TITLE in lines  # the title on one line, exactly
    assert EXPECTED["organization"]["name"] in lines
    assert f"{series_name(noted_seed_cli)} วันที่ 2 พฤศจิกายน 2565" in lines
    flat = squeezed(text)
    for unit in EXPECTED["units"]:
        assert squeezed(unit["name"]) in flat
    assert squeezed(HARD_NOTE) in flat
    for word in ("การ", "ดำเนินการ", "น้ำ", "ผู้รับผิดชอบ", "ปฏิบัติ"):
        assert word in text
    assert "กำร" not in text  # what WeasyPrint's text layer reads for การ
    assert "ดาเนิน" not in text
    # BE dates: the meetings around it, and the steps' periods (step 1: พ.ย.๒๕๖๕).
    assert "การประชุมครั้งก่อน 19 ต.ค. 2565" in text
    assert "การประชุมครั้งถัดไป 16 พ.ย. 2565" in text
    # A period is never wrapped (its column's kind is "date"): whole on its line.
    assert "ตั้งแต่ พ.ย. 2565" in text
    assert "ตั้งแต่ ธ.ค. 2565" in text
    assert "ม.ค. – มี.ค. 2566" in text  # step 5, read as FY2566's Jan–Mar
    assert "ร้อยละ" in text
    assert "40 %" in text


def test_the_pdf_embeds_sarabun_in_both_weights_and_no_synthetic_glyphs(
    noted_seed_cli, tmp_path: Path
) -> None:
    target = tmp_path / "meeting.pdf"
    noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "pdf", "-o", str(target))
    fonts = pdf_fonts(target.read_bytes())

    assert fonts, "pdffonts lists no font"
    assert all(font["emb"] == "yes" for font in fonts)
    assert not [font for font in fonts if "Type 3" in font["type"]]
    names = {font["name"].split("+", 1)[-1] for font in fonts}
    assert {"Sarabun-Regular", "Sarabun-Bold"} <= names


def test_page_one_is_kept_as_a_picture(noted_seed_cli, tmp_path: Path) -> None:
    target = tmp_path / "meeting.pdf"
    noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "pdf", "-o", str(target))
    picture = page_png(target.read_bytes(), "meeting-report-page-1", tmp_path)

    assert picture.read_bytes().startswith(b"\x89PNG")
    assert picture.stat().st_size > 20_000  # a page with text and tables, not a blank one


def test_a_binary_format_without_a_file_is_one_line_and_writes_nothing(
    noted_seed_cli, tmp_path: Path
) -> None:
    refused = noted_seed_cli("report", "--meeting", MEETING, "--format", "pdf")
    assert refused.exit_code != 0
    assert "--output/-o" in refused.stderr.strip()
    assert len(refused.stderr.strip().splitlines()) == 1
    assert refused.stdout == ""


def test_the_html_page_is_the_printable_document(noted_seed_cli) -> None:
    page = noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "html").stdout

    assert f"<title>{TITLE}</title>" in page
    assert "@page{size:A4 landscape" in page
    assert "@font-face{font-family:" in page
    assert "data:font/ttf;base64," in page
    assert page.count('<tr class="group">') >= 4  # the measure, and the three change groups
    assert HARD_NOTE in page


# --- the secretariat's e-mail ------------------------------------------------------------------


def _attachments(mail: EmailMessage) -> list[tuple[str, str, bytes]]:
    return [
        (part.get_filename() or "", part.get_content_type(), part.get_content())
        for part in mail.iter_attachments()
    ]


def test_the_secretariats_mail_carries_the_pdf_once(noted_seed_cli) -> None:
    with Server(Handler()) as server:
        noted_seed_cli.env(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(server.port))
        noted_seed_cli.ok(
            "series", "recipient", series_name(noted_seed_cli), "email", "ita@phrae-pao.example"
        )
        noted_seed_cli.ok("remind", "--now", REPORT_DUE)
        noted_seed_cli.ok("remind", "--now", REPORT_DUE)  # a second run sends nothing again

        mails = [m for m in server.mails if "ita@phrae-pao.example" in m.recipients]
    assert len(mails) == 1
    message = mails[0].message
    files = _attachments(message)
    assert [(name, kind) for name, kind, _ in files] == [
        (f"progress-report-{MEETING}.pdf", "application/pdf")
    ]
    text = pdf_text(files[0][2])
    assert TITLE in text
    assert squeezed(HARD_NOTE) in squeezed(text)
    body = message.get_body(("plain",))
    assert body is not None
    assert "2 พ.ย. 2565" in body.get_content()


def test_without_chromium_the_report_is_mailed_without_its_pdf_and_says_so(
    noted_seed_cli, tmp_path: Path
) -> None:
    with Server(Handler()) as server:
        noted_seed_cli.env(
            TRACKER_SMTP_HOST="127.0.0.1",
            TRACKER_SMTP_PORT=str(server.port),
            TRACKER_CHROMIUM=str(tmp_path / "no-chromium"),
        )
        noted_seed_cli.ok(
            "series", "recipient", series_name(noted_seed_cli), "email", "ita@phrae-pao.example"
        )
        done = noted_seed_cli.ok("remind", "--now", REPORT_DUE)
        mails = [m for m in server.mails if "ita@phrae-pao.example" in m.recipients]

    assert len(mails) == 1
    assert _attachments(mails[0].message) == []
    assert "progress reports go without their PDF" in done.stderr
    assert "TRACKER_CHROMIUM" in done.stderr


def test_the_file_channel_keeps_the_pdf_beside_the_message(noted_seed_cli, outbox_dir) -> None:
    noted_seed_cli.ok("remind", "--now", REPORT_DUE)

    reports = [p for p in outbox_dir.rglob("*") if p.is_file() and MEETING in str(p)]
    pdfs = [p for p in reports if p.name.endswith(".pdf")]
    texts = [p for p in reports if p.name.startswith("progress-report") and p.suffix == ".txt"]
    assert len(pdfs) == 1
    assert len(texts) == 1
    assert f"Attached: {pdfs[0].name}" in texts[0].read_text(encoding="utf-8")
    assert TITLE in pdf_text(pdfs[0].read_bytes())


# --- the same report as a workbook and a Word file ---------------------------------------------


def test_the_workbook_holds_the_reports_numbers_as_numbers(noted_seed_cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "meeting.xlsx"
    noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "xlsx", "-o", str(target))
    book = load_workbook(target)

    steps = [list(r) for r in book["ขั้นตอน"].iter_rows(min_row=2, values_only=True)]
    by_ref = {row[0]: row for row in steps if row[0] and str(row[0]).startswith("1.")}
    assert sorted(by_ref) == [f"1.{n}" for n in range(1, 8)]  # the seed's seven steps
    assert by_ref["1.2"][5] == 40  # percent as a number, not "40 %"
    assert HARD_NOTE in by_ref["1.2"][6]
    assert all(by_ref[f"1.{n}"][5] == 0 for n in (1, 3, 4, 5, 6, 7))

    units = [list(r) for r in book["หน่วยงาน"].iter_rows(min_row=2, values_only=True)]
    # Steps 1, 2, 5, 6, 7 are the secretariat's and 3, 4 the every-unit group's (the seed's
    # table); every step but #2 (40 %) is at 0: the secretariat's mean is 40/5 = 8, the group's 0.
    totals = {squeezed(str(row[0])): tuple(row[1:4]) for row in units if row[0]}
    secretariat_name = squeezed(EXPECTED["units"][0]["name"])
    assert totals[secretariat_name] == (5, 0, 8)
    assert totals[squeezed(EXPECTED["units"][1]["name"])] == (2, 0, 0)
    assert totals["รวม"] == (7, 0, round(40 / 7, 1))


def test_the_word_file_holds_the_steps_and_the_note(noted_seed_cli, tmp_path: Path) -> None:
    from docx import Document as WordDocument

    target = tmp_path / "meeting.docx"
    noted_seed_cli.ok("report", "--meeting", MEETING, "--format", "docx", "-o", str(target))
    word = WordDocument(str(target))

    texts = [p.text for p in word.paragraphs]
    assert TITLE in texts
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert any(HARD_NOTE in cell for cell in cells)
    assert any(squeezed(EXPECTED["units"][0]["name"]) == squeezed(cell) for cell in cells)
