"""PDF: a report's HTML printed by Chromium (Debian's ``chromium``, driven by Playwright).

Chosen by what reads back: Chromium's print-to-PDF draws Thai and keeps a correct text layer
(``pdftotext`` gives back "การ", "น้ำ", "ผู้รับผิดชอบ"), where WeasyPrint's reads "กำร" (see
the README). The page size, margins and page footer come from the HTML's own ``@page`` rules
(tracker/reports/templates/document.css), so the HTML file and its PDF are the same document.

A :class:`PdfPrinter` keeps one browser for many reports (a sweep prints one per series);
:func:`print_pdf` prints one. Chromium is found at ``TRACKER_CHROMIUM``, else on PATH
(``chromium``, ``chromium-browser``); Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tracker.errors import InvalidInput

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CANDIDATES = ("chromium", "chromium-browser")
# Fonts are embedded in the page as data: URLs; waiting for them is waiting for decoding.
FONT_WAIT_MS = 30_000


class PrinterUnavailable(InvalidInput):
    """No Chromium to print with: install Debian's ``chromium`` or set TRACKER_CHROMIUM."""


def find_chromium(configured: Path | None = None) -> Path:
    """The Chromium executable: ``configured`` (TRACKER_CHROMIUM) if given, else the first
    of :data:`CANDIDATES` on PATH; PrinterUnavailable, saying what to install, if none."""
    if configured is not None:
        if not (configured.is_file() and os.access(configured, os.X_OK)):
            raise PrinterUnavailable(
                f"TRACKER_CHROMIUM: no Chromium at {configured} to print PDFs with"
            )
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise PrinterUnavailable(
        "no Chromium to print PDFs with: install it (Debian: apt-get install chromium) "
        "or set TRACKER_CHROMIUM to its path"
    )


class PdfPrinter:
    """One headless Chromium, started on entering and closed on leaving::

    with PdfPrinter(chromium) as printer:
        for html in pages:
            data = printer.print(html)
    """

    def __init__(self, chromium: Path | None = None) -> None:
        self._executable = find_chromium(chromium)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self._executable),
                # The sandbox needs user namespaces that containers and CI machines often
                # lack; the pages printed are the tracker's own, with no script run.
                args=["--no-sandbox", "--disable-gpu"],
            )
        except Exception as error:
            self._playwright.stop()
            raise PrinterUnavailable(
                f"Chromium at {self._executable} did not start: {_first_line(error)}"
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    def print(self, html: str) -> bytes:
        """``html`` (a whole document with its own ``@page`` rules) as PDF bytes."""
        if self._browser is None:
            raise RuntimeError("PdfPrinter.print outside its with-block")
        page = self._browser.new_page(java_script_enabled=True)
        try:
            page.set_content(html, wait_until="load", timeout=FONT_WAIT_MS)
            page.evaluate("document.fonts.ready.then(() => true)")
            options: dict[str, Any] = {"prefer_css_page_size": True, "print_background": True}
            return page.pdf(**options)
        finally:
            page.close()


def print_pdf(html: str, chromium: Path | None = None) -> bytes:
    """One document printed by a browser started for it (see :class:`PdfPrinter`)."""
    with PdfPrinter(chromium) as printer:
        return printer.print(html)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
