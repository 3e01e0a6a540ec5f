"""Whitespace-insensitive keys for names typed by people and mangled by PDF converters.

"สำนักงาน เลขานุการ องค์การบริหาร ส่วนจังหวัด" and "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
are one name: line wraps, double spaces, zero-width spaces and the decomposed sara am
(nikhahit + sara aa, a common PDF artefact) must not make two units out of one.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_DECOMPOSED_SARA_AM = "\u0e4d\u0e32"  # ํ + า, rendered like ำ
_SARA_AM = "\u0e33"


def lookup_key(name: str) -> str:
    """Return the key under which ``name`` is stored and looked up.

    Contract: keys ignore every kind of whitespace and zero-width character, Unicode
    normalisation form, the decomposed sara am, and Latin letter case; nothing else.
    """
    text = unicodedata.normalize("NFC", name).replace(_DECOMPOSED_SARA_AM, _SARA_AM)
    return _INVISIBLE.sub("", text).casefold()


def tidy_name(name: str) -> str:
    """Collapse runs of whitespace to single spaces and trim: the display form of a name."""
    return " ".join(unicodedata.normalize("NFC", name).split())
