"""Where the code-shaped tokens of a text are: plain tokens ("482913", "K7P-2QM") and
grouped ones ("482 913", "4 8 2 9 1 3"), with URLs, addresses and colours blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from otpbridge.extract.codes.keywords import STRONG_CODE_KEYWORDS
from otpbridge.extract.codes.link_parts import MAX_PART, folded
from otpbridge.extract.codes.shapes import (
    LONG_CODE_LEN,
    long_code,
    value_of,
)
from otpbridge.extract.lang.patterns import alternation

__all__ = [
    "code_tokens",
    "labelled_key_tokens",
    "line_bounds",
    "linked_key_tokens",
    "linked_line_tokens",
    "mask",
    "strip_marks",
    "suffix_end",
    "symbol_line_tokens",
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
# "authentication code is -506028-": a code wrapped in a pair of dashes, tildes or equals
# signs (a plain-text template's emphasis), which the plain token's look-behind refuses.
_WRAPPED = re.compile(r"(?<![\w-])([-~=]{1,3})([A-Za-z0-9]{4,12})\1(?![\w~=-])")
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
    for m in _WRAPPED.finditer(text):
        start = m.start(2)
        parsed = value_of(m.group(2))
        if start not in seen and parsed is not None:
            seen.add(start)
            yield start, m.end(2), parsed


# "Token: 8ac72313209e97e735b84f64d0afb967" under a reset button whose URL ends in that token:
# the form's fallback. A hex run is a hash or a key anywhere else, so it is taken only right
# after a code word ("The verification code is …", "Token: …"), or alone under the code
# word's line when that line ends in a colon ("type the following code into the form:⏎…";
# "enter this token in the reset form: …" on the line),
# and only when a link of the mail carries it too, or when a strong code word labels it and it
# ends its line ("Your two-factor authentication code is:⏎0954bcc8…": the code a site
# generates as an MD5 hex, with no form to link to).
# …or a UUID ("Your verification code is e8ae7b7b-c6d5-4ee6-bc8e-93a1b6eaee55", the ticket its
# verify link carries), or a drawn key of both cases (``long_code``) after the label's colon.
_KEY = (
    r"([0-9a-fA-F]{16,64}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"|[A-Za-z0-9]{13,32})(?![\w-])"
)
_LABELLED_KEY = re.compile(
    r"(?:[ \t]+(?:is|ist|lautet|est|es|é|è|är|er|jest|je))?[ \t:：\"“'«*]{0,4}(?:\n[ \t]*){0,2}"
    + _KEY
    + r"|[^\n]{0,80}[:：][ \t]*(?:\n[ \t]*){0,2}"
    + _KEY
)
_HEX_MIX = re.compile(r"^(?=.*[0-9])(?=.*[a-fA-F])")


_LINE_END = re.compile(r"[ \t.]*(?:\n|$)")


def labelled_key_tokens(
    text: str,
    label_ends: Iterable[int],
    strong_ends: frozenset[int],
    in_link: Callable[[str], bool],
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Hex tokens of 16-64 characters (or UUIDs, or drawn keys of both cases after a colon)
    labelled by the code word ending at one of ``label_ends`` ("Token:", "Code:") that a link
    of the mail also carries, or that end their line after a strong code word (one of
    ``strong_ends``)."""
    for end in label_ends:
        m = _LABELLED_KEY.match(text, end)
        if m is None:
            continue
        group = 1 if m.group(1) else 2
        token = m.group(group)
        hexed = _HEX_MIX.match(token) is not None and (token.islower() or token.isupper())
        # "…use the following activation key: 7527G605RtQMA3K136bV": a drawn key of both
        # cases, after the label's colon on its line (not "Your new API key is …", not a
        # list of recovery codes under a heading).
        gap = text[end : m.start(group)]
        if not (hexed or (long_code(token) and ":" in gap and "\n" not in gap)):
            continue
        ends_line = end in strong_ends and _LINE_END.match(text, m.end(group)) is not None
        if ends_line or in_link(token):
            yield m.start(group), m.end(group), (token, token)


# "…enter the following reset code:⏎zgls7X2KEw.I": alone on the line under one ending in a
# colon, a token that a link of the mail carries as its code parameter ("&code=zgls7X2KEw.I"),
# whatever its alphabet has besides letters and digits (bcrypt's "./", base64's "+/").
_COLON_LINE_END = r"[:：][ \t]*\n\s*"
# …also split in groups for reading ("jkz71h j4gqup" for "&code=jkz71hj4gqup").
_LINKED_BELOW = re.compile(
    _COLON_LINE_END
    + rf"([A-Za-z0-9./+_~-]{{2,{MAX_PART}}}(?: [A-Za-z0-9./+_~-]{{2,{MAX_PART}}}){{0,5}})"
    + r"[ \t]*(?=\n|$)"
)
_COLON_ABOVE = re.compile(_COLON_LINE_END + r"\Z")


