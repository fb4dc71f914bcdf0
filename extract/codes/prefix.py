"""A code's letter prefix: part of the code when the mail says to type it.

Some services put their initials before the digits. An origin prefix ("G-482913 is your
code") tells the reader who sent it and is not typed: the code is ``482913``, shown as
``G-482913`` (``value_of`` strips it). When the mail says to type the letters too ("enter it
including the letters: NW-44970", "Geben Sie den Code inklusive der Buchstaben ein"), the
prefix belongs to the code: ``NW44970``, as it does when a link of the mail carries the
letters with the digits ("SM-46043" shown, "…?token=SM-46043" linked). The phrases are data,
per language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from otpbridge.extract.lang.patterns import table_pattern

__all__ = ["typed_prefix"]

_CUES = table_pattern("code", "type_the_letters")
#: How far from the token the instruction may stand (its sentence, or the line above/below).
_WINDOW = 160
# "NW-44970" read by value_of as 44970 with display "NW-44970".
_STRIPPED = re.compile(r"([A-Z]{1,2})[-–]\d+")
# "MN 83920": the letters stand apart, before the digits the token scan found.
_APART = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2})[ -]$")


def typed_prefix(
    text: str,
    start: int,
    end: int,
    value: str,
    display: str,
    linked: Callable[[], Container[str]] = frozenset,
) -> tuple[str, str]:
    """(value, display) of the token at [start, end), with its letter prefix when the mail
    says to type it or a link carries it with the letters (``linked`` gives the parts of the
    mail's links, read only for a prefixed token); unchanged otherwise."""
    if not value.isdigit():
        return value, display
    m = _STRIPPED.fullmatch(display)
    if m is not None:
        prefix, shown = m.group(1), display
    else:
        apart = _APART.search(text, max(0, start - 3), start)
        if apart is None:
            return value, display
        prefix, shown = apart.group(1), text[apart.start() : start] + display
    parts = linked()
    carried = shown in parts or prefix + value in parts
    if (
        not carried
        and _CUES.search(text, max(0, start - _WINDOW), min(len(text), end + _WINDOW)) is None
    ):
        return value, display
    return prefix + value, shown
