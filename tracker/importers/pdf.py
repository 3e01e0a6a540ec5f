"""Reading a PDF's text layer into report lines: reading order, Thai kept whole, tables by geometry.

Built on pypdfium2 (PDFium, the PDF engine of Chromium), chosen by measuring on Thai PDFs
printed by Chromium and exported by LibreOffice (bench/bench_pdf_extract.py): both draw a Thai
syllable as several glyphs and state its text once, in a ``/Span <</ActualText …>>`` around
them. pdfminer (under pdfplumber) ignores ActualText and reads "ป\\x00" for "ปี", "ผรู้ บั" for
"ผู้รับ"; PDFium honours it, but repeats the text for every glyph inside the span, and places a
tone mark LibreOffice draws after the next consonant ("ตัง้" for "ตั้ง") where it was drawn.
So this module reads PDFium's characters with their positions and builds the lines itself:

1. **Glyphs**: each character with its advance box, baseline and size (the em, in points). A
   character PDFium made up (the spaces and line breaks of its own layout) is dropped; of an
   ActualText span only the characters of its first drawn object are kept (the rest repeat
   it), as one glyph as wide as all its objects and the advances of its letters.
2. **Lines**: glyphs whose baselines lie within :data:`BASELINE_TOLERANCE_EM` of each other.
   A combining mark (tone marks, upper and lower vowels: "่ ้ ิ ุ" …) is joined to the
   consonant it is drawn over, not to its neighbour in the file, then the marks of a
   consonant are put in the standard order (vowel mark before tone mark: "กิ่", "ก่ำ").
3. **Spaces** are read from the gaps: a gap of :data:`SPACE_GAP_EM` or more between two letters
   is a space; Thai letters of one word touch, so a word is never split.
4. **Tables**: the ruling lines a page draws (thin filled rectangles, stroked lines and boxes)
   that cross each other form a table; each band between two horizontal rules is one row, and
   the vertical rules crossing it divide it into cells. A cell spanning two columns has no
   rule inside it, so it is one cell. A cell spanning rows has no rule under it: its text,
   wherever in the cell it is drawn, is the cell's in the row it starts in, and the rows below
   give "" there (the reader carries the value down). A cell's wrapped lines are joined with
   a space. Outside ruled tables, a gap of :data:`CELL_GAP_EM` or more (tab stops, unruled
   columns) separates cells of one line, as a tab does in a text report.
5. **What is not seen** is not read: text outside its clip path (Chromium draws the tone
   marks of a line cut by a page break at the foot of the page before, clipped away).

Lines are ordered top to bottom on each page, numbered through the whole document, and carry
their page. Text is NFC with the composed sara am (:func:`tracker.importers.text.tidy`);
repairing the damage older tools leave in Thai text is :mod:`tracker.importers.repair`'s work.
PDFium is not thread-safe: one document is read at a time (a module lock).
"""

from __future__ import annotations

import ctypes
import itertools
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.repair import thai_mark_order
from tracker.importers.text import Line, tidy
from tracker.inputs import check_file_size

MAX_PAGES = 1_000  # an ITA report has 10 to 60 pages; more is not the file meant
SPACE_GAP_EM = 0.15  # a space is 0.25 em or more; letters of a word touch (kerning aside)
CELL_GAP_EM = 2.0  # wider than any space, even in justified text: a tab stop or a column
PARAGRAPH_GAP = 1.45  # lines this many usual pitches apart have a paragraph break between
BASELINE_TOLERANCE_EM = 0.3  # glyphs of one line share a baseline (to rounding)
RULE_THICKNESS = 2.5  # points: a table border is 0.5 to 1.5 pt thick
RULE_JOIN = 2.0  # points: border pieces this close meet (cells' borders abut, rounded)
MIN_CELL = 4.0  # points: rules closer than this are one rule drawn twice (double borders)
HEADER_BYTES = 1024  # the "%PDF-" marker must start within the first kilobyte (spec, 7.5.2)

_PDFIUM_LOCK = threading.Lock()


