"""Files a command writes (-o FILE): whole or not at all, and one clear line when they can't be."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tracker.errors import InvalidInput


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (see :func:`write_output_with`)."""
    write_output_with(path, lambda target: target.write_bytes(data))


def write_output_with(path: Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    A reader never sees half a file, a failure leaves what was there before, and a folder
    that does not exist (or cannot be written) is an InvalidInput naming it, not a traceback.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if not folder.is_dir():
            raise InvalidInput(f"cannot write {path}: the folder {folder} does not exist")
        if path.is_dir():
            raise InvalidInput(f"cannot write {path}: it is a folder")
    except OSError as error:  # a name too long for the file system, say
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, _mode_for(path))  # mkstemp's 0600 is for the temporary file only
        os.replace(temporary, path)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _mode_for(path: Path) -> int:
    """The permissions the file gets: those it had, else what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
