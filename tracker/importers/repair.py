"""Repairing what PDF extraction (and old Thai fonts) do to Thai text, before a report is read.

:func:`repair_thai` applies these rules, in this order, each shown with what it mends:

(e) zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, bidi controls)
    removed: "สำนัก\\u200bงาน" → "สำนักงาน";
(a) the private-use glyphs of old Thai fonts (U+F700–U+F71A, :data:`THAI_PUA`) replaced by
    the characters they draw: "ป\\uf70bาย" → "ป้าย";
(d) spaces no Thai writer types removed: before a combining mark or sara am
    ("ผู้ ใช้" stays, "ก ่อน" → "ก่อน", "ส ำนัก" → "สำนัก") and after a leading vowel
    ("เ ป็น" → "เป็น");
(c) the sara am a font lost, in the words of :data:`LOST_SARA_AM` only: "สานักงาน" →
    "สำนักงาน", never "ทาง", "นา" or "สา", which are words as written;
(b) sara am written as nikhahit + sara aa (U+0E4D U+0E32) composed, a tone mark before or
    between them put before it: "ก\\u0e48\\u0e4d\\u0e32" and "ก\\u0e4d\\u0e48\\u0e32" → "ก่ำ";
(f) the marks over and under a consonant put in the standard order, vowel mark before tone
    mark, sara am last: "ก่ิ" → "กิ่" (what a PDF drawn glyph by glyph gives), "กำ่" → "ก่ำ".

Each rule only touches sequences that correct Thai never holds, so correct text comes back
unchanged. The rules are applied again until nothing changes (one can bring together marks
another orders), so repairing twice changes nothing more than repairing once.
"""

from __future__ import annotations

import re

from tracker.textkey import INVISIBLE_CHARACTERS

# (a) The shifted glyphs of Thai fonts made for Windows and the Mac before OpenType
# positioning (Angsana, Cordia, Browallia, the first TH Sarabun and their kin): each font
# holds a second copy of a mark or letter, moved to where it must stand over a tall consonant
# or without a descender, in the private-use area. A PDF whose font lacks a proper ToUnicode
# entry for them reads those code points. The table is the one the fonts' makers share (the
# glyph names say what each is: "uni0E49.low" is mai tho set low, over a consonant with no
# upper vowel; ".left" moved left, under the tail of ป ฝ ฟ; ".descless" without its tail).
THAI_PUA: dict[str, str] = {
    "\uf700": "\u0e10",  # ฐ without its lower tail (over a lower vowel: ฐุ)
    "\uf701": "\u0e34",  # sara i, left (ปิ)
    "\uf702": "\u0e35",  # sara ii, left (ปี)
    "\uf703": "\u0e36",  # sara ue, left (ปึ)
    "\uf704": "\u0e37",  # sara uee, left (ปื)
    "\uf705": "\u0e48",  # mai ek, low and left (ป่)
    "\uf706": "\u0e49",  # mai tho, low and left (ป้)
    "\uf707": "\u0e4a",  # mai tri, low and left (ป๊)
    "\uf708": "\u0e4b",  # mai chattawa, low and left (ป๋)
    "\uf709": "\u0e4c",  # thanthakhat, low and left (ป์)
    "\uf70a": "\u0e48",  # mai ek, low (ก่: no upper vowel under it)
    "\uf70b": "\u0e49",  # mai tho, low (ก้)
    "\uf70c": "\u0e4a",  # mai tri, low (ก๊)
    "\uf70d": "\u0e4b",  # mai chattawa, low (ก๋)
    "\uf70e": "\u0e4c",  # thanthakhat, low (ก์)
    "\uf70f": "\u0e0d",  # ญ without its lower tail (ญุ)
    "\uf710": "\u0e31",  # mai han-akat, left (ปั)
    "\uf711": "\u0e4d",  # nikhahit, left (the ring of ปำ)
    "\uf712": "\u0e47",  # mai taikhu, left (ป็)
    "\uf713": "\u0e48",  # mai ek, left (ปี่: over an upper vowel)
    "\uf714": "\u0e49",  # mai tho, left (ปี้)
    "\uf715": "\u0e4a",  # mai tri, left
    "\uf716": "\u0e4b",  # mai chattawa, left
    "\uf717": "\u0e4c",  # thanthakhat, left
    "\uf718": "\u0e38",  # sara u, low (ฎุ: under a consonant with a tail)
    "\uf719": "\u0e39",  # sara uu, low (ฎู)
    "\uf71a": "\u0e3a",  # phinthu, low
}

