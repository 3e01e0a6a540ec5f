"""Reading PDF and Word files into report lines (tracker.importers.pdf, tracker.importers.word).

The PDFs are printed here by Chromium (one browser for the module) from HTML written below,
in the bundled Sarabun and in the Thai faces of fonts-thai-tlwg; one, exported by LibreOffice
(which CI lacks), is kept in tests/data/documents with the script that makes it. The Word
files are written here with python-docx, with the XML python-docx cannot write (text boxes,
tracked changes) added by hand. Every expected line is the HTML's or the document's own text,
written out by hand: a cell's wrapped lines joined with a space, a merged cell once, a cell
merged down from the row above "".
"""

from __future__ import annotations

import base64
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from tracker.errors import InvalidInput
from tracker.importers import pdf as pdf_reader
from tracker.importers.pdf import read_pdf_lines
from tracker.importers.text import Line, tidy
from tracker.importers.word import read_word_lines
from tracker.reports.fonts import bundled_fonts
from tracker.reports.pdf import PdfPrinter, find_chromium

DOCUMENTS = Path(__file__).parent / "data" / "documents"
MB = 10_000_000
BLANK = ("",)

# The Thai that PDF extraction gets wrong: stacked vowel and tone marks, sara am after a tone
# mark, the consonants whose tails a font shortens (ฐ ญ ฎ), ฤๅ.
MARKS_1 = "ผู้รับผิดชอบ เกี๊ยว ก๋วยเตี๋ยว ญี่ปุ่น ฤๅษี ปฏิบัติ ฎีกา กตัญญู ฐาน"
MARKS_2 = "น้ำ ก่ำ ค้ำ ซ้ำ ต่ำ ล้ำ สำนักงาน กำหนด ดำเนินการ"
MARKS_3 = "สิ่ง ที่นี่ ปี่ พี่ ชื่อ เรื่อง ปู่ อยู่ ทุ่ง ตั้ง"

STYLE = """
@page { size: A4; margin: 20mm; }
body { font-family: %(family)s; font-size: %(size)s; line-height: 1.5; margin: 0; }
h1 { font-size: 16pt; font-weight: 700; margin: 0; }
p { margin: 0; }
.gap { margin-top: 2em; }
.next { break-before: page; }
table { border-collapse: collapse; border-spacing: 0; }
table.ruled { margin-top: 1.5em; }
table.ruled td { border: 1px solid #000; padding: 2pt 6pt; vertical-align: top; }
table.plain td { padding: 0; }
table.plain td:first-child { width: 60mm; }
"""

REPORT_BODY = f"""
<h1>รายงานการวิเคราะห์ผลการประเมิน ITA ประจำปี ๒๕๖๗</h1>
<p>องค์การบริหารส่วนตำบลน้ำใส อำเภอเมือง จังหวัดสมมุติ</p>
<p class="gap">ผลคะแนน ๙๑.๓๐ คะแนน อยู่ในระดับ A</p>
<p>{MARKS_1}</p>
<p>{MARKS_2}</p>
<p>{MARKS_3}</p>
<table class="ruled">
<tr><td>ลำดับ</td><td>มาตรการ/ขั้นตอน</td><td>ระยะเวลา</td><td>ผู้รับผิดชอบ</td></tr>
<tr><td>๑</td><td>จัดทำคำสั่งแต่งตั้งคณะทำงาน<br>ขับเคลื่อนการประเมิน</td>
    <td>ต.ค. - ธ.ค. ๒๕๖๖</td>
    <td rowspan="2" style="vertical-align: middle">สำนักปลัด<br>และ<br>กองคลัง</td></tr>
<tr><td>๒</td><td>เผยแพร่ข้อมูลบนเว็บไซต์</td><td>ม.ค. ๒๕๖๗ เป็นต้นไป</td></tr>
<tr><td>๓</td><td colspan="2">ประชุมติดตามผลทุกวันพุธ สัปดาห์ที่ ๑,๓ ของเดือน</td>
    <td>กองคลัง<br>กองช่าง</td></tr>
</table>
<p class="gap">หมายเหตุ: ข้อมูลสมมุติเพื่อการทดสอบ</p>
<p class="next">ส่วนที่ ๒ ข้อคำถามที่ต้องพัฒนา</p>
<p>ข้อ I7 ผู้มาติดต่อได้รับการปฏิบัติอย่างเท่าเทียม มากน้อยเพียงใด</p>
<p>คะแนน ๗๙.๔๐</p>
<table class="plain gap">
<tr><td>เรื่อง</td><td>หน้า</td></tr>
<tr><td>คำนำ</td><td>ก</td></tr>
<tr><td>สารบัญ</td><td>ข</td></tr>
</table>
"""

