"""Turning settings into a sender: channel -> transport, each made once per run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker.notify import Message, Transport, transport_for


def make_sender(settings: Any, *, outbox_dir: Path | None = None, force_file: bool = False):  # type: ignore[no-untyped-def]
    """A ``send(channel, address, message)`` for the dispatcher.

    ``outbox_dir`` overrides where the file channel writes; ``force_file`` delivers every
    channel to files there (simulations, demos), so nobody is mailed by accident.
    """
    transports: dict[str, Transport] = {}
    lock = threading.Lock()  # a dispatch may send from several threads at once

    def transport(key: str, make: Callable[[], Transport]) -> Transport:
        with lock:
            if key not in transports:
                transports[key] = make()
            return transports[key]

    def send(channel: str, address: str, message: Message) -> None:
        if force_file or channel == "file":
            from tracker.notify.file import FileTransport

            files = transport("file", lambda: FileTransport(outbox_dir or settings.outbox_path()))
            files.send(address if channel == "file" else f"{channel}/{address}", message)
            return
        transport(channel, lambda: transport_for(channel, settings)).send(address, message)

    return send
