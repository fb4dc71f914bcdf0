"""What a code looks like: token values, shape priors, and the shapes that are not codes.

Pure string predicates shared by the code scorer; no context, no keywords.
"""

from __future__ import annotations

import re
from itertools import pairwise

from otpbridge.extract.lang import words

__all__ = [
    "BRAND",
    "CONSONANT_RUN",
    "HEX",
    "LETTERS",
    "PASSPHRASE",
    "VOWELS",
    "WORD_NUMBER",
    "brand_shaped",
    "case_flips_inside",
    "is_year_or_date",
    "long_code",
    "name_like",
    "pronounceable",
    "randomish",
    "shape_feature",
    "value_of",
]

WORD_NUMBER = re.compile(r"^([A-Z]{3,})\d{2,4}$")
VOWELS = frozenset("AEIOUY")
CONSONANT_RUN = re.compile(r"[B-DF-HJ-NP-TV-XZ]{4}")
HEX = re.compile(r"^[0-9a-f]+$")
LETTERS = re.compile(r"^[A-Za-z]+$")
BRAND = re.compile(r"^[a-z]?(?:[A-Z][a-z]{2,})+$")
PASSPHRASE = re.compile(r"^[a-z]{3,9}(?:-[a-z]{3,9}){2,5}$")
# Up to 10 characters a token of any code shape; 11 and 12 only letters of both cases with
# digits ("RVWQragqSq48"): generators draw such codes, and numbers that long are accounts.
_MAX_DIGITS_LEN = 10
_MAX_LEN = 12
_MIXED_CASE_ALNUM = re.compile(r"^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=\D*\d)[A-Za-z0-9]+$")
_ORDINAL = re.compile(r"\d{1,4}(?:st|nd|rd|th)", re.IGNORECASE)


_DAY_MONTH_YEAR = re.compile(r"^(\d{2})[-. ](\d{2})[-. ](\d{4})$")
_MASKED = re.compile(r"^(?:X{3,}|x{3,})\d+$")


def value_of(token: str) -> tuple[str, str] | None:
    """(value, display) of a token, or None when it cannot be a code."""
    parts = token.split("-")
    if len(parts) == 2 and parts[0].isalpha() and len(parts[0]) <= 2 and parts[1].isdigit():
        token_value = parts[1]  # "G-482913": users type the digits
    else:
        if any(len(p) < 2 for p in parts):
            return None
        token_value = "".join(parts)
    if not 4 <= len(token_value) <= _MAX_LEN or (
        len(token_value) > _MAX_DIGITS_LEN and not _MIXED_CASE_ALNUM.match(token_value)
    ):
        return None
    if _ORDINAL.fullmatch(token_value):
        return None  # "the 14th", "21st": a day or a rank
    if _MASKED.match(token_value):
        return None  # "VID XXXXXX3252", "card xxxx4821": a number masked but for its end
    if not token_value.isdigit():
        if not any(c.isdigit() for c in token_value):
            # Letters-only codes exist, but only in capitals; anything else is a word.
            if not token_value.isupper():
                return None
        elif token_value.isalpha():
            return None
    return token_value, token


#: Long codes: 13 to 32 letters of both cases (and digits). Reset and activation codes of
#: some projects are that long ("QQivWpmvhkouHrPoA3Cspy"); so are API keys, session ids and
#: base64, hence the token scan never yields them: only a code word right before the token
#: (or "X is your code") does (extract.codes.keyword_led).
LONG_CODE_LEN = range(13, 33)
_LONG_MIXED = re.compile(r"^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])[A-Za-z0-9]+$")
_CASE_FLIP = re.compile(r"[a-z](?=[A-Z])|[A-Z](?=[a-z])")


def long_code(token: str) -> bool:
    """13–32 letters of both cases, scattered as a generator draws them ("aI7lHe5vVuXyw1t…"):
    a digit or four case flips at least, and not capitalised words run together."""
    return (
        len(token) in LONG_CODE_LEN
        and _LONG_MIXED.match(token) is not None
        and (any(c.isdigit() for c in token) or len(_CASE_FLIP.findall(token)) >= 4)
        and not brand_shaped(token)
    )


def pronounceable(letters: str) -> bool:
    """Reads like a word (has a vowel, no four consonants in a row): a brand, a heading,
    a promotion; random code alphabets give strings like ``HJKRWT``."""
    upper = letters.upper()
    return any(c in VOWELS for c in upper) and CONSONANT_RUN.search(upper) is None


#: Lengths of a short random hex code (3 to 5 bytes): 6 to 10 characters.
_SHORT_HEX = range(6, 11)


def shape_feature(
    value: str, display: str, handed: bool = False, specific: bool = False
) -> tuple[str, str]:
    """The token's shape as a feature of :mod:`extract.codes.features` (name, reason);
    ``handed``: a code phrase hands the token over directly ("code is: OPHR"); ``specific``:
    one that names a one-time code by itself does ("verification PIN: 4hpdap")."""
    del display  # the shape is the value's (a display's separators do not change it)
    if PASSPHRASE.match(value):
        return "shape_passphrase", "words joined by hyphens"
    if len(value) > _MAX_LEN and long_code(value):
        return "shape_long", f"{len(value)} letters of both cases"
    if value.isdigit():
        n = len(value)
        name = {6: "shape_6_digits", 7: "shape_7_8_digits", 8: "shape_7_8_digits"}.get(
            n, "shape_4_5_digits" if n in (4, 5) else "shape_other_digits"
        )
        return name, f"{n} digits"
    if LETTERS.match(value):
        return _letters_shape(value, handed)
    promo = WORD_NUMBER.match(value)
    if promo is not None and pronounceable(promo.group(1)):
        return "shape_word_number", "a word with a number"
    return _alnum_shape(value, handed and specific)


