"""Word tables into compiled patterns: one trie-shaped alternation per table.

Latin, Greek and Cyrillic entries match at word starts only, so ``code`` does not fire inside
``barcode``; Hebrew and Arabic attach prefixes and CJK has no spaces, so those match anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from otpbridge.extract.lang import words

__all__ = [
    "alternation",
    "compile_words",
    "keyword_spans",
    "outside",
    "substring_pattern",
    "table_pattern",
]


# Python folds dotted and dotless i into one letter when ignoring case ("tik" would match
# Turkish "tık", click); Turkish and Azerbaijani tell them apart, so each keeps its own.
_I_LETTERS = {"i": "(?-i:[iIİ])", "ı": "(?-i:[ıI])"}

# Keyword scans run over a lower-cased copy of the text with a case-sensitive twin of the
# pattern: the regex engine skips ahead on literal characters, which it cannot do when
# ignoring case (a third of the scan's time). Lower-casing keeps every offset because the two
# letters whose lower case would not (İ, two characters) or would lose the dotted/dotless
# distinction (I) first become stand-in letters that no mail writes.
_CAPITAL_I, _DOTTED_I = "\ua74f", "\ua751"
_STAND_INS = str.maketrans({"I": _CAPITAL_I, "İ": _DOTTED_I})
_FOLDED_LETTERS = {
    "i": f"[i{_CAPITAL_I}{_DOTTED_I}]",
    "ı": f"[ı{_CAPITAL_I}]",
    # Final and medial sigma are one letter to a case-insensitive match.
    "σ": "[σς]",
    "ς": "[σς]",
}
# A pattern's folded twins, and whether the first finds compounds by their tail.
_FOLDED: dict[re.Pattern[str], tuple[tuple[re.Pattern[str], ...], bool]] = {}


def _letter(ch: str) -> str:
    return _I_LETTERS.get(ch) or re.escape(ch)


def _folded_letter(ch: str) -> str:
    return _FOLDED_LETTERS.get(ch) or re.escape(ch)


def _tree(entries: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The entries as a prefix tree of letters; ``""`` marks where an entry ends."""
    root: dict[str, dict[str, Any]] = {}
    for word in entries:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def _trie(entries: list[str], letter: Callable[[str], str] = _letter) -> str:
    """One alternation per shared prefix: the regex engine branches once per character
    instead of trying hundreds of words at every position."""
    root = _tree(entries)

    def emit(node: dict[str, dict[str, Any]]) -> str:
        alts = [letter(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(root)


def compile_words(entries: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a set of phrases, case-insensitive where the script has case."""
    unique = {w.lower() for w in entries if w}
    # "*kode": a word that may end a compound ("godkendelseskode", "Autentiseringskode")
    # matches the whole compound, so that its head still counts ("adgangskode" is a password),
    # and only as the word's end ("merekodkan" is Malay for "recording").
    tails = sorted(w[1:] for w in unique if w.startswith("*") and len(w) > 1)
    unique = {w for w in unique if not w.startswith("*")}
    bounded = sorted(w for w in unique if w[0].isalnum() and ord(w[0]) < 0x0590)
    free = unique.difference(bounded)
    # Scripts without case (CJK, Arabic, Hebrew, Indic…) and Georgian, whose capitals no mail
    # writes, match case-sensitively: case folding over them is costly and finds nothing more.
    uncased = sorted(w for w in free if all(_uncased(ch) for ch in w))
    cased = sorted(free.difference(uncased))

    def source(letter: Callable[[str], str], uncased_group: str) -> str:
        # A whole compound first: at its start, "god" (of "godkendelseskode") is no match.
        alternatives = (
            [rf"(?<![^\W_])[^\W\d_]+(?:{_trie(tails, letter)})(?![^\W\d_])"] if tails else []
        )
        if bounded:
            alternatives.append(rf"(?<![^\W_])(?:{_trie(bounded, letter)})")
        if cased:
            alternatives.append(_trie(cased, letter))
        if uncased:
            alternatives.append(uncased_group.format(_trie(uncased, letter)))
        return "|".join(alternatives) or r"(?!x)x"

    pattern = re.compile(source(_letter, "(?-i:{})"), re.IGNORECASE)
    # The folded twin scans each script group on its own: an alternation whose branches all
    # start with a literal lets the engine skip to candidate characters, which one pattern
    # joining the word-start group to the others cannot (three scans cost a third of one).
    # …the compound found by its tail, a literal the engine can skip to; _matches widens the
    # match back to the word's start.
    parts = [rf"(?:{_trie(tails, _folded_letter)})(?![^\W\d_])"] if tails else []
    if bounded:
        parts.append(rf"(?<![^\W_])(?:{_trie(bounded, _folded_letter)})")
    parts += [_trie(group, _folded_letter) for group in (cased, uncased) if group]
    _FOLDED[pattern] = (tuple(re.compile(part) for part in parts), bool(tails))
    return pattern


def _compounds(folded: str, found: list[tuple[int, int, int]]) -> Iterator[tuple[int, int, int]]:
    """``found`` with each tail match (rank 0) widened to its compound's start: a head of
    letters that no digit precedes; a tail standing alone is no compound (the word's own
    entry, or a longer phrase starting there, matches it)."""
    for start, rank, end in found:
        if rank:
            yield start, rank, end
            continue
        head = start
        while head > 0 and folded[head - 1].isalpha():
            head -= 1
        if head < start and not (head > 0 and folded[head - 1].isdigit()):
            yield head, rank, end


def _uncased(ch: str) -> bool:
    return not ch.isalpha() or ch.upper() == ch.lower() or "\u10d0" <= ch <= "\u10ff"


def table_pattern(section: str, table: str) -> re.Pattern[str]:
    """The compiled pattern of one table of every language file."""
    return compile_words(words(section, table))


def substring_pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """A case-sensitive pattern that finds any entry inside an already lower-cased text:
    one scan instead of one substring test per entry."""
    root = _tree(sorted({w.lower() for w in entries if w}))

    def emit(node: dict[str, dict[str, Any]]) -> str:
        if "" in node:  # a shorter entry already is a match: its longer ones add nothing
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(emit(root) if root else r"(?!x)x")


@lru_cache(maxsize=4)
def _fold(text: str) -> str:
    return text.translate(_STAND_INS).lower()


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """What ``pattern.finditer`` finds, from the folded twin's per-group scans: leftmost
    first, the earlier group first at one position, no match overlapping a taken one."""
    entry = _FOLDED.get(pattern)
    if entry is None:
        return [m.span() for m in pattern.finditer(text)]
    twins, tails = entry
    folded = _fold(text)
    if len(twins) == 1 and not tails:
        return [m.span() for m in twins[0].finditer(folded)]
    found = [
        (m.start(), rank, m.end()) for rank, twin in enumerate(twins) for m in twin.finditer(folded)
    ]
    if tails:  # the first twin finds a compound by its tail: widen it to the word's start
        found = list(_compounds(folded, found))
    found.sort()
    taken: list[tuple[int, int]] = []
    for start, _, end in found:
        if not taken or start >= taken[-1][1]:
            taken.append((start, end))
    return taken


def keyword_spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of a keyword pattern of ``compile_words``; short Latin
    words must also end at a word boundary ("pin" but not "pink"); longer ones may be
    inflected ("verifying", "kodunuz")."""
    for start, end in _matches(pattern, text):
        word = text[start:end]
        nxt = text[end : end + 1]
        if (
            len(word) <= 4
            and word.isascii()
            and word[-1].isalpha()
            and nxt.isascii()
            and nxt.isalpha()
        ):
            continue
        yield start, end


def alternation(section: str, table: str) -> str:
    """One table as a regex alternation ``(?:…|…)`` to embed in a pattern of the logic
    modules (the sentence shapes stay there, the words come from the language files);
    longest entries first, so the order never depends on the files'."""
    entries = sorted({w.lower() for w in words(section, table) if w}, key=lambda w: (-len(w), w))
    # Dotted and dotless i stay apart here too (see _letter).
    alts = ("".join(map(_letter, w)) for w in entries)
    return "(?:" + "|".join(alts) + ")" if entries else "(?!x)x"


def outside(pattern: re.Pattern[str], shield: re.Pattern[str], text: str) -> bool:
    """A match of ``pattern`` in ``text`` lies outside every match of ``shield``: a word
    that a longer phrase holding it does not explain ("cancel" outside "cancel your
    account", "membalas" outside "dengan membalas email ini")."""
    covered = [m.span() for m in shield.finditer(text)]
    return any(
        not any(lo <= m.start() and m.end() <= hi for lo, hi in covered)
        for m in pattern.finditer(text)
    )