@dataclass
class _Glyph:
    """One character (or one ActualText cluster) where it was drawn, in PDF points (y up)."""

    text: str
    x0: float  # the advance box: from the origin to the next glyph's origin
    x1: float
    anchor: float  # the middle of the ink, where a mark is drawn over its consonant
    baseline: float
    em: float
    order: int  # PDFium's reading order, to break ties
    mark: bool = False  # a combining mark, drawn over or under another glyph
    space: bool = False
    origin: float = 0.0  # where the pen stood when it was drawn
    font: str = ""  # the name of the font it was drawn with
    span: tuple[float, float] | None = None  # an ActualText span's ink, left to right
    marks: list[_Glyph] = field(default_factory=list)  # the marks joined to it

    def key(self, character: str) -> tuple[str, float, str]:
        """What a letter's advance depends on: font, size, letter."""
        return (self.font, round(self.em, 1), character)

    @property
    def middle(self) -> float:
        """A height inside the letters of this glyph's line (a third of an em up)."""
        return self.baseline + self.em / 3


@dataclass(frozen=True)
class _Table:
    """A ruled table: its rules, and its box (x0, x1, bottom, top) in points."""

    horizontal: tuple[float, ...]  # the heights of the horizontal rules, top first
    across: tuple[tuple[float, float, float], ...]  # (y, left, right) of each horizontal rule
    vertical: tuple[tuple[float, float, float], ...]  # (x, bottom, top) of each vertical rule
    box: tuple[float, float, float, float]

    def holds(self, x: float, y: float) -> bool:
        x0, x1, bottom, top = self.box
        return x0 <= x <= x1 and bottom <= y <= top

    def ruled_at(self, y: float, x: float) -> bool:
        """Whether a horizontal rule at height ``y`` passes ``x`` (a cell's bottom is drawn)."""
        return any(
            abs(at - y) <= RULE_JOIN and left - RULE_JOIN <= x <= right + RULE_JOIN
            for at, left, right in self.across
        )

    def columns(self, top: float, bottom: float) -> list[tuple[float, float]]:
        """The cells of the band between two rules: the spans between the vertical rules that
        cross the band's middle (one span, the table's width, if none do)."""
        middle = (top + bottom) / 2
        edges = _distinct(
            [x for x, low, high in self.vertical if low - RULE_JOIN <= middle <= high + RULE_JOIN]
        )
        if len(edges) < 2:
            edges = [self.box[0], self.box[1]]
        return list(itertools.pairwise(edges))


def read_pdf_lines(path: Path, *, max_bytes: int) -> list[Line]:
    """The text of the PDF at ``path`` as report lines, in reading order, each with its page.

    A table row is one Line whose cells are its cells' texts (see the module); any other line
    is one cell. An empty Line (text "", cells ``("",)``, as a blank line of a text report)
    stands where the page leaves a gap: before and after a table, and between paragraphs
    (lines further apart than the document's usual line pitch). InvalidInput (one line
    naming the file) for a file too big, not a PDF or damaged, locked with a password, of more
    than :data:`MAX_PAGES` pages, or without any text (a scan).
    """
    check_file_size(path, max_bytes=max_bytes, what="PDF")
    _check_signature(path)
    with _PDFIUM_LOCK:
        items = _read_pages(path)
    if not any(cell for _, row in items for cell in row):
        raise InvalidInput(
            f"{path}: the PDF has no text layer: its pages are images (a scan?); export it "
            "from Word again as PDF, import the .docx itself, or run OCR on it first"
        )
    return [
        Line(number, tidy(" ".join(row)), row, page)
        for number, (page, row) in enumerate(items, start=1)
    ]


