"""The organization the report is about.

Tried in order: a labelled line ("หน่วยงาน: เทศบาลตำบลบ้านใหม่"); a title-page line that is a
name ("องค์การบริหารส่วนจังหวัดแพร่ อำเภอเมือง…"); the ITA system's result line
("คะแนนภาพรวมหน่วยงาน …"); a name inside prose ("ผลการประเมินของเทศบาลเมืองท่าน้ำใส ได้…").
Abbreviated kinds are written out ("อบต.หนองบัว" -> "องค์การบริหารส่วนตำบลหนองบัว").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.importers.model import Found
from tracker.importers.text import Line, tidy
from tracker.importers.vocabulary import (
    NOT_THE_ORGANIZATION,
    ORGANIZATION_ABBREVIATIONS,
    ORGANIZATION_ADDRESS,
    ORGANIZATION_IN_PROSE_BEFORE,
    ORGANIZATION_IN_PROSE_END,
    ORGANIZATION_LABEL,
    ORGANIZATION_MAX_LENGTH,
    ORGANIZATION_OF_SCORE,
    ORGANIZATION_PREFIXES,
    TITLE_LINES,
)

# A shared beginning shorter than this is a kind and a syllable ("เทศบาลต"), not a name.
MIN_SHARED_NAME = 10


def read(lines: Sequence[Line]) -> Found[str] | None:
    """The organization's full name and its line, or None."""
    for recogniser in (_labelled, _title_line, _result_line, _in_prose):
        found = recogniser(lines)
        if found is not None:
            return Found(expand_kind(found.value), found.line)
    return None


def expand_kind(name: str) -> str:
    """ "อบต.หนองบัว" -> "องค์การบริหารส่วนตำบลหนองบัว"; other names unchanged."""
    for short, full in ORGANIZATION_ABBREVIATIONS.items():
        if name.startswith(short):
            return tidy(full + name[len(short) :].lstrip())
    return name


def _starts_like_organization(text: str) -> bool:
    return text.startswith(ORGANIZATION_PREFIXES) or text.startswith(
        tuple(ORGANIZATION_ABBREVIATIONS)
    )


def _labelled(lines: Sequence[Line]) -> Found[str] | None:
    for line in lines:
        match = ORGANIZATION_LABEL.match(line.plain)
        if match:
            return Found(_strip_address(match.group(1)), line)
    return None


def _title_line(lines: Sequence[Line]) -> Found[str] | None:
    """A title-page line that starts with a name; a verb after it ends the name
    ("สำนักงาน… ได้กำหนด…" is a sentence about someone else when the name is the NACC's)."""
    for line in lines[:TITLE_LINES]:
        text = line.plain
        if line.is_row or not _starts_like_organization(text) or "คะแนน" in text:
            continue  # a line stating a score is a sentence, read as prose
        end = ORGANIZATION_IN_PROSE_END.search(text)
        name = _strip_address(text[: end.start()] if end else text)
        if len(text) <= ORGANIZATION_MAX_LENGTH and _plausible_name(name):
            return Found(name, line)
    return None


def _result_line(lines: Sequence[Line]) -> Found[str] | None:
    for line in lines:
        match = ORGANIZATION_OF_SCORE.search(line.plain)
        if match:
            return Found(tidy(match.group(1)), line)
    return None


def _in_prose(lines: Sequence[Line]) -> Found[str] | None:
    """A name inside sentences. Thai writes no space after a name ("ผลคะแนนของเทศบาลเมือง
    ท่าน้ำใสรายตัวชี้วัด…", "เทศบาลเมืองท่าน้ำใสได้คะแนน…"), so where the sentences name it
    more than once, the name is what their mentions share; a single mention ends at the verb
    or space after it, the one right after ของ/หน่วยงาน/โดย first."""
    starts = "|".join(re.escape(p) for p in (*ORGANIZATION_PREFIXES, *ORGANIZATION_ABBREVIATIONS))
    before = "|".join(ORGANIZATION_IN_PROSE_BEFORE)
    after_word = re.compile(rf"(?:{before})\s*(?=((?:{starts}).*))")
    word_start = re.compile(rf"(?:^|\s)(?=((?:{starts}).*))")
    mentions: list[tuple[str, Line]] = []
    for pattern in (after_word, word_start):
        for line in lines:
            for match in pattern.finditer(line.plain):
                name = _name_until_verb(match.group(1))
                if _plausible_name(name):
                    mentions.append((name, line))
    shared = _shared_name(mentions)
    return shared or (Found(mentions[0][0], mentions[0][1]) if mentions else None)


def _shared_name(mentions: list[tuple[str, Line]]) -> Found[str] | None:
    """The longest beginning that most mentions share, when at least two do and it is more
    than a kind of organization ("เทศบาล" alone is shared by every municipality's sentences)."""
    best: tuple[int, int, str, Line] | None = None
    names = [name for name, _line in mentions]
    for index, (name, line) in enumerate(mentions):
        for other in names[index + 1 :]:
            common = _common_beginning(name, other)
            if not _plausible_name(common) or len(common) < MIN_SHARED_NAME:
                continue
            support = sum(n.startswith(common) for n in names)
            if best is None or (support, len(common)) > best[:2]:
                best = (support, len(common), common, line)
    return Found(best[2], best[3]) if best else None


def _common_beginning(a: str, b: str) -> str:
    length = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return a[:length]


def _name_until_verb(text: str) -> str:
    """The name at the start of ``text``: up to the verb or bracket after it, one word (two
    after an abbreviated kind written apart: "อบต. หนองบัว")."""
    end = ORGANIZATION_IN_PROSE_END.search(text)
    words = _strip_address(text[: end.start()] if end else text).split()
    if len(words) > 1 and words[0] in ORGANIZATION_ABBREVIATIONS:
        return words[0] + words[1]
    return words[0] if words else ""


def _plausible_name(name: str) -> bool:
    # "กรม" alone, or a kind without a place ("เทศบาล"), names no organization.
    bare = name in ORGANIZATION_PREFIXES or name in ORGANIZATION_ABBREVIATIONS
    overseer = name.startswith(NOT_THE_ORGANIZATION)
    return not bare and not overseer and 4 < len(name) <= ORGANIZATION_MAX_LENGTH


def _strip_address(text: str) -> str:
    # "องค์การบริหารส่วนจังหวัดแพร่ อำเภอเมืองแพร่ จังหวัดแพร่" -> the organization alone
    return tidy(ORGANIZATION_ADDRESS.split(tidy(text), maxsplit=1)[0])
