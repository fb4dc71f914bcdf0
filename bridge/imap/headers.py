"""Reading the few header fields the bridge needs, in linear time and with hard size limits.

Everything here runs on text a stranger wrote, before any Redis transaction. The stdlib helpers
are not safe for that: ``email.utils.getaddresses``/``parseaddr`` recurse once per RFC 5322
group (``a: a: a: …`` raises ``RecursionError``) and ``email.header.decode_header`` is quadratic
in the number of encoded words. So the bridge reads a bounded prefix of each value, finds
addresses with non-backtracking patterns, and decodes RFC 2047 words with the extractor's
bounded decoder (:mod:`otpbridge.extract.parse.rfc2047`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from email.utils import formataddr
from typing import Final

from otpbridge.extract.parse.rfc2047 import decode_header_value

__all__ = [
    "MAX_HEADER_CHARS",
    "MAX_HEADER_VALUES",
    "Mailbox",
    "addresses",
    "decode_words",
    "header_values",
    "parse_mailbox",
]

#: Characters of one header value that are read at all; routing headers of honest mail (even a
#: large Cc list) stay far below this.
MAX_HEADER_CHARS: Final = 64 * 1024
#: Occurrences of one header name that are read.
MAX_HEADER_VALUES: Final = 64
#: Decoded text kept for display (subject, sender name).
_DISPLAY_CHARS: Final = 500

_QUOTED: Final = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_COMMENT: Final = re.compile(r"\([^()]*\)")
_ADDR_SPEC: Final = re.compile(r"[^\s<>(),;:\"\[\]\\@]{1,256}@[^\s<>(),;:\"\[\]\\@]{1,256}")
_ANGLE: Final = re.compile(r"<\s*([^<>\s@]{1,256}@[^<>\s@]{1,256})\s*>")


def header_values(headers: Message, name: str) -> list[str]:
    """Up to ``MAX_HEADER_VALUES`` occurrences of ``name``, each cut to ``MAX_HEADER_CHARS``."""
    values = headers.get_all(name) or []
    return [str(v)[:MAX_HEADER_CHARS] for v in values[:MAX_HEADER_VALUES]]


def _unquoted(value: str) -> str:
    """``value`` with quoted strings and (one level of) comments blanked out: what is left can
    only hold addresses, never a display name that looks like one."""
    return _COMMENT.sub(" ", _QUOTED.sub(" ", value))


def addresses(values: Iterable[str]) -> Iterator[str]:
    """Every addr-spec in ``values`` (recipient header values), lower-cased, in order.

    Groups, display names and comments are skipped; malformed text yields fewer addresses,
    never an error.
    """
    for value in values:
        for match in _ADDR_SPEC.finditer(_unquoted(value[:MAX_HEADER_CHARS])):
            yield match.group(0).lower()


def decode_words(value: str, limit: int = _DISPLAY_CHARS) -> str:
    """RFC 2047 decoding of the start of ``value`` (the extractor's bounded, linear decoder),
    whitespace collapsed, at most ``limit`` characters."""
    return " ".join(decode_header_value(value).split())[:limit]


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A From header read for checks and display: ``address`` is empty unless the header names
    exactly one address (a sender that cannot be pinned down is nobody's allowed sender)."""

    address: str
    name: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def display(self) -> str:
        """``"Name" <address>`` quoted so that any address parser finds ``address`` (an
        encoded name like ``noreply@github.com`` stays inside the quotes)."""
        if not self.address:
            return self.name
        return formataddr((self.name, self.address)) if self.name else self.address


def parse_mailbox(value: str) -> Mailbox:
    """The one sender address of a From header value, and its decoded display name."""
    text = value[:MAX_HEADER_CHARS]
    bare = _unquoted(text)
    found = {m.group(1).lower() for m in _ANGLE.finditer(bare)}
    if not found:
        found = {m.group(0).lower() for m in _ADDR_SPEC.finditer(bare)}
    address = found.pop() if len(found) == 1 else ""
    name = ""
    if address:
        angle = text.find("<")
        name = text[:angle] if angle > 0 else ""
    name = decode_words(name).strip().strip('"').strip()
    return Mailbox(address=address, name=name)