def _check_signature(path: Path) -> None:
    """Refuse a file that does not say it is a PDF, naming what it looks like instead."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_BYTES)
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    if b"%PDF-" in head:
        return
    if head.startswith(b"PK\x03\x04"):
        kind = "is a zip archive (a Word or Excel file renamed?)"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "is an old Office document (.doc or .xls)"
    elif not head:
        kind = "is empty"
    else:
        kind = "does not start with %PDF-"
    raise InvalidInput(f"{path}: not a PDF: the file {kind}")


def _read_pages(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """(page number, cells) of every line of every page, in reading order."""
    import pypdfium2 as pdfium

    document = _open(path, pdfium)
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise InvalidInput(
                f"{path}: {count:,} pages, more than a report has (at most {MAX_PAGES:,}): "
                "check that this is the report you meant"
            )
        pages: list[tuple[list[_Glyph], list[_Rule]]] = []
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError:
                raise InvalidInput(
                    f"{path}: page {index + 1} is damaged and cannot be read"
                ) from None
            try:
                objects = _scan_objects(page)
                pages.append((_glyphs(page, objects), objects.rules))
            finally:
                page.close()
        _measure_spans([glyph for glyphs, _ in pages for glyph in glyphs])
        return _with_gaps([_page_items(glyphs, rules) for glyphs, rules in pages])
    finally:
        document.close()


def _open(path: Path, pdfium: Any) -> Any:
    """The pypdfium2 document, or InvalidInput saying why it cannot be opened."""
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise InvalidInput(
                f"{path}: the PDF is locked with a password: save a copy without the "
                "password (or export it again) and import that"
            ) from None
        if code == raw.FPDF_ERR_SECURITY:
            raise InvalidInput(
                f"{path}: the PDF uses an encryption it cannot be read with"
            ) from None
        raise InvalidInput(
            f"{path}: not a readable PDF: the file is damaged or incomplete"
        ) from None


# --- one page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A line of a page ready to number: where it stands and its cells (no cells: a gap)."""

    top: float  # a free line's baseline, a table row's top rule
    left: float
    cells: tuple[str, ...]
    em: float = 0.0  # a free line's size; 0 for a table row
    table: int | None = None  # which table of the page a row belongs to


def _page_items(glyphs: list[_Glyph], rules: list[_Rule]) -> list[_Item]:
    """The lines of a page, top to bottom (table rows by their top rule), without gaps."""
    tables = _tables(rules)
    items: list[_Item] = []
    free: list[_Glyph] = []
    inside: dict[int, list[_Glyph]] = {}
    for glyph in glyphs:
        held_by = next(
            (n for n, table in enumerate(tables) if table.holds(glyph.anchor, glyph.middle)),
            None,
        )
        if held_by is None:
            free.append(glyph)
        else:
            inside.setdefault(held_by, []).append(glyph)
    for line in _lines(free):
        cells = _split_cells(line)
        if cells:
            em = max((g.em for g in line if not g.space), default=0.0)
            baseline = max(g.baseline for g in line)
            items.append(_Item(baseline, min(g.x0 for g in line), cells, em))
    for number, table in enumerate(tables):
        for top, cells in _table_rows(table, inside.get(number, [])):
            items.append(_Item(top, table.box[0], cells, table=number))
    items.sort(key=lambda item: (-item.top, item.left))
    return items


def _with_gaps(pages: list[list[_Item]]) -> list[tuple[int, tuple[str, ...]]]:
    """(page, cells) of every line, with an empty line (``("",)``) where the text leaves a
    gap, as a text report has: around each table, and between two lines further apart than
    :data:`PARAGRAPH_GAP` times the document's usual line pitch. A page break is no gap (a
    paragraph or a table may go on over it)."""
    pitch = _usual_pitch(pages)
    out: list[tuple[int, tuple[str, ...]]] = []
    previous: tuple[int, _Item] | None = None
    for number, items in enumerate(pages, start=1):
        for item in items:
            gap = previous is not None and _gap_between(previous, (number, item), pitch)
            if gap and out and out[-1][1] != ("",):
                out.append((number, ("",)))
            out.append((number, item.cells))
            previous = (number, item)
    return out