# (c) Words whose sara am (ำ) a PDF's font lost, leaving "า": as written they are no Thai
# word and no pair of words a report would hold, so they are mended wherever they stand
# (Thai runs words together: "คณะทางาน" is "คณะ" + "ทางาน"). A form is listed only when
# that holds; "ทาง" (way), "นา" (rice field), "สา", "ค่า" (value, the lost form of "ค่ำ"),
# "ประจาน" (to shame, which "ประจา…" must not touch), "น้า" (aunt) are real and not listed.
# Two forms the issue names can also be two words, which a report does not write:
# "ทาให้" (paint for) and "นาไป" (field, go). Longer forms are tried first ("คานาม" before
# "คานา"). Damaged form -> repaired form.
LOST_SARA_AM: dict[str, str] = {
    "สานักงาน": "สำนักงาน",
    "สานัก": "สำนัก",
    "ดาเนิน": "ดำเนิน",
    "กาหนด": "กำหนด",
    "จานวน": "จำนวน",
    "ทาให้": "ทำให้",
    "คาสั่ง": "คำสั่ง",
    "สาคัญ": "สำคัญ",
    "ตาบล": "ตำบล",
    "อาเภอ": "อำเภอ",
    "ประจาปี": "ประจำปี",
    "ประจาเดือน": "ประจำเดือน",
    "ประจาไตรมาส": "ประจำไตรมาส",
    "ประจาสัปดาห์": "ประจำสัปดาห์",
    "ประจาการ": "ประจำการ",
    "ประจาจังหวัด": "ประจำจังหวัด",
    "ประจาหน่วยงาน": "ประจำหน่วยงาน",
    "คาถาม": "คำถาม",
    "คาตอบ": "คำตอบ",
    "คาร้อง": "คำร้อง",
    "คาขอ": "คำขอ",
    "คาชี้แจง": "คำชี้แจง",
    "คาอธิบาย": "คำอธิบาย",
    "คาแนะนา": "คำแนะนำ",
    "คาว่า": "คำว่า",
    "คานาม": "คำนาม",
    "คานา": "คำนำ",
    "คานึง": "คำนึง",
    "คานวณ": "คำนวณ",
    "นาไป": "นำไป",
    "นามาใช้": "นำมาใช้",
    "นามาปรับปรุง": "นำมาปรับปรุง",
    "นาเสนอ": "นำเสนอ",
    "นาเข้า": "นำเข้า",
    "นาส่ง": "นำส่ง",
    "ผู้นา": "ผู้นำ",
    "แนะนา": "แนะนำ",
    "น้าใจ": "น้ำใจ",
    "น้าประปา": "น้ำประปา",
    "น้าท่วม": "น้ำท่วม",
    "แหล่งน้า": "แหล่งน้ำ",
    "ทางาน": "ทำงาน",
    "ทาการ": "ทำการ",
    "ทาความ": "ทำความ",
    "จัดทา": "จัดทำ",
    "กากับ": "กำกับ",
    "กาลัง": "กำลัง",
    "กาไร": "กำไร",
    "จาเป็น": "จำเป็น",
    "จาแนก": "จำแนก",
    "ดารง": "ดำรง",
    "ดาริ": "ดำริ",
    "ตาแหน่ง": "ตำแหน่ง",
    "ตารวจ": "ตำรวจ",
    "สาหรับ": "สำหรับ",
    "สารวจ": "สำรวจ",
    "สาเร็จ": "สำเร็จ",
    "สานวน": "สำนวน",
    "ลาดับ": "ลำดับ",
    "อานาจ": "อำนาจ",
    "อานวย": "อำนวย",
    "ชานาญ": "ชำนาญ",
    "ชารุด": "ชำรุด",
    "ชาระเงิน": "ชำระเงิน",
    "ชาระค่า": "ชำระค่า",
    "ทาเนียบ": "ทำเนียบ",
    "บารุง": "บำรุง",
    "บาเหน็จ": "บำเหน็จ",
    "บาบัด": "บำบัด",
    "ซ้าซ้อน": "ซ้ำซ้อน",
    "ต่ากว่า": "ต่ำกว่า",
}

