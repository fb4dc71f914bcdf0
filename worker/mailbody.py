"""Text and HTML bodies of a stored mail, read in bounded time and memory. Pure.

The worker renders every mail it extracts (:func:`render`) and stores the result beside it, so
``list_emails`` in an agent's process never parses MIME. This runs on mail anyone can send, so
nothing here may
recurse per MIME level, expand markup without limit or raise. The MIME tree is walked with an
explicit stack over offsets into the raw bytes (no copies per level) down to
:data:`MAX_DEPTH` levels and :data:`MAX_PARTS` parts; only the headers that describe a body are
read, each cut to a few kB before the stdlib parses its parameters. The first inline
``text/plain`` and ``text/html`` parts are decoded (at most :data:`MAX_PART_BYTES` of each).
HTML becomes text only when there is no plain part: it is pruned and cut first (the stdlib
HTML parser rescans unterminated constructs), html2text expands at most
:data:`MAX_RENDER_NESTING` levels of quotes and lists (each level prefixes every line below
it), and rendering stops at :data:`MAX_TEXT_CHARS`. A part that cannot be read is skipped.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Final

import html2text

__all__ = [
    "MAX_DEPTH",
    "MAX_HTML_CHARS",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RENDER_CHARS",
    "MAX_RENDER_NESTING",
    "MAX_TEXT_CHARS",
    "Bodies",
    "Rendered",
    "html_to_text",
    "read_bodies",
    "render",
]

#: Multipart levels walked below the top; a part deeper than this is skipped.
MAX_DEPTH: Final = 24
#: Parts looked at in all (the top-level message counts as one).
MAX_PARTS: Final = 256
#: Encoded bytes of one body part that are decoded.
MAX_PART_BYTES: Final = 4 * 1024 * 1024
#: Characters of ``Email.text`` (plain text, or HTML rendered as text).
MAX_TEXT_CHARS: Final = 256 * 1024
#: Characters of ``Email.html``.
MAX_HTML_CHARS: Final = 1024 * 1024
#: Characters of (pruned) markup rendered as text when a mail has no plain part: html2text
#: spends up to ~10 µs per parser event, and markup such as "&&&…" is one event a character.
MAX_RENDER_CHARS: Final = 128 * 1024
#: Nested blockquote/list levels the renderer expands; deeper ones render flat.
MAX_RENDER_NESTING: Final = 8

_MAX_HEADER_BYTES: Final = 256 * 1024
_MAX_HEADER_LINES: Final = 4096
_MAX_HEADER_VALUE: Final = 2048
_MAX_BOUNDARY: Final = 200
_FEED_CHUNK: Final = 16 * 1024
_WANTED: Final = frozenset(
    (b"content-type", b"content-transfer-encoding", b"content-disposition")
)
_BLANK_LINE = re.compile(rb"\n\r?\n")
_HEADER_NAME = re.compile(rb"[\x21-\x39\x3b-\x7e]+")
_DELIMITER_TAIL: Final = rb"(--)?[ \t]*(?=\r?\n|\Z)"
_NESTING_TAGS: Final = frozenset(("blockquote", "ul", "ol"))


@dataclass(frozen=True, slots=True)
class Bodies:
    text: str | None
    html: str | None


@dataclass(frozen=True, slots=True)
class _Part:
    start: int  # first byte of the header section
    end: int  # one past the last byte of the part
    depth: int
    default_type: str


def read_bodies(raw: bytes) -> Bodies:
    """The first inline text/plain and text/html bodies of ``raw``; never raises."""
    text: str | None = None
    html: str | None = None
    stack = [_Part(0, len(raw), 0, "text/plain")]
    seen = 0
    while stack and seen < MAX_PARTS and (text is None or html is None):
        part = stack.pop()
        seen += 1
        try:
            headers, body_start = _headers(raw, part.start, part.end)
            info = _describe(headers, part.default_type)
            if info.get_content_maintype() == "multipart":
                if part.depth < MAX_DEPTH:
                    child_type = (
                        "message/rfc822" if info.get_content_subtype() == "digest" else "text/plain"
                    )
                    children = _children(raw, body_start, part.end, info, MAX_PARTS - seen)
                    stack.extend(
                        _Part(lo, hi, part.depth + 1, child_type) for lo, hi in reversed(children)
                    )
                continue
            if info.get_content_disposition() == "attachment":
                continue
            ctype = info.get_content_type()
            if ctype == "text/plain" and text is None:
                text = _decode(raw, body_start, part.end, headers, info)[:MAX_TEXT_CHARS]
            elif ctype == "text/html" and html is None:
                html = _decode(raw, body_start, part.end, headers, info)[:MAX_HTML_CHARS]
        except Exception:  # noqa: BLE001, S112 - a part we cannot read is skipped, never fatal
            continue
    return Bodies(text, html)


def _headers(raw: bytes, start: int, end: int) -> tuple[dict[bytes, str], int]:
    """The body-describing headers of the part at ``start`` and where its body begins.

    As the stdlib parser does, the header section ends at an empty line or at the first line
    that is neither a header nor a continuation (that line belongs to the body).
    """
    headers: dict[bytes, str] = {}
    limit = min(end, start + _MAX_HEADER_BYTES)
    pos = start
    current: bytes | None = None
    for _ in range(_MAX_HEADER_LINES):
        if pos >= limit:
            break
        newline = raw.find(b"\n", pos, limit)
        if newline < 0 and limit < end:
            break  # the header section outgrows the budget
        line_end = limit if newline < 0 else newline + 1
        line = raw[pos:line_end].rstrip(b"\r\n")
        if not line:
            return headers, line_end
        if line[:1] in (b" ", b"\t"):
            if current is not None and len(headers[current]) < _MAX_HEADER_VALUE:
                headers[current] += " " + line.strip().decode("latin-1")
        else:
            name, colon, value = line.partition(b":")
            if not colon or _HEADER_NAME.fullmatch(name.rstrip()) is None:
                if pos == start and line.startswith(b"From "):  # an mbox envelope line
                    pos = line_end
                    continue
                return headers, pos
            key = name.rstrip().lower()
            current = key if key in _WANTED and key not in headers else None
            if current is not None:
                headers[current] = value.strip().decode("latin-1")
        pos = line_end
    # Past the budget: the rest of an absurd header section is skipped unread.
    blank = _BLANK_LINE.search(raw, max(pos - 1, start), end) if pos < end else None
    return headers, end if blank is None else blank.end()


def _describe(headers: dict[bytes, str], default_type: str) -> Message:
    """A header-only message the stdlib reads content type, parameters and disposition from;
    values are cut short first (its parameter parser is quadratic in the value's length)."""
    info = Message()
    if default_type != "text/plain":
        info.set_default_type(default_type)
    for name in (b"content-type", b"content-disposition"):
        if name in headers:
            info[name.decode()] = headers[name][:_MAX_HEADER_VALUE]
    return info


def _children(
    raw: bytes, start: int, end: int, info: Message, budget: int
) -> list[tuple[int, int]]:
    """Offsets of the body parts of the multipart body ``raw[start:end]``, at most ``budget``:
    each runs from after one delimiter line to the line break before the next. A missing close
    delimiter ends the last part at ``end``; preamble and epilogue are skipped."""
    boundary = info.get_boundary()
    if not boundary or len(boundary) > _MAX_BOUNDARY:
        return []
    token = re.escape(boundary.encode("latin-1", "replace"))
    # A delimiter is a whole line: "--" boundary ["--"] [spaces]. Searching for it together
    # with the line break before it lets the regex engine skip ahead by its literal prefix.
    delimiter = re.compile(rb"\n--" + token + _DELIMITER_TAIL)
    matches: Iterator[re.Match[bytes]] = delimiter.finditer(raw, start, end)
    first = re.compile(rb"--" + token + _DELIMITER_TAIL).match(raw, start, end)
    if first is not None:  # the body opens with a delimiter line
        matches = itertools.chain((first,), matches)
    parts: list[tuple[int, int]] = []
    current: int | None = None
    for found in matches:
        if current is not None:
            cut = max(current, found.start())  # the line break before a delimiter is its own
            if cut > current and raw[cut - 1] == 0x0D:
                cut -= 1
            parts.append((current, cut))
            if len(parts) >= budget:
                return parts
        if found.group(1):  # the close delimiter
            return parts
        current = found.end() + (2 if raw.startswith(b"\r\n", found.end(), end) else 1)
    if current is not None and current < end:
        parts.append((current, end))
    return parts


def _decode(raw: bytes, start: int, end: int, headers: dict[bytes, str], info: Message) -> str:
    data = raw[start : min(end, start + MAX_PART_BYTES)]
    encoding = headers.get(b"content-transfer-encoding", "").strip().lower()
    if encoding == "base64":
        data = _base64(data)
    elif encoding == "quoted-printable":
        data = binascii.a2b_qp(data)
    charset = info.get_content_charset() or "utf-8"
    try:
        codecs.getincrementaldecoder(charset)  # refuses bytes-to-bytes codecs too
        return data.decode(charset, "replace")
    except (LookupError, ValueError, TypeError):
        return data.decode("utf-8", "replace")


def _base64(data: bytes) -> bytes:
    """Lenient base64: characters outside the alphabet are ignored, padding is repaired."""
    letters = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    extra = len(letters) % 4
    if extra == 1:  # one stray character carries no whole byte
        letters = letters[:-1]
    elif extra:
        letters += b"=" * (4 - extra)
    return binascii.a2b_base64(letters)


class _BoundedText(html2text.HTML2Text):
    """html2text that expands at most :data:`MAX_RENDER_NESTING` blockquote/list levels
    (deeper start and end tags are ignored) and counts the characters it has written."""

    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.written = 0
        self._nesting = 0

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        if tag in _NESTING_TAGS:
            if start:
                self._nesting += 1
                if self._nesting > MAX_RENDER_NESTING:
                    return
            elif self._nesting > 0:
                self._nesting -= 1
                if self._nesting >= MAX_RENDER_NESTING:
                    return
        super().handle_tag(tag, attrs, start)

    def outtextf(self, s: str) -> None:
        self.written += len(s)
        super().outtextf(s)


@functools.cache
def _block_start() -> re.Pattern[str]:
    """A ``>`` right before a block-level tag (see :func:`html_to_text`)."""
    from otpbridge.extract.parse.html_prune import BLOCK_TAGS  # noqa: PLC0415 - only HTML-only mails need it

    return re.compile(rf">(?=</?(?:{'|'.join(sorted(BLOCK_TAGS))})[\s/>])", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """``html`` rendered as text (markdown-ish, as html2text writes it), bounded in time, memory
    and length. Never raises: markup that cannot be rendered gives ``""``.

    The markup is pruned first (:func:`extract.parse.html_prune.prune_html`: linear, and it escapes
    the unterminated constructs the stdlib parser rescans to the end for every time). Pruning
    drops the whitespace in front of block tags; a space is put back there, because html2text
    does not separate the blocks inside a table cell ("is:482913Questions?").
    """
    from otpbridge.extract.parse.html_prune import prune_html  # noqa: PLC0415 - only HTML-only mails need it

    try:
        markup = _block_start().sub("> ", prune_html(html, MAX_RENDER_CHARS))
        converter = _BoundedText()
        for at in range(0, len(markup), _FEED_CHUNK):
            converter.feed(markup[at : at + _FEED_CHUNK])
            if converter.written >= MAX_TEXT_CHARS:
                break
        return converter.handle("")[:MAX_TEXT_CHARS]
    except Exception:  # noqa: BLE001 - a renderer failure costs the text, not the listing
        return ""


#: What the worker stores per mail for ``list_emails``: text for agents, HTML cut shorter.
STORED_TEXT_CHARS: Final = 64 * 1024
STORED_HTML_CHARS: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class Rendered:
    """A mail as ``list_emails`` shows it."""

    text: str
    html: str | None


def render(raw: bytes) -> Rendered:
    """The text (the plain part, else the HTML rendered as text) and the HTML of ``raw``, cut to
    what is stored. Never raises."""
    bodies = read_bodies(raw)
    text = bodies.text
    if not (text and text.strip()) and bodies.html:
        text = html_to_text(bodies.html)
    html = bodies.html[:STORED_HTML_CHARS] if bodies.html is not None else None
    return Rendered((text or "")[:STORED_TEXT_CHARS], html)