def _usual_pitch(pages: list[list[_Item]]) -> float:
    """The median distance between the baselines of two free lines of one size, in ems."""
    pitches = sorted(
        (above.top - below.top) / above.em
        for items in pages
        for above, below in itertools.pairwise(items)
        if above.table is None and below.table is None and above.em and above.em == below.em
    )
    return pitches[len(pitches) // 2] if pitches else 1.5


def _gap_between(above: tuple[int, _Item], below: tuple[int, _Item], pitch: float) -> bool:
    (page_above, first), (page_below, second) = above, below
    if (first.table is None) != (second.table is None):
        return True  # a table is a block of its own
    if page_above != page_below:
        return False
    if first.table is not None:
        return first.table != second.table
    em = max(first.em, second.em) or 1.0
    return (first.top - second.top) / em > PARAGRAPH_GAP * pitch


def _glyphs(page: Any, scanned: _PageObjects) -> list[_Glyph]:
    """The page's characters as glyphs: PDFium's made-up characters and the repeats of an
    ActualText span dropped, a span's characters kept together as one glyph."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    buffers = _Buffers()
    try:
        spans: dict[int, int] = {}  # span -> the first text object drawn inside it
        objects: dict[int, tuple[int | None, str]] = {}  # text object -> (its span, its font)
        fonts: dict[int, str] = {}  # font handle -> its name
        glyphs: list[_Glyph] = []
        last_span: int | None = None
        for index in range(raw.FPDFText_CountChars(textpage)):
            if raw.FPDFText_IsGenerated(textpage, index) == 1:
                continue
            character = _character(raw.FPDFText_GetUnicode(textpage, index))
            if character is None:
                continue
            text_object = raw.FPDFText_GetTextObject(textpage, index)
            address = _address(text_object)
            if address in scanned.hidden:
                continue
            if address not in objects:
                handle = raw.FPDFTextObj_GetFont(text_object)
                key = _address(handle)
                if key not in fonts:
                    fonts[key] = _font_name(handle)
                font = fonts[key]
                span = (
                    scanned.spans[address]
                    if address in scanned.spans
                    else _actual_text_span(text_object)  # drawn inside a form
                )
                objects[address] = (span, font)
            span, font = objects[address]
            if span is not None and spans.setdefault(span, address) != address:
                continue  # PDFium repeats a span's text for some objects drawn inside it
            glyph = _glyph(textpage, index, character, font, buffers)
            if span is not None and span == last_span and glyphs:
                _extend(glyphs[-1], glyph)  # the next character of the same span
            else:
                glyphs.append(glyph)
                if span is not None:
                    glyph.span = scanned.extents.get(span, (glyph.x0, glyph.x1))
            last_span = span
        return _drop_overprint(glyphs)
    finally:
        textpage.close()


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _font_name(font: Any) -> str:
    """The font's PostScript name ("ABCDEF+Sarabun-Regular"), "" if it has none."""
    import pypdfium2.raw as raw

    if not font:
        return ""
    buffer = ctypes.create_string_buffer(256)
    length = raw.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
    return buffer.raw[: max(length - 1, 0)].decode("latin-1") if length else ""


def _measure_spans(glyphs: list[_Glyph]) -> None:
    """Give each ActualText span its advance box: PDFium measures only the ink of a span's
    first object, so take its origin to the sum of its letters' advances, each as wide as the
    same letter of the same font and size drawn alone in the document (a mark takes none);
    where a letter is never drawn alone, the ink's right edge of all the span's objects."""
    advances: dict[tuple[str, float, str], float] = {}
    for glyph in glyphs:
        if glyph.span is None and len(glyph.text) == 1 and not glyph.mark:
            advances.setdefault(glyph.key(glyph.text), glyph.x1 - glyph.x0)
    for glyph in glyphs:
        if glyph.span is None:
            continue
        left, right = glyph.span
        # A sara am is drawn as a ring over the letter before it and a sara aa: as wide as
        # a sara aa (ำ is always in a span; า is often drawn alone).
        widths = [
            advances.get(glyph.key("\u0e32" if c == "\u0e33" else c))
            for c in glyph.text
            if not _is_mark(c)
        ]
        if widths and all(w is not None for w in widths):
            glyph.x0 = glyph.origin
            glyph.x1 = max(right, glyph.origin + sum(w for w in widths if w is not None))
        else:
            glyph.x0, glyph.x1 = min(glyph.x0, left), max(glyph.x1, right)


@dataclass
class _PageObjects:
    """What a page's objects tell before its text is read: the ActualText span of each text
    object (by address), the ink extent of each span, and the ruling lines."""

    spans: dict[int, int | None] = field(default_factory=dict)
    extents: dict[int, tuple[float, float]] = field(default_factory=dict)
    rules: list[_Rule] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)  # text objects their clip path hides