# (page, cells) of every line of REPORT_BODY, worked out from the HTML above.
REPORT_LINES = [
    (1, ("รายงานการวิเคราะห์ผลการประเมิน ITA ประจำปี ๒๕๖๗",)),
    (1, ("องค์การบริหารส่วนตำบลน้ำใส อำเภอเมือง จังหวัดสมมุติ",)),
    (1, BLANK),
    (1, ("ผลคะแนน ๙๑.๓๐ คะแนน อยู่ในระดับ A",)),
    (1, (MARKS_1,)),
    (1, (MARKS_2,)),
    (1, (MARKS_3,)),
    (1, BLANK),
    (1, ("ลำดับ", "มาตรการ/ขั้นตอน", "ระยะเวลา", "ผู้รับผิดชอบ")),
    # The cell spanning two rows is drawn across both; its text is the first row's.
    (1, ("๑", "จัดทำคำสั่งแต่งตั้งคณะทำงาน ขับเคลื่อนการประเมิน", "ต.ค. - ธ.ค. ๒๕๖๖", "สำนักปลัด และ กองคลัง")),
    (1, ("๒", "เผยแพร่ข้อมูลบนเว็บไซต์", "ม.ค. ๒๕๖๗ เป็นต้นไป", "")),
    (1, ("๓", "ประชุมติดตามผลทุกวันพุธ สัปดาห์ที่ ๑,๓ ของเดือน", "กองคลัง กองช่าง")),
    (1, BLANK),
    (1, ("หมายเหตุ: ข้อมูลสมมุติเพื่อการทดสอบ",)),
    (2, ("ส่วนที่ ๒ ข้อคำถามที่ต้องพัฒนา",)),
    (2, ("ข้อ I7 ผู้มาติดต่อได้รับการปฏิบัติอย่างเท่าเทียม มากน้อยเพียงใด",)),
    (2, ("คะแนน ๗๙.๔๐",)),
    (2, BLANK),
    (2, ("เรื่อง", "หน้า")),
    (2, ("คำนำ", "ก")),
    (2, ("สารบัญ", "ข")),
]

# A box drawn round paragraphs, with a line across it touching its sides: ruling lines that
# cross, but no table (one column); its lines must stay lines.
BOXED_BODY = """
<div style="border: 1px solid #000; padding: 4pt 0">
<p>ข้อความในกรอบ บรรทัดแรก</p>
<p>ข้อความในกรอบ บรรทัดที่สอง</p>
<hr style="border: 0; border-top: 1px solid #000; margin: 4pt 0">
<p>ต่อจากเส้นคั่น</p>
</div>
"""

# The Thai faces of fonts-thai-tlwg (CI installs it with Chromium); each draws the marks its
# own way. One missing would be replaced by another Thai face: the text read is the same.
TLWG_FACES = ("Loma", "Garuda", "Laksaman", "Kinnari", "Norasi", "Waree", "Umpush", "Sawasdee")


