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


def mask(text: str) -> str:
    """Blank out URLs, e-mail addresses and CSS colours, keeping offsets."""
    return _URLISH.sub(lambda m: " " * len(m.group(0)), text)


def code_tokens(text: str) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """(start, end, (value, display)) of every code-shaped token of a masked text; a grouped
    token wins over the plain tokens that start where it starts."""
    seen: set[int] = set()
    for pattern in (_GROUPED, _TOKEN):
        for m in pattern.finditer(text):
            if m.start() in seen:
                continue
            token = m.group(1)
            if pattern is _GROUPED:
                value = "".join(token.replace("-", " ").split())
                if not 4 <= len(value) <= 10:
                    continue
                parsed: tuple[str, str] | None = (value, token)
            else:
                parsed = value_of(token)
            if parsed is None:
                continue
            seen.add(m.start())
            yield m.start(), m.end(), parsed
