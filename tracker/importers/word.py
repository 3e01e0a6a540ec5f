"""Reading a Word file (.docx) into report lines: body paragraphs and tables in document order.

The body's XML is read in order (python-docx opens the package, its ``body`` element is walked
directly), so a table stands between the paragraphs it stands between in Word:

- a **paragraph** gives one line per line break in it (``<w:br/>``, Shift+Enter); a tab
  separates cells, as in a text report ("คำนำ<tab>ก" is a row of two cells); an empty
  paragraph gives an empty line, as a blank line of a text report;
- a **table row** gives one line whose cells are the row's cells, each cell's paragraphs
  (and the text of any table nested in it) joined with a space. A cell merged across columns
  (``gridSpan``) appears once, not once per column it covers. A cell merged down from the row
  above (``vMerge`` continuation) gives "", so the reader carries the value above down; a row
  that starts after some columns (``gridBefore``) gives "" for each. An empty line stands
  before and after each table, as around a table in a text report;
- the text of a **text box** anchored in a paragraph follows that paragraph's lines;
- headers, footers, footnotes, comments and deleted text (tracked changes) are not read;
  inserted text is.

The package is checked before python-docx opens it (see :func:`check_docx`): a file that is
no zip (an old binary .doc, an RTF file), a zip that is no Word document, one that lists more
parts than a document has, or whose parts expand to more than :data:`MAX_EXPANDED_BYTES` (a
zip bomb) is refused with one line naming the file. Python's zipfile never inflates a part
past the size the zip's directory declares, so those sizes are a true bound.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.text import Line, tidy
from tracker.importers.zipguard import refuse_long_directory, refuse_zip_bomb
from tracker.inputs import check_file_size

MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # all parts, uncompressed; a report's photos included
MAX_MEMBERS = 5_000  # parts of a document; a report has 20 to a few hundred (its images)
MAX_LINES = 100_000  # lines of one document; a report has a few thousand

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _TR, _TC = (f"{{{_W}}}{name}" for name in ("p", "tbl", "tr", "tc"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = (f"{{{_W}}}{n}" for n in ("sdt", "sdtContent", "customXml"))
_TXBX_CONTENT = f"{{{_W}}}txbxContent"
_FALLBACK = f"{{{_MC}}}Fallback"
_VAL = f"{{{_W}}}val"
# What a run holds that is text, and what it is.
_TEXT = f"{{{_W}}}t"
_BREAKS = {f"{{{_W}}}br": "\n", f"{{{_W}}}cr": "\n", f"{{{_W}}}tab": "\t"}
_HYPHENS = {f"{{{_W}}}noBreakHyphen": "-", f"{{{_W}}}softHyphen": ""}
# Subtrees whose text is not the paragraph's own: deleted text, field codes, text boxes (read
# after the paragraph), the fallback copy of a drawing (the same text box again, for old Word).
_SKIPPED = {
    f"{{{_W}}}del",
    f"{{{_W}}}delText",
    f"{{{_W}}}instrText",
    f"{{{_W}}}delInstrText",
    _TXBX_CONTENT,
    _FALLBACK,
}
_BLANK: tuple[str, ...] = ("",)


def read_word_lines(path: Path, *, max_bytes: int) -> list[Line]:
    """The body of the Word document at ``path`` as report lines, in document order (see the
    module for paragraphs, tables, merged cells and text boxes); ``page`` is None.

    InvalidInput (one line naming the file) for a file too big, not a .docx (an old .doc, an
    RTF file, a locked document), damaged, or a zip bomb.
    """
    check_file_size(path, max_bytes=max_bytes, what="Word document")
    check_docx(path)
    body = _open_body(path)
    rows = _tidy_blanks(list(_blocks(body, path)))
    if not any(any(row) for row in rows):
        raise InvalidInput(f"{path}: the Word document holds no text: nothing to import")
    return [
        Line(number, tidy(" ".join(cells)), cells) for number, cells in enumerate(rows, start=1)
    ]


def check_docx(path: Path) -> None:
    """Refuse (InvalidInput) a file that is not a .docx, or whose zip is too big when expanded.

    Contract: reads the file's first bytes and the zip's directory, never a part's content.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if not head.startswith(b"PK"):
                raise InvalidInput(
                    f"{path}: not a Word document (.docx): {_what_it_is(path, head)}"
                )
            refuse_long_directory(path, handle, max_members=MAX_MEMBERS, what="a Word document")
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidInput(
            f"{path}: not a readable Word document (.docx): the file is damaged or incomplete "
            "(its zip cannot be read)"
        ) from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror or error}") from None
    names = {member.filename for member in members}
    if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
        other = "an Excel workbook" if "xl/workbook.xml" in names else "a zip archive"
        raise InvalidInput(f"{path}: not a Word document (.docx): the file is {other}")
    refuse_zip_bomb(path, members, max_expanded_bytes=MAX_EXPANDED_BYTES, what="a Word document")


def _what_it_is(path: Path, head: bytes) -> str:
    """What a file that is no zip looks like, and what to do with it."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE2 compound file: a Word 97-2003 .doc, or a .docx locked with a password
        # (Word keeps those in the same container, as "EncryptedPackage").
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            return "it is locked with a password: save a copy without the password and import that"
        return "it is an old Word document (.doc): open it in Word and save it as .docx"
    if head.startswith(b"{\\rtf"):
        return "it is an RTF file: open it in Word and save it as .docx"
    if head.startswith(b"%PDF"):
        return "it is a PDF: name it .pdf"
    if not head:
        return "the file is empty"
    return "the file is not a zip archive"


def _open_body(path: Path) -> Any:
    """The ``w:body`` element of the document, or InvalidInput saying why it cannot be had."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError:
        raise InvalidInput(f"{path}: not a Word document (.docx): no document part") from None
    except Exception as error:  # python-docx, zipfile and lxml raise their own for a bad part
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise InvalidInput(f"{path}: not a readable Word document (.docx): {reason}") from None
    return document.element.body


