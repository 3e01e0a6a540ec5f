"""The file channel: each message written as a UTF-8 text file (the embedded default).

Used when a unit or series has no contact configured, by `tracker simulate`, and for anyone
who wants to read what would be sent. The file name is derived from the address so that a
second write of the same message replaces it rather than adding another.
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.inputs import TextProblem
from tracker.notify import Message, NotifySettings, PermanentFailure


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

    def send(self, address: str, message: Message) -> None:
        target = self.directory / _safe_name(address)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"Subject: {message.subject}\n\n{message.text}", encoding="utf-8")
        except OSError as error:
            raise PermanentFailure(f"cannot write {target}: {error.strerror}") from error


def _safe_name(address: str) -> str:
    """A relative file name from an address: no "..", no absolute paths."""
    parts = [re.sub(r"[^\w.\-ก-๙]+", "_", p).strip("._") for p in address.split("/")]
    name = "/".join(p for p in parts if p)
    return (name or "message") + ("" if name.endswith(".txt") else ".txt")
