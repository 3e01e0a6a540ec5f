"""The web app's words in Thai and English, and how a request picks its language.

Thai is the default (TRACKER_LANG); ``?lang=en`` switches and is remembered in a cookie.
Values stored as English identifiers (statuses) are shown through :mod:`tracker.i18n`.
"""

from __future__ import annotations

from fastapi import Request

from tracker.i18n import Labels

LANGS = ("th", "en")
LANG_COOKIE = "lang"

WORDS: Labels = {
    "app": ("ระบบติดตามมาตรการ ITA", "ITA Tracker"),
    "login": ("เข้าสู่ระบบ", "Sign in"),
    "logout": ("ออกจากระบบ", "Sign out"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "login_failed": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password"),
    "login_throttled": (
        "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป โปรดรอ 15 นาทีแล้วลองใหม่",
        "Too many failed sign-ins; wait 15 minutes and try again",
    ),
    "link_invalid": (
        "ลิงก์นี้หมดอายุหรือถูกยกเลิกแล้ว โปรดขอลิงก์ใหม่จากฝ่ายเลขานุการ",
        "This link has expired or was revoked; ask the secretariat for a new one",
    ),
    "your_tasks": ("งานของหน่วยงาน", "Your unit's tasks"),
    "no_open_tasks": ("ไม่มีงานค้าง", "No open tasks"),
    "next_meeting": ("การประชุมครั้งถัดไป", "Next meeting"),
    "period": ("ระยะเวลา", "Period"),
    "status": ("สถานะ", "Status"),
    "percent": ("ความคืบหน้า (%)", "Progress (%)"),
    "note": ("บันทึก", "Note"),
    "evidence_url": ("ลิงก์หลักฐาน", "Evidence link"),
    "evidence_file": (
        "แนบไฟล์หลักฐาน (PDF, JPEG, PNG, DOCX, XLSX)",
        "Evidence file (PDF, JPEG, PNG, DOCX, XLSX)",
    ),
    "evidence": ("หลักฐาน", "Evidence"),
    "mark_done": ("เสร็จแล้ว", "Done"),
    "report_work": ("รายงานผล / แนบหลักฐาน", "Report / add evidence"),
    "save_progress": ("บันทึกความคืบหน้า", "Save progress"),
    "reopen": ("เปิดงานอีกครั้ง", "Reopen"),
    "your_name": ("ชื่อผู้รายงาน", "Your name"),
    "save": ("บันทึก", "Save"),
    "overdue": ("เลยกำหนด", "overdue"),
    "every_unit": ("ทุกหน่วยงาน", "every unit"),
    "saved": ("บันทึกแล้ว", "Saved"),
    "history": ("ประวัติ", "History"),
    "not_found": ("ไม่พบหน้าที่ต้องการ", "Not found"),
    "forbidden": ("ไม่มีสิทธิ์เข้าถึง", "Not allowed"),
    "bad_request": ("ข้อมูลไม่ถูกต้อง", "Invalid input"),
    "csrf_failed": (
        "แบบฟอร์มหมดอายุ โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง",
        "The form has expired; reload the page and try again",
    ),
    "server_error": ("ระบบขัดข้อง", "Something went wrong"),
    "back": ("กลับ", "Back"),
    "language": ("English", "ภาษาไทย"),
    "line_link": ("เชื่อม LINE", "Link LINE"),
    "line_code_help": (
        "ส่งรหัสนี้ในห้องแชตกับบัญชี LINE ของหน่วยงาน เพื่อรับการแจ้งเตือนทาง LINE",
        "Send this code to the agency's LINE account to get reminders on LINE",
    ),
}


def pick_language(request: Request, default: str) -> str:
    """``?lang=`` if given, else the cookie, else the default."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in LANGS else default


def word(key: str, lang: str) -> str:
    thai, english = WORDS[key]
    return thai if lang == "th" else english
