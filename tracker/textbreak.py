"""Where Thai (and mixed Thai, Latin and digit) text may break across lines, and wrapping by it.

Thai is written without spaces between words, so a line may only break where a dictionary says
one word ends and the next begins: ICU's line break iterator knows that (and UAX #14's rules for
every other script: after spaces, after hyphens, never before punctuation). This module is the
one place that asks it; every terminal table wraps its cells here (tracker.cli.context), so
"ผู้รับผิดชอบ" never ends a line as "ผู้รับผิดช".

Widths are terminal cells: Thai vowel signs above and below the line and tone marks take none,
wide (East Asian) characters two. Callers that draw with another measure (Rich's) pass it.
Pure: no database, no front end; ICU (the ``icu4py`` wheel, which bundles its own ICU, so every
machine breaks alike) is imported on first use, and its absence is an error, never a silent
fallback to breaking anywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

Measure = Callable[[str], int]

# Compounds that ICU's dictionary divides (ผู้รับ|ผิด|ชอบ, ดำเนิน|การ, หน่วย|งาน) but a Thai
# reader takes as one word: the vocabulary of the tracker's own headings, statuses and of ITA
# plans. No line breaks inside them while they fit; in a narrower column ICU's breaks come back.
KEPT_WHOLE = (
    "ผู้รับผิดชอบ",
    "รับผิดชอบ",
    "ดำเนินการ",
    "ดำเนินงาน",
    "ปฏิบัติการ",
    "ผู้บริหาร",
    "ผู้รายงาน",
    "ผู้อำนวยการ",
    "ผู้ใช้",
    "หน่วยงาน",
    "ส่วนราชการ",
    "เจ้าหน้าที่",
    "คณะกรรมการ",
    "ตัวชี้วัด",
    "ระยะเวลา",
    "ขั้นตอน",
    "โทเคน",
)

# Thai vowels written before the consonant they follow in speech (เ แ โ ใ ไ): a forced cut
# right after one would strand it at the end of a line, away from its syllable.
_LEADING_VOWELS = frozenset("เแโใไ")
_LOCALE = "th"  # ICU applies its Thai dictionary to Thai script whatever the locale


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: 0 for combining marks and invisible format characters
    (Thai ั ิ ี ึ ื ุ ู ็ ่ ้ ๊ ๋ ์), 2 for wide and full-width characters, 1 for the rest."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def break_points(text: str) -> list[int]:
    """The offsets (code points, ascending, each strictly between 0 and ``len(text)``) before
    which a line may start: ICU's line breaks, less those inside a :data:`KEPT_WHOLE` word.
    A break after a newline is one of them; offsets never fall inside a grapheme cluster."""
    return list(_break_points(text))


@lru_cache(maxsize=4096)  # a table measures each cell before it draws it: break it once
def _break_points(text: str) -> tuple[int, ...]:
    points = set(_icu_points(text))
    for start, end in _kept_whole_spans(text):
        points.difference_update(range(start + 1, end))
    return tuple(sorted(points))


def graphemes(text: str) -> list[str]:
    """``text`` as user-perceived characters (ICU grapheme clusters): "น้ำ" is one."""
    return list(_breakers().CharacterBreaker(text, _LOCALE)) if text else []


def wrap(text: str, width: int, measure: Measure = cell_width) -> list[str]:
    """``text`` as lines of at most ``width`` cells (by ``measure``), broken at
    :func:`break_points`, greedily (each line takes as many words as fit).

    Newlines in ``text`` always end a line. Whitespace at the end of a line is dropped (and
    whitespace that would stand alone on a line), so ``"".join(lines)`` is ``text`` without its
    newlines and the whitespace before each line end. Only a word wider than ``width`` is broken
    inside: a :data:`KEPT_WHOLE` compound first where ICU would break it (ผู้รับ|ผิดชอบ), then
    at grapheme boundaries (never straight after a Thai leading vowel when another boundary
    fits); a single grapheme wider than ``width`` gets a line of its own. An empty text is one
    empty line.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1 cell, not {width}")

    def by_graphemes(word: str) -> list[str]:
        return _cut_word(word, width, measure)

    def by_icu(word: str) -> list[str]:
        return _fill(_split(word, _icu_points(word)), width, measure, by_graphemes)

    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_fill(pieces(paragraph), width, measure, by_icu))
    return lines


