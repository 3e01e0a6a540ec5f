"""Every Thai (and English) word and pattern the report and spreadsheet readers look for.

One place, each entry with an example of what it matches, so that a layout the readers have
not seen is usually one more line here. Patterns run on a line's ``plain`` text (Arabic digits,
no Markdown emphasis); where PDF extraction may split a word with spaces, the readers match
on the compact text (spaces removed) and the entries say so.
"""

from __future__ import annotations

import re

# --- organizations ------------------------------------------------------------------------------

# A line starting with one of these names the organization ("องค์การบริหารส่วนจังหวัดแพร่").
ORGANIZATION_PREFIXES = (
    "องค์การบริหารส่วน",
    "เทศบาล",
    "กรุงเทพมหานคร",
    "เมืองพัทยา",
    "กรม",
    "กระทรวง",
    "สำนักงาน",
    "มหาวิทยาลัย",
    "โรงพยาบาล",
    "สถาบัน",
    "การไฟฟ้า",
    "การประปา",
    "ศาล",
)
# Abbreviated organization kinds, written before the place ("อบต.หนองบัว").
ORGANIZATION_ABBREVIATIONS = {
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "ทต.": "เทศบาลตำบล",
    "ทม.": "เทศบาลเมือง",
    "ทน.": "เทศบาลนคร",
    "กทม.": "กรุงเทพมหานคร",
}
# "หน่วยงาน: เทศบาลตำบลบ้านใหม่", "ชื่อหน่วยงาน : …", "Organization: …"
ORGANIZATION_LABEL = re.compile(r"^(?:หน่วยงาน|ชื่อหน่วยงาน|organization)\s*[:：]\s*(.+)$", re.I)
# "คะแนนภาพรวมหน่วยงาน องค์การบริหารส่วนจังหวัดแพร่ :" (the ITA system's result page)
ORGANIZATION_OF_SCORE = re.compile(r"คะแนนภาพรวมหน่วยงาน\s*(.+?)\s*:?\s*$")
# Where an organization's name stops inside a line: "… จังหวัดแพร่ อำเภอเมือง" -> before อำเภอ.
ORGANIZATION_ADDRESS = re.compile(r"\s(?:อำเภอ|ตำบล|เลขที่|ที่อยู่)")
# Words before an organization's name inside prose: "ผลการประเมินของเทศบาลเมืองท่าน้ำใส ได้…",
# "หน่วยงาน องค์การบริหารส่วนตำบลหนองบัว เข้ารับการประเมิน".
ORGANIZATION_IN_PROSE_BEFORE = ("ของ", "หน่วยงาน", "โดย")
# What ends an organization's name inside prose: "เทศบาลเมืองท่าน้ำใส ได้คะแนน …",
# "อบต.หนองบัว เข้ารับการประเมิน …", "… (ตัวอย่างสมมติ)".
ORGANIZATION_IN_PROSE_END = re.compile(
    r"\s+(?:ได้|ได้รับ|มี|เข้ารับ|เข้าร่วม|ผ่าน|ประจำ|ใน|โดย|ซึ่ง|อยู่|คว้า|จังหวัด\S*\s+ได้)|[(（,]"
)
# Offices every report names that are not the agency assessed: the NACC ("สำนักงาน ป.ป.ช."),
# and the departments that oversee local government.
NOT_THE_ORGANIZATION = (
    "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ",
    "สำนักงานป.ป.ช.",
    "กรมส่งเสริมการปกครองท้องถิ่น",
    "สำนักงานคณะกรรมการพัฒนาระบบราชการ",
)
# A name this long is a sentence, not an organization.
ORGANIZATION_MAX_LENGTH = 80

# --- years ------------------------------------------------------------------------------------

