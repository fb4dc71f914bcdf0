"""A small, dependency-free language guess: script first, then common function words.

Precision matters only so far as it picks keyword tables and shows up in reports; every stage
also tries all languages, so a wrong guess costs little.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from otpbridge.extract.lang import TABLES, by_language

__all__ = ["detect_language", "readable"]


_SAMPLE = 6000

# (language, characters that identify it among scripts shared with others)
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("hy", re.compile(r"[\u0530-\u058f]")),
    ("si", re.compile(r"[\u0d80-\u0dff]")),
    ("km", re.compile(r"[\u1780-\u17ff]")),
)
_PERSIAN = re.compile(r"[پچژگکی]")
# Cyrillic languages by the letters Russian lacks, most specific first: Belarusian and
# Kazakh also write "і", which alone would say Ukrainian; Mongolian shares "ө ү" with Kazakh.
_CYRILLIC: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("be", re.compile(r"[ўЎ]")),
    ("kk", re.compile(r"[әғқңұһӘҒҚҢҰҺ]")),
    ("mn", re.compile(r"[өүӨҮ]")),
    ("mk", re.compile(r"[ѓќѕЃЌЅ]")),
    ("uk", re.compile(r"[іїєґІЇЄҐ]")),
    ("sr", re.compile(r"[јљњђћџЈЉЊЂЋЏ]")),
)
# Russian writes "ы" and "э" in almost every sentence; Bulgarian has neither, and writes "ъ"
# as a vowel where Russian has it only as a rare hard sign.
_RUSSIAN_ONLY = re.compile(r"[ыэЫЭ]")
_BULGARIAN_VOWEL = re.compile(r"[ъЪ]")
# Urdu's own letters (retroflexes, the nasal "ں", "ے", "ہ", "ھ"): Persian and Arabic have none.
_URDU = re.compile(r"[ٹڈڑںےہھ]")
# Nepali and Hindi share Devanagari; these words are Nepali's own ("you", "is", "do").
_NEPALI = re.compile(r"तपाईं|तपाईँ|तपाईको|तपाईंको|गर्नुहोस्|हुन्छ|हुनेछ|छैन|भएको")
_HINDI = re.compile(r"आपके|आपका|आपकी|करें|है|हैं|नहीं")
# Azerbaijani's "ə": no other language here writes it.
_AZERBAIJANI = re.compile(r"[əƏ]")
# Letters only Vietnamese writes: "â ê ô ă" are Portuguese, French and Romanian letters too.
_VIETNAMESE = re.compile(r"[đơư\u1ea0-\u1ef9]")
# Latin letters of every language with stop words: Latin-1, Latin Extended-A (č ő ł ū ĉ…),
# Romanian's comma-below "ș ț" and Vietnamese's horned and dotted letters.
_WORD = re.compile(r"[a-zà-ÿ\u0100-\u017f\u01a0\u01a1\u01af\u01b0\u0218-\u021b\u1ea0-\u1ef9]+")

# Ties go to the language listed first (English before German…); others follow by name.
_TIE_ORDER = ("en", "de", "fr", "es", "pt", "it", "nl", "pl", "tr", "sv")
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(entries)
    for lang, entries in sorted(
        by_language("detect", "stopwords").items(),
        key=lambda item: (*_TIE_ORDER, item[0]).index(item[0]),
    )
}


def _stopword_index() -> dict[str, tuple[str, ...]]:
    """Stop word → the languages that list it, in ``_STOPWORDS`` order."""
    index: dict[str, tuple[str, ...]] = {}
    for lang, stop in _STOPWORDS.items():
        for word in stop:
            index[word] = (*index.get(word, ()), lang)
    return index


#: One dictionary look-up per word of the mail.
_STOPWORD_LANGS = _stopword_index()


def detect_language(text: str) -> str | None:
    """Primary language tag ("en", "de", "zh"…) of ``text``, or None when unsure."""
    sample = text[:_SAMPLE]
    counts = [(len(rx.findall(sample)), lang) for lang, rx in _SCRIPTS]
    best_count, best = max(counts)
    lowered = sample.lower()
    words = _WORD.findall(lowered)
    # A foreign name or a footer line in another script must not outvote the body.
    if best_count >= 3 and best_count >= len(words) // 4:
        if best == "zh" and counts[1][0] >= 2:
            return "ja"
        if best == "ar":
            return "ur" if _URDU.search(sample) else "fa" if _PERSIAN.search(sample) else best
        if best == "ru":
            return _cyrillic(sample)
        if best == "hi" and len(_NEPALI.findall(sample)) > len(_HINDI.findall(sample)):
            return "ne"
        return best
    if len(_AZERBAIJANI.findall(sample)) >= 3:
        return "az"
    # Vietnamese letters in a school's or a street's name must not outvote an English or
    # French body: the words decide, the letters only when the words are too few.
    by_words = _by_stopwords(words) if words else None
    if by_words is None and len(_VIETNAMESE.findall(lowered)) >= 5:
        return "vi"
    return by_words


def _cyrillic(sample: str) -> str:
    """Which Cyrillic language: by the letters Russian lacks, else Bulgarian's "ъ" without
    Russian's "ы"/"э", else Russian."""
    own = next((lang for lang, rx in _CYRILLIC if rx.search(sample)), None)
    if own is not None:
        return own
    if not _RUSSIAN_ONLY.search(sample) and len(_BULGARIAN_VOWEL.findall(sample)) >= 2:
        return "bg"
    return "ru"


def _by_stopwords(words: list[str]) -> str | None:
    """The language most of whose stop words ``words`` has (two at least; ties in
    ``_STOPWORDS`` order). A word several languages list ("de", "en", "la") counts for each
    by share, so Spanish's "de … en" does not make a Spanish mail Dutch."""
    scores = dict.fromkeys(_STOPWORDS, 0.0)
    hits = dict.fromkeys(_STOPWORDS, 0)
    for w in words:
        langs = _STOPWORD_LANGS.get(w, ())
        for lang in langs:
            scores[lang] += 1 / len(langs)
            hits[lang] += 1
    lang = max(scores, key=lambda k: scores[k])
    return lang if hits[lang] >= 2 else None


@cache
def _script(ch: str) -> str:
    """The Unicode script a letter's name starts with ("LATIN", "CYRILLIC", "MALAYALAM")."""
    return unicodedata.name(ch, "").split(" ", 1)[0]


def _read_scripts() -> frozenset[str]:
    """The scripts the language files have words in: what the tables can read at all."""
    return frozenset(
        _script(ch)
        for section, tables in TABLES.items()
        for table in tables
        for entries in by_language(section, table).values()
        for word in entries
        for ch in word
        if ch.isalpha()
    )


_READ_SCRIPTS = _read_scripts()
_READABLE_SAMPLE = 2000


def readable(text: str) -> bool:
    """Whether most letters of ``text`` are in a script some language file has words in: a
    Malayalam or Telugu mail is not, so the absence of a word there is no evidence."""
    letters = [c for c in text[:_READABLE_SAMPLE] if c.isalpha()]
    known = sum(_script(c) in _READ_SCRIPTS for c in letters)
    return known * 2 >= len(letters)
