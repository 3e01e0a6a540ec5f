"""Every format a report document is written in, behind one function: :func:`write`.

``pdf`` is the ``html`` page printed by Chromium (tracker.reports.pdf); ``docx`` and ``xlsx``
are built from the same document by python-docx and openpyxl; ``md`` and ``txt`` for chat
and terminals. Which fonts and which Chromium come from :class:`PrintSettings`, built at the
edge from tracker.config.Settings (``Settings.printing()``), so nothing here reads the
environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.reports.document import Document
from tracker.reports.fonts import FontSet, bundled_fonts

if TYPE_CHECKING:
    from tracker.reports.pdf import PdfPrinter

# The formats of a document, with the media type and file extension each is offered under.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
DOCUMENT_FORMATS = tuple(MEDIA_TYPES)
BINARY_FORMATS = ("pdf", "docx", "xlsx")


@dataclass(frozen=True)
class PrintSettings:
    """The face reports are set in and the Chromium that prints them (None: find it)."""

    fonts: FontSet = field(default_factory=bundled_fonts)
    chromium: Path | None = None


def write(
    document: Document,
    fmt: str,
    settings: PrintSettings | None = None,
    *,
    printer: PdfPrinter | None = None,
) -> bytes:
    """``document`` in ``fmt`` (one of :data:`DOCUMENT_FORMATS`), as bytes (text is UTF-8).

    ``printer``, an open :class:`~tracker.reports.pdf.PdfPrinter`, saves starting a browser
    for each PDF of a batch.
    """
    settings = settings or PrintSettings()
    if fmt in ("html", "pdf"):
        from tracker.reports.html_writer import to_html

        html = to_html(document, settings.fonts)
        if fmt == "html":
            return html.encode("utf-8")
        if printer is not None:
            return printer.print(html)
        from tracker.reports.pdf import print_pdf

        return print_pdf(html, settings.chromium)
    if fmt == "docx":
        from tracker.reports.docx_writer import to_docx

        return to_docx(document, settings.fonts)
    if fmt == "xlsx":
        from tracker.reports.xlsx_writer import to_xlsx

        workbook: bytes = to_xlsx(document)
        return workbook
    if fmt in ("md", "txt"):
        from tracker.reports.text_writer import to_markdown, to_text

        return (to_markdown if fmt == "md" else to_text)(document).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}; formats: {', '.join(DOCUMENT_FORMATS)}")


def file_name(document: Document, fmt: str) -> str:
    """The name a document is offered under: its ``name`` and the format's extension."""
    return f"{document.name}.{fmt}"