def widest_word(text: str, measure: Measure = cell_width) -> int:
    """The cells of the widest piece of ``text`` that :func:`wrap` keeps on one line when it
    can (its trailing whitespace not counted): the narrowest width that cuts no word."""
    return max((measure(piece.rstrip()) for piece in pieces(text)), default=0)


def pieces(text: str) -> list[str]:
    """``text`` cut at its break points (and newlines, which the pieces keep): each piece a
    word with the whitespace after it; joined, they give back ``text``."""
    return _split(text, break_points(text))


def _split(text: str, points: list[int]) -> list[str]:
    bounds = [0, *points, len(text)]
    return [text[start:end] for start, end in pairwise(bounds) if end > start]


def _fill(
    words: list[str], width: int, measure: Measure, finer: Callable[[str], list[str]]
) -> list[str]:
    """Greedy filling of lines with ``words`` (each with its trailing whitespace); a word wider
    than ``width`` is cut by ``finer`` into lines that fit, its last one left open to fill."""
    lines: list[str] = []
    line, used = "", 0
    for piece in words:
        word = piece.rstrip()
        word_width = measure(word)
        if used + word_width <= width:
            line, used = line + piece, used + measure(piece)
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0
        if word_width <= width:
            line, used = piece, measure(piece)
            continue
        *full, last = finer(word)
        lines.extend(full)
        line = last + piece[len(word) :]
        used = measure(line)
    lines.append(line.rstrip())
    return lines


def _cut_word(word: str, width: int, measure: Measure) -> list[str]:
    """A word wider than ``width`` in chunks that each fit, cut between graphemes."""
    chunks: list[str] = []
    chunk: list[str] = []
    used = 0
    for cluster in graphemes(word):
        cluster_width = measure(cluster)
        if chunk and used + cluster_width > width:
            carried = _stranded_vowel(chunk, width - cluster_width, measure)
            chunks.append("".join(chunk))
            chunk, used = carried, sum(measure(c) for c in carried)
        chunk.append(cluster)
        used += cluster_width
    chunks.append("".join(chunk))
    return chunks


def _stranded_vowel(chunk: list[str], room: int, measure: Measure) -> list[str]:
    """Take a leading vowel off the end of a full chunk (in place) to start the next one, when
    the next line has ``room`` cells for it beside the grapheme that starts that line."""
    if len(chunk) > 1 and chunk[-1] in _LEADING_VOWELS and measure(chunk[-1]) <= room:
        return [chunk.pop()]
    return []


def _kept_whole_spans(text: str) -> Iterator[tuple[int, int]]:
    for word in KEPT_WHOLE:
        start = text.find(word)
        while start != -1:
            yield start, start + len(word)
            start = text.find(word, start + 1)


def _icu_points(text: str) -> list[int]:
    """ICU's own line break offsets in ``text``, in code points, without 0 and ``len(text)``.

    The segments are read as strings, not through ``segments()``, whose offsets count UTF-16
    units and so drift after any character outside the Basic Multilingual Plane (an emoji)."""
    points: list[int] = []
    offset = 0
    for segment in _breakers().LineBreaker(text, _LOCALE) if text else ():
        offset += len(segment)
        points.append(offset)
    return points[:-1]


@cache
def _breakers() -> Any:
    """icu4py's break iterators, imported once, when the first text is broken (a few ms)."""
    try:
        from icu4py import breakers
    except ImportError as error:
        raise ImportError(
            "Thai line breaking needs ICU through the icu4py package, which is not installed "
            f"({error}): reinstall ITA Tracker (`make install`, or `pip install icu4py`)"
        ) from error
    return breakers
