"""Regenerate the Word, PDF and damaged-text versions of the example ITA reports.

Run from the project root::

    .venv/bin/python examples/reports/make_documents.py            # everything
    .venv/bin/python examples/reports/make_documents.py report-e   # one report's files

What each output is made from (the sources are hand-written; the outputs are committed, so
the tests need none of these tools):

- report-a.pdf   report-a.md rendered to HTML (markdown-it-py, pipe tables), printed by Chromium
- report-b.pdf   report-b.txt as HTML (tab-separated lines become tables), printed by Chromium
- report-e.docx  report-e.txt as a Word file (python-docx): heading paragraphs, real tables,
                 the measure, follow-up and tool cells merged vertically over their rows
- report-f.pdf   report-f.html (written by hand: tables with rowspan), printed by Chromium
- report-g.docx  report-g.txt as a Word file, one table per measure
- report-g.pdf   report-g.docx converted by LibreOffice (``soffice --headless``)
- report-i.txt   report-i.clean.txt with the damage pdftotext shows on PDFs set in an old Thai
                 font (see :func:`damage`)

Chromium is Debian's ``chromium`` driven by Playwright (tracker.reports.pdf), the pages set in
the bundled Sarabun; LibreOffice sets report-g in Laksaman (TLWG's Sarabun-like face). The
Word files are byte-for-byte reproducible (fixed core properties, fixed zip timestamps);
Chromium and LibreOffice stamp creation dates into the PDFs, so those differ run to run in
their metadata only.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Metadata written into every Word file, so that a rebuild gives the same bytes.
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)
ZIP_TIME = (2025, 1, 1, 0, 0, 0)
AUTHOR = "ITA Tracker examples"


# --- the text sources: paragraphs and tab-separated tables -------------------------------------


@dataclass
class Paragraph:
    """One line of the source; ``kind`` is "title", "heading" or "body"."""

    text: str
    kind: str = "body"


@dataclass
class Table:
    """Consecutive tab-separated lines of the source; the first is the header row."""

    rows: list[list[str]] = field(default_factory=list)


Block = Paragraph | Table


def read_blocks(text: str, heading: re.Pattern[str]) -> list[Block]:
    """The source's blocks in order: each run of lines holding a tab is one table (cells
    padded to the widest row), every other non-blank line a paragraph. Lines before the first
    blank line are the title block; a line matching ``heading`` is a heading."""
    blocks: list[Block] = []
    in_title = True
    for line in text.splitlines():
        if not line.strip():
            in_title = False
            continue
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            if not blocks or not isinstance(blocks[-1], Table):
                blocks.append(Table())
            table = blocks[-1]
            assert isinstance(table, Table)
            table.rows.append(cells)
            continue
        kind = "title" if in_title else "heading" if heading.match(line) else "body"
        blocks.append(Paragraph(line.strip(), kind))
    for block in blocks:
        if isinstance(block, Table):
            width = max(len(row) for row in block.rows)
            block.rows = [row + [""] * (width - len(row)) for row in block.rows]
    return blocks


# --- Word files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordLayout:
    """How one report's text becomes a Word file."""

    font: str
    heading: re.Pattern[str]
    # Header cells of the columns whose empty cells continue the cell above (merged vertically).
    merged_columns: tuple[str, ...]
    # A paragraph starting with this is set with its first words bold ("ข้อ I22", "I23").
    bold_lead: re.Pattern[str] | None = None
    landscape_tables: bool = False