def _html(body: str, family: str = "Sarabun", size: str = "11pt") -> str:
    faces = ""
    if family == "Sarabun":
        fonts = bundled_fonts()
        for weight, path in ((400, fonts.regular), (700, fonts.bold)):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            faces += (
                f"@font-face {{ font-family: Sarabun; font-weight: {weight}; "
                f"src: url(data:font/ttf;base64,{data}); }}\n"
            )
    style = faces + STYLE % {"family": family, "size": size}
    head = f'<meta charset="utf-8"><style>{style}</style>'
    return f'<!doctype html><html lang="th"><head>{head}</head><body>{body}</body></html>'


def _png(width: int, height: int) -> bytes:
    """A grey PNG image, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _hand_made_pdf(objects: list[str], trailer: str = "") -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalog) with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every PDF the tests read, printed by one Chromium."""
    folder = tmp_path_factory.mktemp("pdfs")
    image = base64.b64encode(_png(300, 200)).decode("ascii")
    documents = {
        "report": _html(REPORT_BODY),
        "scan": _html(f'<img src="data:image/png;base64,{image}" width="400">'),
    }
    documents["boxed"] = _html(BOXED_BODY)
    marks = f"<p>{MARKS_1}</p><p>{MARKS_2}</p><p>{MARKS_3}</p>"
    for face in TLWG_FACES:
        documents[face] = _html(marks, family=f"'{face}'", size="12pt")
    paths = {}
    with PdfPrinter(find_chromium()) as printer:
        for name, html in documents.items():
            paths[name] = folder / f"{name}.pdf"
            paths[name].write_bytes(printer.print(html))
    return paths


def _lines(lines: list[Line]) -> list[tuple[int | None, tuple[str, ...]]]:
    return [(line.page, line.cells) for line in lines]


# --- PDF ----------------------------------------------------------------------------------------


def test_a_chromium_pdf_reads_as_its_html_lines_tables_and_pages(pdfs: dict[str, Path]) -> None:
    lines = read_pdf_lines(pdfs["report"], max_bytes=MB)
    assert _lines(lines) == REPORT_LINES
    assert [line.number for line in lines] == list(range(1, len(REPORT_LINES) + 1))
    assert all(line.text == tidy(" ".join(line.cells)) for line in lines)
    row = lines[9]
    assert row.is_row
    assert row.where == "page 1, line 10"


def test_a_box_round_paragraphs_is_no_table(pdfs: dict[str, Path]) -> None:
    lines = read_pdf_lines(pdfs["boxed"], max_bytes=MB)
    assert [line.cells for line in lines if line.text] == [
        ("ข้อความในกรอบ บรรทัดแรก",),
        ("ข้อความในกรอบ บรรทัดที่สอง",),
        ("ต่อจากเส้นคั่น",),
    ]


@pytest.mark.parametrize("face", TLWG_FACES)
def test_thai_marks_stay_on_their_letters_in_every_thai_face(
    pdfs: dict[str, Path], face: str
) -> None:
    lines = read_pdf_lines(pdfs[face], max_bytes=MB)
    assert [line.text for line in lines] == [MARKS_1, MARKS_2, MARKS_3]


def test_a_libreoffice_pdf_has_its_tone_marks_put_back_on_their_letters() -> None:
    # LibreOffice draws the ๋ of "เตี๋ยว" after the next word ("ก๋วยเตียว เกี๊ยวน ๋ ้ำ" in
    # PDFium's own text) and the sara am of "น้ำ" in an ActualText span.
    lines = read_pdf_lines(DOCUMENTS / "libreoffice-thai.pdf", max_bytes=MB)
    assert _lines(lines) == [
        (1, ("ตัวอย่างเอกสารจากโปรแกรมเวิร์ด",)),
        (1, ("ผู้รับผิดชอบ ตั้งแต่ ขั้นตอน ก๋วยเตี๋ยว เกี๊ยวน้ำ ซึ่ง ที่นี่ สิ่ง",)),
        (1, BLANK),
        (1, ("ลำดับ", "ขั้นตอน", "ผู้รับผิดชอบ")),
        (1, ("๑", "แต่งตั้งคณะทำงาน", "สำนักปลัด")),
        (1, ("๒", "จัดทำคู่มือปฏิบัติงาน", "กองคลัง")),
        (1, BLANK),
        (1, ("ประชุมติดตามผลทุกวันพุธที่ ๑ ของเดือน",)),
    ]


