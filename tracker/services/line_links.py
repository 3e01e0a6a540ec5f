"""LINE links: the codes that link a LINE chat to a unit, and what a linked chat may do.

An officer asks for a code (the unit page, or ``tracker units link UNIT --line``) and sends
it to the agency's LINE account, in a one-to-one chat or in the unit's LINE group. The code
is short (8 characters of :data:`CODE_ALPHABET`, no 0/O or 1/I/L to misread), used once and
good for :data:`CODE_LIFETIME`; only its digest is stored (:func:`tracker.services.access.digest`).
Using it makes the chat a ``line`` contact of the unit: the user's id in a one-to-one chat,
the group's (or room's) id in a group, so reminders go where the code was sent.

A linked chat then answers with the buttons of its reminders (tracker.notify.line): each
postback acts as the unit whose ``line`` contact the chat is, on a task that unit is
responsible for, through :mod:`tracker.services.tasks` like the unit page does, the audit
log naming the unit and "LINE" with the person's LINE name.

What comes back is a :class:`LineReply` for the chat, in the configured language: every
refusal is a reply, never an exception, and writes nothing.

LINE delivers an event again when it did not get the webhook's answer
(``deliveryContext.isRedelivery``). No table remembers the events seen: each action is
idempotent instead. A code already used by the same chat answers "already linked"; marking
a done task done, or setting the percent it has, writes nothing; and a redelivered postback
is not applied to a task changed at or after the moment of the tap (the first delivery's
change, or someone's since), so a late copy cannot undo a newer change.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db import lock_for_update
from tracker.errors import NotFound
from tracker.i18n import t
from tracker.models import LineLinkCode, Task, TaskStatus, Unit, UnitContact
from tracker.notify.line import (
    DONE_LABEL,
    PROGRESS_STEPS,
    Choice,
    Postback,
    read_postback,
)
from tracker.services import tasks, units
from tracker.services.access import digest
from tracker.services.tasks import Actor

LINE = "line"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=24)
# What a message must look like to be taken for a code: 8 letters or digits, at least one
# digit (every code has one), a dash or space in the middle allowed; nothing else in it. So
# a group's talk ("whatever") is never answered as a wrong code.
_CODE_SHAPE = re.compile(r"\s*([A-Za-z0-9]{4})[-\s]?([A-Za-z0-9]{4})\s*")
MAX_TITLE = 80  # of a task's title in a reply


@dataclass(frozen=True)
class LineSource:
    """Where a LINE event came from. ``address`` is the chat, as reminders are sent to it:
    the user's id in a one-to-one chat, else the group's or room's; ``user_id`` the person
    who wrote or tapped (None when LINE does not say); ``name`` their LINE display name."""

    address: str
    user_id: str | None = None
    name: str | None = None

    @property
    def is_group(self) -> bool:
        return not self.address.startswith("U")

    def actor_name(self) -> str:
        """Who acts, as the audit log shows it beside the unit: "LINE สมหญิง" (the display
        name when it is a clean name, else the user's or the chat's id)."""
        from tracker.inputs import TextProblem, clean_name

        if self.name:
            try:
                return clean_name(f"LINE {self.name}")
            except TextProblem:
                pass
        return f"LINE {self.user_id or self.address}"


@dataclass(frozen=True)
class LineEvent:
    """When LINE says the event happened, and whether this is a second delivery of it."""

    at: datetime
    redelivered: bool = False


@dataclass(frozen=True)
class LineReply:
    """What to answer in the chat: a text and quick-reply buttons under it."""

    text: str
    choices: tuple[Choice, ...] = ()


# ---------------------------------------------------------------- codes


def new_code(session: Session, unit: Unit, now: datetime) -> tuple[LineLinkCode, str]:
    """A new link code for ``unit``, good for CODE_LIFETIME from ``now``: the row and the
    code's text (shown once: only its digest is stored)."""
    while True:
        code = _random_code()
        if session.scalar(select(LineLinkCode.id).where(LineLinkCode.code_hash == digest(code))):
            continue  # one chance in 8.5 * 10^11 per code outstanding: draw again
        row = LineLinkCode(
            code_hash=digest(code), unit=unit, created_at=now, expires_at=now + CODE_LIFETIME
        )
        session.add(row)
        session.flush()
        return row, code


