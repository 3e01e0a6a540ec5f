"""What an address of each channel looks like: the check every contact passes before it is
stored. Each transport holds its own rule (``check_address`` on its class, see
tracker.notify.TRANSPORTS); this module adds what every channel shares.

A refused address raises :class:`~tracker.inputs.TextProblem` saying what is wrong; the
caller adds where (a file line, an option).
"""

from __future__ import annotations

from tracker.inputs import TextProblem, check_text
from tracker.notify import CHANNELS, transport_class

MAX_ADDRESS_LENGTH = 500


def check_channel(channel: str) -> None:
    """Refuse a channel no transport is registered for (tracker.notify.TRANSPORTS)."""
    if channel not in CHANNELS:
        raise TextProblem(f"channel {channel!r} does not exist (channels: {', '.join(CHANNELS)})")


def check_address(channel: str, address: str) -> str:
    """The address as stored (trimmed) if it is one ``channel`` can deliver to."""
    check_channel(channel)
    text = check_text(address).strip()
    if not text:
        raise TextProblem("is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise TextProblem(f"is longer than an address ({MAX_ADDRESS_LENGTH} characters)")
    checked: str = transport_class(channel).check_address(text)
    return checked


def contact_problem(channel: str, address: str) -> str | None:
    """Why ``address`` is no ``channel`` address, or None when it is one (for reports)."""
    try:
        check_address(channel, address)
    except TextProblem as problem:
        return str(problem)
    return None
