"""A small, dependency-free language guess: script first, then common function words.

Precision matters only so far as it picks keyword tables and shows up in reports; every stage
also tries all languages, so a wrong guess costs little.
"""

from __future__ import annotations

import re

__all__ = ["detect_language"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


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
)
_PERSIAN = re.compile(r"[پچژگکی]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_WORD = re.compile(r"[a-zà-ÿąćęłńóśźżçğıöşü]+")

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and you your to is of for this with please if code account"),
    "de": _words(
        "der die das und ist ihr ihre sie du dein nicht mit für zu den ein bitte wurde diese um"
    ),
    "fr": _words("le la les et vous votre est des pour une pas ce dans sur un"),
    "es": _words("el la los las y usted su es para una por del con tu este se has"),
    "pt": _words("o os as e você seu sua é para uma não do da com em este"),
    "it": _words("il lo la gli le e di che per una non sei tuo tua questo"),
    "nl": _words("de het een en je uw is van voor niet met dit op te"),
    "pl": _words("i w na nie się jest z do to twój twoje kod dla aby"),
    "tr": _words("ve bir bu için ile de da kodu hesabınız lütfen size"),
    "sv": _words("och att det är som för på med din ditt inte"),
}


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
        if best == "ar" and _PERSIAN.search(sample):
            return "fa"
        if best == "ru" and _UKRAINIAN.search(sample):
            return "uk"
        return best
    if len(_VIETNAMESE.findall(lowered)) >= 5:
        return "vi"
    if not words:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lang = max(scores, key=lambda k: scores[k])
    return lang if scores[lang] >= 2 else None