def _random_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(c.isdigit() for c in code):  # a code has a digit: see _CODE_SHAPE
            return code


def shown_code(code: str) -> str:
    """A code as people read and type it: ``ABCD-2345``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_in(text: str) -> str | None:
    """The code a chat message holds (upper case, without its dash), or None when the message
    does not look like a code at all."""
    found = _CODE_SHAPE.fullmatch(text)
    if found is None:
        return None
    code = (found.group(1) + found.group(2)).upper()
    return code if any(c.isdigit() for c in code) else None


def link_chat(
    session: Session, text: str, source: LineSource, now: datetime, lang: str
) -> LineReply | None:
    """Use the code in ``text`` to link the chat to its unit. None when there is nothing to
    answer: the message is no code and was written in a group, where people talk."""
    code = code_in(text)
    if code is None:
        return None if source.is_group else LineReply(_words("help", lang))
    row = _code_row(session, code)
    if row is not None and row.used_by == source.address:
        unit = _unit_of(row)
        if any(u.id == unit.id for u in units_of_chat(session, source.address)):
            # The chat sent its code again, or LINE delivered the message twice.
            return LineReply(_words("already_linked", lang).format(unit=unit.name))
    if row is None or row.used_at is not None:
        return LineReply(_words("code_unknown", lang))
    if now >= row.expires_at:
        return LineReply(_words("code_expired", lang))
    unit = _unit_of(row)
    units.add_contact(session, unit, LINE, source.address)
    row.used_at, row.used_by = now, source.address
    session.flush()
    reply = _words("linked", lang).format(unit=unit.name)
    others = [u.name for u in units_of_chat(session, source.address) if u.id != unit.id]
    if others:
        reply += "\n" + _words("linked_elsewhere", lang).format(units=", ".join(others))
    return LineReply(reply)


def _code_row(session: Session, code: str) -> LineLinkCode | None:
    """The code's row, locked until the transaction ends: two deliveries of one code at the
    same moment (LINE sending again while the first is being handled) take turns, and the
    second finds it used."""
    lock_for_update(session)
    statement = select(LineLinkCode).where(LineLinkCode.code_hash == digest(code))
    return session.scalar(statement.with_for_update().execution_options(populate_existing=True))


def _unit_of(row: LineLinkCode) -> Unit:
    """The code's unit, or the unit it was merged into since the code was made."""
    unit = row.unit
    while unit.merged_into is not None:
        unit = unit.merged_into
    return unit


def units_of_chat(session: Session, address: str) -> list[Unit]:
    """The units (of any organization) that have the chat ``address`` as a ``line``
    contact, merged ones left out."""
    return list(
        session.scalars(
            select(Unit)
            .join(UnitContact, UnitContact.unit_id == Unit.id)
            .where(
                UnitContact.channel == LINE,
                UnitContact.address == address,
                Unit.merged_into_id.is_(None),
            )
            .order_by(Unit.id)
        )
    )


# ---------------------------------------------------------------- buttons


def apply_postback(
    session: Session, data: str, source: LineSource, event: LineEvent, now: datetime, lang: str
) -> LineReply:
    """Do what a reminder's button asks (its postback ``data``), as the chat's unit."""
    postback = read_postback(data)
    if postback is None:
        return LineReply(_words("unknown_button", lang))
    found = units_of_chat(session, source.address)
    if not found:
        return LineReply(_words("not_linked", lang))
    if len(found) > 1:
        names = ", ".join(u.name for u in found)
        return LineReply(_words("several_units", lang).format(units=names))
    unit = found[0]
    task = _task_of(session, unit, postback.task_id)
    if task is None:
        return LineReply(_words("no_task", lang).format(task=postback.task_id))
    if not tasks.is_responsible(task, unit):
        return LineReply(_words("not_yours", lang).format(task=_ref(task), unit=unit.name))
    if event.redelivered and task.updated_at >= event.at:
        return LineReply(_words("changed_since", lang).format(task=_ref(task)))
    actor = Actor(unit, source.actor_name())
    if postback.action == "done":
        return _done(session, task, actor, now, lang)
    if postback.percent is None:
        return _ask_progress(task, lang)
    return _progress(session, task, actor, postback.percent, now, lang)


