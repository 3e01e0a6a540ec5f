"""Words shown to people, in Thai and English: one table per kind of value, one way to pick.

Stored values stay English identifiers (``in_progress``, ``sent``, ``meeting-reminder``);
screens, messages and reports show them through :func:`label`, so a Thai screen never shows
an English status word.
"""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]  # value -> (Thai, English)

TASK_STATUS: Labels = {
    "not_started": ("ยังไม่เริ่ม", "not started"),
    "in_progress": ("กำลังดำเนินการ", "in progress"),
    "done": ("เสร็จแล้ว", "done"),
    "cancelled": ("ยกเลิก", "cancelled"),
}

OUTBOX_STATUS: Labels = {
    "pending": ("รอส่ง", "pending"),
    "sending": ("กำลังส่ง", "sending"),
    "sent": ("ส่งแล้ว", "sent"),
    "failed": ("ส่งไม่สำเร็จ", "failed"),
    "missed": ("เลยกำหนด ไม่ได้ส่ง", "missed"),
}

# What one attempt at sending came to (tracker.models.AttemptOutcome).
ATTEMPT_OUTCOME: Labels = {
    "sending": ("กำลังส่ง", "sending"),
    "sent": ("ส่งแล้ว", "sent"),
    "retrying": ("ไม่สำเร็จ จะส่งซ้ำ", "failed, to retry"),
    "failed": ("ส่งไม่สำเร็จ", "failed"),
    "interrupted": ("ขาดตอน (ระบบหยุดกลางคัน)", "interrupted (the sender stopped)"),
    "superseded": ("ผลมาช้า ไม่นับ", "late, not counted"),
}

# The reasons stored with missed messages (tracker.followup.ledger.MISSED_REASONS), in words.
MISSED_REASON: Labels = {
    "due while nothing ran; the meeting had passed": (
        "ถึงกำหนดขณะที่ระบบไม่ได้ทำงาน และการประชุมผ่านไปแล้ว",
        "due while nothing ran; the meeting had passed",
    ),
    "due while nothing ran; the deadline had passed": (
        "ถึงกำหนดขณะที่ระบบไม่ได้ทำงาน และเลยวันสิ้นสุดของขั้นตอนแล้ว",
        "due while nothing ran; the deadline had passed",
    ),
    "due while nothing ran; no longer useful": (
        "ถึงกำหนดขณะที่ระบบไม่ได้ทำงาน และไม่เป็นประโยชน์แล้ว",
        "due while nothing ran; no longer useful",
    ),
}

# What a job run did, counted (tracker.followup.jobs.JobResult).
JOB_COUNT: Labels = {
    "queued": ("เข้าคิว", "queued"),
    "already": ("มีอยู่แล้ว", "already"),
    "missed": ("เลยกำหนด", "missed"),
    "sent": ("ส่งแล้ว", "sent"),
    "retrying": ("รอส่งซ้ำ", "retrying"),
    "failed": ("ส่งไม่สำเร็จ", "failed"),
    "interrupted": ("ขาดตอน ส่งใหม่", "interrupted, resent"),
}

# The audit log's fields (TaskEvent.field).
TASK_FIELD: Labels = {
    "created": ("สร้างขั้นตอน", "created"),
    "status": ("สถานะ", "status"),
    "percent": ("ร้อยละ", "percent"),
    "note": ("หมายเหตุ", "note"),
    "title": ("ชื่อขั้นตอน", "title"),
    "units": ("ผู้รับผิดชอบ", "units"),
    "period_text": ("ระยะเวลาตามแผน", "period as written"),
    "start_date": ("วันเริ่ม", "start"),
    "end_date": ("วันสิ้นสุด", "end"),
    "follow_up": ("การติดตามผล", "follow-up"),
}

# What an import created, counted (tracker.services.plan_import.ImportReport.created keys).
IMPORTED_KIND: Labels = {
    "organizations": ("หน่วยงาน", "organizations"),
    "plans": ("แผน", "plans"),
    "assessments": ("ผลการประเมิน", "assessments"),
    "indicators": ("ตัวชี้วัด", "indicators"),
    "assessment items": ("ข้อคำถาม", "assessment items"),
    "units": ("หน่วยงานผู้รับผิดชอบ", "units"),
    "meeting series": ("การประชุมติดตามผล", "meeting series"),
    "meeting exceptions": ("วันประชุมที่เปลี่ยนแปลง", "meeting exceptions"),
    "measures": ("มาตรการ", "measures"),
    "tasks": ("ขั้นตอน", "tasks"),
}


def t(lang: str, thai: str, english: str) -> str:
    """The Thai words in Thai (``th``), the English ones otherwise."""
    return thai if lang == "th" else english


def label(table: Labels, value: str, lang: str) -> str:
    """``value`` in words from ``table``; a value the table lacks is shown as it is."""
    words = table.get(value)
    return value if words is None else t(lang, *words)


def counts_line(counts: dict[str, int], lang: str, *, only_some: bool = False) -> str:
    """ "เข้าคิว 5, มีอยู่แล้ว 0, …" / "queued 5, already 0, …": a job run's JOB_COUNT tallies
    (``only_some``: those that are not 0)."""
    return ", ".join(
        f"{label(JOB_COUNT, key, lang)} {counts.get(key, 0)}"
        for key in JOB_COUNT
        if counts.get(key, 0) or not only_some
    )