# "ประจำปีงบประมาณ พ.ศ. ๒๕๖๕", "ปีงบประมาณ 2566", "ปีงบ 2567"
YEAR_PHRASE = re.compile(r"(?:ประจำ)?ปีงบ(?:ประมาณ)?\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})")
# A year the assessment names without the word งบประมาณ: "ITA ประจำปี 2566", "ITA 2568",
# "การประเมิน ITA ปี พ.ศ. 2567" (the bare "ปี" only this close after ITA or การประเมิน).
ASSESSMENT_YEAR_SHORT = re.compile(
    r"(?:ITA|การประเมิน)\)?\s*(?:ประจำ)?(?:ปี)?\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})"
)
# Years outside this range are other numbers ("๒๕๖๑ - ๒๕๖๕" still counts, "1,200" does not).
PLAUSIBLE_YEARS = range(2550, 2650)
# The nearest of these words before a year phrase says whose year it is: the measures'
# ("มาตรการส่งเสริมคุณธรรม ประจำปีงบประมาณ 2568", "ข้อเสนอแนะ…ในปีงบประมาณ 2566") or the
# assessment's ("ผลการประเมิน ITA ประจำปีงบประมาณ 2567", "มาตรการตามผลการประเมิน … ปี 2567").
PLAN_YEAR_WORDS = ("มาตรการ", "แผนปฏิบัติ", "แผนการ", "ข้อเสนอแนะ", "แนวทาง")
ASSESSMENT_YEAR_WORDS = ("การประเมิน", "ITA")
# "…ในปีงบประมาณ 2564" after a plan word: the year the plan is carried out in.
IN_THE_YEAR = "ใน"
# Lines this early in a report are its title page.
TITLE_LINES = 30

# --- the overall score and grade ------------------------------------------------------------

SCORE = r"(\d{1,3}\.\d{1,2})"
# Each pattern's group 1 is the overall score.
SCORE_PATTERNS = (
    # "ในภาพรวมมีระดับคะแนน ๙๙.๗๖" (the seed)
    re.compile(r"ในภาพรวม\S*\s*(?:มี)?ระดับคะแนน\s*" + SCORE),
    # "คะแนนภาพรวม 89.61", "คะแนนเฉลี่ยรวม: 91.30", "คะแนนรวมหน่วยงาน 90.12"
    re.compile(r"คะแนน(?:ภาพรวม|เฉลี่ย|รวม)\S*?(?:หน่วยงาน)?\s*[:：]?\s*(?:เท่ากับ\s*)?" + SCORE),
    # "overall score: 91.30", "ITA score 88.10"
    re.compile(r"(?:overall score|ITA score)\s*[:：]?\s*" + SCORE, re.I),
    # Prose: "ได้คะแนน 91.30 คะแนน", "ได้คะแนน เท่ากับร้อยละ 88.10", "โดยได้ผล ๙๗.๐๔ คะแนน",
    # "ได้รับคะแนน 85.40", "มีผลคะแนน 90.00", "ด้วยคะแนน 96.25"
    re.compile(
        r"(?:ได้(?:รับ)?|มีผล|ด้วย)\s*(?:ผล)?(?:คะแนน)?(?:ประเมิน)?\s*(?:เท่ากับ\s*)?(?:ร้อยละ\s*)?" + SCORE
    ),
)
# Prose score patterns also fire on an indicator's or item's sentence; a line naming a part
# ("ตัวชี้วัดที่ 1 … ได้ 95.12", "ข้อ I7 …", "แบบวัด EIT ได้ 90.15") gives no overall score.
PART_SCORE = re.compile(r"ตัวชี้วัด|ข้อ\s*[A-Za-z0-9๐-๙]|แบบวัด|แบบตรวจ|\b[IEO]IT\b|ประเด็น")
GRADES = r"(AA|A|B|C|D|E|F)"
# Each pattern's group 1 is the grade.
GRADE_PATTERNS = (
    # "ระดับผลการประเมิน A", "ระดับผลการประเมิน: AA"
    re.compile(r"ระดับผลการประเมิน\s*[:：]?\s*" + GRADES + r"\b"),
    # "จัดอยู่ในระดับ A", "ผ่านเกณฑ์การประเมินระดับ AA", "อยู่ในระดับ A", "คว้าระดับ AA",
    # "โดยมีผลการประเมินระดับ B", "ได้ระดับ A"
    re.compile(
        r"(?:จัดอยู่ใน|อยู่ใน|ผ่านเกณฑ์(?:การ)?ประเมิน|คว้า|ผลการประเมิน|ได้)\s*(?:ระดับ)\s*"
        + GRADES
        + r"(?![A-Za-z])"
    ),
    # "grade: A", "ระดับ: AA"
    re.compile(r"(?:grade|ระดับ)\s*[:：]\s*" + GRADES + r"\b", re.I),
)
# "คะแนนภาพรวม" on one line and "๙๙.๗๖ คะแนน" on one of the next three.
SCORE_HEADING = "คะแนนภาพรวม"
SCORE_BELOW = re.compile(SCORE + r"\s*คะแนน")