# --- the body, in order ---------------------------------------------------------------------


def _blocks(container: Any, path: Path) -> Iterator[tuple[str, ...]]:
    """The cells of each line of the paragraphs and tables directly in ``container`` (the
    body, a content control, a text box), in order."""
    count = 0
    for child in _block_children(container):
        produced = _paragraph(child, path) if child.tag == _P else _table(child)
        for cells in produced:
            count += 1
            if count > MAX_LINES:
                raise InvalidInput(
                    f"{path}: more than {MAX_LINES:,} lines, more than a report has: check "
                    "that this is the report you meant"
                )
            yield cells


def _block_children(container: Any) -> Iterator[Any]:
    """The paragraphs and tables of ``container``, looking through content controls and
    custom XML (which wrap them without being text)."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _block_children(content)
        elif child.tag == _CUSTOM_XML:
            yield from _block_children(child)


def _paragraph(p: Any, path: Path) -> Iterator[tuple[str, ...]]:
    """A paragraph's lines (one per line break; tabs separate cells), then its text boxes'."""
    text = paragraph_text(p)
    boxes = list(_text_boxes(p))
    if text.strip() or not boxes:  # a paragraph holding only a text box is no blank line
        for raw in text.split("\n"):
            cells = tuple(cell for cell in (tidy(part) for part in raw.split("\t")) if cell)
            yield cells or _BLANK
    for box in boxes:
        yield from _blocks(box, path)


def paragraph_text(element: Any) -> str:
    """The text of a paragraph (or a cell, a run) as Word shows it: line breaks as "\\n",
    tabs as "\\t"; deleted text, field codes, text boxes and fallback copies left out."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue  # comments and processing instructions have no string tag
        if tag == _TEXT:
            parts.append(child.text or "")
        elif tag in _BREAKS:
            parts.append(_BREAKS[tag])
        elif tag in _HYPHENS:
            parts.append(_HYPHENS[tag])
        else:
            _collect(child, parts)


def _text_boxes(p: Any) -> Iterator[Any]:
    """The text boxes anchored in a paragraph (the DrawingML copy, not the VML fallback), not
    those inside another text box (which that box's own paragraphs give)."""
    for box in p.iter(_TXBX_CONTENT):
        ancestors = list(box.iterancestors())
        inner = ancestors[: ancestors.index(p)] if p in ancestors else ancestors
        if any(a.tag in (_FALLBACK, _TXBX_CONTENT) for a in inner):
            continue
        yield box


def _table(tbl: Any) -> Iterator[tuple[str, ...]]:
    """An empty line, each row holding text as a line of cells (see the module), an empty line."""
    yield _BLANK
    for tr in _rows(tbl):
        cells = _row_cells(tr)
        if any(cells):
            yield cells
    yield _BLANK


def _rows(tbl: Any) -> Iterator[Any]:
    for child in tbl.iterchildren():
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            yield from child.iter(_TR)


def _row_cells(tr: Any) -> tuple[str, ...]:
    cells: list[str] = []
    before = tr.find(f"{{{_W}}}trPr/{{{_W}}}gridBefore")
    if before is None:
        before = tr.find(f"{{{_W}}}tblPrEx/{{{_W}}}gridBefore")
    cells.extend([""] * _int(before))
    for tc in _cells_of(tr):
        props = tc.find(f"{{{_W}}}tcPr")
        if props is not None and _continues(props):
            cells.append("")  # merged down from the row above: the reader carries it
            continue
        if props is not None and _merged_left(props):
            continue  # the legacy horizontal merge: the cell on the left holds the text
        cells.append(_cell_text(tc))
    return tuple(cells)


def _cells_of(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            yield from (tc for tc in child.iter(_TC) if _nearest_row(tc) is tr)


def _nearest_row(tc: Any) -> Any:
    return next(tc.iterancestors(_TR), None)


def _continues(props: Any) -> bool:
    merge = props.find(f"{{{_W}}}vMerge")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _merged_left(props: Any) -> bool:
    merge = props.find(f"{{{_W}}}hMerge")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs and nested tables, flattened to one text joined with spaces."""
    words: list[str] = []
    for block in _block_children(tc):
        if block.tag == _P:
            words.append(paragraph_text(block))
            words.extend(_box_text(block))
        else:
            words.append(_table_text(block))
    return tidy(" ".join(words))


def _table_text(tbl: Any) -> str:
    """A table nested in a cell (or in a text box there) as one text, cell after cell."""
    return " ".join(_cell_text(tc) for tr in _rows(tbl) for tc in _cells_of(tr))


def _box_text(p: Any) -> Iterator[str]:
    for box in _text_boxes(p):
        for block in _block_children(box):
            yield paragraph_text(block) if block.tag == _P else _table_text(block)


def _int(element: Any) -> int:
    if element is None:
        return 0
    try:
        return max(0, min(int(element.get(_VAL, "0")), 64))
    except ValueError:
        return 0


def _tidy_blanks(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Rows with runs of empty lines made one, and none at the start or the end."""
    out: list[tuple[str, ...]] = []
    for row in rows:
        if row == _BLANK and (not out or out[-1] == _BLANK):
            continue
        out.append(row)
    while out and out[-1] == _BLANK:
        out.pop()
    return out
