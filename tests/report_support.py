"""Reading printed reports back as their readers would: the PDF's text layer (``pdftotext``),
its fonts (``pdffonts``) and its first page as a picture (``pdftoppm``), from poppler-utils.

``TRACKER_REPORT_PAGES=DIR`` keeps each page-1 PNG a test renders there (CI artefacts, the
README's pictures); without it they go to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

POPPLER = ("pdftotext", "pdffonts", "pdftoppm")


def require_poppler() -> None:
    """Fail (not skip) when poppler-utils is missing: .ci/run installs it."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: install poppler-utils (apt-get install poppler-utils)"
        )


def _with_file(data: bytes, run: list[str]) -> str:
    require_poppler()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        done = subprocess.run(
            [*run, str(path), *(["-"] if run[0] == "pdftotext" else [])],
            capture_output=True,
            check=True,
            text=True,
        )
        return done.stdout


def pdf_text(data: bytes) -> str:
    """The PDF's text layer in reading order (``pdftotext``, no layout)."""
    return _with_file(data, ["pdftotext", "-enc", "UTF-8"])


def pdf_words(data: bytes) -> str:
    """The text layer with every run of white space made one space: what a search finds."""
    return " ".join(pdf_text(data).split())


def pdf_fonts(data: bytes) -> list[dict[str, str]]:
    """Each font of the PDF as ``pdffonts`` lists it: name, type, emb (yes/no)."""
    lines = _with_file(data, ["pdffonts"]).splitlines()[2:]
    fonts = []
    for line in lines:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        if match:
            fonts.append({"name": match[1], "type": match[2], "emb": match[4]})
    return fonts


def pdf_pages(data: bytes) -> int:
    require_poppler()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]


def page_png(data: bytes, name: str, folder: Path) -> Path:
    """Page 1 rendered to ``name``.png (in TRACKER_REPORT_PAGES when set, else ``folder``)."""
    require_poppler()
    target = Path(os.environ.get("TRACKER_REPORT_PAGES") or folder)
    target.mkdir(parents=True, exist_ok=True)
    pdf = target / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(target / name),
        ],
        check=True,
    )
    if not os.environ.get("TRACKER_REPORT_PAGES"):
        pdf.unlink()
    return target / f"{name}.png"
