"""The web app's words in Thai and English, and how a request picks its language.

Thai is the default (TRACKER_LANG); ``?lang=en`` switches and is remembered in a cookie.
Values stored as English identifiers (statuses) are shown through :mod:`tracker.i18n`.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    "line_code_title": ("รหัสเชื่อม LINE", "LINE link code"),
    "line_code_valid_until": ("ใช้ได้ครั้งเดียว ภายใน", "Single use, valid until"),
    "line_step_add": (
        "เพิ่มบัญชี LINE ของหน่วยงานเป็นเพื่อน หรือเชิญบัญชีนั้นเข้ากลุ่ม LINE ของหน่วยงานท่าน",
        "Add the agency's LINE account as a friend, or invite it to your unit's LINE group",
    ),
    "line_step_send": (
        "ส่งรหัสนี้ในห้องแชตนั้น (ตัวพิมพ์เล็กหรือใหญ่ มีขีดหรือไม่มีก็ได้)",
        "Send this code in that chat (upper or lower case, with or without the dash)",
    ),
    "line_step_done": (
        "บัญชีจะตอบยืนยันชื่อหน่วยงาน จากนั้นการแจ้งเตือนงานจะส่งไปที่ห้องแชตนั้น "
        "พร้อมปุ่ม “เสร็จแล้ว” และ “ขอรายงานความคืบหน้า”",
        "The account answers with your unit's name; reminders then come to that chat, with "
        "the buttons “Done” and “Report progress”",
    ),
    "line_linked_count": ("ห้องแชต LINE ที่เชื่อมกับหน่วยงานแล้ว", "LINE chats linked to the unit"),
    # The secretariat's pages (tracker/web/routes/secretariat.py)
    "sec_nav_dashboard": ("ภาพรวม", "Dashboard"),
    "sec_nav_meetings": ("การประชุม", "Meetings"),
    "sec_nav_tasks": ("ขั้นตอนทั้งหมด", "Tasks"),
    "sec_nav_units": ("หน่วยงาน", "Units"),
    "sec_nav_series": ("การประชุมติดตามผล", "Meeting series"),
    "sec_nav_outbox": ("กล่องข้อความขาออก", "Outbox"),
    "sec_nav_imports": ("นำเข้าแผน", "Import"),
    "sec_nav_audit": ("บันทึกการเปลี่ยนแปลง", "Audit log"),
    "sec_no_plan_yet": ("ยังไม่มีแผน: นำเข้าแผนก่อน", "No plan yet: import one first"),
    "sec_no_series": ("ยังไม่มีการประชุมติดตามผล", "No meeting series yet"),
    "sec_fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
    "sec_plan": ("แผน", "Plan"),
    "sec_show": ("แสดง", "Show"),
    "sec_all": ("ทั้งหมด", "All"),
    "sec_none": ("ไม่มี", "None"),
    "sec_found": ("พบ", "Found"),
    "sec_as_of": ("ณ วันที่", "as of"),
    "sec_overall": ("ภาพรวมของแผน", "The plan overall"),
    "sec_done_of": ("เสร็จ", "done"),
    "sec_progress": ("ความคืบหน้า", "Progress"),
    "sec_overdue_tasks": ("ขั้นตอนที่เลยกำหนด", "Overdue tasks"),
    "sec_by_measure": ("ความคืบหน้ารายมาตรการ", "Progress by measure"),
    "sec_by_unit": ("ความคืบหน้ารายหน่วยงาน", "Progress by unit"),
    "sec_by_unit_help": (
        "นับขั้นตอนที่หน่วยงานรับผิดชอบ รวมขั้นตอนของทุกหน่วยงาน; ความคืบหน้าเฉลี่ยไม่นับขั้นตอนที่ยกเลิก",
        "Counts the tasks a unit is responsible for, every-unit tasks included; the mean "
        "leaves cancelled tasks out",
    ),
    "sec_measure": ("มาตรการ", "Measure"),
    "sec_unit": ("หน่วยงาน", "Unit"),
    "sec_task": ("ขั้นตอน", "Task"),
    "sec_task_id": ("เลขที่ขั้นตอน (ID)", "Task id"),
    "sec_tasks_word": ("ขั้นตอน", "tasks"),
    "sec_responsible": ("ผู้รับผิดชอบ", "Responsible"),
    "sec_ended": ("สิ้นสุด", "ended"),
    "sec_not_updated": (
        "หน่วยงานที่ยังไม่รายงานความคืบหน้าตั้งแต่การประชุมครั้งก่อน",
        "Units with no update since the last meeting",
    ),
    "sec_since_meeting": ("ตั้งแต่การประชุมเมื่อ", "Since the meeting of"),
    "sec_since_start": ("ตั้งแต่เริ่มแผน (ยังไม่เคยประชุม)", "Since the plan began (no meeting yet)"),
    "sec_all_updated": ("ทุกหน่วยงานรายงานแล้ว", "Every unit has reported"),
    "sec_open_tasks": ("งานค้าง", "open tasks"),
    "sec_coming_meetings": ("การประชุมครั้งต่อไป", "Next meetings"),
    "sec_will_see": ("ติดตามผล", "Will follow up"),
    "sec_cancelled": ("งดประชุม", "cancelled"),
    "sec_moved_from": ("เลื่อนจาก", "moved from"),
    "sec_moved_to": ("เลื่อนไปวันที่", "Moved to"),
    "sec_added_meeting": ("นัดเพิ่ม", "added"),
    "sec_coming": ("ครั้งต่อไป", "Coming"),
    "sec_past": ("ที่ผ่านมา", "Past"),
    "sec_previous_meeting": ("ครั้งก่อน", "Previous"),
    "sec_report_pdf": ("รายงานฉบับพิมพ์ (PDF)", "Printable report (PDF)"),
    "sec_report_html": ("รายงานฉบับพิมพ์ (HTML)", "Printable report (HTML)"),
    "sec_report_title": ("รายงานผลการดำเนินการตามมาตรการ ITA", "ITA measures: progress report"),
    "sec_latest": ("ล่าสุด", "Latest"),
    "sec_since_previous": ("ตั้งแต่การประชุมครั้งก่อน", "Since the previous meeting"),
    "sec_newly_done": ("เสร็จใหม่", "Newly done"),
    "sec_newly_overdue": ("เลยกำหนดใหม่", "Newly overdue"),
    "sec_no_update": ("ไม่มีความคืบหน้า", "No update"),
    "sec_due_before_next": ("ครบกำหนดก่อนการประชุมครั้งถัดไป", "Due before the next meeting"),
    "sec_only_overdue": ("เฉพาะที่เลยกำหนด", "Overdue only"),
    "sec_follow_up": ("ติดตามผลใน", "Followed up at"),
    "sec_last_change": ("เปลี่ยนแปลงล่าสุด", "Last change"),
    "sec_carried_from": ("ยกมาจาก", "Carried from"),
    "sec_carried_to": ("ยกไปเป็น", "Carried on as"),
    "sec_in_audit_log": ("ดูในบันทึกการเปลี่ยนแปลง", "See it in the audit log"),
    "sec_evidence_files": ("ไฟล์หลักฐาน", "Evidence files"),
    "sec_evidence_links": ("ลิงก์หลักฐาน", "Evidence links"),
    "sec_aliases": ("ชื่ออื่น", "Other names"),
    "sec_tasks_named": ("ขั้นตอนที่ระบุชื่อหน่วยงาน", "Tasks naming it"),
    "sec_contacts": ("ช่องทางติดต่อ", "Contacts"),
    "sec_contact_role": ("ใช้สำหรับ", "Used for"),
    "sec_contact_role_unit": ("หน่วยงาน (แจ้งเตือน)", "the unit (reminders)"),
    "sec_contact_role_head": ("หัวหน้าหน่วยงาน (สรุปงานเลยกำหนดรายสัปดาห์)", "its head (weekly digest)"),
    "sec_fallback": ("สำรอง", "fallback"),
    "sec_fallback_help": (
        "อีเมลสำรอง: ได้รับเฉพาะเมื่อช่องทางอื่นส่งไม่ได้",
        "Fallback e-mail: gets a message only when another channel refused it",
    ),
    "sec_channel": ("ช่องทาง", "Channel"),
    "sec_address": ("ที่อยู่", "Address"),
    "sec_add": ("เพิ่ม", "Add"),
    "sec_remove": ("ลบ", "Remove"),
    "sec_manage": ("แก้ไข", "Manage"),
    "sec_add_contact": ("เพิ่มช่องทางติดต่อ", "Add a contact"),
    "sec_rename": ("เปลี่ยนชื่อ", "Rename"),
    "sec_new_name": ("ชื่อใหม่", "New name"),
    "sec_rename_help": ("ชื่อเดิมยังใช้ค้นหาได้ในฐานะชื่ออื่น", "The old name stays findable as another name"),
    "sec_merge": ("รวมหน่วยงาน", "Merge"),
    "sec_merge_into": ("รวมเข้ากับ", "Merge into"),
    "sec_merge_help": (
        "ขั้นตอน ชื่อ และช่องทางติดต่อของหน่วยงานนี้จะย้ายไปอยู่กับหน่วยงานที่เลือก",
        "This unit's tasks, names and contacts move to the chosen unit",
    ),
    "sec_unit_link": ("ลิงก์ของหน่วยงาน", "Unit link"),
    "sec_link_none": ("ยังไม่มีลิงก์", "No link yet"),
    "sec_link_valid_until": ("ใช้ได้ถึง", "Valid until"),
    "sec_link_revoked": ("ยกเลิกแล้วเมื่อ", "Revoked on"),
    "sec_link_expired": ("หมดอายุเมื่อ", "Expired on"),
    "sec_link_last_used": ("ใช้ล่าสุด", "last used"),
    "sec_link_help": (
        "ลิงก์เปิดหน้าของหน่วยงานโดยไม่ต้องเข้าสู่ระบบ ส่งให้หน่วยงานนั้นเท่านั้น",
        "The link opens the unit's page without a password: give it to that unit only",
    ),
    "sec_days": ("วัน", "days"),
    "sec_link_make": ("สร้าง / ต่ออายุลิงก์", "Create / renew the link"),
    "sec_link_revoke": ("ยกเลิกลิงก์", "Revoke the link"),
    "sec_link_no_public_url": (
        "นี่คือส่วนท้ายของลิงก์: ตั้งค่า TRACKER_PUBLIC_URL เพื่อให้ได้ลิงก์เต็ม",
        "This is the link's path: set TRACKER_PUBLIC_URL for a full link",
    ),
    "sec_link_once": (
        "คัดลอกลิงก์ไว้ตอนนี้ หน้านี้จะไม่แสดงซ้ำ (กดสร้างอีกครั้งเพื่อดูลิงก์เดิมพร้อมต่ออายุ)",
        "Copy the link now: this page is not kept (create it again to see the same link, renewed)",
    ),
    "sec_rule": ("กำหนดการ", "Rule"),
    "sec_time": ("เวลา", "Time"),
    "sec_holiday_policy": ("เมื่อตรงกับวันหยุด", "On a public holiday"),
    "sec_policy_flag": ("ประชุมตามเดิม (แจ้งว่าเป็นวันหยุด)", "meet anyway (flagged)"),
    "sec_policy_skip": ("งดประชุม", "skip the meeting"),
    "sec_policy_move": ("เลื่อนไปวันทำการถัดไป", "move to the next working day"),
    "sec_reminder": ("แจ้งเตือนหน่วยงาน", "Reminder to units"),
    "sec_report": ("ส่งรายงาน", "Progress report"),
    "sec_working_days_before": ("วันทำการก่อนประชุม เวลา", "working days before, at"),
    "sec_ics_feed": ("ปฏิทิน (ICS)", "Calendar feed (ICS)"),
    "sec_feed_show": ("แสดงที่อยู่ปฏิทิน (ICS)", "Show the calendar feed (ICS)"),
    "sec_feed_help": (
        "ใส่ที่อยู่นี้ในโปรแกรมปฏิทิน (Outlook, Google, โทรศัพท์) เพื่อติดตามปฏิทิน ผู้ที่มีที่อยู่นี้"
        "จะเห็นปฏิทินได้ ยกเลิกได้ทุกเมื่อ",
        "Subscribe to this address in a calendar (Outlook, Google, a phone). Whoever has it "
        "sees the calendar; revoke it at any time",
    ),
    "sec_unit_feed_help": (
        "วันครบกำหนดของงานค้างของหน่วยงาน และการประชุมที่ติดตามงานนั้น",
        "The unit's open deadlines and the meetings that follow them up",
    ),
    "sec_feed_revoke": ("ยกเลิกที่อยู่ปฏิทินนี้", "Revoke this feed address"),
    "sec_recipients": ("ผู้รับรายงาน", "Report recipients"),
    "sec_no_recipients": (
        "ยังไม่มีผู้รับรายงาน: รายงานจะถูกเขียนลงกล่องข้อความขาออกแบบไฟล์",
        "No recipients yet: the report goes to the file outbox",
    ),
    "sec_changed_meetings": ("วันประชุมที่เปลี่ยนแปลง", "Changed meetings"),
    "sec_restore": ("ยกเลิกการเปลี่ยนแปลง", "Restore"),
    "sec_timing": ("เวลาแจ้งเตือนและส่งรายงาน", "Reminder and report timing"),
    "sec_reminder_days": ("แจ้งเตือนล่วงหน้า (วันทำการ)", "Reminder: working days before"),
    "sec_reminder_time": ("เวลาแจ้งเตือน", "Reminder time"),
    "sec_report_days": ("ส่งรายงานล่วงหน้า (วันทำการ)", "Report: working days before"),
    "sec_report_time": ("เวลาส่งรายงาน", "Report time"),
    "sec_add_recipient": ("เพิ่มผู้รับรายงาน", "Add a recipient"),
    "sec_recipient_name": ("ชื่อผู้รับ (ไม่บังคับ)", "Name (optional)"),
    "sec_cancel_meeting": ("งดประชุม", "Cancel a meeting"),
    "sec_move_meeting": ("เลื่อนการประชุม", "Move a meeting"),
    "sec_meeting_date": ("วันประชุมตามกำหนด", "Meeting date (by the rule)"),
    "sec_retry_failed": ("ส่งใหม่ทุกข้อความที่ส่งไม่สำเร็จ", "Retry every failed message"),
    "sec_retry_missed": ("ส่งใหม่ทุกข้อความที่เลยกำหนด", "Retry every missed message"),
    "sec_retry": ("ส่งใหม่", "Retry"),
    "sec_message": ("ข้อความ", "Message"),
    "sec_message_kind": ("ประเภท", "Kind"),
    "sec_recipient": ("ผู้รับ", "Recipient"),
    "sec_subject": ("เรื่อง", "Subject"),
    "sec_due": ("กำหนดส่ง", "Due"),
    "sec_sent_at": ("ส่งเมื่อ", "Sent"),
    "sec_next_attempt": ("จะลองส่งอีกครั้ง", "Next attempt"),
    "sec_attempts": ("จำนวนครั้งที่ลองส่ง", "Attempts"),
    "sec_interruptions": ("ขาดตอน", "interrupted"),
    "sec_fallback_of": ("ส่งแทนข้อความ", "Stands in for message"),
    "sec_last_error": ("ข้อผิดพลาดล่าสุด", "Last error"),
    "sec_attempt_history": ("ประวัติการส่ง", "Attempts"),
    "sec_started": ("เวลา", "When"),
    "sec_worker": ("ผู้ส่ง", "Worker"),
    "sec_outcome": ("ผล", "Outcome"),
    "sec_error": ("ข้อผิดพลาด", "Error"),
    "sec_message_text": ("เนื้อความ", "Text"),
    "sec_pages": ("หน้า", "Pages"),
    "sec_page": ("หน้า", "Page"),
    "sec_newer": ("ใหม่กว่า", "Newer"),
    "sec_older": ("เก่ากว่า", "Older"),
    "sec_who": ("ผู้ดำเนินการ", "Who"),
    "sec_field": ("รายการ", "Field"),
    "sec_from": ("ตั้งแต่วันที่", "From"),
    "sec_to": ("ถึงวันที่", "To"),
    "sec_when": ("เมื่อ", "When"),
    "sec_change": ("เปลี่ยนจาก → เป็น", "From → to"),
    # import review (tracker/web/routes/imports.py)
    "import_title": ("นำเข้าแผน", "Import a plan"),
    "import_into_org": ("แผนที่นำเข้าจะเป็นของหน่วยงาน", "The plan is imported for"),
    "import_file": ("ไฟล์", "File"),
    "import_file_help": (
        "รายงานผลการวิเคราะห์ ITA (.pdf, .docx, .txt, .md), เอกสารแผน (.yaml, .json) "
        "หรือตารางแผน (.xlsx)",
        "An ITA analysis report (.pdf, .docx, .txt, .md), a plan document (.yaml, .json) or a "
        "spreadsheet (.xlsx)",
    ),
    "import_max_size": ("ขนาดไม่เกิน", "at most"),
    "import_fiscal_year": (
        "ปีงบประมาณ พ.ศ. (เมื่อรายงานหรือตารางไม่ระบุ)",
        "Fiscal year, BE (when a report or spreadsheet does not say)",
    ),
    "import_upload": ("อัปโหลดและตรวจ", "Upload and review"),
    "import_drafts": ("ร่างที่อัปโหลด", "Uploaded drafts"),
    "import_no_drafts": ("ยังไม่มีร่าง", "No drafts yet"),
    "import_uploaded": ("อัปโหลดเมื่อ", "Uploaded"),
    "import_state_open": ("ร่าง รอตรวจ", "Draft, under review"),
    "import_state_confirmed": ("ยืนยันและนำเข้าแล้ว", "Confirmed and imported"),
    "import_state_discarded": ("ยกเลิกแล้ว", "Discarded"),
    "import_as_plan": ("แผน", "plan"),
    "import_kind_plan": ("เอกสารแผน", "Plan document"),
    "import_kind_report": ("รายงานผลการวิเคราะห์ ITA", "ITA analysis report"),
    "import_kind_spreadsheet": ("ตารางแผน", "Spreadsheet"),
    "import_open_note": (
        "ยังไม่ได้นำเข้า: ตรวจคำเตือน แก้ไขให้ถูกต้อง แล้วกดยืนยันท้ายหน้าเพื่อนำเข้าและเริ่มติดตามผล",
        "Not imported yet: check the warnings, correct what needs it, then confirm at the end "
        "of the page to import the plan and start following it up",
    ),
    "import_the_file": ("ภาพรวมของไฟล์", "The file"),
    "import_org_note": ("ร่างนี้เป็นของหน่วยงานของท่าน", "This draft belongs to your organization"),
    "import_file_names": ("ส่วนในไฟล์ระบุหน่วยงานว่า", "the file names the organization"),
    "import_fiscal_year_label": ("ปีงบประมาณ", "Fiscal year"),
    "import_counts": ("พบ", "Found"),
    "import_measures": ("มาตรการ", "measures"),
    "import_measure": ("มาตรการที่", "Measure"),
    "import_tasks": ("ขั้นตอน", "tasks"),
    "import_units": ("หน่วยงานผู้รับผิดชอบ", "Responsible units"),
    "import_unit_count": ("หน่วยงาน", "units"),
    "import_assessment": ("ผลการประเมิน", "Assessment"),
    "import_assessment_year": ("ปีที่ประเมิน", "Year assessed"),
    "import_score": ("คะแนน (ระดับ)", "Score (grade)"),
    "import_items": ("ข้อคำถามที่ต้องพัฒนา", "Items to improve"),
    "import_unit_name": ("หน่วยงาน", "Unit"),
    "import_aliases": ("ชื่ออื่นที่ใช้", "Other names"),
    "import_rename": ("เปลี่ยนชื่อหน่วยงาน", "Rename a unit"),
    "import_new_name": ("ชื่อใหม่", "New name"),
    "import_merge": ("รวมหน่วยงาน", "Merge units"),
    "import_merge_source": ("รวมหน่วยงานนี้", "Merge this unit"),
    "import_merge_target": ("เข้ากับหน่วยงาน", "into"),
    "import_series": ("การประชุมติดตามผล", "Follow-up meeting"),
    "import_rule": ("กำหนดการประชุม", "Meeting rule"),
    "import_rule_read": ("ระบบอ่านได้ว่า", "Read as"),
    "import_meetings": ("วันประชุม", "Meetings"),
    "import_meetings_in_year": ("ครั้งในปีงบประมาณ", "in the fiscal year"),
    "import_rule_new": ("กำหนดการประชุม (ข้อความ)", "Meeting rule (as words)"),
    "import_rule_help": (
        "เช่น ทุกวันพุธ สัปดาห์ที่ ๑ และ ๓ ของเดือน, ทุกวันจันทร์, ทุกวันที่ ๕ ของเดือน",
        "e.g. ทุกวันพุธ สัปดาห์ที่ ๑ และ ๓ ของเดือน, ทุกวันจันทร์, or an RRULE (FREQ=…)",
    ),
    "import_rule_save": ("อ่านกำหนดการใหม่", "Read the rule"),
    "import_task_units": ("ผู้รับผิดชอบ", "Responsible"),
    "import_follow_up": ("ติดตามผลใน", "Followed up at"),
    "import_correct": ("แก้ไขขั้นตอนนี้", "Correct this task"),
    "import_period_text": ("ระยะเวลาตามที่แผนเขียน", "Period as the plan writes it"),
    "import_start": ("วันเริ่ม", "Start"),
    "import_end": ("วันสิ้นสุด (เว้นว่างได้ถ้าไม่มีกำหนด)", "End (empty if open)"),
    "import_dates_from_text": ("อ่านวันจากข้อความ", "Read the dates from the text"),
    "import_dates_as_given": ("บันทึกวันตามที่กรอก", "Save the dates as typed"),
    "import_save_units": ("บันทึกผู้รับผิดชอบ", "Save the responsible units"),
    "import_preview": ("เมื่อยืนยัน ระบบจะ", "Confirming will"),
    "import_preview_fails": ("ยังนำเข้าไม่ได้", "It cannot be imported yet"),
    "import_nothing_changes": ("ไม่มีอะไรเปลี่ยนแปลง", "change nothing"),
    "import_confirm": ("ยืนยันและนำเข้า", "Confirm and import"),
    "import_discard": ("ยกเลิกร่างนี้", "Discard this draft"),
    "import_done": ("สิ่งที่นำเข้าแล้ว", "What the import did"),
    "import_discarded_note": ("ร่างนี้ถูกยกเลิก ไม่ได้นำเข้า", "This draft was discarded, not imported"),
    "import_warning": ("คำเตือน", "warning"),
    "import_line": ("ไฟล์บรรทัดที่", "file line"),
    "import_fix_unit_renamed": ("เปลี่ยนชื่อแล้ว", "renamed"),
    "import_fix_units_merged": ("รวมหน่วยงานแล้ว", "merged"),
    "import_fix_period": ("แก้ระยะเวลาแล้ว", "period corrected"),
    "import_fix_task_units": ("แก้ผู้รับผิดชอบแล้ว", "units corrected"),
    "import_fix_meeting_rule": ("แก้กำหนดการประชุมแล้ว", "meeting rule corrected"),
    # the office overview (tracker/web/routes/office.py)
    "office_nav": ("หน่วยงานในกำกับ", "Agencies"),
    "office_title": ("ภาพรวมหน่วยงานในกำกับ", "Agencies overseen"),
    "office_as_of": ("ณ วันที่", "As of"),
    "office_back": ("กลับไปที่", "Back to"),
    "office_organizations": ("หน่วยงาน", "Organizations"),
    "office_scored": ("มีคะแนน ITA", "With an ITA score"),
    "office_passing": ("ได้ 85 คะแนนขึ้นไป", "Scoring 85 or more"),
    "office_target": (
        "เป้าหมายระดับประเทศ: ร้อยละ 80 ของหน่วยงาน",
        "National target: 80 % of agencies",
    ),
    "office_target_met": ("ถึงเป้าหมาย", "met"),
    "office_target_not_met": ("ยังไม่ถึงเป้าหมาย", "not met"),
    "office_fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
    "office_completion": ("ความคืบหน้า", "Completion"),
    "office_overdue": ("เลยกำหนด", "Overdue"),
    "office_not_updated": ("ยังไม่รายงาน", "Not updated"),
    "office_not_updated_help": (
        "ยังไม่รายงาน: หน่วยงานผู้รับผิดชอบที่ยังไม่รายงานความคืบหน้าตั้งแต่การประชุมติดตามผลครั้งก่อน",
        "Not updated: responsible units with no progress reported since the last meeting",
    ),
    "office_of_units": ("จาก", "of"),
    "office_score": ("คะแนน ITA", "ITA score"),
    "office_no_plan": ("ยังไม่มีแผน", "no plan yet"),
    "office_no_score": ("ยังไม่มีคะแนน", "no score yet"),
    "office_is_office": ("สำนักงาน", "office"),
    "office_open": ("ดูหน่วยงานในกำกับ", "see its agencies"),
    "office_page": ("หน้า", "Page"),
    "office_previous": ("ก่อนหน้า", "Previous"),
    "office_next": ("ถัดไป", "Next"),
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


class RememberLanguage:
    """Keeps the language a request asked for with ``?lang=`` in a cookie, so the next pages
    are in it too (a plain ASGI middleware: no copy of the response is made)."""

    COOKIE = f"{LANG_COOKIE}={{}}; Max-Age=31536000; Path=/; SameSite=lax"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = None
        if scope["type"] == "http" and b"lang=" in scope.get("query_string", b""):
            values = parse_qs(scope["query_string"].decode("latin-1")).get("lang", [])
            asked = values[0] if values and values[0] in LANGS else None
        if asked is None:
            await self.app(scope, receive, send)
            return
        cookie = self.COOKIE.format(asked).encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
