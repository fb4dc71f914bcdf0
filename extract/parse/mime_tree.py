"""The MIME structure of a mail in one bounded forward pass: the list of its leaf parts.

The stdlib parser recurses once per multipart level (1,000 levels raise RecursionError),
builds a Message per part (100,000 parts take seconds) and copies every line. This walk keeps
offsets into the raw bytes and follows the feed parser's rules: a part ends at the next line
that is a boundary of any enclosing multipart, the line break before a boundary belongs to
it, a multipart whose first boundary never shows is one part holding its preamble, text
after the closing boundary is epilogue. Work is bounded by counts, never by time: nesting
stops at :data:`MAX_DEPTH`, parts at :data:`MAX_PARTS`, and only the first
:data:`MAX_BOUNDARY_LINES` lines starting with ``--`` are looked at as boundaries (the rest
is text of the part they are in).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass

from otpbridge.extract.parse.mime_headers import (
    HeaderBlock,
    next_line,
    param,
    params_present,
    read_headers,
    split_value,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_PARTS",
    "Leaf",
    "content_type",
    "disposition",
    "has_filename",
    "walk_leaves",
]

#: Multipart/message nesting followed; a deeper container stays one unsplit part.
MAX_DEPTH = 24
#: Parts recorded (real mail: 1-30; a few hundred for image-heavy newsletters).
MAX_PARTS = 1_000
#: Lines starting with "--" examined as possible boundaries.
MAX_BOUNDARY_LINES = 50_000
#: Raw bytes parsed: the bridge refuses mail over 10 MiB by default.
MAX_RAW_BYTES = 16 * 1024 * 1024

MIME_HEADERS = frozenset(
    ("content-type", "content-transfer-encoding", "content-disposition", "content-id")
)
# Lines starting with "--", after an LF or a lone CR: two literal searches (fast in the
# regex engine) instead of a look-behind tried at every byte (0.2 s per 10 MB).
_LF_DASH = re.compile(rb"\n--([^\r\n]*)")
_CR_DASH = re.compile(rb"\r--([^\r\n]*)")
_EOL_BEFORE = (b"\r\n", b"\r", b"\n")
_MAX_BOUNDARY_LEN = 256  # RFC 2046 allows 70; a longer "--" line is text


def _dash_lines(raw: bytes, end: int) -> Iterator[tuple[int, int, bytes]]:
    """(line start, end of its content, text after "--") of each line starting with "--"."""
    if raw.startswith(b"--"):
        content_end = next_line(raw, 0, end)[0]
        yield 0, content_end, raw[2:content_end]
    yield from heapq.merge(
        ((m.start() + 1, m.end(), m.group(1)) for m in _LF_DASH.finditer(raw, 0, end)),
        ((m.start() + 1, m.end(), m.group(1)) for m in _CR_DASH.finditer(raw, 0, end)),
    )


@dataclass(frozen=True, slots=True)
class Leaf:
    headers: HeaderBlock
    ctype: str  # lower-case "type/subtype", defaulted as the stdlib does
    start: int  # body offsets in the raw bytes
    end: int
    in_attachment: bool  # below a container that is an attachment (RFC 2183 2.9)
    unsplit: bool  # a multipart whose boundary never showed: its body is its preamble


@dataclass(frozen=True, slots=True)
class _Boundary:
    start: int  # of the line
    after: int  # start of the next line
    token: str  # the boundary it names
    close: bool


def content_type(headers: HeaderBlock, default: str) -> tuple[str, list[tuple[str, str]]]:
    value = headers.get("content-type")
    if value is None:
        return default, []
    ctype, params = split_value(value)
    ctype = ctype.lower()
    return (ctype if ctype.count("/") == 1 else "text/plain"), params


def disposition(headers: HeaderBlock) -> tuple[str, list[tuple[str, str]]]:
    """The Content-Disposition (lower case, '' when absent) and its parameters."""
    value, params = split_value(headers.get("content-disposition") or "")
    return value.lower(), params


def has_filename(headers: HeaderBlock, ctype_params: list[tuple[str, str]]) -> bool:
    """What ``Message.get_filename()`` being non-blank means: a disposition filename, or
    else a Content-Type name."""
    return params_present(disposition(headers)[1], "filename") or params_present(
        ctype_params, "name"
    )


def _blocks_inline(headers: HeaderBlock, params: list[tuple[str, str]]) -> bool:
    """Whether a container's disposition makes its children attachments too (RFC 2183 2.9:
    the disposition applies to the whole container)."""
    kind = disposition(headers)[0]
    if kind == "inline":
        return False
    return bool(kind) or has_filename(headers, params)


class _Walker:
    def __init__(self, raw: bytes, top_headers: frozenset[str]) -> None:
        self.raw = raw
        self.top_wanted = MIME_HEADERS | top_headers
        self.top = HeaderBlock({})
        self.end = min(len(raw), MAX_RAW_BYTES)
        self.lines = _dash_lines(raw, self.end)
        self.seen_lines = 0
        self.peeked: _Boundary | None = None
        self.active: dict[str, int] = {}  # boundary -> depth of the multipart that owns it
        self.leaves: list[Leaf] = []
        self.parts = 0

    def _match(self, token: bytes) -> tuple[str, bool] | None:
        if len(token) > _MAX_BOUNDARY_LEN:
            return None
        text = token.decode("utf-8", "replace").rstrip(" \t")
        if text in self.active:
            return text, False
        if text.endswith("--") and text[:-2] in self.active:
            return text[:-2], True
        return None

    def is_boundary(self, line: bytes) -> bool:
        return self._match(line[2:]) is not None

    def peek(self, pos: int) -> _Boundary | None:
        """The next line at or after ``pos`` that is a boundary of an open multipart. Lines
        passed over are never looked at again: the open set only changes at boundaries."""
        seen = self.peeked
        if seen is not None and seen.start >= pos and seen.token in self.active:
            return seen
        self.peeked = None
        while self.seen_lines < MAX_BOUNDARY_LINES:
            line = next(self.lines, None)
            if line is None:
                self.seen_lines = MAX_BOUNDARY_LINES
                break
            self.seen_lines += 1
            start, content_end, token = line
            if start < pos:
                continue
            hit = self._match(token)
            if hit is not None:
                after = content_end
                after += 2 if self.raw.startswith(b"\r\n", after) else 1 if after < self.end else 0
                self.peeked = _Boundary(start, after, hit[0], hit[1])
                return self.peeked
        return None

    def take(self) -> None:
        self.peeked = None

    def body_end(self, start: int, boundary: _Boundary | None) -> int:
        if boundary is None:
            return self.end
        stop = boundary.start
        for eol in _EOL_BEFORE:  # the line break before a boundary belongs to the boundary
            if stop - len(eol) >= start and self.raw.startswith(eol, stop - len(eol)):
                return stop - len(eol)
        return stop

    def entity(self, start: int, depth: int, default: str, in_attachment: bool) -> None:
        if self.parts >= MAX_PARTS:
            return
        self.parts += 1
        wanted = self.top_wanted if depth == 0 else MIME_HEADERS
        stop = None if depth == 0 else self.is_boundary  # no boundary is open at the top
        headers, body = read_headers(self.raw, start, self.end, wanted, stop)
        if depth == 0:
            self.top = headers
        ctype, params = content_type(headers, default)
        nested = depth < MAX_DEPTH
        boundary = param(params, "boundary") if ctype.startswith("multipart/") else None
        if boundary is not None and boundary.rstrip() and nested:
            self._multipart(headers, ctype, params, body, depth, in_attachment)
            return
        if ctype == "message/rfc822" and nested:
            below = in_attachment or _blocks_inline(headers, params)
            self.entity(body, depth + 1, "text/plain", below)
            return
        # A multipart too deep to follow (or without a boundary) stays one part: read as
        # text only when the mail has no readable text part at all.
        end = self.body_end(body, self.peek(body))
        unsplit = ctype.startswith("multipart/")
        self.leaves.append(Leaf(headers, ctype, body, end, in_attachment, unsplit))

    def _multipart(
        self,
        headers: HeaderBlock,
        ctype: str,
        params: list[tuple[str, str]],
        body: int,
        depth: int,
        in_attachment: bool,
    ) -> None:
        token = (param(params, "boundary") or "").rstrip()
        shadowed = self.active.get(token)
        self.active[token] = depth
        try:
            first = self.peek(body)
            if first is None or self.active.get(first.token) != depth or first.close:
                # The first boundary never shows: the feed parser keeps the preamble as the
                # payload of a non-multipart part.
                self.leaves.append(
                    Leaf(headers, ctype, body, self.body_end(body, first), in_attachment, True)
                )
                return
            below = in_attachment or _blocks_inline(headers, params)
            child_default = "message/rfc822" if ctype == "multipart/digest" else "text/plain"
            mark: _Boundary | None = first
            while mark is not None and self.active.get(mark.token) == depth and not mark.close:
                self.take()
                self.entity(mark.after, depth + 1, child_default, below)
                mark = self.peek(mark.after)
            if mark is not None and self.active.get(mark.token) == depth:
                self.take()  # our closing boundary; what follows is epilogue
        finally:
            if shadowed is None:
                del self.active[token]
            else:
                self.active[token] = shadowed


def walk_leaves(raw: bytes, top_headers: frozenset[str]) -> tuple[HeaderBlock, list[Leaf]]:
    """The top-level headers named in ``top_headers`` (plus the MIME ones) and the leaf parts
    of ``raw`` in document order (what ``Message.walk`` yields, minus the containers)."""
    walker = _Walker(raw, top_headers)
    walker.entity(0, 0, "text/plain", False)
    return walker.top, walker.leaves