def _scan_objects(page: Any) -> _PageObjects:
    """One pass over the page's objects (those of forms inside it aside)."""
    import pypdfium2.raw as raw

    found = _PageObjects()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH):
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        box = (left.value, bottom.value, right.value, top.value)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if _clipped_away(obj, box):
                found.hidden.add(_address(obj))
                continue
            span = _actual_text_span(obj)
            found.spans[_address(obj)] = span
            if span is not None:
                old = found.extents.get(span, (box[0], box[2]))
                found.extents[span] = (min(old[0], box[0]), max(old[1], box[2]))
        else:
            found.rules.extend(_path_rules(obj, box))
    return found


def _clipped_away(obj: Any, box: tuple[float, float, float, float]) -> bool:
    """Whether the middle of an object's ink lies outside its clip path (the box round it):
    Chromium draws a line that a page break cuts on both pages, clipped, and the marks over
    the cut line's letters show as stray "ขั้ น้ำ" at the foot of the first page."""
    import pypdfium2.raw as raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return False
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    px, py = ctypes.c_float(), ctypes.c_float()
    for path in range(raw.FPDFClipPath_CountPaths(clip)):
        xs, ys = [], []
        for number in range(raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, path, number)
            if raw.FPDFPathSegment_GetPoint(segment, px, py):
                xs.append(px.value)
                ys.append(py.value)
        if xs and not (min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)):
            return True
    return False


def _character(code: int) -> str | None:
    """The character PDFium read, or None for one that is no text (NUL, controls, unmapped)."""
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    character = chr(code)
    if unicodedata.category(character) in ("Cc", "Cs", "Co") and not 0xF700 <= code <= 0xF71A:
        # Private-use characters are unmapped glyphs, except the shifted Thai tone marks and
        # vowels of old Thai fonts, which tracker.importers.repair maps back.
        return " " if character in "\t\n\r" else None
    if code in (0xFFFE, 0xFFFF):
        return None
    return character


def _actual_text_span(text_object: Any) -> int | None:
    """The ActualText span ``text_object`` is drawn in (its mark's address), if any."""
    import pypdfium2.raw as raw

    for number in range(raw.FPDFPageObj_CountMarks(text_object)):
        mark = raw.FPDFPageObj_GetMark(text_object, number)
        value = (ctypes.c_ushort * 2)()
        length = ctypes.c_ulong()
        if raw.FPDFPageObjMark_GetParamStringValue(
            mark, b"ActualText", value, ctypes.sizeof(value), ctypes.byref(length)
        ):
            return ctypes.cast(mark, ctypes.c_void_p).value
    return None


