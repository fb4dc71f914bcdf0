"""Where the code-shaped tokens of a text are: plain tokens ("482913", "K7P-2QM") and
grouped ones ("482 913", "4 8 2 9 1 3"), with URLs, addresses and colours blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from otpbridge.extract.codes.keywords import NEGATIVE_KEYWORDS, STRONG_CODE_KEYWORDS
from otpbridge.extract.codes.link_parts import folded
from otpbridge.extract.codes.shapes import (
    LONG_CODE_LEN,
    brand_shaped,
    case_flips_inside,
    long_code,
    name_like,
    pronounceable,
    randomish,
    value_of,
)
from otpbridge.extract.lang.patterns import alternation

__all__ = [
    "code_tokens",
    "keyword_led_tokens",
    "line_bounds",
    "linked_hex_tokens",
    "linked_line_tokens",
    "mask",
    "strip_marks",
    "suffix_end",
    "under_colon_line",
]

_ASCII_WORD = "A-Za-z0-9_"
# The address alternative starts only where a word starts: tried inside a long run of word
# characters it would rescan the rest of the run at every position (quadratic).
_URLISH = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|#[0-9a-fA-F]{3,8}(?![0-9A-Za-z])",
)
# Turkish writes a case ending or the copula after an apostrophe ("12345678'yi girin",
# "482913'ü", "482913'tür"); Finnish and Estonian after a colon ("482913:n", ":ta", ":ga"),
# only after a digit (not "10:30", not "2001:db8"). English contractions ("'s", "'ll") are
# no suffix: "ACME7000's" stays a word. Letters only, so "5'000" stays a price.
_APOSTROPHE_SUFFIX = r"(?!(?:s|ll|ve|re|d|m|t)\b)[a-zçğıöşüâî]{1,5}\b"
_COLON_SUFFIX = r"(?<=\d:)[a-zäöõüš]{1,4}\b"
_SUFFIX = re.compile(rf"['’]{_APOSTROPHE_SUFFIX}|:{_COLON_SUFFIX}")
# An ellipsis ("…" becomes "..." under NFKC) before a code is no decimal point: "…677074".
_NO_DECIMAL_POINT = r"(?<!(?<!\.)\.)"
_TOKEN = re.compile(
    rf"(?<![{_ASCII_WORD}@#$€£¥₹%&=/\\+\-'’]){_NO_DECIMAL_POINT}(?<!\d:)"
    # Words of letters with any lower case are never codes: skip them inside the engine.
    r"(?![A-Za-z]*[a-z][A-Za-z]*(?![A-Za-z0-9-]))"
    r"([A-Za-z0-9]+(?:-[A-Za-z0-9]+){1,2}|[A-Za-z0-9]{4,})"
    # A case suffix glued to the code ("482913'yi", "482913'tür", "482913:n") ends the code
    # like a full stop (extract.codes.tokens.suffix_end).
    # "yyzNi79rSy+S5vlNH/B9…": a piece of a base64 run is no code of its own.
    rf"(?![{_ASCII_WORD}@/%]|[.\-+][{_ASCII_WORD}]|:(?!{_COLON_SUFFIX})[{_ASCII_WORD}]"
    rf"|['’](?!{_APOSTROPHE_SUFFIX})[{_ASCII_WORD}]"
    rf"|,(?!\d{{1,3}}[^\x00-\x7f\s])[{_ASCII_WORD}])"
)
_GROUPED = re.compile(
    rf"(?<![{_ASCII_WORD}$€£¥₹#@+,/\-]){_NO_DECIMAL_POINT}(?<!\d:)"
    # "391 584", "391-584", "391 · 584" (a middle dot or bullet between digit groups).
    # "4 8 2 9 1 3", "4 8 2 - 9 1 3": one character per group, a dash between halves.
    r"(\d{2,4}(?:(?:[ -]| ?[·•] ?)\d{2,4}){1,3}|(?:[A-Z0-9] (?:- )?){3,9}[A-Z0-9])"
    rf"(?![{_ASCII_WORD}%/]|[.,:\-][0-9])"
)
# Scanned on their own so that a rejected match ("PIN 4141") hides no digit group.
_OTHER_GROUPS = (
    # "A7R 2KQ", "K7 Q2 9M": capitals and digits in groups of three or four, or of two.
    re.compile(
        rf"(?<![{_ASCII_WORD}$€£¥₹#@+.,/\-])([A-Z0-9]{{3,4}}(?: [A-Z0-9]{{3,4}}){{1,2}}"
        r"|[A-Z0-9]{2}(?: [A-Z0-9]{2}){2,4})"
        rf"(?![{_ASCII_WORD}%/]|[.,:\-][0-9])"
    ),
    # One character per line: a code drawn as a column of boxes, one block element each.
    re.compile(r"(?<![^\n])((?:[A-Z0-9][ \t]*\n(?:[ \t]*\n)?){3,9}[A-Z0-9])(?=[ \t]*(?:\n|$))"),
)
# Postcodes look like capital groups: "SW1A 1AA" (UK; its last two letters are never
# C I K M O V), "K1A 0B1" (Canada).
_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}|[A-Z]\d[A-Z] \d[A-Z]\d")
_DAY = re.compile(r"0?[1-9]|[12]\d|3[01]")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MIXED = re.compile(r"(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]+")


def _grouped(token: str) -> tuple[str, str] | None:
    """(value, display) of a grouped token; groups of capitals need one group mixing
    letters and digits ("A7R 2KQ", not "PIN 4821")."""
    groups = token.replace("-", " ").replace("·", " ").replace("•", " ").split()
    value = "".join(groups)
    if not 4 <= len(value) <= 10:
        return None
    if "\n" in token:
        return value, " ".join(groups)
    # "Fri Dec 04 2026 08:18:00": a day and a year, no code grouped two-and-four.
    if len(groups) == 2 and _DAY.fullmatch(groups[0]) and _YEAR.fullmatch(groups[1]):
        return None
    capitals = len(groups) > 1 and len(groups[0]) > 1 and not value.isdigit()
    if capitals and (_POSTCODE.fullmatch(token) or not any(_MIXED.fullmatch(g) for g in groups)):
        return None
    return value, token


# Right after a code word, codes the token scan skips: letters-only whose case flips inside
# ("bEwois", "kQmTzx"; generators drawing from both cases give them, words do not look so)
# and long random tokens of letters and digits ("aB3dEf9hJkMn", a link code typed by hand).
# Up to 32 characters: a long reset or activation code (13–32 letters of both cases,
# extract.codes.shapes.long_code) is found here only, never by the token scan.
_AFTER_KEYWORD = re.compile(
    # A copula ("is", "ist"…; Chinese "是", "为" glued to the code word), then a colon or quote.
    r"(?:[ \t]+(?:is|ist|lautet|est|es|é|è|är|er|jest|je|to)|[ \t]*(?:是|为|為))?"
    r"[ \t:：\"“'«*]{0,4}"
    # "SofiaKeller.28707229": a piece of a dotted token is no code of its own.
    r"([A-Za-z0-9]{4,32})(?![\w@/%+=-]|\.[A-Za-z0-9])"
)
# …or alone on the next line, under a heading ("Your verification code⏎⏎bYqTmKzRaP").
_BELOW_KEYWORD = re.compile(r"[ \t:：]*\n\s*([A-Za-z0-9]{5,32})(?=[ \t]*(?:\n|$))")
# …or alone on its own line in the paragraph after the code word's line, where it must be
# emphasised or carried by a link ("Copy and paste the code shown below…⏎⏎**Ll08NpJLQ18t…**").
_ALONE_BELOW = re.compile(
    r"[^\n]{0,200}\n\s{0,40}[*`\"“'«]{0,4}([A-Za-z0-9]{5,32})[*`\"”'»]{0,4}[ \t]*(?:\n|$)"
)
# "Your verification code is JonasBerg.55820137.": two runs joined by a dot, taken only when
# a link of the mail carries the whole of it (a version or a file name is carried by none).
# Its sentence may run on a few words first ("Kod dostępu jest następujący: …").
_DOTTED_AFTER = re.compile(
    r"(?:[^\n]{0,60}?[ \t:：\"“'«*])?"
    r"(?<![\w.@/%+=-])([A-Za-z0-9]{2,32}\.[A-Za-z0-9]{2,32})(?![\w@/%+=-]|\.[A-Za-z0-9])"
)
_LONG_CODE = range(11, 17)
_SMALL_MAX = 12
# A long code in quotes ("…code is "QQivWpmvhkouHrPoA3Cspy", valid for 10 minutes") is
# shown as the code as much as one ending its sentence.
_OPEN_QUOTE = re.compile(r"[\"“'«*][ \t\u00a0\u202f]?$")
_CLOSE_QUOTE = re.compile(r"[ \t\u00a0\u202f]?[\"”'»*]")
# Another token of letters and digits alone on the next line: a list (recovery codes, keys).
_NEXT_LINE_TOKEN = re.compile(r"[ \t]*\n\s*[A-Za-z0-9][A-Za-z0-9-]{7,}[ \t]*(?:\n|$)")
# "…this temporary login code:⏎⏎iqjy-tayyf-vvph": groups of small letters on their own line
# under the line of a code word; one group at least unpronounceable (words are not).
_WORD_GROUPS_BELOW = re.compile(r"[^\n]{0,40}\n\s*([a-z]{3,6}(?:-[a-z]{3,6}){2,3})[ \t]*(?:\n|$)")
# "Your sign-in code is: maple-river-stone-cloud", "…this phrase to confirm your email:
# amber-falcon-quiet-harbor": a passphrase of three to six small words joined by hyphens, on
# the code phrase's line (after a colon or a copula) or alone on the next one.
_PASSPHRASE = re.compile(
    r"(?:[^\n:：]{0,60}[:：]|[ \t]+(?:is|ist|lautet|est|es|é|è|är|er|to|jest))?"
    r"[ \t\"“'«*]*(?:\n\s*)?([a-z]{3,9}(?:-[a-z]{3,9}){2,5})(?![\w-])"
)
_PHRASE_BELOW = re.compile(r"[^\n]{0,40}\n\s*([a-z]{3,9}(?:-[a-z]{3,9}){2,5})[ \t]*(?:\n|$)")
_ENDS_SENTENCE = re.compile(r"[ \t]*(?:[.!。]?[ \t]*(?:\n|$))")
# …or its clause: "Your Captcha is: fWtu, valid for 10 minutes".
_ENDS_CLAUSE = re.compile(r"[ \t]*(?:[.!。]?[ \t]*(?:\n|$)|[,;][ \t])")
# Fewer characters than this right after a code word: a code only when the case flips.
_FEWEST = 5
# "QQivWpmvhkouHrPoA3Cspy is your password reset code": after a long token the token scan
# found (and value_of refused), a sentence naming it a code; the words after the possessive
# are checked for a strong code word.
_LONG_FIRST = re.compile(
    rf"[\"”'»*]?[ \t]+{alternation('code', 'copula')}[ \t]+"
    rf"({alternation('code', 'possessive')}\b[^.\n]{{0,40}})",
    re.IGNORECASE,
)


def mask(text: str) -> str:
    """Blank out URLs, e-mail addresses and CSS colours, keeping offsets."""
    return _URLISH.sub(lambda m: " " * len(m.group(0)), text)


def code_tokens(text: str) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """(start, end, (value, display)) of every code-shaped token of a masked text; a grouped
    token wins over the plain tokens that start where it starts."""
    seen: set[int] = set()
    for pattern in (_GROUPED, *_OTHER_GROUPS, _TOKEN):
        for m in pattern.finditer(text):
            if m.start() in seen:
                continue
            token = m.group(1)
            parsed = value_of(token) if pattern is _TOKEN else _grouped(token)
            if parsed is None and pattern is _TOKEN:
                parsed = _long_code_first(text, m.end(), token)
            if parsed is None:
                continue
            seen.add(m.start())
            yield m.start(), m.end(), parsed


def keyword_led_tokens(
    text: str,
    keyword_ends: list[int],
    shown: Callable[[str], bool],
    in_link: Callable[[str], bool],
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Codes the token scan skips (letters of both cases, long random tokens, groups of
    small letters, passphrases of small words, two runs joined by a dot), found only right
    after a strong code word ending at one of ``keyword_ends``, and only when shown as the
    code (a brand name after "code" is not)."""
    for end in keyword_ends:
        found = _dotted_after(text, end, in_link)
        found = found or _words_after(text, end, shown) or _token_after(text, end, shown)
        if found is not None:
            yield found


