"""The Word and Excel writers (tracker.reports.docx_writer, tracker.reports.xlsx_writer) read
back with python-docx and openpyxl, as a secretariat's office programs would open them.

The report is a made-up one, written for these tests: a municipality, เทศบาลตำบลบ้านน้ำใส,
reporting its first half-year of ITA measures with the words Thai text tools get wrong
(การ, ดำเนินการ, น้ำ, ผู้รับผิดชอบ, ปฏิบัติ) and Buddhist-era dates. Every expected value is
written out here from that data, not taken from the writers' output.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from openpyxl import Workbook, load_workbook

from tracker.reports.document import (
    Bar,
    BarChart,
    Column,
    Document,
    FillIn,
    LineChart,
    LineSeries,
    Link,
    Paragraph,
    Row,
    Section,
    Signatures,
    Signer,
    Table,
)
from tracker.reports.docx_writer import to_docx, word_family
from tracker.reports.fonts import FontSet, bundled_fonts
from tracker.reports.xlsx_writer import SheetNames, to_xlsx

ROOT = Path(__file__).resolve().parent.parent

TITLE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
AGENCY = "เทศบาลตำบลบ้านน้ำใส"
PERIOD = "รอบ 6 เดือน (1 ตุลาคม 2565 – 31 มีนาคม 2566)"
HARD = "ดำเนินการให้ผู้รับผิดชอบปฏิบัติตามแผน น้ำประปาสะอาดทุกครัวเรือน"
FOOTER = "เทศบาลตำบลบ้านน้ำใส · ข้อมูล ณ 31 มี.ค. 2566"
MINUTES = Link("ภาพการประชุม", "https://bannamsai.example.go.th/ita/o42-minutes.pdf")
WATER_REPORT = "https://bannamsai.example.go.th/ita/water-quality.pdf"
MEASURE_1 = "มาตรการที่ 1 การเปิดเผยข้อมูลการดำเนินการ"
MEASURE_2 = "มาตรการที่ 2 การปฏิบัติหน้าที่อย่างโปร่งใส"
FORMULA_LOOKING_NOTE = "=ปรับปรุงคู่มือ"  # a unit typed it; a spreadsheet must not run it

STEP_COLUMNS = (
    Column("ขั้นตอน", width=40),
    Column("ผู้รับผิดชอบ", width=20),
    Column("ร้อยละ", "percent", 10),
    Column("คะแนน", "number", 10),
    Column("กำหนดเสร็จ", "date", 10),
    Column("หลักฐาน"),  # no width: gets what is left (10 %)
)
STEPS = Table(
    STEP_COLUMNS,
    (
        Row(
            ("ประชุมชี้แจงผู้รับผิดชอบ", "สำนักปลัด", 100, 96.5, "15 ธ.ค. 2565", MINUTES),
            "done",
            MEASURE_1,
        ),
        Row(
            (
                "ตรวจคุณภาพน้ำประปา",
                ("กองการประปา", "กองสาธารณสุข"),
                66.7,
                3,
                "31 มี.ค. 2566",
                (Link("", WATER_REPORT), "รอผลตรวจ"),
            ),
            "late",
        ),
        Row((FORMULA_LOOKING_NOTE, None, 0, 0.25, "30 เม.ย. 2566", None), "muted", MEASURE_2),
    ),
    caption="ตารางที่ 1 ผลการดำเนินการรายขั้นตอน",
    sheet="ผลการดำเนินการ",
    totals=Row(("รวม 3 ขั้นตอน", "", 55.6, 99.75, "", "")),
)
BY_UNIT = Table(
    (Column("หน่วยงาน"), Column("เสร็จ", "number"), Column("ทั้งหมด", "number")),
    (Row(("สำนักปลัด", 2, 2)), Row(("กองการประปา", 1, 2))),
    caption="ตารางที่ 2 ผลการดำเนินการรายหน่วยงาน",
    sheet="ผลการดำเนินการ",  # the same sheet name as the first table's
)
NAMED_BADLY = Table(
    (Column("ประเด็น"),),
    (Row(("น้ำประปาไม่ไหลบางช่วง",)),),
    caption="ตาราง: สรุป/รายหน่วย [ผู้รับผิดชอบ] ประจำปี 2566",  # no sheet name of its own
)
BARS = BarChart(
    "ร้อยละของขั้นตอนที่แล้วเสร็จ จำแนกตามหน่วยงาน",
    (
        Bar("สำนักปลัด", 100, "done", "2/2"),
        Bar("กองการประปา", 50, "warn", "1/2"),
        Bar("กองสาธารณสุข", 0, "late", "0/1"),
    ),
)
TREND = LineChart(
    "คะแนน ITA ของเทศบาล",
    ("2564", "2565", "2566"),
    (LineSeries("คะแนนรวม", (81.25, None, 92.4)), LineSeries("IIT", (85.0, 88.5, 90.1))),
    minimum=60,
)
SIGNATURES = Signatures(
    (Signer("ผู้รายงาน", "นางสาวน้ำทิพย์ ใจดี", "นักวิเคราะห์นโยบายและแผน"), Signer("ผู้บริหาร"))
)


def half_year_report(*, landscape: bool = False) -> Document:
    return Document(
        TITLE,
        (
            Section(
                "1. สรุปผลการดำเนินการ",
                (
                    Paragraph(HARD, "lead"),
                    Paragraph("หมายเหตุ ร้อยละคิดจากจำนวนขั้นตอน", "note"),
                    BARS,
                    TREND,
                ),
            ),
            Section("2. รายละเอียดรายมาตรการ", (STEPS, BY_UNIT, NAMED_BADLY), page_break=True),
            Section("2.1 ข้อเสนอแนะ", (FillIn(3),), level=2),
            Section("2.2 ปัญหาและอุปสรรค", (FillIn(text="ผลตรวจน้ำยังไม่ครบ\nรอห้องปฏิบัติการ"),), 2),
            Section("3. การรับรอง", (SIGNATURES,)),
        ),
        subtitle=(AGENCY, PERIOD),
        footer=FOOTER,
        landscape=landscape,
        meta={"author": "กองยุทธศาสตร์และงบประมาณ", "subject": "ITA 2566"},
    )


@pytest.fixture(scope="module")
def word() -> WordDocument:
    return docx.Document(io.BytesIO(to_docx(half_year_report())))


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    return load_workbook(io.BytesIO(to_xlsx(half_year_report())))


def texts_of(word: WordDocument) -> list[str]:
    return [p.text for p in word.paragraphs]


def paragraph_with(word: WordDocument, text: str) -> DocxParagraph:
    return next(p for p in word.paragraphs if p.text == text)


# --- Word -------------------------------------------------------------------------------------


def test_docx_heads_with_title_and_subtitle_centred_then_sections(
    word: WordDocument,
) -> None:
    paragraphs = word.paragraphs
    assert [p.text for p in paragraphs[:3]] == [TITLE, AGENCY, PERIOD]
    assert [p.alignment for p in paragraphs[1:3]] == [WD_ALIGN_PARAGRAPH.CENTER] * 2
    assert paragraphs[0].style.name == "Title"
    assert word.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "1. สรุปผลการดำเนินการ"),
        ("Heading 1", "2. รายละเอียดรายมาตรการ"),
        ("Heading 2", "2.1 ข้อเสนอแนะ"),
        ("Heading 2", "2.2 ปัญหาและอุปสรรค"),
        ("Heading 1", "3. การรับรอง"),
    ]
    assert paragraph_with(word, "2. รายละเอียดรายมาตรการ").paragraph_format.page_break_before
    assert not paragraph_with(word, "1. สรุปผลการดำเนินการ").paragraph_format.page_break_before
    assert HARD in texts_of(word)
    # The written-in problems keep their two lines as two paragraphs.
    assert "ผลตรวจน้ำยังไม่ครบ" in texts_of(word)
    assert "รอห้องปฏิบัติการ" in texts_of(word)


def test_docx_sets_thai_in_sarabun_by_the_complex_script_properties(
    word: WordDocument,
) -> None:
    runs = [r for r in word.element.body.iter(qn("w:r")) if r.findall(qn("w:t"))]
    runs += [r for r in word.sections[0].footer._element.iter(qn("w:r")) if r.findall(qn("w:t"))]
    assert len(runs) > 40
    for run in runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, run.xml
        assert fonts.get(qn("w:cs")) == "Sarabun"  # what Word sets Thai in
        assert fonts.get(qn("w:ascii")) == "Sarabun"
        size, complex_size = (run.find(f"{qn('w:rPr')}/{qn(t)}") for t in ("w:sz", "w:szCs"))
        assert complex_size is not None
        assert complex_size.get(qn("w:val")) == size.get(qn("w:val"))
    # The body: bundled Sarabun is set at 12.5 pt (= 25 half-points), Thai included.
    body = paragraph_with(word, HARD)
    lead_size = body.runs[0]._r.find(f"{qn('w:rPr')}/{qn('w:szCs')}").get(qn("w:val"))
    note = paragraph_with(word, "หมายเหตุ ร้อยละคิดจากจำนวนขั้นตอน").runs[0]._r
    note_size = note.find(f"{qn('w:rPr')}/{qn('w:szCs')}").get(qn("w:val"))
    step = word.tables[0].rows[2].cells[0].paragraphs[0].runs[0]._r
    assert int(note_size) < 25 < int(lead_size)  # a note is smaller than the body, a lead larger
    assert step.find(f"{qn('w:rPr')}/{qn('w:szCs')}") is not None
    # Headings are bold for Thai too (w:bCs), and black rather than the template's blue.
    heading = paragraph_with(word, "3. การรับรอง").runs[0]._r.find(qn("w:rPr"))
    assert heading.find(qn("w:bCs")) is not None
    assert heading.find(qn("w:color")).get(qn("w:val")) == "000000"
    assert (
        word.styles["Heading 1"].element.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val"))
        == "000000"
    )


def test_docx_table_repeats_its_header_and_keeps_the_data(word: WordDocument) -> None:
    table = word.tables[0]
    rows = table.rows
    assert [c.text for c in rows[0].cells] == [
        "ขั้นตอน",
        "ผู้รับผิดชอบ",
        "ร้อยละ",
        "คะแนน",
        "กำหนดเสร็จ",
        "หลักฐาน",
    ]
    header_flags = [r._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows]
    assert header_flags == [True] + [False] * (len(rows) - 1)
    # header, measure 1, step, step, measure 2, step, totals
    assert len(rows) == 7
    group = rows[1]._tr.findall(qn("w:tc"))
    assert len(group) == 1  # one cell across the six columns
    assert group[0].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "6"
    assert rows[1].cells[0].text == MEASURE_1
    assert rows[4].cells[0].text == MEASURE_2
    first = [c.text for c in rows[2].cells]
    assert first == [
        "ประชุมชี้แจงผู้รับผิดชอบ",
        "สำนักปลัด",
        "100 %",
        "96.50",
        "15 ธ.ค. 2565",
        "ภาพการประชุม",
    ]
    second = rows[3].cells
    assert [p.text for p in second[1].paragraphs] == ["กองการประปา", "กองสาธารณสุข"]
    assert [second[2].text, second[3].text] == ["66.7 %", "3"]
    assert rows[5].cells[0].text == FORMULA_LOOKING_NOTE
    assert [c.text for c in rows[6].cells][:4] == ["รวม 3 ขั้นตอน", "", "55.6 %", "99.75"]
    # Numbers right, text left.
    assert second[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert second[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert second[0].paragraphs[0].alignment is None
    # Totals bold; tones shaded: done green, late red; muted grey text.
    assert all(r.bold for c in rows[6].cells for p in c.paragraphs for r in p.runs)
    assert not any(r.bold for p in second[0].paragraphs for r in p.runs)

    def fill(cell: _Cell) -> str | None:
        shading = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
        return None if shading is None else shading.get(qn("w:fill"))

    assert fill(rows[2].cells[0]) == "E2F0D9"
    assert fill(rows[3].cells[4]) == "FBE4E4"
    assert fill(rows[5].cells[0]) is None
    assert str(rows[5].cells[0].paragraphs[0].runs[0].font.color.rgb) == "777777"
    # Borders: every table of data is drawn in the Table Grid style.
    assert table.style.name == "Table Grid"


def test_docx_column_widths_follow_the_columns_shares(word: WordDocument) -> None:
    grid = [int(c.get(qn("w:w"))) for c in word.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    total = sum(grid)
    # 40 + 20 + 10 + 10 + 10 given, the last column the 10 left: shares of 100.
    assert [round(w / total, 2) for w in grid] == [0.40, 0.20, 0.10, 0.10, 0.10, 0.10]
    # The table spans the text width of portrait A4: 210 mm less 25 mm and 18 mm margins.
    assert abs(Mm(167).twips - total) < 10


def test_docx_links_are_hyperlinks(word: WordDocument) -> None:
    minutes = word.tables[0].rows[2].cells[5].paragraphs[0].hyperlinks
    assert [(h.text, h.address) for h in minutes] == [("ภาพการประชุม", MINUTES.url)]
    evidence = word.tables[0].rows[3].cells[5].paragraphs
    assert [(h.text, h.address) for h in evidence[0].hyperlinks] == [(WATER_REPORT, WATER_REPORT)]
    assert evidence[1].text == "รอผลตรวจ"
    assert not evidence[1].hyperlinks


def test_docx_charts_are_png_pictures_with_their_titles_as_text(word: WordDocument) -> None:
    shapes = word.inline_shapes
    assert len(shapes) == 2
    blobs = []
    for shape in shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = word.part.related_parts[blip.embed]
        assert part.content_type == "image/png"
        blobs.append(part.blob)
    assert all(blob.startswith(b"\x89PNG\r\n\x1a\n") for blob in blobs)
    texts = texts_of(word)
    bars_title = texts.index(BARS.title)
    assert texts[bars_title + 1] == ""  # the picture's own paragraph follows its title
    assert TREND.title in texts
    descriptions = [d.get("descr") for d in word.element.body.iter(qn("wp:docPr"))]
    assert descriptions[0] == (
        "ร้อยละของขั้นตอนที่แล้วเสร็จ จำแนกตามหน่วยงาน: สำนักปลัด 100 %  2/2; "
        "กองการประปา 50 %  1/2; กองสาธารณสุข 0 %  0/1"
    )
    assert descriptions[1] == (
        "คะแนน ITA ของเทศบาล: คะแนนรวม: 2564 81.25, 2566 92.40; IIT: 2564 85.00, 2565 88.50, "
        "2566 90.10"
    )


def test_docx_footer_properties_and_page(word: WordDocument) -> None:
    footer = word.sections[0].footer
    paragraph = footer._element.find(qn("w:p"))
    # The footer on the left, a tab to the right margin, then the page number fields.
    assert "".join(t.text for t in paragraph.iter(qn("w:t"))) == f"{FOOTER}หน้า 1 / 1"
    assert len(list(paragraph.iter(qn("w:tab")))) == 2  # the tab stop and the tab itself
    fields = [f.get(qn("w:instr")).strip() for f in paragraph.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    properties = word.core_properties
    assert (properties.title, properties.author, properties.subject) == (
        TITLE,
        "กองยุทธศาสตร์และงบประมาณ",
        "ITA 2566",
    )
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_landscape_turns_the_page_and_widens_tables() -> None:
    word = docx.Document(io.BytesIO(to_docx(half_year_report(landscape=True))))
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    grid = word.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert abs(sum(int(c.get(qn("w:w"))) for c in grid) - Mm(297 - 25 - 18).twips) < 10


def test_docx_fill_in_lines_and_signatures(word: WordDocument) -> None:
    paragraphs = word.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "2.1 ข้อเสนอแนะ")
    lines = paragraphs[start + 1 : start + 4]
    assert [p.text for p in lines] == ["\t"] * 3
    for line in lines:
        (stop,) = line.paragraph_format.tab_stops
        assert stop.leader == WD_TAB_LEADER.DOTS
    assert paragraphs[start + 4].text == "2.2 ปัญหาและอุปสรรค"
    signatures = word.tables[-1]
    assert signatures.style is None or signatures.style.name != "Table Grid"  # no borders
    reporter, head = ([p.text for p in c.paragraphs] for c in signatures.rows[0].cells)
    dots40, dots30 = "." * 40, "." * 30
    assert reporter == [
        f"(ลงชื่อ) {dots40}",
        "( นางสาวน้ำทิพย์ ใจดี )",
        "นักวิเคราะห์นโยบายและแผน",
        "ผู้รายงาน",
        f"วันที่ {dots30}",
    ]
    assert head == [f"(ลงชื่อ) {dots40}", f"( {dots40} )", "ผู้บริหาร", f"วันที่ {dots30}"]


def test_docx_without_charts_never_loads_matplotlib() -> None:
    """matplotlib takes a second to import: a report without a chart must not pay for it."""
    program = (
        "import sys\n"
        "from tracker.reports.document import Document, Paragraph, Section\n"
        "from tracker.reports.docx_writer import to_docx\n"
        "data = to_docx(Document('การดำเนินการ', (Section('ผล', (Paragraph('น้ำ'),)),)))\n"
        "assert data.startswith(b'PK')\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


def test_word_is_told_the_family_inside_an_agencys_font_file() -> None:
    """An agency's own face is declared to the HTML as "ReportFont"; Word must be given the
    family its file names (here the bundled Sarabun files standing in for an agency's)."""
    bundled = bundled_fonts()
    own = FontSet("ReportFont", bundled.regular, bundled.bold, 16.0)
    assert word_family(own) == "Sarabun"
    sizes = {
        r.get(qn("w:val"))
        for r in docx.Document(io.BytesIO(to_docx(half_year_report(), own))).element.body.iter(
            qn("w:szCs")
        )
    }
    assert "32" in sizes  # 16 pt body for an agency's own face, as tracker.reports.fonts says


# --- Excel ------------------------------------------------------------------------------------


def test_xlsx_has_a_summary_a_sheet_per_table_and_a_chart_sheet(workbook: Workbook) -> None:
    assert workbook.sheetnames == [
        "สรุป",
        "ผลการดำเนินการ",
        "ผลการดำเนินการ (2)",  # the second table asked for the same name
        "ตาราง สรุป รายหน่วย",  # the caption without : / [ ], cut before the word that overflows
        "แผนภูมิ",
    ]
    summary = [row[0] for row in workbook["สรุป"].iter_rows(values_only=True)]
    assert summary[:3] == [TITLE, AGENCY, PERIOD]
    assert HARD in summary
    assert "2. รายละเอียดรายมาตรการ" in summary
    assert summary[-1] == FOOTER
    link = next(
        c for (c,) in workbook["สรุป"].iter_rows() if c.value == "→ ตารางที่ 1 ผลการดำเนินการรายขั้นตอน"
    )
    assert link.hyperlink.location == "'ผลการดำเนินการ'!A1"


def test_xlsx_table_values_keep_their_types(workbook: Workbook) -> None:
    sheet = workbook["ผลการดำเนินการ"]
    assert sheet["A1"].value == "ตารางที่ 1 ผลการดำเนินการรายขั้นตอน"
    assert [c.value for c in sheet[2]] == [c.heading for c in STEP_COLUMNS]
    assert sheet["A3"].value == MEASURE_1
    assert "A3:F3" in {str(r) for r in sheet.merged_cells.ranges}
    step = sheet[4]
    assert [c.value for c in step] == [
        "ประชุมชี้แจงผู้รับผิดชอบ",
        "สำนักปลัด",
        100,
        96.5,
        "15 ธ.ค. 2565",
        "ภาพการประชุม",
    ]
    assert type(step[2].value) is int
    assert type(step[3].value) is float
    assert step[2].number_format == '0.0" %"'  # 0–100 shown as a percent
    assert step[3].number_format == "0.00"
    assert step[4].data_type == "s"  # a BE date stays text
    assert step[5].hyperlink.target == MINUTES.url
    water = sheet[5]
    assert water[1].value == "กองการประปา\nกองสาธารณสุข"
    assert water[1].alignment.wrap_text
    assert sheet.row_dimensions[5].height == 30  # two lines of 15 pt: every reader shows both
    assert (water[2].value, water[3].value) == (66.7, 3)
    assert water[5].value == f"{WATER_REPORT}\nรอผลตรวจ"
    assert water[5].hyperlink.target == WATER_REPORT
    assert sheet["A6"].value == MEASURE_2
    muted = sheet[7]
    assert muted[0].value == FORMULA_LOOKING_NOTE
    assert muted[0].data_type == "s"  # text, not a formula
    assert [c.value for c in muted[1:4]] == [None, 0, 0.25]
    totals = sheet[8]
    assert [c.value for c in totals][:4] == ["รวม 3 ขั้นตอน", None, 55.6, 99.75]
    assert all(c.font.bold for c in totals)
    assert not step[0].font.bold
    assert all(c.font.bold for c in sheet[2])
    assert sheet["A4"].fill.fgColor.rgb.endswith("E2F0D9")  # done: light green
    assert sheet["A5"].fill.fgColor.rgb.endswith("FBE4E4")  # late: light red
    assert sheet.max_row == 8


def test_xlsx_table_sheet_is_frozen_filtered_and_sized(workbook: Workbook) -> None:
    sheet = workbook["ผลการดำเนินการ"]
    assert sheet.freeze_panes == "A3"  # under the header (row 2, the caption above it)
    assert sheet.auto_filter.ref == "A2:F7"  # the rows, not the totals
    assert sheet.print_title_rows == "$2:$2"  # the header printed on every page
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    # Column A's longest line is "ประชุมชี้แจงผู้รับผิดชอบ": 24 characters of which 7 are
    # marks above or below the line (ุ ี ้ ู ้ ั ิ) that take no width: 17, plus 2 of margin.
    assert widths["A"] == 19
    # Column E's: "30 เม.ย. 2566", 13 (the heading "กำหนดเสร็จ" is 9: ็ takes no width).
    assert widths["E"] == 15
    assert widths["C"] == 8  # "66.7 %" is 6: the 8 every column has at least
    by_unit = workbook["ผลการดำเนินการ (2)"]
    assert by_unit.freeze_panes == "A3"
    assert (by_unit["B3"].value, by_unit["B3"].number_format) == (2, "0")


def test_xlsx_charts_are_native_drawn_from_numbers_on_their_sheet(
    workbook: Workbook,
) -> None:
    sheet = workbook["แผนภูมิ"]
    assert sheet["A1"].value == BARS.title
    assert [[c.value for c in row] for row in sheet["A2:C5"]] == [
        ["รายการ", "ค่า (%)", "หมายเหตุ"],
        ["สำนักปลัด", 100, "2/2"],
        ["กองการประปา", 50, "1/2"],
        ["กองสาธารณสุข", 0, "0/1"],
    ]
    trend = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == TREND.title)
    assert [[c.value for c in row] for row in sheet[f"A{trend + 1}:C{trend + 4}"]] == [
        ["ปี", "คะแนนรวม", "IIT"],
        ["2564", 81.25, 85],
        ["2565", None, 88.5],  # no overall score that year: an empty cell, not 0
        ["2566", 92.4, 90.1],
    ]
    bar, line = chart_parts(to_xlsx(half_year_report()))
    assert bar.find(f".//{CHART}barChart/{CHART}barDir").get("val") == "bar"
    assert references(bar) == ["'แผนภูมิ'!B2", "'แผนภูมิ'!$A$3:$A$5", "'แผนภูมิ'!$B$3:$B$5"]
    assert line.find(f".//{CHART}lineChart") is not None
    first, second = trend + 1, trend + 2
    assert references(line)[:3] == [
        f"'แผนภูมิ'!B{first}",  # the series name: คะแนนรวม
        f"'แผนภูมิ'!$A${second}:$A${trend + 4}",  # the years
        f"'แผนภูมิ'!$B${second}:$B${trend + 4}",  # its three years' scores
    ]
    # Both axes of each chart are shown (openpyxl hides them unless told).
    for chart in (bar, line):
        assert [d.get("val") for d in chart.iter(f"{CHART}delete")] == ["0", "0"]


CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def chart_parts(data: bytes) -> list[ElementTree.Element]:
    """The workbook's chart parts, in order, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = sorted(n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [ElementTree.fromstring(package.read(name)) for name in names]


def references(chart: ElementTree.Element) -> list[str]:
    """The cell ranges a chart draws from (series names, categories, values), in order."""
    return [f.text or "" for f in chart.iter(f"{CHART}f")]


def test_xlsx_in_english_with_unnamed_tables_and_no_charts() -> None:
    table = Table((Column("Unit"), Column("Done", "percent")), (Row(("Water\x0bworks", 50.0)),))
    document = Document("Progress", (Section("Units", (table, table)),), lang="en")
    workbook = load_workbook(io.BytesIO(to_xlsx(document)))
    assert workbook.sheetnames == ["Summary", "Table 1", "Table 2"]
    sheet = workbook["Table 1"]
    assert sheet.freeze_panes == "A2"  # no caption: the header is row 1
    assert sheet["A2"].value == "Waterworks"  # a control character a cell cannot hold, dropped
    assert (sheet["B2"].value, sheet["B2"].number_format) == (50.0, '0.0" %"')


def test_sheet_names_are_unique_short_and_allowed() -> None:
    names = SheetNames()
    long = "การดำเนินการตามมาตรการส่งเสริมคุณธรรมความโปร่งใส"  # 48 characters
    first, second = names.claim(long), names.claim(long)
    assert first == "การดำเนินการตามมาตรการส่งเสริม"  # 30: the whole words that fit in 31
    assert second == "การดำเนินการตามมาตรการส่ง (2)"
    assert names.claim("Summary") == "Summary"
    assert names.claim("SUMMARY") == "SUMMARY (2)"  # Excel compares names without case
    assert names.claim("History") == "History (2)"  # a name Excel keeps for itself
    assert names.claim("'ผล'") == "ผล"  # no apostrophe at either end
    assert names.claim("???", "ตาราง 4") == "ตาราง 4"  # nothing left: the fallback
    assert names.claim("ผล", "ตาราง 5") == "ผล (2)"
