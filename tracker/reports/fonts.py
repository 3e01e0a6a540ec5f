"""The font printed reports are set in: Sarabun (bundled, OFL) unless the agency gives its own.

Thai official documents are set in a Sarabun-style face at 16 pt. The bundled default is
Google's Sarabun (PyPI ``fontpkg-sarabun``); its letters are larger than TH Sarabun New's at
the same size, so it is set at 12.5 pt, which matches TH Sarabun New's 16 pt line for line.
An agency that has TH Sarabun New (or any face) points ``TRACKER_REPORT_FONT`` and
``TRACKER_REPORT_FONT_BOLD`` at its files; that face is set at 16 pt unless
``TRACKER_REPORT_FONT_SIZE`` says otherwise.

Every weight used is a real file (declared once per weight in the page's ``@font-face``), so
a PDF never falls back to synthetic bold, which Chromium draws as Type 3 glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.errors import InvalidInput

DEFAULT_FAMILY = "Sarabun"
DEFAULT_SIZE = 12.5  # points: Sarabun at 12.5 pt sets a line like TH Sarabun New at 16 pt
OWN_FONT_SIZE = 16.0


@dataclass(frozen=True)
class FontSet:
    """A face in the two weights reports use, and its body size in points."""

    family: str
    regular: Path
    bold: Path
    size: float


@cache
def bundled_fonts() -> FontSet:
    """Sarabun regular and bold from the ``fontpkg-sarabun`` package."""
    import fontpkg

    return FontSet(
        family=DEFAULT_FAMILY,
        regular=Path(fontpkg.path(DEFAULT_FAMILY, weight=400)),
        bold=Path(fontpkg.path(DEFAULT_FAMILY, weight=700)),
        size=DEFAULT_SIZE,
    )


def report_fonts(
    regular: Path | None = None, bold: Path | None = None, size: float | None = None
) -> FontSet:
    """The agency's own face when ``regular`` is given (``bold`` is then required: a face
    without a bold file would be printed with synthetic bold), else the bundled Sarabun.
    A file that does not exist is an InvalidInput naming its setting."""
    if regular is None and bold is None:
        default = bundled_fonts()
        return FontSet(default.family, default.regular, default.bold, size or default.size)
    if regular is None or bold is None:
        missing = "TRACKER_REPORT_FONT" if regular is None else "TRACKER_REPORT_FONT_BOLD"
        raise InvalidInput(
            f"{missing} is not set: an agency's own report font needs both its regular "
            "and its bold file (TRACKER_REPORT_FONT, TRACKER_REPORT_FONT_BOLD)"
        )
    for setting, path in (("TRACKER_REPORT_FONT", regular), ("TRACKER_REPORT_FONT_BOLD", bold)):
        if not path.is_file():
            raise InvalidInput(f"{setting}: no font file at {path}")
        if path.suffix.lower() not in (".ttf", ".otf", ".woff", ".woff2"):
            raise InvalidInput(f"{setting}: {path.name} is not a TrueType or OpenType font file")
    return FontSet("ReportFont", regular, bold, size or OWN_FONT_SIZE)
