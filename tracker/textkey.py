"""Whitespace-insensitive keys for names typed by people and mangled by PDF converters.

"สำนักงาน เลขานุการ องค์การบริหาร ส่วนจังหวัด" and "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
are one name: line wraps, double spaces, zero-width spaces and the decomposed sara am
(nikhahit + sara aa, a common PDF artefact) must not make two units out of one.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that show nothing: zero-width spaces and joiners, direction marks and
# embeddings, the word joiner and invisible operators, the BOM, the soft hyphen. As the body
# of a regex character class, shared with tracker.inputs.
INVISIBLE_CHARACTERS = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[\\s{INVISIBLE_CHARACTERS}]+")
_INVISIBLE_ONLY = re.compile(f"[{INVISIBLE_CHARACTERS}]+")
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
    """The display form of a name: NFC, invisible characters gone, single spaces, trimmed."""
    return " ".join(_INVISIBLE_ONLY.sub("", unicodedata.normalize("NFC", name)).split())
