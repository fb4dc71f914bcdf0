"""MIME decoding: the headers extraction reads, and every text/plain and text/html part.

The structure comes from :mod:`extract.parse.mime_tree` (one bounded pass over the raw bytes), the
header values from :mod:`extract.parse.rfc2047`; neither the stdlib's ``email`` parser nor
mail-parser runs here (both have super-linear paths on hostile mail, and mail-parser logs
sender text). Which parts are body text follows mail-parser's rules, which the extractor was
tuned on; when they find none, any text part that is not an attachment is read. A malformed
header, charset or transfer encoding degrades only the part it belongs to.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

from otpbridge.extract.parse.charsets import decode_text, text_codec
from otpbridge.extract.parse.mime_headers import param
from otpbridge.extract.parse.mime_tree import (
    Leaf,
    content_type,
    disposition,
    has_filename,
    walk_leaves,
)
from otpbridge.extract.parse.rfc2047 import b64decode_lenient, decode_header_value

__all__ = ["MimeError", "MimeParts", "parse_mime"]

#: A single text part larger than this is cut: nothing a code mail needs lives beyond it.
MAX_PART_CHARS = 2_000_000
#: Encoded bytes of one part decoded (base64 of MAX_PART_CHARS, with line breaks).
MAX_PART_BYTES = 3_000_000
#: Text parts decoded per mail, and decoded characters over all of them.
MAX_TEXT_PARTS = 64
MAX_TEXT_CHARS = 4_000_000
#: Characters of Subject/From the extractor reads: cue scans run over the subject many times.
MAX_SUBJECT_CHARS = 2_000
MAX_FROM_CHARS = 2_000

# Top-level headers the extractor reads; every other header is skipped undecoded.
_TOP_HEADERS = frozenset(("subject", "from", "list-unsubscribe"))
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?')
_COMMENT = re.compile(r"\([^()]*\)")
_ANGLE_ADDR = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE_ADDR = re.compile(r"[^\s<>()\[\]\",;:]+@[^\s<>()\[\]\",;:]+")


class MimeError(ValueError):
    """The bytes are not a mail we can read (empty, or no header section)."""


@dataclass(frozen=True, slots=True)
class MimeParts:
    subject: str
    from_addr: str
    headers: dict[str, str]  # the headers read: subject, from (decoded), list-unsubscribe
    plain: tuple[str, ...]
    html: tuple[str, ...]


def _from_addr(raw_from: str) -> str:
    """The address of a From value, found before any decoding: a display name that decodes
    to an address (``=?utf-8?b?...?= <attacker@x>``) must not pass for the sender. Quoted
    strings and comments are removed first, so ``"a@b" <c@d>`` gives ``c@d``."""
    text = _COMMENT.sub(" ", _QUOTED.sub(" ", raw_from[:MAX_FROM_CHARS]))
    m = _ANGLE_ADDR.search(text) or _BARE_ADDR.search(text)
    return m.group(1 if m.re is _ANGLE_ADDR else 0).strip().lower() if m else ""


def _transfer_decoded(leaf: Leaf, raw: bytes) -> bytes:
    data = raw[leaf.start : min(leaf.end, leaf.start + MAX_PART_BYTES)]
    cte = (leaf.headers.get("content-transfer-encoding") or "").strip().lower()
    try:
        if cte == "base64":
            return b64decode_lenient(data)
        if cte == "quoted-printable":
            return binascii.a2b_qp(data)
    except binascii.Error:  # a2b_qp/a2b_base64 on what the lenient path cannot mend
        return data
    return data


def _text(leaf: Leaf, raw: bytes, params: list[tuple[str, str]]) -> str:
    data = _transfer_decoded(leaf, raw)
    cte = (leaf.headers.get("content-transfer-encoding") or "").strip().lower()
    charset = param(params, "charset")
    # ASCII bytes are ASCII text whatever the label says (as mail-parser reads them), except
    # in the 7-bit encodings that shift into other scripts: ISO-2022-JP, the Japanese mail
    # standard, writes Japanese as ASCII bytes after an escape; UTF-7 and HZ after "+" and "~{".
    if cte in ("", "7bit", "8bit") and data.isascii() and not _shifting(charset, data):
        return data.decode("ascii")[:MAX_PART_CHARS]
    return decode_text(data, charset.lower() if charset else None)[:MAX_PART_CHARS]


def _shifting(charset: str | None, data: bytes) -> bool:
    if b"\x1b" in data:
        return True
    codec = text_codec(charset) if charset else ""
    return codec in ("utf-7", "hz") and (b"+" in data or b"~{" in data)


def _is_body(leaf: Leaf, params: list[tuple[str, str]]) -> bool:
    """mail-parser's rule: a part is body text unless it is an attachment (named, a
    Content-ID on a non-text part, RTF, or disposition attachment), and named inline text
    outside attached containers is both."""
    subtype = leaf.ctype.partition("/")[2]
    kind = disposition(leaf.headers)[0]
    attachment = (
        has_filename(leaf.headers, params)
        or (bool(leaf.headers.get("content-id")) and subtype not in ("html", "plain"))
        or subtype in "rtf"  # sic: a substring test in mail-parser, "" included
        or kind == "attachment"
    )
    inline_text = (
        not leaf.in_attachment and kind == "inline" and leaf.ctype in ("text/plain", "text/html")
    )
    return not attachment or inline_text


def _parts(leaves: list[Leaf], raw: bytes, *, fallback: bool) -> tuple[list[str], list[str]]:
    plain: list[str] = []
    html: list[str] = []
    budget = MAX_TEXT_CHARS
    for leaf in leaves:
        if len(plain) + len(html) >= MAX_TEXT_PARTS or budget <= 0:
            break
        _, params = content_type(leaf.headers, leaf.ctype)
        if fallback:
            # Any text part that is not an attachment; a multipart whose boundary never
            # showed is read as the text it then is.
            if disposition(leaf.headers)[0] == "attachment":
                continue
            kind = "plain" if leaf.unsplit else leaf.ctype.partition("/")[2]
            if not (leaf.unsplit or leaf.ctype in ("text/plain", "text/html")):
                continue
        else:
            kind = leaf.ctype.partition("/")[2]
            if kind not in ("plain", "html") or leaf.unsplit or not _is_body(leaf, params):
                continue
        text = _text(leaf, raw, params)[:budget]
        if not text:
            continue
        budget -= len(text)
        (html if kind == "html" else plain).append(text)
    return plain, html


def parse_mime(raw: bytes) -> MimeParts:
    """Decode one RFC 5322 message. Raises :class:`MimeError` only for non-mail input."""
    if not raw.strip():
        raise MimeError("empty message")
    top, leaves = walk_leaves(raw, _TOP_HEADERS)
    if not top.lines:
        raise MimeError("no header section")
    plain, html = _parts(leaves, raw, fallback=False)
    if not plain and not html:
        plain, html = _parts(leaves, raw, fallback=True)
    raw_subject = top.get("subject") or ""
    raw_from = top.get("from") or ""
    subject = decode_header_value(raw_subject)[:MAX_SUBJECT_CHARS]
    headers = {"subject": subject, "from": decode_header_value(raw_from)[:MAX_FROM_CHARS]}
    if top.get("list-unsubscribe") is not None:
        headers["list-unsubscribe"] = top.values["list-unsubscribe"]
    return MimeParts(
        subject=subject,
        from_addr=_from_addr(raw_from),
        headers=headers,
        plain=tuple(plain),
        html=tuple(html),
    )