def _dotted_after(
    text: str, end: int, in_link: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    m = _DOTTED_AFTER.match(text, end)
    if m is None or not in_link(m.group(1)):
        return None
    return m.start(1), m.end(1), (m.group(1), m.group(1))


# "Token: 8ac72313209e97e735b84f64d0afb967" under a reset button whose URL ends in that token:
# the form's fallback. A hex run is a hash or a key anywhere else, so it is taken only right
# after a code word ("The verification code is …", "Token: …"), or alone under the code
# word's line when that line ends in a colon ("type the following code into the form:⏎…";
# "enter this token in the reset form: …" on the line),
# and only when a link of the mail carries it too.
_HEX = r"([0-9a-fA-F]{16,64})(?![\w-])"
_LABELLED_HEX = re.compile(
    r"(?:[ \t]+(?:is|ist|lautet|est|es|é|è|är|er|jest|je))?[ \t:：\"“'«*]{0,4}(?:\n[ \t]*)?"
    + _HEX
    + r"|[^\n]{0,80}[:：][ \t]*(?:\n[ \t]*)?"
    + _HEX
)
_HEX_MIX = re.compile(r"^(?=.*[0-9])(?=.*[a-fA-F])")


def linked_hex_tokens(
    text: str, label_ends: Iterable[int], in_link: Callable[[str], bool]
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Hex tokens of 16-64 characters labelled by the code word ending at one of
    ``label_ends`` ("Token:", "Code:") that a link of the mail also carries."""
    for end in label_ends:
        m = _LABELLED_HEX.match(text, end)
        if m is None:
            continue
        group = 1 if m.group(1) else 2
        token = m.group(group)
        if _HEX_MIX.match(token) and (token.islower() or token.isupper()) and in_link(token):
            yield m.start(group), m.end(group), (token, token)


# "…enter the following reset code:⏎zgls7X2KEw.I": alone on the line under one ending in a
# colon, a token that a link of the mail carries as its code parameter ("&code=zgls7X2KEw.I"),
# whatever its alphabet has besides letters and digits (bcrypt's "./", base64's "+/").
_COLON_LINE_END = r"[:：][ \t]*\n\s*"
_LINKED_BELOW = re.compile(_COLON_LINE_END + r"([A-Za-z0-9./+_~-]{6,40})[ \t]*(?=\n|$)")
_COLON_ABOVE = re.compile(_COLON_LINE_END + r"\Z")


def under_colon_line(text: str, start: int) -> bool:
    """The token at ``start`` stands under a line ending in a colon ("…type the following:")."""
    return _COLON_ABOVE.search(text, max(0, start - 80), start) is not None


def linked_line_tokens(
    text: str, code_values: frozenset[str]
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Tokens alone under a line ending in a colon that are a link's code parameter."""
    if not code_values:
        return
    for m in _LINKED_BELOW.finditer(text):
        token = m.group(1)
        if folded(token) in code_values and any(c.isalnum() for c in token):
            yield m.start(1), m.end(1), (token, token)


def _long_code_first(text: str, end: int, token: str) -> tuple[str, str] | None:
    """A long code (13–32 letters of both cases, with a digit: the token scan skips words of
    letters) that its sentence names a code: "X is your reset code"."""
    if len(token) not in LONG_CODE_LEN or not long_code(token):
        return None
    m = _LONG_FIRST.match(text, end)
    if m is None or STRONG_CODE_KEYWORDS.search(m.group(1)) is None:
        return None
    return token, token


def _words_after(
    text: str, end: int, shown: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    """A passphrase of words, or groups of small letters, right after the code word."""
    phrase = _PASSPHRASE.match(text, end)
    if phrase is not None and all(map(pronounceable, phrase.group(1).split("-"))):
        token = phrase.group(1)
        if shown(token) or _ENDS_SENTENCE.match(text, phrase.end(1)):
            # The words and their hyphens are what one types: no separator to drop.
            return phrase.start(1), phrase.end(1), (token, token)
    below = _WORD_GROUPS_BELOW.match(text, end)
    if below is not None and not all(map(pronounceable, below.group(1).split("-"))):
        token = below.group(1)
        return below.start(1), below.end(1), (token.replace("-", ""), token)
    # "Your verification code for Typebot⏎rlew-mbjys-enwq-ezhez": groups that all read
    # like words, alone on the line under the code word's, are a passphrase, typed whole.
    phrase = _PHRASE_BELOW.match(text, end)
    if phrase is not None and all(map(pronounceable, phrase.group(1).split("-"))):
        token = phrase.group(1)
        return phrase.start(1), phrase.end(1), (token, token)
    return None


def _token_after(
    text: str, end: int, shown: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    """A mixed-case or long random token after (or below) the code word, else one shown
    alone in the paragraph after the code word's line."""
    m = _AFTER_KEYWORD.match(text, end)
    if m is None:
        m = _BELOW_KEYWORD.match(text, end)
        # …below a heading, a name's letters ("McKinsey", "YouTube") are no code; small
        # letters alone are judged by how they are shown (_accepted).
        letters = m.group(1) if m is not None else ""
        if letters.isalpha() and name_like(letters) and not _small_letters(letters):
            m = None
    found = None if m is None else _accepted(text, end, m, shown)
    if found is None:
        m = _ALONE_BELOW.match(text, end)
        if (
            m is not None
            and (_small_letters(m.group(1)) or not name_like(m.group(1)))
            and (shown(m.group(1)) or _introduces(text, end))
        ):
            found = _accepted(text, end, m, shown)
    return found


def _introduces(text: str, end: int) -> bool:
    """The code word's line ends in a colon: it introduces what stands below it ("copy the
    below code into the reset form:⏎⏎DaUWK8IJ…")."""
    nl = text.find("\n", end, end + 201)
    return nl > 0 and text[end:nl].rstrip(" \t*").endswith((":", "："))


def _accepted(
    text: str, end: int, m: re.Match[str], shown: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    token = m.group(1)
    if len(token) < _FEWEST and not case_flips_inside(token):
        return None  # four characters: only letters whose case flips ("fWtu") are no word
    if _small_letters(token):
        # "Copy and paste the following token⏎⏎emcdgq": small letters are a code only when
        # shown as one (emphasised, or carried by the sign-in link); after "Your code is",
        # "expired." is a word.
        return (m.start(1), m.end(1), (token, token)) if shown(token) else None
    long = not _short_code(token)
    if long and (_claim_head(text, end) or not _long_handed(text, m.start(1), m.end(1), shown)):
        return None
    # …shown as the code: emphasised, carried by a link, or ending its sentence (a long
    # one also in quotes: "…code is "QQivWpmvhkouHrPoA3Cspy", valid for 10 minutes").
    if shown(token) or (long and _quoted(text, m.start(1), m.end(1))):
        return m.start(1), m.end(1), (token, token)
    if brand_shaped(token) or not _ENDS_CLAUSE.match(text, m.end(1)):
        return None
    return m.start(1), m.end(1), (token, token)


def _small_letters(token: str) -> bool:
    """5-12 small letters: a code alphabet without capitals or digits."""
    return token.isascii() and token.isalpha() and token.islower() and len(token) <= _SMALL_MAX


def _short_code(token: str) -> bool:
    """Up to 16 characters: letters whose case flips inside, or a random token of letters
    and digits of 11 to 16 (shorter ones the token scan finds)."""
    if len(token) > _LONG_CODE.stop - 1:
        return False
    if token.isalpha():
        return case_flips_inside(token)
    return len(token) in _LONG_CODE and not token.isdigit() and randomish(token)


def _long_handed(text: str, start: int, end: int, shown: Callable[[str], bool]) -> bool:
    """A long token right after (or under) a code word is a code when it is shaped like one
    and is not the first of a list of such tokens (recovery codes, keys)."""
    token = text[start:end]
    if len(token) not in LONG_CODE_LEN or not long_code(token):
        return False
    return shown(token) or _NEXT_LINE_TOKEN.match(text, end) is None


def _claim_head(text: str, end: int) -> bool:
    """The code word ending at ``end`` ends in a claim word: "Your new security [key]",
    "licence key" name a key, and a long token after a key is an API key, not a code."""
    return any(m.end() == end for m in NEGATIVE_KEYWORDS.finditer(text, max(0, end - 30), end))


def _quoted(text: str, start: int, end: int) -> bool:
    return (
        _OPEN_QUOTE.search(text[max(0, start - 2) : start]) is not None
        and _CLOSE_QUOTE.match(text, end) is not None
    )


def suffix_end(text: str, end: int) -> int:
    """Where a case suffix glued to the token ending at ``end`` ends ("482913'yi girin" →
    after "'yi"), else ``end``: the words after a code start after its suffix, which is
    no claim word ("'tür" is not "tür", a type)."""
    m = _SUFFIX.match(text, end)
    return m.end() if m is not None and end > 0 and text[end - 1].isalnum() else end


def strip_marks(line: str) -> str:
    """The line without the marks around it: "【482913】", "🔐 482913", "* 482913 *" leave
    the code alone on its line. Walks in from both ends (a hostile line can be huge)."""
    lo, hi = 0, len(line)
    while lo < hi and not line[lo].isalnum():
        lo += 1
    while hi > lo and not line[hi - 1].isalnum():
        hi -= 1
    return line[lo:hi]


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the line holding text[start:end]."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, hi if hi >= 0 else len(text)