# --- tools and indicators --------------------------------------------------------------------

TOOLS = ("IIT", "EIT", "OIT")
TOOL_ACRONYM = re.compile(r"\b(IIT|EIT|OIT)\b")
# Compact (no spaces) Thai names of the three tools.
TOOL_WORDS = {
    "ผู้มีส่วนได้ส่วนเสียภายใน": "IIT",
    "ผู้มีส่วนได้ส่วนเสียภายนอก": "EIT",
    "เปิดเผยข้อมูลสาธารณะ": "OIT",
}
# Old or short acronyms in item headings: "(IT)" for IIT, "(ET)" for EIT (compact text).
ITEM_SECTION_ACRONYMS = (
    ("(IIT)", "IIT"),
    ("(EIT)", "EIT"),
    ("(OIT)", "OIT"),
    ("(IT)", "IIT"),
    ("(ET)", "EIT"),
)
# An indicator row's first cell: "๑. การปฏิบัติหน้าที่", "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่".
# "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่" too; group 1 or 2 is the number, group 3 the name.
INDICATOR_CELL = re.compile(r"(?:ตัวชี้วัดที่\s*(\d{1,2})\s*[.):]?|(\d{1,2})\s*[.)])\s*(\D.+)")
INDICATOR_NUMBER_CELL = re.compile(r"\d{1,2}\.?")
# An indicator in prose: "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้ 95.12 คะแนน",
# "ตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน มีระดับคะแนน ๙๘.๗๓", "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล 100.00 คะแนน".
INDICATOR_PROSE = re.compile(
    r"ตัวชี้วัดที่\s*(\d{1,2})\s*[:.]?\s*([ก-๙][ก-๙\s]*?[ก-๙])\s*[:(]?\s*"
    r"(?:(?:มี)?(?:ระดับ)?(?:ได้)?(?:คะแนน)?\s*(?:เท่ากับ\s*)?)?" + SCORE + r"\s*(?:คะแนน)?\)?"
)
# An indicator row flattened into a plain line: "1 การปฏิบัติหน้าที่ IIT 90.15",
# "๒. การใช้งบประมาณ ๘๖.๔๐".
INDICATOR_FLAT = re.compile(
    r"^(\d{1,2})\s*[.)]?\s+([ก-๙][ก-๙\s]*?[ก-๙])\s+(?:(IIT|EIT|OIT)\s+)?" + SCORE + r"$"
)
# The analysis paragraphs name indicators: "ตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน มีระดับคะแนน ๙๘.๗๓".
ANALYSIS_MENTION = re.compile(r"ตัวชี้วัดที่\s*(\d{1,2})\s+(\S.*?)\s+(?:มี)?ระดับคะแนน")

# --- weak items --------------------------------------------------------------------------

