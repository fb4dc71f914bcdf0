"""A code's letter prefix: part of the code when the mail says to type it.

Some services put their initials before the digits. An origin prefix ("G-482913 is your
code") tells the reader who sent it and is not typed: the code is ``482913``, shown as
``G-482913`` (``value_of`` strips it). When the mail says to type the letters too ("enter it
including the letters: NW-44970", "Geben Sie den Code inklusive der Buchstaben ein"), the
prefix belongs to the code: ``NW44970``. The phrases are data, per language.
"""

from __future__ import annotations

import re

from otpbridge.extract.keywords import compile_table

__all__ = ["typed_prefix"]

_TYPE_THE_LETTERS: dict[str, str] = {
    "en": "including the letters|letters included|with the letters|the letters too|"
    "including the prefix|prefix included|with the prefix|the prefix too|"
    "including the letter|with its letters|letters and numbers as shown",
    "de": "inklusive der buchstaben|einschließlich der buchstaben|mit den buchstaben|"
    "samt buchstaben|buchstaben inklusive|inklusive präfix|mit präfix|mit dem präfix",
    "fr": "lettres comprises|y compris les lettres|avec les lettres|préfixe compris|"
    "avec le préfixe",
    "es": "incluyendo las letras|con las letras|letras incluidas|incluido el prefijo|"
    "con el prefijo",
    "pt": "incluindo as letras|com as letras|letras incluídas|com o prefixo",
    "it": "incluse le lettere|comprese le lettere|con le lettere|con il prefisso",
    "nl": "inclusief de letters|met de letters|inclusief het voorvoegsel",
    "pl": "razem z literami|włącznie z literami|z literami",
    "sv": "inklusive bokstäverna|med bokstäverna",
}
_CUES = compile_table(_TYPE_THE_LETTERS)
#: How far from the token the instruction may stand (its sentence, or the line above/below).
_WINDOW = 160
# "NW-44970" read by value_of as 44970 with display "NW-44970".
_STRIPPED = re.compile(r"([A-Z]{1,2})[-–]\d+")
# "MN 83920": the letters stand apart, before the digits the token scan found.
_APART = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2})[ -]$")


def typed_prefix(text: str, start: int, end: int, value: str, display: str) -> tuple[str, str]:
    """(value, display) of the token at [start, end), with its letter prefix when the mail
    says to type it; unchanged otherwise."""
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
    if _CUES.search(text, max(0, start - _WINDOW), min(len(text), end + _WINDOW)) is None:
        return value, display
    return prefix + value, shown