def test_a_scanned_pdf_is_refused_as_having_no_text_layer(pdfs: dict[str, Path]) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(pdfs["scan"], max_bytes=MB)
    assert str(refused.value) == (
        f"{pdfs['scan']}: the PDF has no text layer: its pages are images (a scan?); export "
        "it from Word again as PDF, import the .docx itself, or run OCR on it first"
    )


def test_a_pdf_locked_with_a_password_is_refused(tmp_path: Path) -> None:
    # Wrong /O and /U keys: no password, empty or not, opens it.
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(
        _hand_made_pdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                f"<< /Filter /Standard /V 1 /R 2 /O <{'11' * 32}> /U <{'22' * 32}> /P -44 >>",
            ],
            f"/Encrypt 4 0 R /ID [<{'33' * 16}> <{'33' * 16}>] ",
        )
    )
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(locked, max_bytes=MB)
    assert str(refused.value) == (
        f"{locked}: the PDF is locked with a password: save a copy without the password "
        "(or export it again) and import that"
    )


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "not a PDF: the file is empty"),
        ("รายงานผลการประเมิน\n".encode(), "not a PDF: the file does not start with %PDF-"),
        (
            b"PK\x03\x04" + b"\x00" * 40,
            "not a PDF: the file is a zip archive (a Word or Excel file renamed?)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
            "not a PDF: the file is an old Office document (.doc or .xls)",
        ),
        (b"%PDF-1.7\n" + b"garbage " * 50, "not a readable PDF: the file is damaged or incomplete"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_saying_what_it_is(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(path, max_bytes=MB)
    assert str(refused.value) == f"{path}: {says}"


def test_a_truncated_pdf_is_refused_as_damaged(pdfs: dict[str, Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(pdfs["report"].read_bytes()[:-400])  # the xref table and trailer lost
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(cut, max_bytes=MB)
    assert str(refused.value) == f"{cut}: not a readable PDF: the file is damaged or incomplete"


def test_a_pdf_too_big_or_too_long_is_refused(
    pdfs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = pdfs["report"]
    with pytest.raises(InvalidInput, match=r"is more than an import reads .*--max-size 1$"):
        read_pdf_lines(report, max_bytes=1_000)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 1)
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(report, max_bytes=MB)
    assert str(refused.value) == (
        f"{report}: 2 pages, more than a report has (at most 1): check that this is the "
        "report you meant"
    )


def _one_page_pdf(content: bytes) -> bytes:
    """A 300 × 300 pt page drawing ``content``, with Helvetica as /F1."""
    return _hand_made_pdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(content)} >>\nstream\n{content.decode()}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def test_two_tables_one_above_the_other_keep_their_own_column_rules(tmp_path: Path) -> None:
    # Two one-row tables; the column rule of the lower one is 1 pt right of the upper one's,
    # and its two cells' texts are a space apart: only its own rule divides them.
    rules = (
        b"20 260 160 1 re f 20 230 160 1 re f "  # upper table: top and bottom
        b"20 230 1 31 re f 100 230 1 31 re f 179 230 1 31 re f "  # its sides and column
        b"20 120 160 1 re f 20 90 160 1 re f "  # lower table
        b"20 90 1 31 re f 101 90 1 31 re f 179 90 1 31 re f "
    )
    text = (
        b"BT /F1 12 Tf 30 240 Td (A1) Tj ET BT /F1 12 Tf 110 240 Td (B1) Tj ET "
        b"BT /F1 12 Tf 84 100 Td (C1) Tj ET BT /F1 12 Tf 103 100 Td (D1) Tj ET"
    )
    path = tmp_path / "stacked.pdf"
    path.write_bytes(_one_page_pdf(rules + text))
    assert _lines(read_pdf_lines(path, max_bytes=MB)) == [
        (1, ("A1", "B1")),
        (1, BLANK),
        (1, ("C1", "D1")),
    ]


def test_text_outside_its_clip_path_is_not_read(tmp_path: Path) -> None:
    # Chromium leaves clipped-away marks at the foot of a page; here a whole word is.
    content = (
        b"q 0 100 300 100 re W n BT /F1 12 Tf 20 40 Td (Hidden) Tj ET Q "
        b"BT /F1 12 Tf 20 150 Td (Shown) Tj ET"
    )
    path = tmp_path / "clipped.pdf"
    path.write_bytes(_one_page_pdf(content))
    assert [line.text for line in read_pdf_lines(path, max_bytes=MB)] == ["Shown"]


def test_a_missing_pdf_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_pdf_lines(tmp_path / "gone.pdf", max_bytes=MB)
    assert str(refused.value) == f"{tmp_path / 'gone.pdf'}: no such file"


# --- Word ---------------------------------------------------------------------------------------

W = nsdecls("w")
TEXT_BOX_RUN = f"""
<w:r {W}
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing><wps:txbx><w:txbxContent>
        <w:p><w:r><w:t>ข้อความในกล่อง</w:t></w:r></w:p>
      </w:txbxContent></wps:txbx></w:drawing>
    </mc:Choice>
    <mc:Fallback>
      <w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t>ข้อความในกล่อง</w:t></w:r></w:p>
      </w:txbxContent></v:textbox></v:shape></w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def _word_report(path: Path) -> None:
    """A report in Word: paragraphs around two tables, merged cells, a nested table, a row
    starting one column in, a line break, tabs, a text box, tracked changes, a content
    control, a header and a footer."""
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "หัวกระดาษ: ไม่ใช่เนื้อหา"
    section.footer.paragraphs[0].text = "หน้า ๑"
    document.add_paragraph("รายงานการวิเคราะห์ผลการประเมิน ITA ประจำปี ๒๕๖๗")
    broken = document.add_paragraph("องค์การบริหารส่วนตำบลน้ำใส")
    broken.runs[0].add_break()
    broken.add_run("อำเภอเมือง จังหวัดสมมุติ")
    document.add_paragraph("")
    document.add_paragraph("คำนำ\tก")
    document.add_paragraph("\tผลคะแนน ๙๑.๓๐ คะแนน")  # a tab indenting the first line

    table = document.add_table(rows=4, cols=4)
    for c, text in enumerate(("ลำดับ", "มาตรการ/ขั้นตอน", "ระยะเวลา", "ผู้รับผิดชอบ")):
        table.cell(0, c).text = text
    table.cell(1, 0).text = "๑"
    table.cell(1, 1).text = "จัดทำคำสั่งแต่งตั้งคณะทำงาน"
    table.cell(1, 1).add_paragraph("ขับเคลื่อนการประเมิน")  # a second paragraph in the cell
    table.cell(1, 2).text = "ต.ค. - ธ.ค. ๒๕๖๖"
    merged_down = table.cell(1, 3).merge(table.cell(2, 3))
    merged_down.text = "สำนักปลัด"
    table.cell(2, 0).text = "๒"
    table.cell(2, 1).text = "เผยแพร่ข้อมูลบนเว็บไซต์"
    table.cell(2, 2).text = "ม.ค. ๒๕๖๗ เป็นต้นไป"
    table.cell(3, 0).text = "๓"
    across = table.cell(3, 1).merge(table.cell(3, 2))
    across.text = "ประชุมติดตามผลทุกวันพุธ"
    inner = table.cell(3, 3).add_table(rows=1, cols=2)  # a table nested in a cell
    inner.cell(0, 0).text = "กองคลัง"
    inner.cell(0, 1).text = "กองช่าง"

    boxed = document.add_paragraph("หมายเหตุ")
    boxed._p.append(parse_xml(TEXT_BOX_RUN))
    changed = document.add_paragraph("ข้อ I7 ")
    changed._p.append(
        parse_xml(f'<w:ins {W} w:id="1" w:author="ก"><w:r><w:t>คะแนน ๗๙.๔๐</w:t></w:r></w:ins>')
    )
    changed._p.append(
        parse_xml(
            f'<w:del {W} w:id="2" w:author="ก"><w:r><w:delText>ลบแล้ว</w:delText></w:r></w:del>'
        )
    )
    second = document.add_table(rows=2, cols=2)
    second.cell(0, 0).text = "เรื่อง"
    second.cell(0, 1).text = "หน้า"
    second.cell(1, 1).text = "ข"
    late = second.rows[1]._tr  # a row starting one column in (Word's "gridBefore")
    late.remove(late.tc_lst[0])
    late.insert(0, parse_xml(f'<w:trPr {W}><w:gridBefore w:val="1"/></w:trPr>'))
    document.add_paragraph("ท้ายเอกสาร")
    control = f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>ในตัวควบคุมเนื้อหา</w:t></w:r></w:p>"
    document.element.body.sectPr.addprevious(parse_xml(control + "</w:sdtContent></w:sdt>"))
    document.save(str(path))


def test_a_word_file_reads_in_document_order_with_its_tables_and_merged_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.docx"
    _word_report(path)
    lines = read_word_lines(path, max_bytes=MB)
    assert [line.cells for line in lines] == [
        ("รายงานการวิเคราะห์ผลการประเมิน ITA ประจำปี ๒๕๖๗",),
        ("องค์การบริหารส่วนตำบลน้ำใส",),  # the paragraph's line break
        ("อำเภอเมือง จังหวัดสมมุติ",),
        BLANK,  # the empty paragraph
        ("คำนำ", "ก"),  # a tab separates cells
        ("ผลคะแนน ๙๑.๓๐ คะแนน",),  # a leading tab gives no empty cell
        BLANK,  # before the table
        ("ลำดับ", "มาตรการ/ขั้นตอน", "ระยะเวลา", "ผู้รับผิดชอบ"),
        ("๑", "จัดทำคำสั่งแต่งตั้งคณะทำงาน ขับเคลื่อนการประเมิน", "ต.ค. - ธ.ค. ๒๕๖๖", "สำนักปลัด"),
        ("๒", "เผยแพร่ข้อมูลบนเว็บไซต์", "ม.ค. ๒๕๖๗ เป็นต้นไป", ""),  # merged down: ""
        ("๓", "ประชุมติดตามผลทุกวันพุธ", "กองคลัง กองช่าง"),  # merged across: once
        BLANK,  # after the table
        ("หมายเหตุ",),
        ("ข้อความในกล่อง",),  # the text box, once (not its fallback copy too)
        ("ข้อ I7 คะแนน ๗๙.๔๐",),  # inserted text read, deleted text not
        BLANK,
        ("เรื่อง", "หน้า"),
        ("", "ข"),  # the column the row skips
        BLANK,
        ("ท้ายเอกสาร",),
        ("ในตัวควบคุมเนื้อหา",),  # a content control's paragraph
    ]
    assert [line.number for line in lines] == list(range(1, 22))
    assert all(line.page is None for line in lines)
    assert lines[8].text == "๑ จัดทำคำสั่งแต่งตั้งคณะทำงาน ขับเคลื่อนการประเมิน ต.ค. - ธ.ค. ๒๕๖๖ สำนักปลัด"


def _docx_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "made.docx"
    document = Document()
    document.add_paragraph("รายงาน")
    document.save(str(path))
    return path.read_bytes()


def _zip_with_patched_directory(
    data: bytes, *, size: int | None = None, count: int | None = None
) -> bytes:
    """``data`` (a zip) with its central directory lying: every part declared ``size`` bytes
    uncompressed, or the end record listing ``count`` parts."""
    patched = bytearray(data)
    if size is not None:
        at = patched.find(b"PK\x01\x02")
        while at >= 0:
            patched[at + 24 : at + 28] = struct.pack("<I", size)
            at = patched.find(b"PK\x01\x02", at + 4)
    if count is not None:
        end = patched.rfind(b"PK\x05\x06")
        patched[end + 8 : end + 12] = struct.pack("<HH", count, count)
    return bytes(patched)


def _ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (
            lambda tmp: _ole(),
            "not a Word document (.docx): it is an old Word document (.doc): open it in Word "
            "and save it as .docx",
        ),
        (
            lambda tmp: _ole("EncryptedPackage".encode("utf-16-le")),
            "not a Word document (.docx): it is locked with a password: save a copy without "
            "the password and import that",
        ),
        (
            lambda tmp: b"{\\rtf1\\ansi hello}",
            "not a Word document (.docx): it is an RTF file: open it in Word and save it as .docx",
        ),
        (lambda tmp: b"", "not a Word document (.docx): the file is empty"),
        (
            lambda tmp: "ข้อความ".encode(),
            "not a Word document (.docx): the file is not a zip archive",
        ),
        (
            lambda tmp: _docx_bytes(tmp)[:-300],
            "not a readable Word document (.docx): the file is damaged or incomplete (its zip "
            "cannot be read)",
        ),
    ],
)
def test_a_file_that_is_not_a_readable_docx_is_refused_saying_what_to_do(
    tmp_path: Path, make: Callable[[Path], bytes], says: str
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(make(tmp_path))
    with pytest.raises(InvalidInput) as refused:
        read_word_lines(path, max_bytes=MB)
    assert str(refused.value) == f"{path}: {says}"


def test_a_zip_that_is_no_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InvalidInput) as refused:
        read_word_lines(path, max_bytes=MB)
    assert (
        str(refused.value) == f"{path}: not a Word document (.docx): the file is an Excel workbook"
    )


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_zip_with_patched_directory(_docx_bytes(tmp_path), size=100_000_000))
    with pytest.raises(InvalidInput) as refused:
        read_word_lines(bomb, max_bytes=MB)
    message = str(refused.value)
    assert message.startswith(f"{bomb}: refused: its parts expand to ")
    assert message.endswith("a Word document may take (a zip bomb?); nothing was read")
    crowded = tmp_path / "crowded.docx"
    crowded.write_bytes(_zip_with_patched_directory(_docx_bytes(tmp_path), count=60_000))
    with pytest.raises(InvalidInput) as refused:
        read_word_lines(crowded, max_bytes=MB)
    assert str(refused.value).startswith(f"{crowded}: refused: the archive lists 60,000 parts")


def test_a_word_file_too_big_or_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _word_report(path)
    with pytest.raises(InvalidInput, match=r"is more than an import reads .*--max-size 1$"):
        read_word_lines(path, max_bytes=1_000)
    empty = tmp_path / "empty.docx"
    document = Document()
    document.sections[0].header.paragraphs[0].text = "มีแต่หัวกระดาษ"
    document.save(str(empty))
    with pytest.raises(InvalidInput) as refused:
        read_word_lines(empty, max_bytes=MB)
    assert str(refused.value) == f"{empty}: the Word document holds no text: nothing to import"


def test_a_warning_about_a_pdf_step_names_its_page():
    # Step 1.3 of report-b names no unit ("-"): the text file's warning gives its line, the
    # PDF's its page too, where a reader can find it (the PDF's line numbers run through the
    # whole document).
    from tracker.importers import read_source

    reports = Path(__file__).resolve().parent.parent / "examples" / "reports"

    def missing_unit(name: str) -> str:
        warnings = read_source(reports / name).document["warnings"]
        [warning] = [w for w in warnings if w["code"] == "missing-unit"]
        return warning["message"]

    assert re.search(
        r"^step 3 \(line \d+\) names no responsible unit", missing_unit("report-b.txt")
    )
    assert re.search(r"^step 3 \(page \d, line \d+\) names no", missing_unit("report-b.pdf"))