# Headings of the weak-item sections (their tool is named in them).
ITEM_SECTION_WORDS = ("ประเด็นข้อบกพร่องหรือจุดอ่อน", "จุดอ่อนที่ต้องแก้ไข")
# "ประเด็นข้อบกพร่อง" alone on its line: the questions follow.
QUESTIONS_HEADING = re.compile(r"^ประเด็นข้อบกพร่อง\s*$")
# "ประเด็นการพัฒนา", "ข้อเสนอแนะ", "ข้อเสนอแนะในการพัฒนา": the suggestions follow.
SUGGESTIONS_HEADING = re.compile(r"^ประเด็นการพัฒนา|^ข้อเสนอแนะ(?:ในการพัฒนา)?\s*$")
# What ends the item sections: the measure table begins.
ITEMS_END_PREFIXES = ("มาตรการ", "ลำดับที่", "แนวทาง")
ITEMS_END_WORDS = ("มาตรการ/แนวทาง",)
# A new part of the report ends the item sections too: "ส่วนที่ ๔ มาตรการและแนวทาง…" (a PDF
# has no blank line before it).
ITEMS_END_PART = re.compile(r"^(?:ส่วนที่|บทที่)\s*[0-9๐-๙]")
# An item: "ข้อ I๑๘ ท่านเห็นว่า…", "ข้อ E๗ …", "ข้อ 1๒๑ …" (the I read as 1), "ข้อ ๒๔ …".
ITEM = re.compile(r"^ข้อ\s*([A-Za-z1l|]?)\s*([0-9๐-๙]{1,3})\s*[:.]?\s*(.*)$")
# An item named with its letter outside any item section: "ข้อ I7 ท่านเห็นว่า…",
# "ประเด็น E5: …", "I21 ท่านรู้สึก…", "(O24) ช่องทางแจ้งเรื่องร้องเรียน" — the letter is required.
LETTERED_ITEM = re.compile(
    r"^(?:ข้อ(?:คำถาม)?\s*|ประเด็น\s*)?\(?([IEO])\s*([0-9๐-๙]{1,3})\)?\s*[:.]?\s+(\S.*)$"
)
# An item's line may end with its score: "I9 ท่านรู้ว่า … มากน้อยเพียงใด 76.85" (a flattened
# row), "E8 ท่านได้รับคำตอบ… มากน้อยเพียงใด (คะแนน 74.90)".
TRAILING_SCORE = re.compile(r"\s+\(?\s*(?:คะแนน\s*)?" + SCORE + r"\s*(?:คะแนน)?\s*\)?$")
# The first cell of an item table's row: "I21", "ข้อ E13", "O30".
ITEM_CODE_CELL = re.compile(r"^(?:ข้อ\s*)?([IEO])\s*([0-9๐-๙]{1,3})$")
# "คะแนน 79.40", "ได้คะแนน 79.40", "(คะแนน ๘๑.๔๐)", "ผลคะแนน: 0.00"
ITEM_SCORE = re.compile(r"^\(?(?:ได้|ผล)?คะแนน")
# "ข้อเสนอแนะ: …" right under its item.
# (a PDF may split the label: "ข้อเสนอ แนะ: …")
LABELLED_SUGGESTION = re.compile(
    r"^(?:ข้อ\s?เสนอ\s?แนะ|แนว\s?ทาง\s?(?:การ)?\s?(?:พัฒนา|แก้\s?ไข)|ประเด็น\s?การ\s?พัฒนา)"
    r"\s*[:：]\s*(.+)$"
)
# A heading of the report's next part, which ends an item read outside the item sections
# (a Word file has no blank line before it): "4. มาตรการและแนวทาง…", "๓.๒ แบบวัด…", "ส่วนที่ 3".
PART_HEADING = re.compile(r"^(?:[0-9๐-๙]{1,2}(?:\.[0-9๐-๙]{1,2})*\.?\s+\S|ส่วนที่|บทที่)")
# A line that says an item has nothing more ("ไม่มี").
NOTHING = "ไม่มี"

# --- the measure table ------------------------------------------------------------------------

