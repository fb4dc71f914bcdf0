"""The code-word patterns of code scoring, compiled from the ``[code]`` tables of every
language file (:mod:`otpbridge.extract.lang`): words that announce a one-time code, and words
that claim a number for something else (order, tracking, promo…)."""

from __future__ import annotations

from otpbridge.extract.lang import by_language
from otpbridge.extract.lang.patterns import compile_words, keyword_spans, table_pattern

__all__ = [
    "BELOW",
    "CODE_KEYWORDS",
    "CODE_NOUNS",
    "NEGATIVE_KEYWORDS",
    "PASSWORD_NOUNS",
    "STRONG_CODE_KEYWORDS",
    "keyword_spans",
]

_WEAK = by_language("code", "weak")

STRONG_CODE_KEYWORDS = table_pattern("code", "strong")
#: Strong and weak words; a language's weak words count where it has strong ones too.
CODE_KEYWORDS = compile_words(
    w
    for lang, strong in by_language("code", "strong").items()
    for w in strong + _WEAK.get(lang, ())
)
NEGATIVE_KEYWORDS = table_pattern("code", "claims")
CODE_NOUNS = table_pattern("code", "nouns")
#: Words pointing down at the code ("below", "following", "unten", "ниже").
BELOW = table_pattern("code", "below")
#: A password below is a password, not a one-time code.
PASSWORD_NOUNS = table_pattern("link", "password")
