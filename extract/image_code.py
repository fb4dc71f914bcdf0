"""Codes shown as an image: when a mail is worth reading with OCR, which image, and how the
text read from it joins the mail. Pure: the worker (``otpbridge.worker.ocr``) does the OCR.

A few services send the code as a picture (against bots and copy-paste), so the text says
"your verification code is:" and the code is an inline (``cid:``) or ``data:`` image. The
worker asks :func:`states_code_without_one` after the first verdict; only then does it look
for :func:`code_images`, read one with OCR, put the text where the image stands in the mail
(:func:`with_image_text`), extract again and let :func:`image_verdict` keep a code only if
it came from the image, marked as such and with a confidence no higher than the OCR's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from itertools import islice
from urllib.parse import unquote

from otpbridge.extract.codes.keywords import STRONG_CODE_KEYWORDS, keyword_spans
from otpbridge.extract.model import Extraction
from otpbridge.extract.parse.document import Document
from otpbridge.extract.parse.mime import MimeError, parse_mime
from otpbridge.extract.parse.mime_tree import walk_leaves
from otpbridge.extract.parse.normalize import normalize_text
from otpbridge.extract.parse.rfc2047 import b64decode_lenient

__all__ = [
    "MAX_IMAGE_BYTES",
    "OCR_MAX_CONFIDENCE",
    "CodeImage",
    "ImageText",
    "code_images",
    "image_verdict",
    "states_code_without_one",
    "with_image_text",
]

#: Decoded bytes of one image: a picture of a code is a few kB; more is a photo or a trap.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: A code read from an image is never "sure": OCR can take an 8 for a B.
OCR_MAX_CONFIDENCE = 0.85
#: Images offered to the worker, best first (it reads one: the first that passes its bounds).
_MAX_OFFERED = 4
#: ``<img>`` tags looked at per HTML part; text searched for code words around each.
_MAX_REFS = 50
_WORDS_BEFORE = 2_000
_WORDS_AFTER = 400
#: Characters of the mail's text searched for a code word (as far as expiry is looked for).
_TEXT_REACH = 20_000
#: OCR text joined to the mail: a code box is a line or two, a whole page is cut.
_MAX_TEXT_CHARS = 2_000
_MAX_BOX_LINES = 3

_IMG = re.compile(r"<img\b", re.IGNORECASE)
#: The attributes before ``src`` (bounded, and never past the tag's end).
_SRC = re.compile(r"[^>]{0,2000}?\bsrc\s*=\s*([\"']?)", re.IGNORECASE)
_MAX_SRC = MAX_IMAGE_BYTES * 4 // 3 + 4096
_DATA_URI = re.compile(r"data:(image/[a-z0-9.+-]{1,40})((?:;[^,;]{0,100}){0,5}),", re.IGNORECASE)
_TINY = re.compile(r"\b(?:width|height)\s*[=:]\s*[\"']?[0-2](?:px)?(?![\d.])", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>|<[^>]*$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class CodeImage:
    """One image of the mail that may show the code."""

    data: bytes  # decoded, at most MAX_IMAGE_BYTES
    ctype: str  # as declared ("image/png"); the worker trusts the bytes, not this
    source: str  # "cid" (a MIME part the HTML references) or "data" (a data: URI)
    before: str  # the last visible words before it in the HTML ('' when unknown)


@dataclass(frozen=True, slots=True)
class ImageText:
    """What OCR read in one image: its lines, and each word with the OCR's confidence 0-1."""

    lines: tuple[str, ...]
    words: tuple[tuple[str, float], ...] = ()


def states_code_without_one(document: Document, first: Extraction) -> bool:
    """Whether the mail says it carries a code (a code word of any language in the subject
    or the text) while the extractor found none in its text, nor an error."""
    if first.code is not None or first.error is not None:
        return False
    for text in (document.subject, document.text[:_TEXT_REACH]):
        if next(keyword_spans(STRONG_CODE_KEYWORDS, text), None) is not None:
            return True
    return False


