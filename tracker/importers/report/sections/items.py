"""The weak question items: under a heading that names the tool ("ประเด็นข้อบกพร่องหรือ
จุดอ่อน … (IIT)"), each "ข้อ I๑๘ <question>", its score on a later line ("คะแนน ๘๑.๔๐") and its
suggestion, in a suggestion section or labelled ("ข้อเสนอแนะ: …"). Outside such sections an
item is still read when it carries its letter ("ข้อ I7 ท่านเห็นว่า… มากน้อยเพียงใด", then
"คะแนน 79.40")."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.importers.model import Item
from tracker.importers.report.sections.indicators import tool_named
from tracker.importers.text import Line, arabic, score_in, tidy
from tracker.importers.vocabulary import (
    ITEM,
    ITEM_CODE_CELL,
    ITEM_SCORE,
    ITEM_SECTION_ACRONYMS,
    ITEM_SECTION_WORDS,
    ITEMS_END_PART,
    ITEMS_END_PREFIXES,
    ITEMS_END_WORDS,
    LABELLED_SUGGESTION,
    LETTERED_ITEM,
    NOTHING,
    PART_HEADING,
    QUESTIONS_HEADING,
    SUGGESTIONS_HEADING,
    TRAILING_SCORE,
)

LETTER_TOOLS = {"I": "IIT", "E": "EIT", "O": "OIT"}


@dataclass
class _Open:
    """The item whose text the next lines continue, and which of its fields they fill."""

    item: Item
    field: str  # "question", "suggestion" or "scored" (the question is done)
    # Read outside the item sections: the text right under the score is the suggestion.
    lettered: bool = False


def read(lines: Sequence[Line]) -> dict[str, Item]:
    """Every weak item by code, in the order first met."""
    items: dict[str, Item] = {}
    tool: str | None = None
    mode: str | None = None  # "question" or "suggestion" inside the item sections
    current: _Open | None = None
    for line in lines:
        text = line.plain
        if any(words in text for words in ITEM_SECTION_WORDS):
            tool = _item_section_tool(text) or tool
            mode, current = "question", None
        elif QUESTIONS_HEADING.match(text):
            mode, current = "question", None
        elif SUGGESTIONS_HEADING.match(text):
            mode, current = "suggestion", None
        elif mode is not None and tool is not None and _ends_item_sections(text):
            tool = mode = current = None
        elif mode is not None and tool is not None:
            current = _item_line(line, items, tool, mode, current)
        elif line.is_row:
            current = _table_row(line, items) or current
        else:
            current = _lettered_line(line, items, current)
    return items


def _table_row(line: Line, items: dict[str, Item]) -> _Open | None:
    """A row of an item table: "I21 | question | 84.60 | suggestion" (the suggestion is the
    text after the score, if any)."""
    cells = [cell for cell in line.cells if cell]
    match = ITEM_CODE_CELL.match(arabic(cells[0])) if cells else None
    if match is None:
        return None
    code = f"{match.group(1)}{int(match.group(2))}"
    item = items.setdefault(code, Item(code, LETTER_TOOLS[code[0]], line.number))
    rest = cells[1:]
    scored = next((i for i, cell in enumerate(rest) if _is_score(cell)), None)
    texts = rest if scored is None else rest[:scored]
    after = [] if scored is None else rest[scored + 1 :]
    item.question = tidy(" ".join(texts)) or item.question
    if scored is not None:
        item.score = score_in(rest[scored])
    if after:
        item.suggestion = tidy(" ".join(after))
    return None


def _is_score(cell: str) -> bool:
    return re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", arabic(cell).strip()) is not None


def item_code(prefix: str, digits: str, section_tool: str) -> str:
    """The item code as the NACC writes it, repairing PDF slips.

    "ข้อ 1๒๑" is I21: the "I" came out as the digit 1, and the number in Thai digits; "ข้อ E๑๒"
    is E12; a bare number takes the letter of the section it is in.
    """
    letter = {"IIT": "I", "EIT": "E", "OIT": "O"}[section_tool]
    number = arabic(digits)
    if prefix in ("1", "l", "|"):
        if all("๐" <= ch <= "๙" for ch in digits) or section_tool == "IIT":
            return f"I{int(number)}"
        number = prefix + number
    elif prefix:
        return f"{prefix.upper()}{int(number)}"
    return f"{letter}{int(number)}"


def _item_section_tool(text: str) -> str | None:
    compact = text.replace(" ", "")
    for acronym, tool in ITEM_SECTION_ACRONYMS:
        if acronym in compact:
            return tool
    return tool_named(text)


def _ends_item_sections(text: str) -> bool:
    return (
        text.startswith(ITEMS_END_PREFIXES)
        or any(word in text for word in ITEMS_END_WORDS)
        or ITEMS_END_PART.match(text) is not None
    )


def _start(items: dict[str, Item], code: str, line: Line, field: str, text: str) -> _Open:
    item = items.setdefault(code, Item(code, LETTER_TOOLS[code[0]], line.number))
    setattr(item, field, tidy(text) or None)
    return _Open(item, field)


def _item_line(
    line: Line, items: dict[str, Item], tool: str, mode: str, current: _Open | None
) -> _Open | None:
    text = line.text.replace("*", "").strip()
    match = ITEM.match(text)
    if match:
        code = item_code(match.group(1), match.group(2), tool)
        return _start(items, code, line, mode, match.group(3))
    return _continue(text, current)


def _lettered_line(line: Line, items: dict[str, Item], current: _Open | None) -> _Open | None:
    """A line outside the item sections: an item with its letter starts (its question, or its
    suggestion when the question was read before), or the open item goes on."""
    text = line.text.replace("*", "").strip()
    match = LETTERED_ITEM.match(text)
    if match:
        code = f"{match.group(1)}{int(arabic(match.group(2)))}"
        known = items.get(code)
        field = "suggestion" if known is not None and known.question else "question"
        rest = match.group(3)
        score = TRAILING_SCORE.search(rest) if field == "question" else None
        if score is None:
            return dataclasses.replace(_start(items, code, line, field, rest), lettered=True)
        opened = _start(items, code, line, field, rest[: score.start()])
        opened.item.score = float(score.group(1))  # a flattened row: question, then score
        return _Open(opened.item, "scored", lettered=True)
    return _continue(text, current) if current is not None else None


def _continue(text: str, current: _Open | None) -> _Open | None:
    """The open item's text goes on, its score or labelled suggestion arrives, or it ends."""
    if current is None:
        return None
    if not text:
        keep = current.field == "question" or (current.field == "scored" and not current.lettered)
        return current if keep else None
    if current.lettered and PART_HEADING.match(arabic(text)):
        return None
    item = current.item
    labelled = LABELLED_SUGGESTION.match(text)
    if labelled:  # "ข้อเสนอแนะ: …" right under its item (a layout without a separate section)
        item.suggestion = tidy(labelled.group(1))
        return _Open(item, "suggestion", current.lettered)
    if current.field == "question" and ITEM_SCORE.match(arabic(text)):
        item.score = score_in(text)
        return _Open(item, "scored", current.lettered)
    if current.field == "scored" and current.lettered and not text.startswith(NOTHING):
        item.suggestion = tidy(text)  # "ข้อ I7 …", "คะแนน 79.40", then what to do about it
        return _Open(item, "suggestion", lettered=True)
    if current.field == "scored" or text.startswith(NOTHING):
        return None
    setattr(item, current.field, tidy(f"{getattr(item, current.field) or ''} {text}"))
    score = TRAILING_SCORE.search(item.question or "") if current.field == "question" else None
    if current.lettered and score is not None:  # a wrapped question ends "… (คะแนน 76.20)"
        item.question = tidy((item.question or "")[: score.start()])
        item.score = float(score.group(1))
        return _Open(item, "scored", lettered=True)
    return current