#: Acronyms read as words whatever their vowels ("HTML", "SMTP").
_ACRONYMS = frozenset(w.upper() for w in words("code", "acronyms"))


def _letters_shape(value: str, handed: bool) -> tuple[str, str]:
    if case_flips_inside(value):
        return "shape_letters_case_flips", "letters of both cases"
    if value.upper() in _ACRONYMS:
        return "shape_letters_word", "letters only, an acronym"
    # Four letters without a vowel are a generator's ("VHCB"); a word has one.
    if len(value) >= 4 and not pronounceable(value):
        return "shape_letters_random", "letters only, not a word"
    # …and so are capitals a code phrase hands over ("Your reset code is: OPHR"), whatever
    # they spell: a word there would be written in small letters.
    if handed and len(value) >= 4 and value.isupper():
        return "shape_letters_random", "capitals handed over as the code"
    return "shape_letters_word", "letters only"


def _alnum_shape(value: str, specific: bool) -> tuple[str, str]:
    if value.isupper() or value.upper() == value:
        return "shape_upper_alnum", "letters and digits"
    if any(c.islower() for c in value) and any(c.isupper() for c in value):
        return "shape_mixed_case", "mixed case"
    if HEX.match(value) and len(value) in _SHORT_HEX and not value.isdigit():
        # "Your verification code is: 329e4f09": a generator's few random bytes in hex; a
        # hash or an id is rarely so short, and never named by a code word.
        return "shape_lower_hex", "lower-case hex, short"
    alternations = sum(a.isdigit() != b.isdigit() for a, b in pairwise(value))
    if alternations >= 3 and not HEX.match(value):
        return "shape_lower_random", "lower case, random"  # hex is more likely a hash or an id
    # "One Time verification PIN: 4hpdap": no id is so short ("User code: u3226" is one).
    if specific and len(value) <= _MAX_LEN:
        return "shape_lower_random", "lower case, handed over as the code"
    return "shape_lower", "lower case"


def case_flips_inside(value: str) -> bool:
    """Lower and upper case with a capital after the first letter: not a word, not a
    capitalised word or an acronym."""
    return any(c.islower() for c in value) and any(c.isupper() for c in value[1:])


_SMALL_RUN = re.compile("[a-z]{2,}")
_CASED_RUN = re.compile("[A-Z]?[a-z]+")
_PREFIX_MAX = 3


def name_like(letters: str) -> bool:
    """Most small letters come in runs of two or more, as in names written in camel case
    ("McKinsey", "YouTube", "iPhone"); a generator of both cases scatters them ("bYqTmKzRaP")."""
    runs = _SMALL_RUN.findall(letters)
    if 2 * sum(map(len, runs)) < len(letters):
        return False
    # …and no capital trails a small letter at its end: "SyinwZ" is drawn, no name ends so.
    if len(letters) > 1 and letters[-1].isupper() and letters[-2].islower():
        return False
    # …and its capitalised runs read as words: a vowel in each but one ("McKinsey"), at most
    # two capitals in five letters; "SFRhtuayShxC", "dvQdyEtPwGrg" are a generator's.
    words = _CASED_RUN.findall(letters)
    voiceless = [w for w in words if not any(c in VOWELS for c in w.upper())]
    # …the one without a vowel is a short prefix ("Mc"); "Gzzcq" in "GzzcqBId" is no syllable.
    if len(voiceless) > 1 or any(len(w) > _PREFIX_MAX for w in voiceless):
        return False
    return 5 * sum(c.isupper() for c in letters) <= 2 * len(letters)


def brand_shaped(token: str) -> bool:
    """Capitalised words run together ("GitHub", "iPhone"): a name, unless it is shown as
    the code."""
    m = BRAND.match(token)
    return m is not None and all(pronounceable(w) for w in re.findall("[A-Z][a-z]+", token))


def randomish(token: str) -> bool:
    """Letters and digits interleaved like a generated token, not a word with a number."""
    return (
        any(c.isalpha() for c in token)
        and sum(a.isdigit() != b.isdigit() for a, b in pairwise(token)) >= 3
    )


def is_year_or_date(value: str, display: str) -> bool:
    if not value.isdigit():
        return False
    if len(value) == 4:
        return 1900 <= int(value) <= 2099
    if len(value) != 8:
        return False
    y, m, d = int(value[:4]), int(value[4:6]), int(value[6:])
    if 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= 31:
        return True
    # "06-05-2026", "31.12.2025": a day and a month before the year, shown with separators.
    shown = _DAY_MONTH_YEAR.match(display)
    if shown is None:
        return False
    a, b, y = (int(g) for g in shown.groups())
    return 1900 <= y <= 2099 and 1 <= min(a, b) <= 12 and 1 <= max(a, b) <= 31