def _cid_key(value: str) -> str:
    return unquote(value).strip().strip("<>").strip().lower()


def _cid_parts(raw: bytes) -> dict[str, tuple[bytes, str]]:
    """Image parts with a Content-ID: ID → (decoded bytes, content type); oversized skipped."""
    parts: dict[str, tuple[bytes, str]] = {}
    for leaf in walk_leaves(raw, frozenset())[1]:
        cid = leaf.headers.get("content-id")
        if not cid or not leaf.ctype.startswith("image/"):
            continue
        body = raw[leaf.start : min(leaf.end, leaf.start + MAX_IMAGE_BYTES * 4 // 3 + 65_536)]
        cte = (leaf.headers.get("content-transfer-encoding") or "").strip().lower()
        try:
            data = b64decode_lenient(body) if cte == "base64" else body
        except ValueError:  # binascii.Error
            continue
        if 0 < len(data) <= MAX_IMAGE_BYTES:
            parts.setdefault(_cid_key(cid), (data, leaf.ctype))
    return parts


def _data_uri(src: str) -> tuple[bytes, str] | None:
    m = _DATA_URI.match(src)
    if m is None or ";base64" not in m.group(2).lower():
        return None
    payload = src[m.end() :]
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4096:
        return None
    try:
        data = b64decode_lenient(payload.encode("ascii", "ignore"))
    except ValueError:
        return None
    return (data, m.group(1).lower()) if 0 < len(data) <= MAX_IMAGE_BYTES else None


def _distance_to_code_word(markup: str, start: int, end: int) -> int | None:
    """Characters from the nearest code word before the tag (or, worse, after it)."""
    lo = max(0, start - _WORDS_BEFORE)
    before = [end for _, end in keyword_spans(STRONG_CODE_KEYWORDS, markup[lo:start])]
    if before:
        return start - (lo + before[-1])
    after = next(keyword_spans(STRONG_CODE_KEYWORDS, markup[end : end + _WORDS_AFTER]), None)
    return None if after is None else _WORDS_BEFORE + after[0]


def _words_before(markup: str, start: int) -> str:
    visible = html.unescape(_TAG.sub(" ", markup[max(0, start - 1500) : start]))
    return " ".join(_WORD.findall(normalize_text(visible))[-6:])


def _image_of(
    markup: str, pos: int, parts: dict[str, tuple[bytes, str]]
) -> tuple[bytes, str, str] | None:
    """(bytes, type, source) of the image an ``<img`` tag at ``pos`` shows, if it is inline
    and not a declared tracking pixel."""
    m = _SRC.match(markup, pos)
    if m is None:
        return None
    quote = m.group(1)
    stops = [markup.find(c, m.end(), m.end() + _MAX_SRC) for c in (quote or " >\t\n")]
    stop = min((s for s in stops if s >= 0), default=-1)
    if stop < 0:
        return None
    tag_end = markup.find(">", stop, stop + 2000)
    if _TINY.search(m.group(0)) or _TINY.search(markup, stop, tag_end if tag_end > 0 else stop):
        return None
    src = html.unescape(markup[m.end() : stop]).strip()
    if src[:4].lower() == "cid:":
        found = parts.get(_cid_key(src[4:]))
        return None if found is None else (*found, "cid")
    data = _data_uri(src)
    return None if data is None else (*data, "data")


def code_images(raw: bytes) -> tuple[CodeImage, ...]:
    """Inline images the HTML shows (``cid:`` parts, ``data:`` URIs), best first: nearest
    after a code word, then nearest before one, then the larger; tracking pixels left out.
    Bounded: bytes per image, tags looked at, images offered. Never raises."""
    try:
        markups = parse_mime(raw).html
        parts = _cid_parts(raw)
    except MimeError:
        return ()
    ranked: list[tuple[int, int, int, CodeImage]] = []
    for markup in markups:
        for tag in islice(_IMG.finditer(markup), _MAX_REFS):
            found = _image_of(markup, tag.end(), parts)
            if found is None:
                continue
            data, ctype, source = found
            distance = _distance_to_code_word(markup, tag.start(), tag.end())
            image = CodeImage(data, ctype, source, _words_before(markup, tag.start()))
            rank = distance if distance is not None else 10 * _WORDS_BEFORE
            ranked.append((rank, -len(data), len(ranked), image))
    ranked.sort(key=lambda r: r[:3])
    return tuple(r[3] for r in ranked[:_MAX_OFFERED])


def _clean(text: ImageText) -> list[str]:
    lines = [" ".join(normalize_text(line).split()) for line in text.lines]
    out: list[str] = []
    size = 0
    for line in lines:
        if line and size + len(line) <= _MAX_TEXT_CHARS:
            out.append(line)
            size += len(line) + 1
    return out


def _insertion_point(text: str, before: str) -> int:
    """Where the image stands in the rendered text: after the line holding the words that
    precede it in the HTML, else after the first code word's line, else at the end."""
    at = -1
    words = before.split()
    while words and at < 0:
        m = re.search(r"\W+".join(re.escape(w) for w in words), text, re.IGNORECASE)
        at = m.end() if m is not None else -1
        words = words[1:] if len(words) > 2 else []
    if at < 0:
        m2 = next(keyword_spans(STRONG_CODE_KEYWORDS, text[:_TEXT_REACH]), None)
        at = m2[1] if m2 is not None else len(text)
    stop = text.find("\n", at)
    return len(text) if stop < 0 else stop


def with_image_text(document: Document, image: CodeImage, text: ImageText) -> Document:
    """``document`` with the image's text as one more paragraph where the image stands (the
    HTML text, else the plain text); a short text (a code box) also counts as emphasised."""
    lines = _clean(text)
    if not lines:
        return document
    block = "\n".join(lines)
    emphasized = document.emphasized + (tuple(lines) if len(lines) <= _MAX_BOX_LINES else ())
    if document.html_text:
        body = document.html_text
        at = _insertion_point(body, image.before)
        body = f"{body[:at]}\n\n{block}\n\n{body[at:].lstrip(chr(10))}".strip()
        return replace(document, html_text=body, emphasized=emphasized)
    plain = f"{document.plain_text}\n\n{block}".strip()
    return replace(document, plain_text=plain, emphasized=emphasized)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def _ocr_confidence(code: str, text: ImageText) -> float:
    """The OCR's confidence in the code's characters: its least sure word within the code
    (a spaced "482 913" is two words), else its average over the image."""
    inside = [c for w, c in text.words if (a := _alnum(w)) and len(a) >= 2 and a in code]
    if inside:
        return min(inside)
    every = [c for _, c in text.words]
    return sum(every) / len(every) if every else 0.5


def image_verdict(first: Extraction, second: Extraction, text: ImageText) -> Extraction:
    """The verdict after OCR: ``second`` (extracted with the image's text) when its code is
    in the image and holds a digit (letters read from an image are a logo or a word far more
    often than a code), with a reason saying so and confidence times the OCR's own, at most
    :data:`OCR_MAX_CONFIDENCE`; else ``first`` with a reason that the image had none."""
    code = _alnum(second.code or "")
    if not any(ch.isdigit() for ch in code) or code not in _alnum(" ".join(text.lines)):
        return replace(first, reasons=(*first.reasons, "an image was read (OCR): no code in it"))
    sure = max(0.0, min(1.0, _ocr_confidence(code, text)))
    return replace(
        second,
        confidence=min(OCR_MAX_CONFIDENCE, second.confidence * sure),
        reasons=(f"code read from an image (OCR, characters {sure:.2f} sure)", *second.reasons),
    )
