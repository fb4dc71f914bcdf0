"""The fast paths of the word patterns find exactly what the plain definitions find.

``keyword_spans`` scans a lower-cased copy of the text with a case-sensitive twin of the
pattern; ``substring_pattern`` replaces one substring test per entry. Both are checked here
against the definitions they replace, on every table's words written in every case, with the
letters whose case rules differ (Turkish I and İ, Greek final sigma).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from otpbridge.extract import lang
from otpbridge.extract.lang.patterns import (
    compile_words,
    keyword_spans,
    substring_pattern,
    table_pattern,
)

_SKIPPED_SECTIONS = ("link", "url", "detect")  # compiled by their own modules


def _reference(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """The definition: the case-insensitive pattern over the text as written."""
    for m in pattern.finditer(text):
        word, nxt = m.group(0), text[m.end() : m.end() + 1]
        short_latin = len(word) <= 4 and word.isascii() and word[-1].isalpha()
        if short_latin and nxt.isascii() and nxt.isalpha():
            continue
        yield m.start(), m.end()


def _texts(entries: tuple[str, ...]) -> list[str]:
    sample = " ".join(entries[:60])
    # Georgian capitals (Mtavruli) are the one difference, and tested on their own below.
    sample = "".join(ch for ch in sample if not "\u1c90" <= ch.upper() <= "\u1cbf")
    return [
        sample,
        sample.upper(),
        sample.title(),
        f"Ihr Code: {sample} İSTANBUL TIKLAYIN Tıklayın KODUNUZ ΚΩΔΙΚΟΣ ΣΑΣ κωδικός pinkish",
        "xI" + sample.replace(" ", "I") + "İ",
    ]


def _tables() -> list[tuple[str, str]]:
    return [
        (section, name)
        for section, names in lang.TABLES.items()
        if section not in _SKIPPED_SECTIONS
        for name in names
    ]


@pytest.mark.parametrize(("section", "name"), _tables())
def test_keyword_spans_find_what_the_case_insensitive_pattern_finds(
    section: str, name: str
) -> None:
    pattern = table_pattern(section, name)
    for text in _texts(lang.words(section, name)):
        assert list(keyword_spans(pattern, text)) == list(_reference(pattern, text))


def test_turkish_i_and_greek_sigma_keep_their_case_rules() -> None:
    pattern = compile_words(["tıklayın", "kodu", "κωδικός", "σας"])
    text = "TIKLAYIN, tiklayin, KODU, KODUNUZ İLE, ΚΩΔΙΚΌΣ ΣΑΣ"
    found = [text[s:e] for s, e in keyword_spans(pattern, text)]
    assert found == ["TIKLAYIN", "KODU", "ΚΩΔΙΚΌΣ", "ΣΑΣ"]
    assert found == [text[s:e] for s, e in _reference(pattern, text)]


def test_georgian_capitals_match_their_small_letters() -> None:
    # The case-insensitive pattern left Georgian case-sensitive only to save time; the
    # lower-cased scan costs nothing more and also reads a heading in capitals.
    pattern = compile_words(["კოდი"])
    text = "თქვენი ᲙᲝᲓᲘ: 4821"
    assert [text[s:e] for s, e in keyword_spans(pattern, text)] == ["ᲙᲝᲓᲘ"]


def test_a_pattern_not_from_compile_words_is_scanned_as_written() -> None:
    pattern = re.compile(r"code", re.IGNORECASE)
    assert list(keyword_spans(pattern, "Your CODE")) == [(5, 9)]


@pytest.mark.parametrize(
    "text",
    ["", "nothing here", "on mon, 3 dec wrote:", "-----original message-----", "ab"],
)
def test_substring_pattern_is_any_entry_inside(text: str) -> None:
    entries = ["wrote", "original message", "a", "ab", "écrit"]
    assert (substring_pattern(entries).search(text) is not None) == any(
        e in text for e in entries
    )
    assert substring_pattern([]).search(text) is None