def write_docx(source: Path, target: Path, layout: WordLayout) -> None:
    """``source`` (paragraphs and tab tables) as a Word file at ``target``."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = docx.Document()
    _set_font(document, layout.font)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    for block in read_blocks(source.read_text(encoding="utf-8"), layout.heading):
        if isinstance(block, Table):
            table = _docx_table(document, block, layout)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            continue
        if block.kind == "title":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font_run(paragraph.add_run(block.text), layout.font, 18, bold=True)
        elif block.kind == "heading":
            paragraph = document.add_heading(block.text, level=1)
            for run in paragraph.runs:
                _font_run(run, layout.font, 17, bold=True)
        else:
            _body_paragraph(document, block.text, layout)
    _fix_core_properties(document)
    document.save(str(target))
    _fix_zip_times(target)


def _body_paragraph(document, text: str, layout: WordLayout) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    lead = layout.bold_lead.match(text) if layout.bold_lead else None
    if lead:
        _font_run(paragraph.add_run(lead.group(0)), layout.font, 16, bold=True)
        paragraph.add_run(text[lead.end() :])
    else:
        paragraph.add_run(text)


def _docx_table(document, block: Table, layout: WordLayout):  # type: ignore[no-untyped-def]
    header, *rows = block.rows
    table = document.add_table(rows=len(block.rows), cols=len(header))
    table.style = "Table Grid"
    for r, row in enumerate(block.rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    _font_run(run, layout.font, 16, bold=True)
    _column_widths(table, block.rows)
    for c, name in enumerate(header):
        if name in layout.merged_columns:
            for first, last in _runs_to_merge([row[c] for row in rows]):
                merged = table.cell(first + 1, c).merge(table.cell(last + 1, c))
                _drop_empty_paragraphs(merged)
    return table


def _drop_empty_paragraphs(cell) -> None:  # type: ignore[no-untyped-def]
    """Merging keeps the empty paragraph of every cell merged in; Word drops them."""
    for paragraph in cell.paragraphs[1:]:
        if not paragraph.text:
            paragraph._element.getparent().remove(paragraph._element)


def _runs_to_merge(column: list[str]) -> Iterable[tuple[int, int]]:
    """(first, last) row of each filled cell and the empty cells under it."""
    start: int | None = None
    for index, text in enumerate([*column, "(end)"]):
        if text:
            if start is not None and index - 1 > start:
                yield start, index - 1
            start = index


def _set_font(document, font: str) -> None:  # type: ignore[no-untyped-def]
    """Every style in ``font`` at 16 pt, Thai (the complex-script run properties) included."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for style_name in ("Normal", "Heading 1", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = font
        style.font.size = Pt(16 if style_name != "Heading 1" else 17)
        properties = style.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = properties.makeelement(qn("w:rFonts"), {})
            properties.append(fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), font)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        size_cs = properties.find(qn("w:szCs"))
        if size_cs is None:
            size_cs = properties.makeelement(qn("w:szCs"), {})
            properties.append(size_cs)
        size_cs.set(qn("w:val"), str(34 if style_name == "Heading 1" else 32))
        language = properties.find(qn("w:lang"))
        if language is None:
            language = properties.makeelement(qn("w:lang"), {})
            properties.append(language)
        language.set(qn("w:bidi"), "th-TH")


def _font_run(run, font: str, size: float, *, bold: bool) -> None:  # type: ignore[no-untyped-def]
    """Size and weight for Latin and Thai alike: Word draws Thai with the complex-script
    properties (w:bCs, w:szCs), which python-docx's font.bold and font.size leave alone."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    properties = run._element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:cs"), font)
    for tag, value in (("w:bCs", None), ("w:szCs", str(int(size * 2)))):
        element = properties.find(qn(tag))
        if element is None:
            element = properties.makeelement(qn(tag), {})
            properties.append(element)
        if value is not None:
            element.set(qn("w:val"), value)
    if not bold:
        properties.remove(properties.find(qn("w:bCs")))


def _column_widths(table, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Columns as wide as their longest text asks (within bounds), 160 mm in all: number
    columns narrow, titles wide, as an officer sets them by hand."""
    from docx.shared import Mm

    wants = [min(max(max(len(row[c]) for row in rows), 8), 36) for c in range(len(rows[0]))]
    total = sum(wants)
    table.autofit = False
    for c, want in enumerate(wants):
        width = Mm(160 * want / total)
        table.columns[c].width = width
        for cell in table.columns[c].cells:
            cell.width = width


def _fix_core_properties(document) -> None:  # type: ignore[no-untyped-def]
    core = document.core_properties
    core.author = AUTHOR
    core.last_modified_by = AUTHOR
    core.created = FIXED_TIME
    core.modified = FIXED_TIME
    core.revision = 1
    core.title = ""
    core.comments = "Fictional example report, generated by examples/reports/make_documents.py"


