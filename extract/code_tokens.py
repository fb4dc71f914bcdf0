"""Where the code-shaped tokens of a text are: plain tokens ("482913", "K7P-2QM") and
grouped ones ("482 913", "4 8 2 9 1 3"), with URLs, addresses and colours blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.code_shapes import value_of

__all__ = ["code_tokens", "mask"]

_ASCII_WORD = "A-Za-z0-9_"
# The address alternative starts only where a word starts: tried inside a long run of word
# characters it would rescan the rest of the run at every position (quadratic).
_URLISH = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|#[0-9a-fA-F]{3,8}(?![0-9A-Za-z])",
)
_TOKEN = re.compile(
    rf"(?<![{_ASCII_WORD}@#$€£¥₹%&=/\\+.\-'’])(?<!\d:)"
    # Words of letters with any lower case are never codes: skip them inside the engine.
    r"(?![A-Za-z]*[a-z][A-Za-z]*(?![A-Za-z0-9-]))"
    r"([A-Za-z0-9]+(?:-[A-Za-z0-9]+){1,2}|[A-Za-z0-9]{4,})"
    rf"(?![{_ASCII_WORD}@/%]|[.:\-'’][{_ASCII_WORD}]|,(?!\d{{1,3}}[^\x00-\x7f\s])[{_ASCII_WORD}])"
)
_GROUPED = re.compile(
    rf"(?<![{_ASCII_WORD}$€£¥₹#@+.,/\-])(?<!\d:)"
    r"(\d{2,4}(?:[ -]\d{2,4}){1,3}|(?:[A-Z0-9] ){3,9}[A-Z0-9])"
    rf"(?![{_ASCII_WORD}%/]|[.,:\-][0-9])"
)
# Scanned on their own so that a rejected match ("PIN 4141") hides no digit group.
_OTHER_GROUPS = (
    # "A7R 2KQ", "K7 Q2 9M": capitals and digits in groups of three or four, or of two.
    re.compile(
        rf"(?<![{_ASCII_WORD}$€£¥₹#@+.,/\-])([A-Z0-9]{{3,4}}(?: [A-Z0-9]{{3,4}}){{1,2}}"
        r"|[A-Z0-9]{2}(?: [A-Z0-9]{2}){2,4})"
        rf"(?![{_ASCII_WORD}%/]|[.,:\-][0-9])"
    ),
    # One character per line: a code drawn as a column of boxes, one block element each.
    re.compile(r"(?<![^\n])((?:[A-Z0-9][ \t]*\n(?:[ \t]*\n)?){3,9}[A-Z0-9])(?=[ \t]*(?:\n|$))"),
)
# Postcodes look like capital groups: "SW1A 1AA" (UK; its last two letters are never
# C I K M O V), "K1A 0B1" (Canada).
_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}|[A-Z]\d[A-Z] \d[A-Z]\d")
_MIXED = re.compile(r"(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]+")


def _grouped(token: str) -> tuple[str, str] | None:
    """(value, display) of a grouped token; groups of capitals need one group mixing
    letters and digits ("A7R 2KQ", not "PIN 4821")."""
    groups = token.replace("-", " ").split()
    value = "".join(groups)
    if not 4 <= len(value) <= 10:
        return None
    if "\n" in token:
        return value, " ".join(groups)
    capitals = len(groups) > 1 and len(groups[0]) > 1 and not value.isdigit()
    if capitals and (_POSTCODE.fullmatch(token) or not any(_MIXED.fullmatch(g) for g in groups)):
        return None
    return value, token


def mask(text: str) -> str:
    """Blank out URLs, e-mail addresses and CSS colours, keeping offsets."""
    return _URLISH.sub(lambda m: " " * len(m.group(0)), text)


def code_tokens(text: str) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """(start, end, (value, display)) of every code-shaped token of a masked text; a grouped
    token wins over the plain tokens that start where it starts."""
    seen: set[int] = set()
    for pattern in (_GROUPED, *_OTHER_GROUPS, _TOKEN):
        for m in pattern.finditer(text):
            if m.start() in seen:
                continue
            token = m.group(1)
            parsed = value_of(token) if pattern is _TOKEN else _grouped(token)
            if parsed is None:
                continue
            seen.add(m.start())
            yield m.start(), m.end(), parsed
