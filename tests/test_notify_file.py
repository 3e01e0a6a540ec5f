"""The file channel on its own: a message file is whole or absent (written beside its name,
synced, renamed), and a failed write says whether trying again may work.

The full disk is real where it can be: a 64 KiB tmpfs mounted under the test's folder (as root
with CAP_SYS_ADMIN); elsewhere os.write fails with ENOSPC as the kernel would. The test runs
with each disk it can have, so every machine tests something.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker.notify import Message, PermanentFailure, TemporaryFailure
from tracker.notify.file import FileTransport

ROOT = Path(__file__).resolve().parent.parent
OLD = Message("รายงานเดิม", "ข้อความเดิม")
NEW = Message("รายงานใหม่", "ข้อความใหม่ " * 200)


def content(message: Message) -> str:
    return f"Subject: {message.subject}\n\n{message.text}"


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder``, hidden temporary ones included."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


# --- a disk that fills up -----------------------------------------------------------------------


class FullDisk:
    """A folder for the outbox on a disk that ``fill()`` fills and ``free()`` frees."""

    outbox: Path

    def fill(self) -> None:
        raise NotImplementedError

    def free(self) -> None:
        raise NotImplementedError


class SmallTmpfs(FullDisk):
    """A real 64 KiB tmpfs, filled by a ballast file beside the outbox folder."""

    def __init__(self, mount: Path) -> None:
        self.outbox = mount / "outbox"
        self.ballast = mount / "ballast"

    def fill(self) -> None:
        # Unbuffered, so that closing it has nothing left to write; the probe below checks
        # that the write stopped because the disk is full.
        with self.ballast.open("wb", buffering=0) as ballast, contextlib.suppress(OSError):
            while True:
                ballast.write(b"x" * 4096)
        probe = self.ballast.with_name("probe")
        with pytest.raises(OSError, match="No space left"):  # full indeed
            probe.write_bytes(b"x")
        probe.unlink()

    def free(self) -> None:
        self.ballast.unlink()


class RefusingWrites(FullDisk):
    """Where no tmpfs can be mounted: while full, os.write fails as on a full disk."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.outbox = folder / "outbox"
        self.full = False
        real_write = os.write

        def write(fd: int, data: Any) -> int:
            if self.full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)

    def fill(self) -> None:
        self.full = True

    def free(self) -> None:
        self.full = False


def mount_tmpfs(folder: Path) -> bool:
    """Mount a 64 KiB tmpfs on ``folder``; False where this machine does not let us."""
    if shutil.which("mount") is None or getattr(os, "geteuid", lambda: -1)() != 0:
        return False
    command = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.fixture(params=["tmpfs", "refused writes"])
def full_disk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FullDisk]:
    if request.param == "refused writes":
        yield RefusingWrites(tmp_path, monkeypatch)
        return
    mount = tmp_path / "small"
    mount.mkdir()
    if not mount_tmpfs(mount):
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        yield SmallTmpfs(mount)
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, check=False)
        if os.path.ismount(mount):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_a_full_disk_is_a_temporary_failure_that_leaves_the_old_file_whole(
    full_disk: FullDisk,
) -> None:
    transport = FileTransport(full_disk.outbox)
    transport.send("secretariat/report", OLD)
    target = full_disk.outbox / "secretariat" / "report.txt"

    full_disk.fill()
    with pytest.raises(TemporaryFailure) as failed:
        transport.send("secretariat/report", NEW)
    with pytest.raises(TemporaryFailure):
        transport.send("secretariat/another", NEW)

    assert "No space left on device" in str(failed.value)
    assert str(target) in str(failed.value)
    assert target.read_text(encoding="utf-8") == content(OLD)
    assert files_under(full_disk.outbox) == [target]  # no temporary, no empty "another"

    full_disk.free()
    transport.send("secretariat/report", NEW)
    transport.send("secretariat/another", NEW)
    assert target.read_text(encoding="utf-8") == content(NEW)
    another = target.with_name("another.txt")
    assert another.read_text(encoding="utf-8") == content(NEW)
    assert files_under(full_disk.outbox) == [another, target]


# --- how a failure is classed -------------------------------------------------------------------


def test_a_folder_that_is_a_file_is_a_permanent_failure(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "blocker").write_text("a file, not a folder", encoding="utf-8")
    transport = FileTransport(outbox)

    with pytest.raises(PermanentFailure, match="Not a directory"):  # ENOTDIR
        transport.send("blocker/deeper/report", NEW)
    with pytest.raises(PermanentFailure):  # the folder's own name is taken by a file
        transport.send("blocker/report", NEW)
    assert files_under(outbox) == [outbox / "blocker"]


