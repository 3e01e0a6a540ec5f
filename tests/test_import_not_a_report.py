"""`tracker import` refuses files that are not ITA analysis reports, in one line on stderr.

Text that is not a report says what was not found; a PDF or Word file that is not one says
so; a report with bytes that are not UTF-8 names the line. Every test runs on SQLite and
(with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import pytest
from import_support import write_copy

# --- files that are not reports --------------------------------------------------------------

PROSE = "วันนี้ฝนตกหนักทั้งวัน ฉันจึงอยู่บ้านอ่านหนังสือ\nพรุ่งนี้จะไปตลาดกับแม่แต่เช้า\n"
ORGANIZATION_ONLY = "องค์การบริหารส่วนตำบลตัวอย่าง\nรายงานการประชุมประจำเดือน\n"


@pytest.mark.parametrize(
    ("content", "missing", "found"),
    [
        (PROSE, ["organization", "measure table", "มาตรการ/แนวทาง"], []),
        ("", ["organization", "measure table", "มาตรการ/แนวทาง"], []),
        (
            ORGANIZATION_ONLY,
            ["assessment year", "results", "measure table", "มาตรการ/แนวทาง"],
            ["organization"],
        ),
    ],
    ids=["ordinary-prose", "empty-file", "organization-without-year-or-results"],
)
def test_a_text_file_that_is_not_a_report_is_refused_saying_what_was_not_found(
    cli, tmp_path, content, missing, found
):
    path = write_copy(tmp_path, "notes.txt", content)

    result = cli("import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for phrase in missing:
        assert phrase in lines[0]
    for phrase in found:
        assert phrase not in lines[0]
    assert cli.ok("plans", "--json").json() == []


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("report.pdf", b"%PDF-1.4 not really\n", "not a readable PDF"),
        ("report.docx", b"%PDF-1.4 not really\n", "not a Word document (.docx): it is a PDF"),
        (
            "report.doc",
            b"\xd0\xcf\x11\xe0 old Word",
            "old Word file (.doc): open it in Word and save it as .docx",
        ),
    ],
)
def test_a_pdf_or_word_file_that_is_not_one_is_refused_in_one_line(
    cli, tmp_path, name, content, said
):
    path = tmp_path / name
    path.write_bytes(content)

    result = cli("import", str(path))

    line = result.error_line(2)
    assert name in line
    assert said in line
    assert cli.ok("plans", "--json").json() == []


def test_a_report_with_non_utf8_bytes_is_refused_naming_the_line(cli, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("บรรทัดแรก\nบรรทัดที่สอง\n".encode() + b"caf\xe9 \xff\n")

    result = cli("import", str(path))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "latin.txt:3" in lines[0] or "line 3" in lines[0]
    assert "UTF-8" in lines[0]