def _task_of(session: Session, unit: Unit, task_id: int) -> Task | None:
    """The task, locked for the change, if it is one of the unit's organization."""
    try:
        task = tasks.get_task(session, task_id, for_update=True)
    except NotFound:
        return None
    return task if task.measure.plan.organization_id == unit.organization_id else None


def _done(session: Session, task: Task, actor: Actor, now: datetime, lang: str) -> LineReply:
    if task.status is TaskStatus.CANCELLED:
        return LineReply(_words("cancelled", lang).format(task=_ref(task)))
    if not tasks.mark_done(session, task, actor, now):
        return LineReply(_words("was_done", lang).format(task=_ref(task)))
    return LineReply(_words("done", lang).format(task=_ref(task), title=_title(task)))


def _ask_progress(task: Task, lang: str) -> LineReply:
    """The question "how far is it?" with a button per step above the task's percent, and
    one for done."""
    if task.status.is_closed:
        return LineReply(_words("closed", lang).format(task=_ref(task)))
    steps = [p for p in PROGRESS_STEPS if p > task.percent]
    choices = [
        Choice(f"{p}%", Postback("progress", task.id, p), f"งาน #{task.id} ความคืบหน้า {p}%")
        for p in steps
    ]
    choices.append(Choice(DONE_LABEL, Postback("done", task.id), f"งาน #{task.id} เสร็จแล้ว"))
    text = _words("ask_progress", lang).format(
        task=_ref(task), title=_title(task), percent=task.percent
    )
    return LineReply(text, tuple(choices))


def _progress(
    session: Session, task: Task, actor: Actor, percent: int, now: datetime, lang: str
) -> LineReply:
    if task.status.is_closed:
        return LineReply(_words("closed", lang).format(task=_ref(task)))
    if not 0 <= percent <= 100:
        return LineReply(_words("unknown_button", lang))
    if not tasks.set_progress(session, task, actor, percent, now):
        return LineReply(_words("same_progress", lang).format(task=_ref(task), percent=percent))
    return LineReply(_words("progress", lang).format(task=_ref(task), percent=percent))


def _ref(task: Task) -> str:
    """A task as the messages name it: "#12 (1.3)"."""
    return f"#{task.id} ({task.measure.position}.{task.number})"


