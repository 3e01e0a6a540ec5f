"""Where messages go and how they are sent: the one place that knows the ``file`` channel.

- At queue time, :func:`destinations` turns contacts into (channel, address) pairs: a
  ``file`` contact names a folder, so each message is a file inside it; no contact at all,
  or a run that must deliver to files only (simulations, demos), gives one file named after
  what the message is about. Nothing is ever dropped.
- At send time, :func:`make_sender` sends each message through its channel's transport
  (tracker.notify.TRANSPORTS), each transport made once per run; with ``force_file`` every
  channel is delivered to files, so nobody is mailed by accident even by a message queued
  for e-mail.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from tracker.notify import Message, NotifySettings, Transport, transport_for

FILE = "file"
Destination = tuple[str, str]  # (channel, address)


def destinations(
    contacts: Iterable[Destination], fallback: str, *, force_file: bool
) -> list[Destination]:
    """Where one message goes: each contact (a file contact's folder holding the file
    ``fallback``), or the file ``fallback`` alone when there is none or ``force_file``."""
    pairs = list(contacts)
    if force_file or not pairs:
        return [(FILE, fallback)]
    return [_in_folder(channel, address, fallback) for channel, address in pairs]


def _in_folder(channel: str, address: str, message_path: str) -> Destination:
    if channel == FILE:
        return channel, f"{address.rstrip('/')}/{message_path}"
    return channel, address


def make_sender(settings: NotifySettings, *, force_file: bool = False) -> ChannelSender:
    """A thread-safe sender for the dispatcher (see the module)."""
    return ChannelSender(settings, force_file=force_file)


class ChannelSender:
    """``send(channel, address, message)`` through each channel's transport, made once per
    run; ``lane(channel, address)`` names the server a message goes to (the transport's
    ``lane``, else the channel), which the dispatcher keeps apart from the others."""

    def __init__(self, settings: NotifySettings, *, force_file: bool = False) -> None:
        self.settings, self.force_file = settings, force_file
        self._transports: dict[str, Transport] = {}
        self._lock = threading.Lock()  # a dispatch sends from several threads at once

    def _transport(self, channel: str) -> Transport:
        with self._lock:
            if channel not in self._transports:
                self._transports[channel] = transport_for(channel, self.settings)
            return self._transports[channel]

    def __call__(self, channel: str, address: str, message: Message) -> None:
        if self.force_file and channel != FILE:
            self._transport(FILE).send(f"{channel}/{address}", message)
        else:
            self._transport(channel).send(address, message)

    def lane(self, channel: str, address: str) -> str:
        if self.force_file:
            return FILE
        transport = self._transport(channel)
        lane = getattr(transport, "lane", None)
        return str(lane(address)) if callable(lane) else channel
