"""How long a code or link stays valid, read from the mail text: ``expires_in_s``.

A duration ("10 minutes", "1 Stunde", "15分钟", "유효시간 5분", "ساعة واحدة") — its unit, number
and fused words come from the ``[expiry]`` tables of the language files — counts only when
an expiry cue sits in the same sentence: a validity word ("valid", "expires", "gültig",
"有效", "유효", "صالح", "בתוקף", ...) or a "within" word ("within", "innerhalb", "以内",
"خلال", "תוך", ...). Validity words win over "within" words; among equals the first
duration in the text wins (the code's own expiry comes before footers such as "we reply
within 24 hours"). The cue tables of all languages are matched at once, as in
:mod:`extract.links.cues`, because templates mix languages.
"""

from __future__ import annotations

import re

from otpbridge.extract.lang import words
from otpbridge.extract.lang.patterns import alternation

__all__ = ["find_expiry"]

_MAX_SECONDS = 31 * 86400
_BEFORE_WINDOW = 90
_AFTER_WINDOW = 30
# The validity sentence sits next to the code or button, near the top; long newsletters
# and pasted logs further down would only cost time and invite unrelated durations.
_MAX_TEXT = 20_000


def _values(table: str) -> dict[str, int]:
    """``word=number`` entries of an ``[expiry]`` table of every language file."""
    out: dict[str, int] = {}
    for entry in words("expiry", table):
        word, _, value = entry.rpartition("=")
        if not (word and value.isdigit()):
            # A typo in a language file must not silently drop a duration word.
            raise ValueError(f"[expiry] {table}: {entry!r} is not a word=number entry")
        out[word.lower()] = int(value)
    return out


def _unit_alternation(entries: list[str]) -> str:
    """Longest first; an entry ending in ``*`` is a stem (its inflections follow)."""
    alts = sorted(entries, key=len, reverse=True)
    return "|".join(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in alts)


# The unit words ("minutes", "Stunden", "分钟", "минут*") by their length in seconds.
_UNIT_WORDS = _values("units")
_UNIT_SECONDS = tuple(sorted(set(_UNIT_WORDS.values())))
# Words that stand for a count and a unit at once (Arabic and Hebrew duals, "half an hour").
_FUSED = _values("fused")
_NUMBER_WORDS = _values("numbers")
# A unit word with no count right after a cue means one of it ("в течение часа",
# "صالحة لمدة ساعة واحدة"; "valid for one hour" is covered by the number words).
_BARE_UNITS = _values("bare_units")
# The cue words: the ``[expiry]`` tables of the language files (substrings, as stems).
_STRONG = re.compile(alternation("expiry", "valid"), re.IGNORECASE)
_WEAK = re.compile(alternation("expiry", "within"), re.IGNORECASE)
_UNIT_ALT = "|".join(
    f"(?P<u{seconds}>{_unit_alternation([w for w, v in _UNIT_WORDS.items() if v == seconds])})"
    for seconds in _UNIT_SECONDS
)
_WORD_ALT = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# A count must not continue a date, time or decimal ("10:15", "2025年6月1日", "1.5.2025").
_DURATION = re.compile(
    r"(?:(?<![A-Za-zÀ-ÿА-яЁё\d_:/.,年月時点點])(?<!\d-)(?P<num>\d{1,4})|(?<!\w)(?P<word>"
    + _WORD_ALT
    + r")(?=[\s-]))"
    r"\s*-?\s*(?:" + _UNIT_ALT + r")(?![a-zà-ÿа-яё\d])",
    re.IGNORECASE,
)
_FUSED_RE = re.compile(
    "|".join(sorted((re.escape(w) for w in _FUSED), key=len, reverse=True)), re.IGNORECASE
)
_BARE_UNIT = re.compile(
    r"(?<!\w)(?:"
    + "|".join(sorted((re.escape(w) for w in _BARE_UNITS), key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？\n](?:\s|$)|[。！？\n]")
_CONNECTOR = re.compile(r"^\s*(?:,|and|und|et|y|e|en|i|и|ve|و|ו)?\s*$", re.IGNORECASE)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def find_expiry(text: str, language: str | None = None) -> int | None:
    """Seconds until the code/link expires as the mail states it, or None if it doesn't.

    ``language`` is accepted for callers that know it; the cue tables of all languages are
    matched regardless (templates mix languages), so it does not change the result.
    """
    del language
    if not text:
        return None
    text = text[:_MAX_TEXT].translate(_ARABIC_DIGITS)
    found: list[tuple[int, int, int]] = []  # (cue rank, position, seconds)
    for start, end, seconds in _durations(text):
        rank = _cue_rank(text, start, end)
        if rank is not None and 0 < seconds <= _MAX_SECONDS:
            found.append((rank, start, seconds))
    if not found:
        return None
    return min(found)[2]


def _durations(text: str) -> list[tuple[int, int, int]]:
    spans: list[tuple[int, int, int]] = []
    for match in _DURATION.finditer(text):
        count = int(match.group("num")) if match.group("num") else _word_value(match)
        spans.append((match.start(), match.end(), count * _unit_seconds(match)))
    for match in _FUSED_RE.finditer(text):
        spans.append((match.start(), match.end(), _FUSED[match.group(0).lower()]))
    for match in _BARE_UNIT.finditer(text):
        before = text[max(0, match.start() - 16) : match.start()]
        if _WEAK.search(before) or _STRONG.search(before):
            spans.append((match.start(), match.end(), _BARE_UNITS[match.group(0).lower()]))
    spans = _drop_overlaps(sorted(spans))
    return _join_compounds(text, spans)


def _word_value(match: re.Match[str]) -> int:
    return _NUMBER_WORDS.get(match.group("word").lower(), 0)


def _unit_seconds(match: re.Match[str]) -> int:
    for seconds in _UNIT_SECONDS:
        if match.group(f"u{seconds}"):
            return seconds
    return 0


def _drop_overlaps(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    kept: list[tuple[int, int, int]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _join_compounds(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """'1 hour and 30 minutes' is one duration of 5400 s."""
    joined: list[tuple[int, int, int]] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            gap = text[prev[1] : span[0]]
            if len(gap) <= 6 and _CONNECTOR.match(gap) and span[2] < prev[2]:
                joined[-1] = (prev[0], span[1], prev[2] + span[2])
                continue
        joined.append(span)
    return joined


def _cue_rank(text: str, start: int, end: int) -> int | None:
    """0 for a validity cue in the same sentence, 1 for a 'within' cue, None for neither."""
    before = text[max(0, start - _BEFORE_WINDOW) : start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
    after = text[end : end + _AFTER_WINDOW]
    stop = _SENTENCE_END.search(after)
    if stop is not None:
        after = after[: stop.start()]
    if _STRONG.search(before) or _STRONG.search(after):
        return 0
    if _WEAK.search(before) or _WEAK.search(after):
        return 1
    return None
