"""MIME decoding: headers and every text/plain and text/html part, whatever the charset.

The bytes are parsed once, by the stdlib ``email`` package (which never gives up on a byte
string); mail-parser then walks that message and decodes its text parts. When mail-parser
rejects a message (broken structure, odd headers) we walk the same message ourselves.
"""

from __future__ import annotations

import copy
import email
import email.header
import email.message
import email.utils
from dataclasses import dataclass

import mailparser

__all__ = ["MimeError", "MimeParts", "parse_mime"]

#: A single text part larger than this is cut: nothing a code mail needs lives beyond it.
MAX_PART_CHARS = 2_000_000


class MimeError(ValueError):
    """The bytes are not a mail we can read (empty, no header section, absurd nesting)."""


class _PartsParser(mailparser.MailParser):  # type: ignore[misc]  # untyped library
    """mail-parser without its two header dictionaries (``mail``/``mail_partial``): it builds
    them on construction, decoding every header twice, and we never read them (headers are
    decoded once, below). The part walk and charset decoding we do use are untouched."""

    def _make_mail(self, complete: bool = True) -> dict[str, object]:
        return {}


# What mail-parser needs of the top-level header section to find and decode the body parts.
_BODY_HEADERS = frozenset(
    ("content-type", "content-transfer-encoding", "content-disposition", "content-id")
)


def _body_view(msg: email.message.Message) -> email.message.Message:
    """``msg`` (payload shared, not copied) with only its body-describing headers.

    On construction mail-parser also parses every address, date and Received header (over
    half its cost on real mail, which carries a dozen Received/DKIM/ARC lines); the
    extractor reads none of them, so it is shown only what describes the body.
    """
    view = copy.copy(msg)
    for name in {n for n in msg if n.lower() not in _BODY_HEADERS}:
        del view[name]  # rebinds the view's header list; msg keeps its own
    return view


@dataclass(frozen=True, slots=True)
class MimeParts:
    subject: str
    from_addr: str
    headers: dict[str, str]
    plain: tuple[str, ...]
    html: tuple[str, ...]


def _decode_header(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if "=?" not in text:
        return " ".join(text.split())
    try:
        parts = email.header.decode_header(text)
    except (ValueError, LookupError):
        return " ".join(text.split())
    try:
        # make_header keeps the space between an encoded word and plain text ("…?= thay
        # =?utf-8?b?…?=" is "thay đổi"), which joining decode_header's chunks loses.
        return " ".join(str(email.header.make_header(parts)).split())
    except (ValueError, LookupError):
        pass  # an undeclared or unknown charset: decode chunk by chunk below
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            try:
                out.append(chunk.decode(charset or "ascii", "replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", "replace"))
        else:
            out.append(chunk)
    return " ".join("".join(out).split())


def _headers(msg: email.message.Message) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in msg.items():
        key = name.lower()
        if key not in out:
            out[key] = _decode_header(value)
    return out


def _from_addr(raw_from: str) -> str:
    return email.utils.parseaddr(raw_from)[1].strip().lower()


def _payload_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # unknown charset name: UTF-8 is the best guess today
        return payload.decode("utf-8", "replace")


def _stdlib_parts(msg: email.message.Message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    plain: list[str] = []
    html: list[str] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(_payload_text(part)[:MAX_PART_CHARS])
        elif ctype == "text/html":
            html.append(_payload_text(part)[:MAX_PART_CHARS])
    return tuple(plain), tuple(html)


def parse_mime(raw: bytes) -> MimeParts:
    """Decode one RFC 5322 message. Raises :class:`MimeError` only for non-mail input."""
    if not raw.strip():
        raise MimeError("empty message")
    try:
        msg = email.message_from_bytes(raw)
    except RecursionError:  # the stdlib parser recurses once per multipart level
        raise MimeError("multipart nesting too deep") from None
    try:
        parsed = _PartsParser(_body_view(msg))
        plain = tuple(str(p)[:MAX_PART_CHARS] for p in parsed.text_plain)
        html = tuple(str(p)[:MAX_PART_CHARS] for p in parsed.text_html)
    except Exception:  # noqa: BLE001 - any mail-parser failure means: walk it ourselves
        plain, html = _stdlib_parts(msg)
    headers = _headers(msg)
    if not headers:
        raise MimeError("no header section")
    if not plain and not html:
        plain, html = _stdlib_parts(msg)
    subject = headers.get("subject", "")
    return MimeParts(
        subject=subject,
        from_addr=_from_addr(headers.get("from", "")),
        headers=headers,
        plain=plain,
        html=html,
    )
