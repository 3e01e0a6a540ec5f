"""Zip files read within bounds, before a library opens them: a workbook (.xlsx) and a Word
document (.docx) are zips of XML parts. Each guard reads only the zip's directory, never a
part's content. The sizes a directory declares are a true bound: Python's zipfile, which
openpyxl and python-docx read through, never inflates a part past its declared size (it stops
there and fails the CRC check).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from tracker.errors import InvalidInput

MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # the zip's list of parts
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22


def megabytes(size: int) -> str:
    """A size as people read it: "200.0 MB", or bytes below a megabyte."""
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size:,} bytes"


def refuse_long_directory(path: Path, handle: IO[bytes], *, max_members: int, what: str) -> None:
    """Refuse a zip whose end record lists more than ``max_members`` parts or a directory of
    more than MAX_DIRECTORY_BYTES, before zipfile builds one object per listed part; a file
    without an end record is left to zipfile to refuse. ``what`` names the file's kind in the
    message ("a workbook"). The handle is left at the start."""
    handle.seek(0, 2)
    size = handle.tell()
    window = min(size, END_RECORD_SIZE + 65_535)  # the end record, and a comment of up to 64 KiB
    handle.seek(size - window)
    tail = handle.read(window)
    at = tail.rfind(END_RECORD)
    if at >= 0 and len(tail) - at >= END_RECORD_SIZE:
        count = int.from_bytes(tail[at + 10 : at + 12], "little")
        directory = int.from_bytes(tail[at + 12 : at + 16], "little")
        # 0xFFFF parts or 0xFFFFFFFF bytes mean a zip64 directory: far more than either needs.
        if count > max_members or directory > MAX_DIRECTORY_BYTES:
            raise InvalidInput(
                f"{path}: refused: the archive lists {count:,} parts in {megabytes(directory)}, "
                f"more than {what} has (at most {max_members:,} parts); nothing was read"
            )
    handle.seek(0)


def refuse_zip_bomb(path: Path, members: list[Any], *, max_expanded_bytes: int, what: str) -> None:
    """Refuse a zip whose parts (``zipfile.ZipInfo``) expand to more than the limit."""
    total = sum(member.file_size for member in members)
    if total > max_expanded_bytes:
        largest = max(members, key=lambda member: member.file_size)
        raise InvalidInput(
            f"{path}: refused: its parts expand to {megabytes(total)} ({largest.filename}: "
            f"{megabytes(largest.file_size)}), more than the {megabytes(max_expanded_bytes)} "
            f"{what} may take (a zip bomb?); nothing was read"
        )
