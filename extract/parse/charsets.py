"""Charset names from mail → a codec that is safe to run on hostile bytes, and the decoding.

A charset label is sender-controlled: it may be unknown, contain NUL, name a codec that is not
a text encoding (``zlib_codec``), or name one that costs quadratic time on crafted input
(``punycode``, and ``idna`` which runs punycode on ``xn--`` labels: 40 KB takes 0.6 s). Every
label is mapped through :func:`text_codec`, which answers ``utf-8`` for all of those.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

__all__ = ["decode_text", "text_codec"]

#: Longer labels are not charset names (IANA's longest is 45 chars).
_MAX_LABEL = 64
#: Codecs whose decoder is super-linear or not meant for mail text.
_REFUSED = frozenset(("punycode", "idna", "undefined", "unicode-escape", "raw-unicode-escape"))
_FALLBACK = "utf-8"


@lru_cache(maxsize=512)
def text_codec(label: str | None) -> str:
    """The codec to decode text labelled ``label`` with; ``utf-8`` when it is unusable."""
    if not label or len(label) > _MAX_LABEL or not label.isascii():
        return _FALLBACK
    name = label.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: an embedded NUL
        return _FALLBACK
    if not info._is_text_encoding or info.name.replace("_", "-") in _REFUSED:
        return _FALLBACK
    return info.name


def decode_text(data: bytes, label: str | None) -> str:
    """``data`` in its declared charset; when that fails (wrong label, bad bytes, or a codec
    that yields lone surrogates) UTF-8, strictly, then with replacement characters."""
    try:
        text = data.decode(text_codec(label))
        text.encode("utf-8")  # utf-16/utf-7 can produce lone surrogates: not text
    except UnicodeError:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("utf-8", "replace")
    return text
