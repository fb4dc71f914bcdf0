"""Text normalisation shared by every extractor stage.

NFKC folds full-width forms and compatibility characters; on top of that we drop invisible
format characters that senders (or their tooling) put inside codes, and map the Arabic-Indic,
Persian, Indic and Southeast Asian digits, which NFKC leaves alone, to ASCII so one
candidate pattern serves all.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text"]

_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
_INVISIBLE += "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
_INVISIBLE += "\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"

_TABLE: dict[int, str | None] = {ord(c): None for c in _INVISIBLE}
# The zeros of the decimal digit blocks in use for codes: Arabic-Indic, Extended
# Arabic-Indic (Persian, Urdu), Devanagari, Bengali, Gurmukhi, Gujarati, Tamil, Telugu,
# Kannada, Malayalam, Thai, Lao, Myanmar, Khmer.
_ZEROS: tuple[int, ...] = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0BE6, 0x0C66)
_ZEROS += (0x0CE6, 0x0D66, 0x0E50, 0x0ED0, 0x1040, 0x17E0)
for _zero in _ZEROS:
    for _i in range(10):
        _TABLE[_zero + _i] = str(_i)
_TABLE[0x066B] = "."  # Arabic decimal separator
_TABLE[0x066C] = ","  # Arabic thousands separator
_TABLE[ord("\r")] = None
# A full-width comma carries its own space: folded to "," alone it would glue the next word
# to a code ("您的验证码是：NGR7，十分钟内有效", "…is: NGR7，valid for 10 minutes").
_TABLE[0xFF0C] = ", "

# Spaces other than the ASCII one survive NFKC only in odd cases; after NFKC a single pass
# collapses runs of horizontal whitespace without touching newlines.
_HSPACE = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_text(text: str) -> str:
    """NFKC, invisible characters removed, non-ASCII digits to ASCII, spaces collapsed."""
    if text.isascii():
        folded = text.translate(_TABLE)
    else:
        folded = unicodedata.normalize("NFKC", text.translate(_TABLE))
    return _HSPACE.sub(" ", folded)
