"""Keyword spans of one text: where the code words, negative words and shopping cues are.

Built once per scored text so that every candidate looks up its nearest cue by bisection.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from otpbridge.extract.codes.context_words import SHOPPING_CUES
from otpbridge.extract.codes.keywords import (
    BELOW,
    CODE_KEYWORDS,
    CODE_NOUNS,
    NEGATIVE_KEYWORDS,
    PASSWORD_NOUNS,
    STRONG_CODE_KEYWORDS,
    keyword_spans,
)

#: A code noun and the word pointing below it share a clause this short.
_POINTING_REACH = 60
#: …or a word pointing below stands this close before the noun ("the below code").
_POINTING_BEFORE = 25
_CLAUSE_STOP = re.compile(r"[.!?;:。！？\n]")

__all__ = ["Cues", "Spans"]


@dataclass(frozen=True, slots=True)
class Spans:
    """Sorted keyword match spans of one text, for nearest-match look-ups."""

    starts: list[int]
    ends: list[int]
    words: list[str]

    @classmethod
    def of(cls, pattern: re.Pattern[str], text: str) -> Spans:
        starts, ends, words = [], [], []
        for start, end in keyword_spans(pattern, text):
            starts.append(start)
            ends.append(end)
            words.append(text[start:end])
        return cls(starts, ends, words)

    def before(self, pos: int, window: int) -> tuple[int, str] | None:
        """Nearest match ending at or before ``pos`` (distance, word) within ``window``."""
        i = bisect.bisect_right(self.ends, pos) - 1
        if i >= 0 and pos - self.ends[i] <= window:
            return pos - self.ends[i], self.words[i]
        return None

    def words_in(self, lo: int, hi: int) -> list[str]:
        """Words of the matches that start within [lo, hi)."""
        i, j = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        return self.words[i:j]

    def after(self, pos: int, window: int) -> tuple[int, str] | None:
        i = bisect.bisect_left(self.starts, pos)
        if i < len(self.starts) and self.starts[i] - pos <= window:
            return self.starts[i] - pos, self.words[i]
        return None


def _with_pointing(strong: Spans, nouns: Spans, text: str) -> Spans:
    """``strong`` with each code noun that a word pointing below follows in its clause ("use
    the code you will find below", "kodu znajdującego się poniżej") or just precedes ("the
    below code", "el siguiente código"): the whole stretch is a strong code word, merged with
    any strong match it overlaps."""
    extra: list[tuple[int, int]] = []
    for start, end in zip(nouns.starts, nouns.ends, strict=True):
        if PASSWORD_NOUNS.match(text, start):
            continue
        stop = _CLAUSE_STOP.search(text, end, end + _POINTING_REACH)
        below = BELOW.search(text, end, stop.start() if stop else end + _POINTING_REACH)
        if below is not None:
            extra.append((start, below.end()))
            continue
        lo = max(0, start - _POINTING_BEFORE)
        before = [
            m
            for m in BELOW.finditer(text, lo, start)
            if not _CLAUSE_STOP.search(text, m.end(), start)
        ]
        if before:
            extra.append((before[-1].start(), end))
    if not extra:
        return strong
    merged: list[list[int]] = []
    for start, end in sorted([*zip(strong.starts, strong.ends, strict=True), *extra]):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return Spans([s for s, _ in merged], [e for _, e in merged], [text[s:e] for s, e in merged])


class Cues:
    """Keyword spans of one text, by what they announce, each found when first asked for:
    a text without code-shaped tokens needs only the strong code words."""

    __slots__ = ("_spans", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: dict[str, Spans] = {}

    def _of(self, name: str, pattern: re.Pattern[str]) -> Spans:
        spans = self._spans.get(name)
        if spans is None:
            spans = self._spans[name] = Spans.of(pattern, self.text)
        return spans

    @property
    def strong(self) -> Spans:
        spans = self._spans.get("strong")
        if spans is None:
            spans = self._spans["strong"] = _with_pointing(
                Spans.of(STRONG_CODE_KEYWORDS, self.text), self.nouns, self.text
            )
        return spans

    @property
    def weak(self) -> Spans:
        return self._of("weak", CODE_KEYWORDS)

    @property
    def negative(self) -> Spans:
        return self._of("negative", NEGATIVE_KEYWORDS)

    @property
    def nouns(self) -> Spans:
        return self._of("nouns", CODE_NOUNS)

    def shopping_after(self, end: int, window: int) -> tuple[int, str] | None:
        """Nearest shopping word starting within ``window`` after ``end`` (distance, word)."""
        m = SHOPPING_CUES.search(self.text, end, end + window)
        return (m.start() - end, m.group(0)) if m is not None else None
