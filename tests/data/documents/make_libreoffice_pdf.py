"""Make libreoffice-thai.pdf: a short Thai document written with python-docx, exported by
LibreOffice Writer, for tests/test_import_pdf_word.py.

LibreOffice draws a Thai tone mark after the consonant that follows it when the syllable has
an upper vowel too ("ตั้ง" comes out as ต ั ง ้ in the file) and states sara am in an
ActualText span: what the PDF reader must put right. CI has no LibreOffice, so the PDF is kept
in the repository; run this (with ``soffice`` on PATH and the Loma font of
fonts-thai-tlwg) to make it again:

    .venv/bin/python tests/data/documents/make_libreoffice_pdf.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
HEADING = "ตัวอย่างเอกสารจากโปรแกรมเวิร์ด"
WORDS = "ผู้รับผิดชอบ ตั้งแต่ ขั้นตอน ก๋วยเตี๋ยว เกี๊ยวน้ำ ซึ่ง ที่นี่ สิ่ง"
ROWS = (
    ("ลำดับ", "ขั้นตอน", "ผู้รับผิดชอบ"),
    ("๑", "แต่งตั้งคณะทำงาน", "สำนักปลัด"),
    ("๒", "จัดทำคู่มือปฏิบัติงาน", "กองคลัง"),
)
AFTER = "ประชุมติดตามผลทุกวันพุธที่ ๑ ของเดือน"


def main() -> None:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Loma"
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), "Loma")  # Thai is "complex script" text to Word
    document.add_paragraph(HEADING)
    document.add_paragraph(WORDS)
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    table.style = "Table Grid"
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("")
    document.add_paragraph(AFTER)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "libreoffice-thai.docx"
        document.save(str(source))
        soffice = shutil.which("soffice") or "soffice"
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
        )
        shutil.copy(Path(folder) / "libreoffice-thai.pdf", HERE / "libreoffice-thai.pdf")


if __name__ == "__main__":
    main()