def under_colon_line(text: str, start: int) -> bool:
    """The token at ``start`` stands under a line ending in a colon ("…type the following:")."""
    return _COLON_ABOVE.search(text, max(0, start - 80), start) is not None


def linked_line_tokens(
    text: str, code_values: frozenset[str]
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Tokens alone under a line ending in a colon that are a link's code parameter, also
    when shown in groups: the code is the groups joined, shown as written."""
    if not code_values:
        return
    for m in _LINKED_BELOW.finditer(text):
        shown = m.group(1)
        token = shown.replace(" ", "")
        if len(token) >= 6 and folded(token) in code_values and any(c.isalnum() for c in token):
            yield m.start(1), m.end(1), (token, shown)


# "認証キー：⏎Z9hM~g+7N3", "Authorization key:⏎AGO-#hNXU@": a key drawn from letters, digits and
# symbols, alone on the line under a strong code word and its colon. The token scan stops at
# every symbol; only this heading (a code word, a colon, nothing else on the line) takes the
# whole line, symbols and all, as the code it names (a hyphen alone groups a code: the token
# scan reads those).
_KEY_CHAR = r"[A-Za-z0-9!#$%&*+=?@^_~./-]"
_SYMBOL_KEY = re.compile(
    r"[ \t]*[:：][ \t]*\n[ \t]*\n?[ \t]*"
    rf"((?={_KEY_CHAR}*[A-Za-z])(?={_KEY_CHAR}*[!#$%&*+=?@^_~]){_KEY_CHAR}{{6,12}})"
    r"[ \t]*(?=\n|$)"
)
# …not a path ("a./b", "//") nor an address ("ana@x.io").
_NOT_A_KEY = re.compile(r"[./]{2}|@[\w-]+\.[a-z]{2,}$", re.IGNORECASE)


def symbol_line_tokens(
    text: str, strong_ends: Iterable[int]
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Keys with symbols alone under a strong code word that ends its line with a colon."""
    for start, end, key in _keys_below(text, strong_ends, _SYMBOL_KEY):
        # Random, not a word with a mark: a digit or both cases besides the symbols.
        random = any(c.isdigit() for c in key) or key.lower() != key != key.upper()
        if random and _NOT_A_KEY.search(key) is None:
            yield start, end, (key, key)


# "…reset your password by using this reset code:⏎⏎ImpsaW5kIg.asrXOA.YrAPhdUU…-rq": a long
# token (a signed or random string of URL-safe characters, dots and hyphens and all) alone
# under a strong code word and its colon, that a link of the mail carries too: the code to
# paste, the link's own token shown for typing.
_LONG_KEY = re.compile(rf"[ \t]*{_COLON_LINE_END}([A-Za-z0-9._~-]{{16,{MAX_PART}}})[ \t]*(?=\n|$)")


def linked_key_tokens(
    text: str, strong_ends: Iterable[int], link_parts: Callable[[], frozenset[str]]
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Long tokens alone under a strong code word ending its line with a colon, that one of
    the mail's links carries as a path segment or query value."""
    for start, end, key in _keys_below(text, strong_ends, _LONG_KEY):
        random = any(c.isdigit() for c in key) and key.lower() != key != key.upper()
        if random and key in link_parts():
            yield start, end, (key, key)


def _keys_below(
    text: str, strong_ends: Iterable[int], key_line: re.Pattern[str]
) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of each ``key_line`` match (its group 1) right after a strong code
    word: the key alone on the line under the word's colon."""
    for word_end in strong_ends:
        m = key_line.match(text, word_end)
        if m is not None:
            yield m.start(1), m.end(1), m.group(1)


def _long_code_first(text: str, end: int, token: str) -> tuple[str, str] | None:
    """A long code (13–32 letters of both cases, with a digit: the token scan skips words of
    letters) that its sentence names a code: "X is your reset code"."""
    if len(token) not in LONG_CODE_LEN or not long_code(token):
        return None
    m = _LONG_FIRST.match(text, end)
    if m is None or STRONG_CODE_KEYWORDS.search(m.group(1)) is None:
        return None
    return token, token


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