_VOWEL_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"  # ั ิ ี ึ ื ุ ู ฺ ็
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_OTHER_MARKS = "\u0e4c\u0e4d\u0e4e"  # ์ ํ ๎ (thanthakhat, nikhahit, yamakkan)
_COMBINING = _VOWEL_MARKS + _TONE_MARKS + _OTHER_MARKS
_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"  # เ แ โ ใ ไ
SARA_AM = "\u0e33"

_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_PUA = re.compile("[\uf700-\uf71a]")
# A run of spaces (not tabs, which separate cells, nor line breaks) a Thai word never holds.
_SPACE_BEFORE_MARK = re.compile(f"[ \u00a0]+(?=[{_COMBINING}{SARA_AM}])")
_SPACE_AFTER_LEADING = re.compile(f"(?<=[{_LEADING_VOWELS}])[ \u00a0]+(?=[\u0e01-\u0e2e])")
_MARK_RUN = re.compile(f"[{_COMBINING}{SARA_AM}]{{2,}}")
_TONE = f"[{_TONE_MARKS}]"
_SPLIT_SARA_AM = re.compile(f"({_TONE}?)\u0e4d({_TONE}?)\u0e32")
_MAX_ROUNDS = 8
_LOST = re.compile("|".join(sorted(map(re.escape, LOST_SARA_AM), key=len, reverse=True)))


def repair_thai(text: str) -> str:
    """``text`` with the damage of the module's rules mended; correct text is unchanged.

    Idempotent: ``repair_thai(repair_thai(t)) == repair_thai(t)``. Tabs and line breaks are
    kept (they separate cells and lines).
    """
    # One rule's repair can bring two marks together that another rule orders (a tone mark
    # moved before a sara am joins the marks before it): apply the rules until nothing
    # changes. Every round shortens the text or moves marks towards their order, so a few do.
    for _ in range(_MAX_ROUNDS):
        repaired = _repair_once(text)
        if repaired == text:
            break
        text = repaired
    return text


def _repair_once(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    text = _PUA.sub(lambda match: THAI_PUA[match.group()], text)
    text = _SPACE_BEFORE_MARK.sub("", text)
    text = _SPACE_AFTER_LEADING.sub("", text)
    text = _LOST.sub(lambda match: LOST_SARA_AM[match.group()], text)
    text = _SPLIT_SARA_AM.sub(lambda m: m.group(1) + m.group(2) + SARA_AM, text)
    return thai_mark_order(text)  # also puts a tone typed after a sara am before it


def thai_mark_order(text: str) -> str:
    """``text`` with each run of Thai combining marks (and sara am) in the standard order:
    upper and lower vowels (ั ิ ี ึ ื ุ ู ฺ ็) first, then tone marks (่ ้ ๊ ๋), then ์ ํ ๎, then
    sara am — "ก้ิ" → "กิ้", "กำ่" → "ก่ำ"; "ก่ํา" (the parts of "ก่ำ") stays. Correct text is
    unchanged."""
    return _MARK_RUN.sub(lambda match: "".join(sorted(match.group(), key=_mark_class)), text)


def _mark_class(character: str) -> int:
    if character in _VOWEL_MARKS:
        return 0
    if character in _TONE_MARKS:
        return 1
    return 3 if character == SARA_AM else 2
