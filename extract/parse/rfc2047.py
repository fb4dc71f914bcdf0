"""A linear-time, bounded decoder for RFC 2047 encoded words in header values.

``email.header.decode_header`` is quadratic in the number of encoded words (a Subject of
340,000 of them takes minutes) and raises on one bad word, losing the whole mail. This one
reads at most :data:`MAX_HEADER_CHARS` characters and :data:`MAX_WORDS` encoded words, never
raises, and decodes a broken word as well as it can (bad base64 is repaired, an unknown
charset reads as UTF-8). Its output matches ``str(make_header(decode_header(v)))`` on
well-formed values, whitespace collapsed: whitespace between two encoded words is dropped,
adjacent words of one charset are decoded together (a character may be split across them),
and an encoded word touching plain text is set apart from it by a space.
"""

from __future__ import annotations

import binascii
import re

from otpbridge.extract.parse.charsets import decode_text

__all__ = ["MAX_HEADER_CHARS", "MAX_WORDS", "b64decode_lenient", "decode_header_value"]

#: Header text read: a subject that needs more is not one a person reads either.
MAX_HEADER_CHARS = 8_192
#: Encoded words decoded; later ones stay as written (the cap on characters bounds them).
MAX_WORDS = 256

# The encoded text stops at "?" (RFC 2047 forbids it there), so every match attempt ends at
# the next "?" and a value of unterminated "=?" starts is scanned once, not once per start.
_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\r\n]*)\?=")
_LINEBREAK = re.compile(r"\r\n|\r|\n")
_SEPARATES = frozenset(" \t()\\")  # what make_header counts as already separating text
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_B64 = bytes(sorted(set(range(256)) - set(_B64_ALPHABET)))


def b64decode_lenient(data: bytes) -> bytes:
    """Base64 with junk characters, missing or misplaced padding tolerated (linear)."""
    clean = data.translate(None, _NOT_B64)
    if len(clean) % 4 == 1:  # one dangling character carries no whole byte
        clean = clean[:-1]
    return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))


def _word_bytes(encoding: str, text: str) -> bytes:
    data = text.encode("utf-8")  # raw 8-bit inside a word: keep its bytes
    if encoding in "bB":
        return b64decode_lenient(data)
    return binascii.a2b_qp(data, header=True)  # "_" is a space; bad escapes stay as written


def _flush(out: list[str], pending: bytearray, charset: str) -> None:
    out.append(decode_text(bytes(pending), charset))
    pending.clear()


def decode_header_value(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """``value`` (folded or not) with its encoded words decoded, whitespace collapsed."""
    text = _LINEBREAK.sub("", value[:limit])
    out: list[str] = []
    pending = bytearray()  # bytes of the current run of same-charset encoded words
    pending_charset = ""
    after_plain = False  # the last chunk written was plain text
    pos = 0
    for count, m in enumerate(_WORD.finditer(text), start=1):
        plain = text[pos : m.start()]
        if plain and not (pending and plain.isspace()):  # space between two words: dropped
            if pending:
                _flush(out, pending, pending_charset)
                if plain[0] not in _SEPARATES:
                    out.append(" ")
            out.append(plain if out else plain.lstrip())
            after_plain = True
        charset = m.group(1).partition("*")[0]  # RFC 2231 language suffix: "utf-8*en"
        if pending and charset.lower() != pending_charset.lower():
            _flush(out, pending, pending_charset)
        elif after_plain and out[-1] and out[-1][-1] not in _SEPARATES:
            out.append(" ")
        after_plain = False
        pending_charset = charset
        pending += _word_bytes(m.group(2), m.group(3))
        pos = m.end()
        if count == MAX_WORDS:
            break
    rest = text[pos:]
    if pending:
        _flush(out, pending, pending_charset)
        if rest and rest[0] not in _SEPARATES:
            out.append(" ")
    out.append(rest)
    return " ".join("".join(out).split())