# Header words of each column (compact, lower case).
COLUMN_WORDS = {
    "measure": ("มาตรการ", "แนวทาง", "measure"),
    "step": ("วิธีการ", "กิจกรรม", "ขั้นตอน", "รายการ", "step", "activity"),
    "units": ("ผู้รับผิดชอบ", "หน่วยงาน", "responsible"),
    "period": ("ระยะเวลา", "ช่วงเวลา", "กำหนดเวลา", "ห้วงเวลา", "period"),
    "follow_up": ("ติดตาม", "follow"),
    "number": ("ลำดับ", "no."),
}
# A header cell longer than this is a sentence that happens to hold a column word.
HEADER_CELL_MAX = 40
# A step's number before its title: "๑. ประกาศหลักเกณฑ์…", "2) จัดอบรม…", or numbered within its
# measure, "๑.๒ เผยแพร่รายงาน…" (step 2 of measure 1).
STEP_NUMBER = re.compile(
    r"^(?:[0-9๐-๙]{1,2}\.(?=[0-9๐-๙]))?([0-9๐-๙]{1,2})(?:\s*[.)]\s*|\s+(?=\D))(.*)$"
)
# A measure's own number before its title, left out of the title: "๑. ส่งเสริมการรับรู้…",
# "มาตรการที่ 2 ปรับปรุง…", "มาตรการ 3: …".
MEASURE_NUMBER = re.compile(
    r"^(?:มาตรการ(?:ที่)?\s*[0-9๐-๙]{1,2}\s*[:.)]?\s*|[0-9๐-๙]{1,2}\s*[.)]\s+)(?=\S)"
)
# A measure in a flattened table: "มาตรการที่ 1 เสริมสร้าง…", "มาตรการ 2: ปรับปรุง…"
MEASURE_LINE = re.compile(r"^มาตรการ(?:ที่)?\s*([0-9๐-๙]{1,2})\s*[:.)]?\s*(\S.*)$")

# A flattened table ends at the next part of the report: "ส่วนที่ 5 …", "ข้อเสนอแนะ …",
# "หมายเหตุ", "ลงชื่อ", "ประกาศ ณ วันที่".
FLATTENED_TABLE_END = re.compile(r"^(?:ส่วนที่|ข้อเสนอแนะ|หมายเหตุ|ลงชื่อ|ประกาศ\s*ณ|บทสรุป|สรุป)")
# Where a flattened step line's follow-up begins: "… รายงานผลในการประชุมประจำเดือน ทุกต้นเดือน".
FOLLOW_UP_STARTS = ("รายงาน", "ติดตาม", "ประชุม", "ในการประชุม", "ในที่ประชุม")

# --- units ------------------------------------------------------------------------------

# The every-unit group: "ทุกส่วนราชการในสังกัด…", "ทุกกอง/สำนัก", "ทุกกอง ทุกสำนัก", "ทุกหน่วยงาน".
ALL_UNITS_PREFIXES = ("ทุกส่วนราชการ", "ทุกกอง", "ทุกหน่วยงาน", "ทุกสำนัก", "ทุกฝ่าย", "ทุกส่วน")
# How a unit's name starts, to tell "กองคลัง และกองช่าง" (two) from
# "กองการศึกษา ศาสนาและวัฒนธรรม" (one).
UNIT_START = r"(?:กอง|สำนัก|ฝ่าย|งาน|ส่วน|ศูนย์|กลุ่ม|ทุก|หน่วย)"
# Kinds of unit, bare: after the every-unit group they extend it ("ทุกกอง/สำนัก").
UNIT_KINDS = ("กอง", "สำนัก", "ฝ่าย", "งาน", "ส่วน", "ศูนย์", "กลุ่ม", "หน่วยงาน", "ส่วนราชการ")
# Abbreviated unit names as agencies write them: "สป.", "กค.", "กพร.สป.", "กองสาธารณสุขฯ".
UNIT_ABBREVIATION = re.compile(r"^[ก-ฮ]{1,5}\.(?:[ก-ฮ]{1,5}\.)*$|ฯ$")
# Words in a units cell that separate units: commas, semicolons, slashes, "และ" before a unit.
UNIT_SEPARATORS = rf"\s*[,;/]\s*|\s+และ\s*(?={UNIT_START})|(?<=\S)และ(?={UNIT_START})"

# --- follow-up meetings ------------------------------------------------------------------------

# "ในการประชุมหัวหน้าส่วนราชการ ทุกวันพุธ…" -> the meeting's name starts at ประชุม.
MEETING_NAME = re.compile(r"(ประชุม.+)$")
DEFAULT_MEETING_NAME = "การประชุมติดตามผล"