class _Buffers:
    """The ctypes values PDFium writes a character's geometry into, made once per page."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.loose = raw.FS_RECTF()
        self.left, self.right, self.bottom, self.top = (ctypes.c_double() for _ in range(4))
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.matrix = raw.FS_MATRIX()


def _glyph(textpage: Any, index: int, character: str, font: str, into: _Buffers) -> _Glyph:
    import pypdfium2.raw as raw

    loose, matrix = into.loose, into.matrix
    raw.FPDFText_GetLooseCharBox(textpage, index, loose)
    raw.FPDFText_GetCharBox(textpage, index, into.left, into.right, into.bottom, into.top)
    raw.FPDFText_GetCharOrigin(textpage, index, into.x, into.y)
    raw.FPDFText_GetMatrix(textpage, index, matrix)
    scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
    em = max(raw.FPDFText_GetFontSize(textpage, index) * scale, 1.0)
    return _Glyph(
        text=character,
        x0=min(loose.left, loose.right),
        x1=max(loose.left, loose.right),
        anchor=(into.left.value + into.right.value) / 2,
        baseline=into.y.value,
        em=em,
        order=index,
        mark=_is_mark(character),
        space=character.isspace(),
        origin=into.x.value,
        font=font,
    )


def _extend(glyph: _Glyph, more: _Glyph) -> None:
    """Add the next character of an ActualText span to the glyph the span began."""
    glyph.text += more.text
    glyph.x0, glyph.x1 = min(glyph.x0, more.x0), max(glyph.x1, more.x1)
    glyph.space = glyph.space and more.space  # a span starting with a mark stays a mark


def _is_mark(character: str) -> bool:
    return unicodedata.category(character) in ("Mn", "Me") or "\uf700" <= character <= "\uf71a"


def _drop_overprint(glyphs: list[_Glyph]) -> list[_Glyph]:
    """Glyphs without the copies some writers draw over the first to fake bold text."""
    kept: list[_Glyph] = []
    recent: dict[tuple[str, int], _Glyph] = {}
    for glyph in glyphs:
        key = (glyph.text, round(glyph.baseline))
        twin = recent.get(key)
        if twin is not None and abs(twin.x0 - glyph.x0) < 0.1 * glyph.em and not glyph.space:
            continue
        recent[key] = glyph
        kept.append(glyph)
    return kept


# --- lines --------------------------------------------------------------------------------------


def _lines(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """``glyphs`` grouped into visual lines (top first), each line's letters left to right,
    every combining mark joined to the letter it is drawn over (in ``marks``)."""
    ordered = sorted(glyphs, key=lambda g: (-g.baseline, g.x0, g.order))
    lines: list[list[_Glyph]] = []
    for glyph in ordered:
        if lines and abs(lines[-1][0].baseline - glyph.baseline) <= (
            BASELINE_TOLERANCE_EM * min(lines[-1][0].em, glyph.em)
        ):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    lines = _join_lone_marks(lines)
    return [_attach_marks(line) for line in lines]


def _join_lone_marks(lines: list[list[_Glyph]]) -> list[list[_Glyph]]:
    """A line of nothing but marks (drawn on a baseline of their own) joins the nearest line
    within an em that has letters under them."""
    letters = [line for line in lines if any(not g.mark for g in line)]
    for line in lines:
        if any(not g.mark for g in line):
            continue
        near = [
            other
            for other in letters
            if abs(other[0].baseline - line[0].baseline) <= line[0].em
            and any(g.x0 <= line[0].anchor <= g.x1 for g in other if not g.mark)
        ]
        if near:
            min(near, key=lambda o: abs(o[0].baseline - line[0].baseline)).extend(line)
        else:
            letters.append(line)
    letters.sort(key=lambda line: -line[0].baseline)
    return letters


def _attach_marks(line: list[_Glyph]) -> list[_Glyph]:
    """The line's letters left to right, each holding the marks drawn over or under it."""
    bases = sorted((g for g in line if not g.mark and not g.space), key=lambda g: (g.x0, g.order))
    spaces = [g for g in line if g.space]
    if not bases:
        return sorted((g for g in line if not g.space), key=lambda g: g.anchor)
    for mark in (g for g in line if g.mark):
        base = _base_of(mark, bases)
        base.marks.append(mark)
        if not all(_is_mark(c) for c in mark.text):  # "้ำ": the sara am takes room
            base.x1 = max(base.x1, mark.x1)
    return sorted(bases + spaces, key=lambda g: (g.x0, g.order))


def _base_of(mark: _Glyph, bases: list[_Glyph]) -> _Glyph:
    """The letter a mark belongs to: the one it is drawn over, else the nearest to its left
    (a mark follows its letter), else the nearest."""
    over = [b for b in bases if b.x0 <= mark.anchor <= b.x1]
    if over:
        return min(over, key=lambda b: abs(b.order - mark.order))
    left = [b for b in bases if b.x1 <= mark.anchor]
    if left and mark.anchor - left[-1].x1 <= mark.em / 2:
        return left[-1]
    return min(bases, key=lambda b: min(abs(b.x0 - mark.anchor), abs(b.x1 - mark.anchor)))


def _text(glyph: _Glyph) -> str:
    return glyph.text + "".join(m.text for m in sorted(glyph.marks, key=lambda m: m.order))


