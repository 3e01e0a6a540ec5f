"""Evidence files: what a unit uploads to show its work is done.

A file is accepted by what its bytes are, never by its name: PDF, JPEG, PNG, and Word and
Excel documents (DOCX, XLSX: zip packages holding the part that makes them one). It is stored
once per content under ``<data dir>/evidence/<2 hex>/<sha256>`` (written to a temporary file,
flushed to disk, then renamed, so a crash never leaves half a file under a real name), and
each upload is a row tied to the audit event of the change it came with.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, Refused
from tracker.inputs import TextProblem, check_text
from tracker.models import EvidenceFile, Task, TaskEvent
from tracker.services.tasks import Actor, checked_actor, is_responsible

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}
ACCEPTED = "PDF, JPEG, PNG, DOCX or XLSX"


def sniff(data: bytes) -> str | None:
    """The content type ``data`` is (one of :data:`EXTENSIONS`), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def store_path(root: Path, sha256: str) -> Path:
    return root / "evidence" / sha256[:2] / sha256


def _store(root: Path, data: bytes, sha256: str) -> None:
    target = store_path(root, sha256)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{sha256}.{os.getpid()}.part")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, target)


def _clean_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "evidence"
    try:
        check_text(base)
    except TextProblem:
        base = "evidence"
    return base[-200:]


def add_evidence_file(
    session: Session,
    task: Task,
    actor: Actor,
    now: datetime,
    *,
    filename: str,
    data: bytes,
    root: Path,
    max_bytes: int,
    event: TaskEvent | None = None,
) -> EvidenceFile:
    """Keep an uploaded file as evidence of ``task``, tied to ``event`` (the audit entry of the
    change it came with); without one, it gets an audit entry of its own. Refused when the
    actor's unit is not responsible, the file is empty, too large, or not an accepted type."""
    actor = checked_actor(actor)
    if not is_responsible(task, actor.unit):
        raise Refused(f"unit {actor.unit.name!r} is not responsible for task {task.id}")
    shown = _clean_filename(filename)
    if not data:
        raise InvalidInput(f"evidence file {shown!r} is empty")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"evidence file {shown!r} is {len(data) / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB"
        )
    kind = sniff(data)
    if kind is None:
        raise InvalidInput(f"evidence file {shown!r} is not a {ACCEPTED} file")
    sha256 = hashlib.sha256(data).hexdigest()
    _store(root, data, sha256)
    if event is None:
        event = TaskEvent(
            task=task,
            at=now,
            actor=actor.label,
            actor_unit_id=actor.unit.id,
            field="evidence",
            after=shown,
        )
        session.add(event)
        task.updated_at = now
    record = EvidenceFile(
        task=task,
        event=event,
        sha256=sha256,
        filename=shown,
        content_type=kind,
        size=len(data),
        uploaded_at=now,
        uploaded_by=actor.label,
    )
    session.add(record)
    session.flush()
    return record


def task_evidence(session: Session, task: Task) -> list[EvidenceFile]:
    return list(
        session.scalars(
            select(EvidenceFile).where(EvidenceFile.task_id == task.id).order_by(EvidenceFile.id)
        )
    )


def get_evidence(session: Session, evidence_id: int, organization_id: int) -> EvidenceFile:
    """The evidence file with this id in this organization, else NotFound (another
    organization's file is not found, never refused: its existence stays unknown)."""
    record = session.get(EvidenceFile, evidence_id)
    if record is None or record.task.measure.plan.organization_id != organization_id:
        raise NotFound(f"no evidence file {evidence_id}", what="evidence")
    return record