def _title(task: Task) -> str:
    title = " ".join(task.title.split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


# ---------------------------------------------------------------- words

# What the account answers, in Thai and English (TRACKER_LANG picks). Kept short: a chat.
REPLIES = {
    "help": (
        "ส่งรหัสเชื่อม LINE 8 ตัว (เช่น ABCD-2345) จากหน้าหน่วยงานในระบบติดตามมาตรการ ITA "
        "เพื่อรับการแจ้งเตือนของหน่วยงานที่นี่",
        "Send the 8-character LINE link code (like ABCD-2345) from your unit's page in ITA "
        "Tracker to get your unit's reminders here.",
    ),
    "linked": (
        "เชื่อมห้องแชตนี้กับ {unit} แล้ว การแจ้งเตือนงานของหน่วยงานจะส่งมาที่นี่ "
        "และกดปุ่มในข้อความแจ้งเตือนเพื่อรายงานผลได้ทันที",
        "This LINE chat is now linked to {unit}: the unit's reminders come here, and their "
        "buttons report on its tasks.",
    ),
    "linked_elsewhere": (
        "ห้องแชตนี้เชื่อมกับ {units} ด้วย ปุ่มรายงานผลจึงใช้ไม่ได้ที่นี่ โปรดรายงานผลทางหน้าหน่วยงาน",
        "This chat is also linked to {units}, so its buttons cannot tell which unit reports: "
        "use the unit's page.",
    ),
    "already_linked": (
        "ห้องแชตนี้เชื่อมกับ {unit} อยู่แล้ว",
        "This LINE chat is already linked to {unit}.",
    ),
    "code_unknown": (
        "ขออภัย รหัสนี้ใช้ไม่ได้ (ไม่ถูกต้อง หรือถูกใช้ไปแล้ว) โปรดขอรหัสใหม่จากหน้าหน่วยงาน",
        "Sorry, this code cannot be used (it is wrong or was used already): get a new one "
        "from your unit's page.",
    ),
    "code_expired": (
        "ขออภัย รหัสนี้หมดอายุแล้ว (ใช้ได้ 24 ชั่วโมง) โปรดขอรหัสใหม่จากหน้าหน่วยงาน",
        "Sorry, this code has expired (codes last 24 hours): get a new one from your unit's page.",
    ),
    "unknown_button": (
        "ขออภัย ปุ่มนี้ใช้ไม่ได้แล้ว โปรดใช้หน้าหน่วยงาน",
        "Sorry, this button no longer works: use your unit's page.",
    ),
    "not_linked": (
        "ห้องแชตนี้ยังไม่ได้เชื่อมกับหน่วยงานใด โปรดส่งรหัสเชื่อม LINE จากหน้าหน่วยงานก่อน",
        "This LINE chat is not linked to a unit: send the link code from your unit's page first.",
    ),
    "several_units": (
        "ห้องแชตนี้เชื่อมกับหลายหน่วยงาน ({units}) จึงไม่ทราบว่าหน่วยงานใดรายงาน โปรดรายงานผลทางหน้าหน่วยงาน",
        "This LINE chat is linked to several units ({units}), so a button cannot tell which "
        "one reports: use the unit's page.",
    ),
    "no_task": ("ไม่พบงาน #{task}", "There is no task #{task}."),
    "not_yours": (
        "งาน {task} ไม่ใช่งานของ {unit} จึงไม่ได้บันทึก",
        "Task {task} is not {unit}'s: nothing was recorded.",
    ),
    "changed_since": (
        "งาน {task} มีการบันทึกหลังจากกดปุ่มนี้แล้ว จึงไม่บันทึกซ้ำ โปรดดูสถานะล่าสุดในหน้าหน่วยงาน",
        "Task {task} changed after this button was tapped, so it was not applied again: see "
        "the unit's page.",
    ),
    "cancelled": (
        "งาน {task} ถูกยกเลิกแล้ว จึงไม่ได้บันทึก",
        "Task {task} is cancelled: nothing was recorded.",
    ),
    "closed": (
        "งาน {task} ปิดแล้ว (เสร็จหรือยกเลิก) หากต้องการแก้ไข โปรดเปิดงานอีกครั้งทางหน้าหน่วยงาน",
        "Task {task} is closed (done or cancelled): reopen it on the unit's page to change it.",
    ),
    "was_done": (
        "งาน {task} บันทึกว่าเสร็จแล้วก่อนหน้านี้",
        "Task {task} was already recorded as done.",
    ),
    "done": (
        "บันทึกแล้ว: งาน {task} {title} เสร็จแล้ว ขอบคุณ",
        "Recorded: task {task} {title} is done. Thank you.",
    ),
    "ask_progress": (
        "งาน {task} {title}\nความคืบหน้าขณะนี้ {percent}% เลือกความคืบหน้าล่าสุด",
        "Task {task} {title}\nProgress now {percent}%: choose how far it is.",
    ),
    "progress": (
        "บันทึกแล้ว: งาน {task} ความคืบหน้า {percent}%",
        "Recorded: task {task} at {percent}%.",
    ),
    "same_progress": (
        "งาน {task} มีความคืบหน้า {percent}% อยู่แล้ว",
        "Task {task} is already at {percent}%.",
    ),
}


def _words(key: str, lang: str) -> str:
    thai, english = REPLIES[key]
    return t(lang, thai, english)


def welcome(lang: str) -> LineReply:
    """What the account says when it is added as a friend or to a group."""
    return LineReply(_words("help", lang))
