"""What an address of each channel looks like: the check every contact passes before it is stored.

- ``email``: one address (``name@example.go.th``), no display name, one ``@``, a domain with a
  dot; Thai and other non-ASCII domains are allowed (IDNA);
- ``webhook``: an http or https URL with a host;
- ``apprise``: an Apprise URL, ``scheme://…`` (``line://…``, ``tgram://…``); Apprise itself
  reads the rest when it sends;
- ``file``: a folder under the outbox folder (TRACKER_OUTBOX_DIR), written relative to it:
  no absolute path, no ``..``, so no contact can make the tracker write elsewhere.

A refused address raises :class:`~tracker.inputs.TextProblem` saying what is wrong; the
caller adds where (a file line, an option).
"""

from __future__ import annotations

import re

from tracker.inputs import TextProblem, check_text, check_web_url
from tracker.notify import CHANNELS

MAX_ADDRESS_LENGTH = 500
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_APPRISE = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def check_address(channel: str, address: str) -> str:
    """The address as stored (trimmed) if it is one ``channel`` can deliver to."""
    if channel not in CHANNELS:
        raise TextProblem(f"channel {channel!r} does not exist (channels: {', '.join(CHANNELS)})")
    text = check_text(address).strip()
    if not text:
        raise TextProblem("is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise TextProblem(f"is longer than an address ({MAX_ADDRESS_LENGTH} characters)")
    return _CHECKS[channel](text)


def _email(text: str) -> str:
    if "<" in text or " " in text:
        raise TextProblem(f"{text!r} is not one e-mail address: write only the address, a@b.go.th")
    local, at, domain = text.rpartition("@")
    if not at or "@" in local:
        raise TextProblem(
            f"{text!r} is not an e-mail address: it needs exactly one @ (name@example.go.th)"
        )
    if len(local) > 64 or not _LOCAL_PART.fullmatch(local):
        raise TextProblem(f"{text!r} is not an e-mail address: {local!r} is not a mailbox name")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise TextProblem(f"{text!r} is not an e-mail address: {domain!r} is no domain") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise TextProblem(
            f"{text!r} is not an e-mail address: {domain!r} is no domain (example.go.th)"
        )
    return text


def _webhook(text: str) -> str:
    try:
        return check_web_url(text)
    except TextProblem as problem:
        raise TextProblem(f"{text!r} {problem}") from None


def contact_problem(channel: str, address: str) -> str | None:
    """Why ``address`` is no ``channel`` address, or None when it is one (for reports)."""
    try:
        check_address(channel, address)
    except TextProblem as problem:
        return str(problem)
    return None


def _apprise(text: str) -> str:
    if not _APPRISE.fullmatch(text):
        raise TextProblem(
            f"{text!r} is not an Apprise URL: write scheme://…, e.g. line://TOKEN/USER_ID"
        )
    return text


def _file(text: str) -> str:
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


_CHECKS = {"email": _email, "webhook": _webhook, "apprise": _apprise, "file": _file}
