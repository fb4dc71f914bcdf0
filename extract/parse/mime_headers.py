"""One header section of a mail or MIME part, read in bounded work, and its parameters.

Only the headers extraction reads are kept (first occurrence, as ``Message.get`` answers);
the rest are skipped without being decoded. Reading stops after :data:`MAX_HEADER_LINES`
lines: the remainder of an absurd header section is skipped to its blank line in one search.
The rules follow the stdlib feed parser (a line that is neither a header nor a continuation
ends the section and starts the body), except that a header name may hold any non-blank
byte: a NUL or 8-bit byte in one name must not turn the headers after it into body text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

__all__ = [
    "MAX_HEADER_LINES",
    "HeaderBlock",
    "next_line",
    "param",
    "params_present",
    "read_headers",
    "split_value",
]

#: Header lines read per section (real mail: 10-80; DKIM/ARC-heavy ones a few hundred).
MAX_HEADER_LINES = 1_000
#: Characters of one kept header value (folded lines included); the rest is dropped.
MAX_VALUE_CHARS = 16_384
#: Characters of a Content-* value parsed into parameters.
MAX_PARAM_CHARS = 4_096

_MAX_JUNK_LINES = 4
_HEADER = re.compile(rb"([^\s:]+)[ \t]*:")
# A line ending, as the feed parser counts them: CRLF, a lone CR or a lone LF.
_EOL = re.compile(rb"\r\n|\r|\n")
_BLANK_LINE = re.compile(rb"(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))")


@dataclass(slots=True)
class HeaderBlock:
    values: dict[str, str]  # lower-case name -> first value (raw, 8-bit bytes as UTF-8)
    lines: int = 0  # header lines seen, kept or not

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def next_line(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    """(end of the line's content, start of the next line) for the line at ``pos``."""
    m = _EOL.search(buf, pos, end)
    return (m.start(), m.end()) if m else (end, end)


def _first_header(buf: bytes, start: int, end: int) -> int:
    """Where a mail's header section starts: at ``start``, unless its first lines are blank
    or mangled ("Fro" / " m: Accounts <…>") and a header line follows within a few lines.
    Without this one damaged line would make the whole mail a headerless body."""
    pos = start
    for _ in range(_MAX_JUNK_LINES + 1):
        if pos >= end or _HEADER.match(buf, pos, end):
            return pos
        pos = next_line(buf, pos, end)[1]
    return start


def _text(raw: bytes) -> str:
    return raw[:MAX_VALUE_CHARS].decode("utf-8", "replace")


class _Kept:
    """The wanted headers' values, gathered line by line (continuation lines folded)."""

    __slots__ = ("current", "kept", "parts", "values")

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.current: str | None = None  # the kept header whose continuation lines follow
        self.parts: list[bytes] = []
        self.kept = 0  # characters in parts

    def fold(self, line: bytes) -> None:
        if self.current is not None and self.kept < MAX_VALUE_CHARS:
            self.parts.append(line)
            self.kept += len(line)

    def close(self) -> None:
        if self.current is not None:
            self.values[self.current] = _text(b"".join(self.parts))
            self.current = None

    def open(self, name: str, first: bytes, wanted: Collection[str]) -> None:
        if name in wanted and name not in self.values:
            self.current = name
            self.parts = [first]
            self.kept = len(first)


def _skip_to_blank(buf: bytes, pos: int, start: int, end: int) -> int:
    """Past the blank line that ends the headers (the line budget is spent)."""
    m = _BLANK_LINE.search(buf, pos - 1 if pos > start else pos, end)
    return m.end() if m else end


def read_headers(
    buf: bytes,
    start: int,
    end: int,
    wanted: Collection[str],
    stop: Callable[[bytes], bool] | None = None,
) -> tuple[HeaderBlock, int]:
    """The ``wanted`` headers of the section at ``buf[start:end]`` and where its body starts.
    ``stop(line)`` is asked about lines starting with ``--``: a MIME boundary ends a part's
    headers even when it looks like one."""
    kept = _Kept()
    seen = 0
    pos = start if stop is not None else _first_header(buf, start, end)
    for count in range(MAX_HEADER_LINES + 1):
        if pos >= end:
            break
        if count == MAX_HEADER_LINES:  # budget spent: skip to the blank line
            pos = _skip_to_blank(buf, pos, start, end)
            break
        line_end, after = next_line(buf, pos, end)
        line = buf[pos:line_end]
        if not line or line[0] in b" \t":
            pos = after
            if not line:
                break  # the blank line: the body starts after it
            kept.fold(line)
            continue
        kept.close()
        if count == 0 and line.startswith(b"From "):  # mbox envelope line
            pos = after
            continue
        m = _HEADER.match(line)
        if m is None or (stop is not None and line.startswith(b"--") and stop(line)):
            break  # not a header: the body starts on this very line
        seen += 1
        kept.open(
            m.group(1).decode("ascii", "replace").lower(), line[m.end() :].lstrip(b" \t"), wanted
        )
        pos = after
    kept.close()
    return HeaderBlock(kept.values, seen), pos


def split_value(value: str) -> tuple[str, list[tuple[str, str]]]:
    """``'text/html; charset="utf-8"'`` → ``('text/html', [('charset', 'utf-8')])``: the
    value before the first ``;`` and the parameters, in one pass (the stdlib's is quadratic
    in the number of quotes)."""
    value = value[:MAX_PARAM_CHARS]
    pieces: list[str] = []
    chunk: list[str] = []
    quoted = escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            pieces.append("".join(chunk))
            chunk = []
            continue
        chunk.append(ch)
    pieces.append("".join(chunk))
    params = []
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        if eq:
            params.append((key.strip().lower(), _unquote(val.strip())))
    return pieces[0].strip(), params


def _unquote(val: str) -> str:
    if len(val) > 1 and val[0] == val[-1] == '"':
        return val[1:-1].replace("\\\\", "\\").replace('\\"', '"')
    if len(val) > 1 and val[0] == "<" and val[-1] == ">":
        return val[1:-1]
    return val


def param(params: list[tuple[str, str]], name: str) -> str | None:
    """The first value of parameter ``name``."""
    return next((v for k, v in params if k == name), None)


def params_present(params: list[tuple[str, str]], name: str) -> bool:
    """Whether ``name`` has a non-blank value, plain or RFC 2231 (``name*``, ``name*0*``)."""
    return any((k == name or k.startswith(name + "*")) and v.strip() for k, v in params)
