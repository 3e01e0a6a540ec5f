"""What text and links people type may hold: the rules every way in applies before writing.

One home for them, so a plan document, a report, a spreadsheet, a CLI option and (later) a
web form refuse the same things with the same words:

- text never holds NUL or other control characters (tab, line feed and carriage return
  aside), lone UTF-16 surrogates or the non-characters U+FFFE/U+FFFF: PostgreSQL refuses NUL,
  terminals and spreadsheets choke on the rest, and none of it is ever meant;
- names (of organizations, units, series) and titles lose their invisible characters
  (zero-width spaces and joiners, the BOM, soft hyphens, bidirectional controls), names their
  extra whitespace too; a name or title with nothing visible left is refused;
- links (evidence, webhooks) are http or https URLs with a host.

Each check raises :class:`TextProblem`, a ValueError whose message says what is wrong
without saying where: the caller knows the file, line, field or option and adds it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from tracker.errors import InvalidInput
from tracker.textkey import INVISIBLE_CHARACTERS

MAX_URL_LENGTH = 2000
MAX_NAME_LENGTH = 300  # the database's name columns (String(300))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


class TextProblem(ValueError):
    """Text that cannot be stored as it is; ``str(problem)`` says why, not where."""


def check_text(text: str) -> str:
    """``text`` unchanged if it holds nothing a person cannot have meant (see the module)."""
    bad = _CONTROL.search(text)
    if bad is not None:
        raise TextProblem(f"contains {describe_character(bad.group())}, which text cannot hold")
    return text


def describe_character(character: str) -> str:
    """ "U+0000 (a NUL character)", "U+D800 (a lone surrogate)": how a message names one."""
    code = ord(character)
    if code == 0:
        kind = "a NUL character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate, not a character"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a non-character"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def clean_title(text: str) -> str:
    """A title as stored: valid text, NFC, invisible characters gone, spacing as written.

    Raises TextProblem when nothing visible is left.
    """
    check_text(text)
    cleaned = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if not cleaned.strip():
        raise TextProblem(_blank(text))
    return cleaned


def clean_name(text: str) -> str:
    """A name as stored and shown: a clean title, trimmed, each run of whitespace one space,
    at most MAX_NAME_LENGTH characters."""
    name = " ".join(clean_title(text).split())
    if len(name) > MAX_NAME_LENGTH:
        raise TextProblem(f"is {len(name):,} characters long; a name has at most {MAX_NAME_LENGTH}")
    return name


def _blank(text: str) -> str:
    if not text:
        return "is empty"
    if text.isspace():
        return "is blank (only spaces)"
    return "is blank (only spaces or invisible characters such as zero-width spaces)"


def check_web_url(text: str) -> str:
    """``text`` stripped, if it is an http(s) URL with a host; else TextProblem."""
    url = check_text(text).strip()
    if len(url) > MAX_URL_LENGTH:
        raise TextProblem(f"is {len(url):,} characters long, more than a link ({MAX_URL_LENGTH})")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise TextProblem(f"is not a link ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise TextProblem(f"is not a web link: it has {scheme}; use https://… or http://…")
    if not parts.hostname or any(c.isspace() for c in url):
        raise TextProblem("is not a web link: it names no host (https://host/…)")
    return url


# --- files ------------------------------------------------------------------------------------


def read_input_file(path: Path, *, max_bytes: int, what: str = "file") -> str:
    """The UTF-8 text of a file (a BOM is dropped), or InvalidInput saying what is wrong.

    A file over ``max_bytes`` is refused before it is read: a typo'd path to a log or a
    dump must not be parsed for minutes. The message says how to raise the limit.
    """
    return decode_utf8(read_input_bytes(path, max_bytes=max_bytes, what=what), path)


def read_input_bytes(path: Path, *, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a file no larger than ``max_bytes`` (see :func:`read_input_file`)."""
    check_file_size(path, max_bytes=max_bytes, what=what)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None


def check_file_size(path: Path, *, max_bytes: int, what: str = "file") -> None:
    """InvalidInput unless ``path`` is a readable file of at most ``max_bytes``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not a {what}")
    if size > max_bytes:
        raise InvalidInput(
            f"{path}: {megabytes(size)} is more than an import reads "
            f"({megabytes(max_bytes)}): check the file, or raise the limit with "
            f"--max-size {size // 1_000_000 + 1}"
        )


def megabytes(size: int) -> str:
    """ "50.0 MB" (decimal megabytes, as file managers show them)."""
    return f"{size / 1_000_000:,.1f} MB"


def decode_utf8(raw: bytes, path: Path | str) -> str:
    """UTF-8 text (a leading BOM dropped), or InvalidInput naming the first bad line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"{path}:{line}: not UTF-8 text (byte {error.start}); save the file as UTF-8"
        ) from None