def _fix_zip_times(path: Path) -> None:
    """Rewrite the package with every member dated ZIP_TIME, in a fixed order."""
    with zipfile.ZipFile(path) as package:
        members = [(info.filename, package.read(info.filename)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)


# --- PDFs printed by Chromium ---------------------------------------------------------------


def sarabun_face() -> str:
    """@font-face rules for the bundled Sarabun, as data: URLs (the page loads nothing)."""
    from tracker.reports.fonts import bundled_fonts

    fonts = bundled_fonts()
    rules = []
    for weight, path in (("400", fonts.regular), ("700", fonts.bold)):
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rules.append(
            f'@font-face{{font-family:"Sarabun";font-weight:{weight};font-style:normal;'
            f'src:url("data:font/ttf;base64,{data}") format("truetype");}}'
        )
    return "<style>" + "".join(rules) + "</style>"


def with_fonts(page: str) -> str:
    """``page`` with the Sarabun faces declared first thing in its head."""
    return page.replace("<head>", "<head>\n" + sarabun_face(), 1)


PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 20mm; }
body { font-family: "Sarabun", sans-serif; font-size: 12.5pt; line-height: 1.45; }
h1 { font-size: 15pt; } h2 { font-size: 14pt; } h3 { font-size: 13pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 1px solid #555; padding: 1mm 2mm; vertical-align: top; }
th { background: #eee; }
blockquote { border-left: 3px solid #999; margin-left: 0; padding-left: 4mm; }
p.title { text-align: center; font-weight: bold; margin: 0.5mm 0; }
tr { page-break-inside: avoid; }
"""


def markdown_page(source: Path) -> str:
    """A Markdown report as a whole HTML page (CommonMark with pipe tables, by markdown-it-py,
    which the project already has through Rich)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(source.read_text(encoding="utf-8"))
    return _page(source.stem, body)


def text_page(source: Path) -> str:
    """A text report as a whole HTML page: its title block centred, tab lines as tables."""
    parts = []
    for block in read_blocks(source.read_text(encoding="utf-8"), re.compile(r"^ส่วนที่")):
        if isinstance(block, Table):
            header, *rows = block.rows
            head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                for row in rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif block.kind == "title":
            parts.append(f'<p class="title">{html.escape(block.text)}</p>')
        elif block.kind == "heading":
            parts.append(f"<h2>{html.escape(block.text)}</h2>")
        else:
            parts.append(f"<p>{html.escape(block.text)}</p>")
    return _page(source.stem, "\n".join(parts))


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def print_pages(pages: dict[Path, str]) -> None:
    """Print each HTML page to its PDF path with one Chromium."""
    from tracker.reports.pdf import PdfPrinter

    with PdfPrinter() as printer:
        for target, page in pages.items():
            target.write_bytes(printer.print(with_fonts(page)))
            print(f"wrote {target.relative_to(HERE.parent.parent)}")


# --- a PDF converted by LibreOffice -------------------------------------------------------------


def libreoffice_pdf(source: Path, target: Path) -> None:
    """``source`` (.docx) converted to PDF by LibreOffice, with a throwaway profile."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit(
            "LibreOffice is needed for report-g.pdf: apt-get install -y "
            "--no-install-recommends libreoffice-writer"
        )
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                work,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(str(Path(work) / f"{source.stem}.pdf"), target)


# --- PDF extraction damage ------------------------------------------------------------------

# Thai fonts made before Unicode OpenType positioning draw shifted marks as separate glyphs in
# the private-use area, and pdftotext hands those code points back instead of the marks.
SARA_AM, NIKHAHIT, SARA_AA = "\u0e33", "\u0e4d", "\u0e32"
TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"  # mai ek, mai tho, mai tri, mai chattawa, thanthakhat
TONE_LOW = dict(zip(TONES, "\uf70a\uf70b\uf70c\uf70d\uf70e", strict=True))
TONE_LOW_LEFT = dict(zip(TONES, "\uf705\uf706\uf707\uf708\uf709", strict=True))
TONE_LEFT = dict(zip(TONES, "\uf713\uf714\uf715\uf716\uf717", strict=True))
# Upper vowels (and mai taikhu, nikhahit) shifted left on a consonant with an ascender.
UPPER_LEFT = {
    "\u0e31": "\uf710",  # mai han-akat
    "\u0e34": "\uf701",  # sara i
    "\u0e35": "\uf702",  # sara ii
    "\u0e36": "\uf703",  # sara ue
    "\u0e37": "\uf704",  # sara uee
    "\u0e47": "\uf712",  # mai taikhu
    NIKHAHIT: "\uf711",
}
ASCENDERS = set("ปฝฟฬ")
CONSONANTS = {chr(code) for code in range(0x0E01, 0x0E2F)}
# Words the extraction split with a space (glyph runs broken where the font kerns).
SPLIT_WORDS = (
    ("คุณธรรม", "คุณ ธรรม"),
    ("ความโปร่งใส", "ความ โปร่งใส"),
    ("ท่องเที่ยวชุมชน", "ท่องเที่ยว ชุมชน"),
    ("ผู้รับผิดชอบ", "ผู้รับ ผิดชอบ"),
    ("ประชาสัมพันธ์", "ประชา สัมพันธ์"),
    ("การจัดซื้อจัดจ้าง", "การจัดซื้อ จัดจ้าง"),
    ("ข้อเสนอแนะ", "ข้อเสนอ แนะ"),
    ("ผลการดำเนินงาน", "ผลการ ดำเนินงาน"),
)


def damage(text: str) -> str:
    """``text`` as pdftotext gives it back from a PDF set in an old Thai font.

    - the title page (the lines before the first blank line) is set in a display face that
      loses the nikhahit of sara am: "สำนักงาน" -> "สานักงาน", "ประจำปี" -> "ประจาปี";
    - in the body, sara am comes out as nikhahit + sara aa ("ดำเนิน" -> "ดําเนิน"), after any
      tone mark ("น้ำ" -> "น้ํา");
    - tone marks over a consonant with no upper vowel come out as the lowered private-use
      glyphs (U+F70A-U+F70E; "ได้" -> "ได\\uf70b"), over ป ฝ ฟ ฬ as the lowered-left ones
      (U+F705-U+F709) or, above an upper vowel, the left ones (U+F713-U+F717); upper vowels on
      ป ฝ ฟ ฬ come out as the left-shifted glyphs (U+F701-U+F704, U+F710-U+F712);
    - the words of SPLIT_WORDS come apart with a space, wherever they stand.
    Digits and Latin letters are left as they are. Of report-i's periods only "ตลอดปีงบประมาณ"
    changes (its ปี); its meeting phrase has no mark the damage touches.
    """
    for word, split in SPLIT_WORDS:
        text = text.replace(word, split)
    title, _, body = text.partition("\n\n")
    return title.replace(SARA_AM, SARA_AA) + "\n\n" + _marks_damaged(body)


def _marks_damaged(text: str) -> str:
    text = text.replace(SARA_AM, NIKHAHIT + SARA_AA)
    out: list[str] = []
    base: str | None = None
    upper = False
    for index, char in enumerate(text):
        following = text[index + 1] if index + 1 < len(text) else ""
        if char in CONSONANTS:
            base, upper = char, False
            out.append(char)
        elif char in UPPER_LEFT and base is not None:
            out.append(UPPER_LEFT[char] if base in ASCENDERS else char)
            upper = True
        elif char in TONES and base is not None:
            raised = upper or following == NIKHAHIT
            if base in ASCENDERS:
                out.append(TONE_LEFT[char] if raised else TONE_LOW_LEFT[char])
            else:
                out.append(char if raised else TONE_LOW[char])
        elif char in "\u0e38\u0e39\u0e3a":  # below vowels keep the cluster open
            out.append(char)
        else:
            base, upper = None, False
            out.append(char)
    return "".join(out)


# --- what to build ---------------------------------------------------------------------------

HEADING_NUMBERED = re.compile(r"^\d+\.\s")
HEADING_PARTS = re.compile(r"^(?:ส่วนที่|บทสรุป|มาตรการที่)")
REPORT_E = WordLayout(
    font="TH SarabunPSK",
    heading=HEADING_NUMBERED,
    merged_columns=("มาตรการ", "การติดตามผล", "เครื่องมือ"),
    bold_lead=re.compile(r"^ข้อ [IEO]\d+"),
)
REPORT_G = WordLayout(
    font="Laksaman",
    heading=HEADING_PARTS,
    merged_columns=("การติดตามผล",),
    bold_lead=re.compile(r"^[IEO]\d+"),
)


def build_a() -> None:
    print_pages({HERE / "report-a.pdf": markdown_page(HERE / "report-a.md")})


def build_b() -> None:
    print_pages({HERE / "report-b.pdf": text_page(HERE / "report-b.txt")})


def build_e() -> None:
    write_docx(HERE / "report-e.txt", HERE / "report-e.docx", REPORT_E)
    print("wrote examples/reports/report-e.docx")


def build_f() -> None:
    print_pages({HERE / "report-f.pdf": (HERE / "report-f.html").read_text(encoding="utf-8")})


def build_g() -> None:
    write_docx(HERE / "report-g.txt", HERE / "report-g.docx", REPORT_G)
    print("wrote examples/reports/report-g.docx")
    libreoffice_pdf(HERE / "report-g.docx", HERE / "report-g.pdf")
    print("wrote examples/reports/report-g.pdf")


def build_i() -> None:
    clean = (HERE / "report-i.clean.txt").read_text(encoding="utf-8")
    (HERE / "report-i.txt").write_text(damage(clean), encoding="utf-8")
    print("wrote examples/reports/report-i.txt")


BUILDERS: dict[str, Callable[[], None]] = {
    "report-a": build_a,
    "report-b": build_b,
    "report-e": build_e,
    "report-f": build_f,
    "report-g": build_g,
    "report-i": build_i,
}


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in BUILDERS]
    if unknown:
        raise SystemExit(
            f"no such report to build: {', '.join(unknown)} (have {', '.join(BUILDERS)})"
        )
    for name in names or list(BUILDERS):
        BUILDERS[name]()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))  # the tracker package, for its PDF printer
    main(sys.argv[1:])
