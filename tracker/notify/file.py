"""The file channel: each message written as a UTF-8 text file (the embedded default).

Used when a unit or series has no contact configured, by `tracker simulate`, and for anyone
who wants to read what would be sent. The file name is derived from the address so that a
second write of the same message replaces it rather than adding another.

A message file is whole or absent, never partial: it is written to a hidden temporary file
beside it (``.NAME.RANDOM.tmp``), synced to disk, then renamed onto its name, which replaces
the old file in one step (``os.replace``); a failed write removes its temporary file, and a
reader or a crash sees the old file or the new one. (A process killed between the two steps
leaves its hidden temporary file behind, never a partial message.)

A write that fails because the disk is full, an I/O error, a read-only remount or too little
memory is a TemporaryFailure: it may work once the cause is gone. Any other (a path through a
file, no permission) is a PermanentFailure: the folder must be fixed first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from pathlib import Path

from tracker.inputs import TextProblem
from tracker.notify import (
    DeliveryFailure,
    Message,
    NotifySettings,
    PermanentFailure,
    TemporaryFailure,
)

# errno values a retry may cure. EROFS is among them: a file system is most often read-only
# because the kernel remounted it so after an I/O error, which an administrator repairs; the
# ledger retries for about 15 hours, so a folder read-only by configuration still fails in
# the end, while a message marked failed at once would be lost for a passing fault.
_TEMPORARY_ERRNOS = frozenset(
    code
    for code in (
        errno.ENOSPC,  # the disk is full
        getattr(errno, "EDQUOT", None),  # the user's quota is full (not on Windows)
        errno.EIO,
        errno.EAGAIN,
        errno.EINTR,
        errno.ENOMEM,
        errno.EMFILE,  # too many open files: in this process
        errno.ENFILE,  # and in the system
        errno.EROFS,
    )
    if code is not None
)

_BINARY = getattr(os, "O_BINARY", 0)  # Windows would translate "\n" otherwise


class FileTransport:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> FileTransport:
        return cls(settings.outbox_dir)

    @staticmethod
    def check_address(text: str) -> str:
        """A folder under the outbox folder, written relative to it: no absolute path, no
        ``..``, so no contact can make the tracker write elsewhere."""
        if text.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", text):
            raise TextProblem(
                f"{text!r} is not a folder under the outbox folder: write it relative to "
                "TRACKER_OUTBOX_DIR, e.g. finance"
            )
        parts = [part for part in re.split(r"[/\\]", text) if part not in ("", ".")]
        if any(part == ".." for part in parts):
            raise TextProblem(f"{text!r} leaves the outbox folder ('..'): name a folder inside it")
        if not parts:
            raise TextProblem(f"{text!r} names no folder")
        return "/".join(parts)

    def lane(self, address: str) -> str:
        """Every file goes to the one local disk: one lane, ``file``."""
        return "file"

    def send(self, address: str, message: Message) -> None:
        """Write the message to its file, whole or not at all (see the module)."""
        target = self.directory / _safe_name(address)
        files = [(attached_path(target, a.filename), a.content) for a in message.attachments]
        listed = "".join(f"Attached: {path.name}\n" for path, _ in files)
        content = f"Subject: {message.subject}\n{listed}\n{message.text}".encode()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # The files first: a message file that exists has its attachments beside it.
            for path, data in files:
                _write_atomically(path, data)
            _write_atomically(target, content)
        except OSError as error:
            raise _failure(error, target) from error


def attached_path(target: Path, filename: str) -> Path:
    """Where a message file's attachment goes: beside it, named after it and the file."""
    safe = re.sub(r"[^\w.\-ก-๙]+", "_", filename).strip("._") or "attachment"
    return target.with_name(f"{target.name}.{safe}")


def _write_atomically(target: Path, content: bytes) -> None:
    """Replace ``target`` by a file holding ``content``, in one rename after a sync; on any
    failure remove the temporary file and leave ``target`` as it was."""
    # Short: a Thai name of 85 characters is already 255 bytes, the most a name may have.
    temporary = target.with_name(f".{target.name[:40]}.{secrets.token_hex(4)}.tmp")
    # os.open, not open(): mode 0o666 lets the umask decide, as for any file the tracker
    # writes (mkstemp would make it 0o600); O_EXCL refuses a name that exists, or a symlink.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        try:
            _write_all(fd, content)
            os.fsync(fd)  # the content is on disk before the name points at it
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _write_all(fd: int, content: bytes) -> None:
    """os.write until every byte is written: it may write fewer than it was given."""
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view) :]


def _sync_folder(folder: Path) -> None:
    """Sync the folder, so the rename itself survives a power cut. Where a folder cannot be
    opened (Windows) or synced (some network file systems: EINVAL), the rename stands unsynced;
    any other error is raised, and the retry rewrites the same file."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno != errno.EINVAL:
            raise
    finally:
        os.close(fd)


def _failure(error: OSError, target: Path) -> DeliveryFailure:
    """TemporaryFailure for a cause a retry may cure (:data:`_TEMPORARY_ERRNOS`), else
    PermanentFailure; either names the file and the system's reason."""
    reason = f"cannot write {target}: {error.strerror or error}"
    if error.errno in _TEMPORARY_ERRNOS:
        return TemporaryFailure(reason)
    return PermanentFailure(reason)


def _safe_name(address: str) -> str:
    """A relative file name from an address: no "..", no absolute paths."""
    parts = [re.sub(r"[^\w.\-ก-๙]+", "_", p).strip("._") for p in address.split("/")]
    name = "/".join(p for p in parts if p)
    return (name or "message") + ("" if name.endswith(".txt") else ".txt")