def _line_parts(line: list[_Glyph], cell_gap: float | None) -> list[str]:
    """The text of a line; split where letters are ``cell_gap`` ems apart (None: never)."""
    parts: list[list[str]] = [[]]
    previous: _Glyph | None = None
    for glyph in line:
        if glyph.space:
            parts[-1].append(" ")
            continue
        if previous is not None:
            gap = glyph.x0 - previous.x1
            em = max(glyph.em, previous.em)
            if cell_gap is not None and gap >= cell_gap * em:
                parts.append([])
            elif gap >= SPACE_GAP_EM * em:
                parts[-1].append(" ")
        parts[-1].append(_text(glyph))
        previous = glyph
    return [thai_mark_order("".join(part)) for part in parts]


def _split_cells(line: list[_Glyph]) -> tuple[str, ...]:
    """The cells of a line outside ruled tables; () for a line of nothing visible."""
    cells = [tidy(part) for part in _line_parts(line, CELL_GAP_EM)]
    return tuple(cell for cell in cells if cell)


# --- tables -------------------------------------------------------------------------------------


@dataclass
class _Rule:
    """An axis-parallel ruling line: at ``at`` (y of a horizontal one, x of a vertical one),
    from ``start`` to ``end`` along it."""

    horizontal: bool
    at: float
    start: float
    end: float


def _path_rules(obj: Any, box: tuple[float, float, float, float]) -> list[_Rule]:
    """A thin filled rectangle or stroked line as a rule; a stroked box or grid as its
    axis-parallel sides; anything else (a filled shape, a curve) as none."""
    import pypdfium2.raw as raw

    left, bottom, right, top = box
    width, height = right - left, top - bottom
    if width <= RULE_THICKNESS < height:
        return [_Rule(False, (left + right) / 2, bottom, top)]
    if height <= RULE_THICKNESS < width:
        return [_Rule(True, (bottom + top) / 2, left, right)]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill, stroke) or not stroke.value:
        return []
    return list(_stroked_segments(obj))


def _stroked_segments(obj: Any) -> Iterator[_Rule]:
    """The axis-parallel straight pieces of a stroked path, in page space."""
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return
    points: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for number in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, number)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            points = [point]
            start = point
            continue
        if kind == raw.FPDF_SEGMENT_LINETO and points:
            yield from _straight(points[-1], point)
        points.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and start is not None:
            yield from _straight(point, start)


def _straight(a: tuple[float, float], b: tuple[float, float]) -> Iterator[_Rule]:
    if abs(a[1] - b[1]) <= 0.5 and abs(a[0] - b[0]) > RULE_THICKNESS:
        yield _Rule(True, (a[1] + b[1]) / 2, min(a[0], b[0]), max(a[0], b[0]))
    elif abs(a[0] - b[0]) <= 0.5 and abs(a[1] - b[1]) > RULE_THICKNESS:
        yield _Rule(False, (a[0] + b[0]) / 2, min(a[1], b[1]), max(a[1], b[1]))


def _merge(rules: list[_Rule]) -> list[_Rule]:
    """Collinear pieces that touch or overlap as one rule (Chromium draws each cell's border
    separately; a double border is two rules close together, kept as one). Pieces in line
    with a gap between them (the same column edge of two tables, one above the other) stay
    two rules."""
    merged: list[_Rule] = []
    for horizontal in (True, False):
        lines: list[list[_Rule]] = []  # rules within RULE_JOIN of the first one's position
        for rule in sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: r.at):
            if lines and rule.at - lines[-1][0].at <= RULE_JOIN:
                lines[-1].append(rule)
            else:
                lines.append([rule])
        for line in lines:
            pieces: list[_Rule] = []
            for rule in sorted(line, key=lambda r: r.start):
                if pieces and rule.start <= pieces[-1].end + RULE_JOIN:
                    pieces[-1].end = max(pieces[-1].end, rule.end)
                else:
                    pieces.append(_Rule(horizontal, rule.at, rule.start, rule.end))
            merged.extend(pieces)
    return merged