@pytest.mark.parametrize(
    ("code", "failure"),
    [
        (errno.ENOSPC, TemporaryFailure),
        (errno.EDQUOT, TemporaryFailure),
        (errno.EIO, TemporaryFailure),
        (errno.EAGAIN, TemporaryFailure),
        (errno.EINTR, TemporaryFailure),
        (errno.ENOMEM, TemporaryFailure),
        (errno.EMFILE, TemporaryFailure),
        (errno.EROFS, TemporaryFailure),
        (errno.EACCES, PermanentFailure),
        (errno.EPERM, PermanentFailure),
        (errno.ENOTDIR, PermanentFailure),
        (errno.EISDIR, PermanentFailure),
        (errno.ENAMETOOLONG, PermanentFailure),
    ],
    ids=lambda value: errno.errorcode.get(value, "") if isinstance(value, int) else "",
)
def test_each_system_error_is_classed_by_whether_a_retry_may_cure_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, failure: type[Exception]
) -> None:
    real_open = os.open

    def open_failing(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_failing)
    with pytest.raises(failure) as failed:
        FileTransport(tmp_path).send("unit/report", NEW)
    assert type(failed.value) is failure
    assert os.strerror(code) in str(failed.value)


# --- a crash between writing and renaming -------------------------------------------------------


def test_a_failed_rename_leaves_the_old_content_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = FileTransport(tmp_path)
    transport.send("unit/report", OLD)
    target = tmp_path / "unit" / "report.txt"

    def rename_fails(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "replace", rename_fails)
    with pytest.raises(TemporaryFailure, match="Input/output error"):
        transport.send("unit/report", NEW)
    assert target.read_text(encoding="utf-8") == content(OLD)
    assert files_under(tmp_path) == [target]


def test_an_interrupted_send_cleans_up_and_passes_the_interruption_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = FileTransport(tmp_path)
    transport.send("unit/report", OLD)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        transport.send("unit/report", NEW)
    assert files_under(tmp_path) == [tmp_path / "unit" / "report.txt"]


CRASHING_SEND = """
import os, signal, sys
from pathlib import Path
from tracker.notify import Message
from tracker.notify.file import FileTransport

os.replace = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
FileTransport(Path(sys.argv[1])).send("unit/report", Message(sys.argv[2], sys.argv[3]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_process_killed_before_the_rename_leaves_the_old_file_whole(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path)
    transport.send("unit/report", OLD)
    target = tmp_path / "unit" / "report.txt"

    killed = subprocess.run(
        [sys.executable, "-c", CRASHING_SEND, str(tmp_path), NEW.subject, NEW.text],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert target.read_text(encoding="utf-8") == content(OLD)
    (leftover,) = [p for p in files_under(tmp_path) if p != target]
    assert leftover.name.startswith(".report.txt.")  # hidden, beside it, never the message
    assert leftover.name.endswith(".tmp")
    assert leftover.read_text(encoding="utf-8") == content(NEW)  # written whole before

    transport.send("unit/report", NEW)  # the next attempt replaces the old file
    assert target.read_text(encoding="utf-8") == content(NEW)


# --- readers --------------------------------------------------------------------------------------


def test_a_reader_sees_the_old_file_or_the_new_one_never_a_part(tmp_path: Path) -> None:
    versions = [Message("A", "a" * 300_000), Message("B", "b" * 300_000)]
    whole = {content(m) for m in versions}
    transport = FileTransport(tmp_path)
    transport.send("unit/report", versions[0])
    target = tmp_path / "unit" / "report.txt"
    seen: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(target.read_text(encoding="utf-8"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_ in range(40):
            transport.send("unit/report", versions[round_ % 2])
    finally:
        done.set()
        reader.join()

    assert len(seen) > 10
    assert [len(text) for text in seen if text not in whole] == []


def test_the_file_is_made_as_the_umask_says_and_the_lane_is_file(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        FileTransport(tmp_path).send("unit/report", NEW)
    finally:
        os.umask(previous)
    target = tmp_path / "unit" / "report.txt"
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o640  # not mkstemp's 0o600
    assert target.read_bytes() == content(NEW).encode("utf-8")
    assert FileTransport(tmp_path).lane("unit/report") == "file"
    assert FileTransport(tmp_path).lane("other/unit") == "file"
