"""Which PDF library reads Thai reports right, and at what CPU cost: the measurement behind
tracker.importers.pdf.

Run: .venv/bin/python bench/bench_pdf_extract.py [--rounds 5]
(needs pdfplumber, which the tracker does not depend on: pip install pdfplumber)

Prints Markdown tables; copy them into bench/README.md with the machine they ran on.

The PDFs are made here from our own Thai text: a ten-page report (paragraphs, and a ruled
measure table on each page with a wrapped cell, a cell spanning two rows and one spanning two
columns) printed by Chromium in the bundled Sarabun and in four faces of fonts-thai-tlwg,
and, when LibreOffice is installed, the same text written with python-docx and exported by
LibreOffice Writer. Every line of the text is short enough not to wrap, so what each line
must read is known. Measured per extractor:

- words whole: the share of the text's words (as split by its spaces) found in the
  extracted text exactly, marks and all (a word split by a space, a lost or moved tone mark,
  a sara am read as "ํา" or "ำา", a NUL for a glyph with no Unicode: not found);
- false spaces: spaces inside a word of the text (Thai letters on both sides) in the output;
- bad characters: NULs, U+FFFD, private-use characters, "(cid:…)" in the output;
- table cells: the share of the measure tables' cells read as one cell with its whole text,
  spaces aside (each layout wraps a cell in its own places) (pdfplumber: ``extract_tables``;
  ours: the cells of each row line; the raw text extractors give no cells);
- CPU per page: ``time.process_time`` (for pdftotext, the child's user+system time) over
  every page of every PDF, the median of ``--rounds`` rounds, and its ratio to the floor
  measured in the same run: PDFium's own text (``get_text_range``), the least any
  PDFium-based reader does.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.importers.pdf import read_pdf_lines  # noqa: E402
from tracker.importers.text import tidy  # noqa: E402
from tracker.reports.fonts import bundled_fonts  # noqa: E402
from tracker.reports.pdf import PdfPrinter  # noqa: E402

PAGES = 10
FACES = ("Sarabun", "Loma", "Garuda", "Laksaman", "Kinnari")
# Our own sentences, each one line, with what PDF extraction gets wrong in Thai: stacked marks,
# sara am after tone marks, tailed consonants, ฤๅ.
SENTENCES = (
    "ผู้รับผิดชอบหลักคือสำนักงานปลัด ซึ่งกำหนดให้ดำเนินการทุกไตรมาส",
    "เพื่อให้ผู้ใช้บริการเกิดความพึงพอใจ และได้รับข้อมูลที่ถูกต้องครบถ้วน",
    "ก๋วยเตี๋ยว เกี๊ยวน้ำ ญี่ปุ่น ฤๅษี ปฏิบัติ ฎีกา ฐานข้อมูล กตัญญู",
    "น้ำใจ ก่ำ ค้ำประกัน ซ้ำซ้อน ต่ำกว่าเกณฑ์ ล้ำหน้า จำนวน อำเภอ ตำบล",
    "สิ่งที่ต้องพัฒนาต่อไป คือการเปิดเผยข้อมูลผ่านเว็บไซต์ของหน่วยงาน",
    "ข้อ I7 ผู้มาติดต่อได้รับการปฏิบัติอย่างเท่าเทียม มากน้อยเพียงใด คะแนน ๗๙.๔๐",
    "ผลการประเมินได้คะแนน ๘๘.๑๐ คะแนน อยู่ในระดับ A ประจำปีงบประมาณ ๒๕๖๗",
    "ตั้งแต่เดือนตุลาคมเป็นต้นไป ให้รายงานผลต่อที่ประชุมทุกวันพุธที่ ๑ และ ๓",
)
TABLE = (
    ("ลำดับ", "มาตรการ/ขั้นตอน", "ระยะเวลา", "ผู้รับผิดชอบ"),
    ("๑", "จัดทำคำสั่งแต่งตั้งคณะทำงาน|ขับเคลื่อนการประเมิน", "ต.ค. - ธ.ค. ๒๕๖๖", "สำนักปลัด"),
    ("๒", "เผยแพร่ข้อมูลบนเว็บไซต์", "ม.ค. ๒๕๖๗ เป็นต้นไป", None),  # None: the cell above spans
    ("๓", "ประชุมติดตามผลทุกวันพุธ สัปดาห์ที่ ๑,๓", "=", "กองคลัง|กองช่าง"),  # "=": spanned
)
STYLE = """
@page { size: A4; margin: 20mm; }
body { font-family: %s; font-size: 12pt; line-height: 1.5; margin: 0; }
p { margin: 0 0 0.4em 0; }
table { border-collapse: collapse; margin: 1em 0; }
td { border: 1px solid #000; padding: 2pt 6pt; vertical-align: top; }
.page { break-after: page; }
"""


def expected_cells() -> list[str]:
    """Every table cell's text as one cell reads it (wrapped lines joined with a space)."""
    return [cell.replace("|", " ") for row in TABLE for cell in row if cell not in (None, "=")]


def html(face: str) -> str:
    faces = ""
    if face == "Sarabun":
        fonts = bundled_fonts()
        for weight, path in ((400, fonts.regular), (700, fonts.bold)):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            faces += (
                f"@font-face {{ font-family: Sarabun; font-weight: {weight}; "
                f"src: url(data:font/ttf;base64,{data}); }}"
            )
    pages = []
    for number in range(1, PAGES + 1):
        paragraphs = "".join(f"<p>{sentence}</p>" for sentence in SENTENCES)
        rows = []
        for row in TABLE:
            cells = []
            for c, cell in enumerate(row):
                if cell is None or cell == "=":
                    continue
                span = ' rowspan="2"' if row[0] == "๑" and c == 3 else ""
                span += ' colspan="2"' if row[0] == "๓" and c == 1 else ""
                cells.append(f"<td{span}>{cell.replace('|', '<br>')}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        pages.append(
            f'<div class="page"><p>หน้า {number}</p>{paragraphs}<table>{"".join(rows)}</table></div>'
        )
    style = faces + STYLE % f"'{face}'"
    return (
        f'<!doctype html><html lang="th"><head><meta charset="utf-8"><style>{style}</style>'
        f"</head><body>{''.join(pages)}</body></html>"
    )


def libreoffice_pdf(folder: Path) -> Path | None:
    """The report written with python-docx and exported by LibreOffice, if it is installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Loma"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), "Loma")
    for number in range(1, PAGES + 1):
        document.add_paragraph(f"หน้า {number}")
        for sentence in SENTENCES:
            document.add_paragraph(sentence)
        table = document.add_table(rows=len(TABLE), cols=4)
        table.style = "Table Grid"
        table.cell(1, 3).merge(table.cell(2, 3))
        table.cell(3, 1).merge(table.cell(3, 2))
        for r, row in enumerate(TABLE):
            for c, cell in enumerate(row):
                if cell is None or cell == "=":
                    continue
                target = table.cell(r, c)
                first, *more = cell.split("|")
                target.text = first
                for line in more:
                    target.add_paragraph(line)
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    source = folder / "libreoffice.docx"
    document.save(str(source))
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / "libreoffice.pdf"


# --- extractors: each gives (text, cells) for a PDF ---------------------------------------------


def by_pdftotext(path: Path) -> tuple[str, list[str]]:
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
    )
    return done.stdout.decode("utf-8"), []


def by_pypdfium2_raw(path: Path) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(texts), []
    finally:
        document.close()


def by_pdfplumber(path: Path) -> tuple[str, list[str]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages), []


def by_pdfplumber_tables(path: Path) -> tuple[str, list[str]]:
    """pdfplumber's text, and the cells of its ``extract_tables`` (ruling-line strategy)."""
    import pdfplumber

    texts: list[str] = []
    cells: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            for table in page.extract_tables():
                cells.extend(" ".join((cell or "").split()) for row in table for cell in row)
    return "\n".join(texts), cells


def by_tracker(path: Path) -> tuple[str, list[str]]:
    lines = read_pdf_lines(path, max_bytes=100_000_000)
    cells = [cell for line in lines if line.is_row for cell in line.cells]
    return "\n".join(line.text for line in lines), cells


EXTRACTORS: dict[str, Callable[[Path], tuple[str, list[str]]]] = {
    "pdftotext -raw (poppler, subprocess)": by_pdftotext,
    "pypdfium2 get_text_range (floor)": by_pypdfium2_raw,
    "pdfplumber extract_text": by_pdfplumber,
    "pdfplumber extract_text + extract_tables": by_pdfplumber_tables,
    "tracker read_pdf_lines (pypdfium2)": by_tracker,
}
FLOOR = "pypdfium2 get_text_range (floor)"


# --- scoring ------------------------------------------------------------------------------------

_BAD = re.compile(r"[\x00\ufffd\ue000-\uf8ff]|\(cid:\d+\)")
_THAI = "\u0e01-\u0e4e"


def score(text: str, cells: list[str]) -> tuple[float, int, int, float]:
    """(words whole %, false spaces, bad characters, table cells %) of one PDF's output."""
    bad = len(_BAD.findall(text))
    clean = tidy(unicodedata.normalize("NFC", text))
    words = [word for sentence in SENTENCES for word in sentence.split()]
    found = sum(word in clean for word in words)
    false_spaces = 0
    for sentence in SENTENCES:
        for word in sentence.split():
            for cut in range(1, len(word)):
                left, right = word[:cut], word[cut:]
                if re.match(f"[{_THAI}]", right) and f"{left} {right}" in clean:
                    false_spaces += 1
                    break
    wanted = [cell.replace(" ", "") for cell in expected_cells()]
    got = {tidy(cell).replace(" ", "") for cell in cells}  # layouts wrap cells differently
    cell_share = 100 * sum(cell in got for cell in wanted) / len(wanted)
    return 100 * found / len(words), false_spaces, bad, cell_share


def cpu(extract: Callable[[Path], tuple[str, list[str]]], paths: list[Path], rounds: int) -> float:
    """The median CPU seconds of reading every PDF once (a child's time counted too)."""
    times = []
    for _ in range(rounds):
        before, child = time.process_time(), os.times()
        for path in paths:
            extract(path)
        after, child_after = time.process_time(), os.times()
        spent_child = (child_after.children_user - child.children_user) + (
            child_after.children_system - child.children_system
        )
        times.append(after - before + spent_child)
    return statistics.median(times)


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        pdfs: dict[str, Path] = {}
        with PdfPrinter() as printer:
            for face in FACES:
                pdfs[f"Chromium, {face}"] = folder / f"chromium-{face}.pdf"
                pdfs[f"Chromium, {face}"].write_bytes(printer.print(html(face)))
        made = libreoffice_pdf(folder)
        if made is not None:
            pdfs["LibreOffice, Loma"] = made
        print(f"PDFs: {', '.join(pdfs)}; {sum(page_count(p) for p in pdfs.values())} pages\n")
        print("| extractor | PDF | words whole | false spaces | bad characters | table cells |")
        print("|---|---|---|---|---|---|")
        for name, extract in EXTRACTORS.items():
            for label, path in pdfs.items():
                text, cells = extract(path)
                words, spaces, bad, table = score(text, cells)
                shown = f"{table:.0f} %" if cells or "table" in name or "tracker" in name else "–"
                print(f"| {name} | {label} | {words:.1f} % | {spaces} | {bad} | {shown} |")
        paths = list(pdfs.values())
        pages = sum(page_count(path) for path in paths)
        floor = cpu(EXTRACTORS[FLOOR], paths, args.rounds)
        print(f"\nCPU time per page ({pages} pages, median of {args.rounds} rounds):\n")
        print("| extractor | CPU per page | × floor |")
        print("|---|---|---|")
        for name, extract in EXTRACTORS.items():
            spent = floor if name == FLOOR else cpu(extract, paths, args.rounds)
            print(f"| {name} | {1000 * spent / pages:.1f} ms | {spent / floor:.1f} |")


if __name__ == "__main__":
    main()