def _tables(rules: list[_Rule]) -> list[_Table]:
    """Groups of crossing rules with at least two rules each way: the page's ruled tables."""
    rules = _merge(rules)
    groups = _crossing_groups(rules)
    tables = []
    for group in groups:
        across = [r for r in group if r.horizontal]
        down = [r for r in group if not r.horizontal]
        if len(across) < 2 or len(down) < 2:
            continue  # a lone line or a box round a paragraph is no table
        ys = _distinct(sorted((r.at for r in across), reverse=True))
        if len(ys) < 2:
            continue
        box = (
            min(r.start for r in across),
            max(r.end for r in across),
            min(ys),
            max(ys),
        )
        vertical = tuple((r.at, r.start, r.end) for r in sorted(down, key=lambda r: r.at))
        horizontal = tuple((r.at, r.start, r.end) for r in across)
        table = _Table(tuple(ys), horizontal, vertical, box)
        # A box round the page or round a paragraph, even with a line across it, is no
        # table: read as one cell its lines would run together. A table has two columns.
        if any(len(table.columns(t, b)) >= 2 for t, b in itertools.pairwise(ys)):
            tables.append(table)
    return tables


def _crossing_groups(rules: list[_Rule]) -> list[list[_Rule]]:
    """Rules in groups that are connected by crossings (union-find over every pair)."""
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    across = [i for i, r in enumerate(rules) if r.horizontal]
    down = [i for i, r in enumerate(rules) if not r.horizontal]
    for i in across:
        h = rules[i]
        for j in down:
            v = rules[j]
            if (
                h.start - RULE_JOIN <= v.at <= h.end + RULE_JOIN
                and v.start - RULE_JOIN <= h.at <= v.end + RULE_JOIN
            ):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Rule]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(root(i), []).append(rule)
    return list(groups.values())


def _distinct(values: list[float]) -> list[float]:
    """``values`` (sorted) without those within MIN_CELL of the previous kept one."""
    kept: list[float] = []
    for value in values:
        if not kept or abs(kept[-1] - value) >= MIN_CELL:
            kept.append(value)
    return kept


def _table_rows(table: _Table, glyphs: list[_Glyph]) -> list[tuple[float, tuple[str, ...]]]:
    """(top, cells) of each row of ``table`` holding any text (see the module).

    A row is the band between two horizontal rules. A cell with no rule under it goes on into
    the band below (a cell spanning rows, "rowspan"): its text, wherever in the cell it is
    drawn, is the cell's in the row it starts in, and the rows below give "" there.
    """
    bands = [
        (top, bottom, table.columns(top, bottom))
        for top, bottom in itertools.pairwise(table.horizontal)
    ]
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # (band, column) -> where its cell starts
    for b, (top, _, columns) in enumerate(bands):
        above = bands[b - 1][2] if b else []
        for c, (left, right) in enumerate(columns):
            same = next(
                (k for k, span in enumerate(above) if _same_span(span, (left, right))), None
            )
            if same is not None and not table.ruled_at(top, (left + right) / 2):
                owner[(b, c)] = owner[(b - 1, same)]
            else:
                owner[(b, c)] = (b, c)
    held: dict[tuple[int, int], list[_Glyph]] = {}
    beside: dict[int, list[_Glyph]] = {}  # text right or left of the rules, by band
    for glyph in glyphs:
        band = next((k for k, (t, u, _) in enumerate(bands) if u <= glyph.middle <= t), None)
        if band is None:
            continue
        spans = bands[band][2]
        column = next((k for k, (x0, x1) in enumerate(spans) if x0 <= glyph.anchor < x1), None)
        if column is None:
            beside.setdefault(band, []).append(glyph)
        else:
            held.setdefault(owner[(band, column)], []).append(glyph)
    rows = []
    for b, (top, _, columns) in enumerate(bands):
        cells = [
            _cell_text(held.get((b, c), [])) if owner[(b, c)] == (b, c) else ""
            for c in range(len(columns))
        ]
        cells.extend(_cell_text(line) for line in _lines(beside.get(b, [])))
        if any(cells):
            rows.append((top, tuple(cells)))
    return rows


def _same_span(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= RULE_JOIN and abs(a[1] - b[1]) <= RULE_JOIN


def _cell_text(glyphs: list[_Glyph]) -> str:
    """A cell's lines, top to bottom, joined with a space."""
    return tidy(" ".join(" ".join(_line_parts(line, None)) for line in _lines(glyphs)))
