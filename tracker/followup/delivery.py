"""Turning settings into a sender: channel -> transport, each made once per run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.notify import Message, Transport, transport_for


def make_sender(settings: Any, *, outbox_dir: Path | None = None, force_file: bool = False):  # type: ignore[no-untyped-def]
    """A ``send(channel, address, message)`` for the dispatcher.

    ``outbox_dir`` overrides where the file channel writes; ``force_file`` delivers every
    channel to files there (simulations, demos), so nobody is mailed by accident.
    """
    transports: dict[str, Transport] = {}

    def send(channel: str, address: str, message: Message) -> None:
        if force_file or channel == "file":
            key = "file"
            if key not in transports:
                from tracker.notify.file import FileTransport

                transports[key] = FileTransport(outbox_dir or settings.outbox_path())
            target = address if channel == "file" else f"{channel}/{address}"
            transports[key].send(target, message)
            return
        if channel not in transports:
            transports[channel] = transport_for(channel, settings)
        transports[channel].send(address, message)

    return send
