"""Codes a strong code word leads to that the token scan skips: letters whose case flips
("bEwois"), long random tokens, groups of small letters, passphrases of small words, two
runs joined by a dot — taken right after (or below) the code word, and only when shown as
the code (emphasised, carried by a link, ending its clause).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from otpbridge.extract.codes.keywords import NEGATIVE_KEYWORDS
from otpbridge.extract.codes.shapes import (
    LONG_CODE_LEN,
    brand_shaped,
    case_flips_inside,
    long_code,
    name_like,
    pronounceable,
    randomish,
)

__all__ = ["keyword_led_tokens"]

# Right after a code word, codes the token scan skips: letters-only whose case flips inside
# ("bEwois", "kQmTzx"; generators drawing from both cases give them, words do not look so)
# and long random tokens of letters and digits ("aB3dEf9hJkMn", a link code typed by hand).
# Up to 32 characters: a long reset or activation code (13–32 letters of both cases,
# extract.codes.shapes.long_code) is found here only, never by the token scan.
# A copula after the code word ("is", "ist"…; Chinese "是", "为" glued to it).
_COPULA = r"(?:[ \t]+(?:is|ist|lautet|est|es|é|è|är|er|jest|je|to)|[ \t]*(?:是|为|為))"
_AFTER_KEYWORD = re.compile(
    rf"{_COPULA}?[ \t:：\"“'«*]{{0,4}}"
    # "SofiaKeller.28707229": a piece of a dotted token is no code of its own.
    r"([A-Za-z0-9]{4,32})(?![\w@/%+=-]|\.[A-Za-z0-9])"
)
# …or alone on the next line, under a heading ("Your verification code⏎⏎bYqTmKzRaP", "本次
# 验证码为：⏎⏎wwQAbz").
_BELOW_KEYWORD = re.compile(rf"{_COPULA}?[ \t:：]*\n\s*([A-Za-z0-9]{{5,32}})(?=[ \t]*(?:\n|$))")
# …or alone on its own line in the paragraph after the code word's line, where it must be
# emphasised or carried by a link ("Copy and paste the code shown below…⏎⏎**Ll08NpJLQ18t…**").
_ALONE = r"[*`\"“'«]{0,4}([A-Za-z0-9]{5,32})[*`\"”'»]{0,4}[ \t]*(?:\n|$)"
_ALONE_BELOW = re.compile(r"[^\n]{0,200}\n\s{0,40}" + _ALONE)
# …or a button's label stands between ("…or click the link below:⏎⏎Login⏎⏎9CfJGu6z…").
_ALONE_BELOW_LABEL = re.compile(r"[^\n]{0,200}\n\s{0,40}[^\n]{1,30}\n\s{0,40}" + _ALONE)
# …or ending the label the code word heads, after its colon ("Código de verificação do
# e-mail de recuperação: nlcXNxEI", "Code de réinitialisation temporaire : jGNgQSRx").
_LABEL_END = re.compile(
    r"[^\n.!?;:：。]{0,60}[:：][ \t\"“'«*]{0,4}([A-Za-z0-9]{5,32})(?=[*\"”'»]{0,4}[ \t]*(?:\n|$))"
)
# "Your verification code is JonasBerg.55820137.": two runs joined by a dot, taken only when
# a link of the mail carries the whole of it (a version or a file name is carried by none).
# Its sentence may run on a few words first ("Kod dostępu jest następujący: …").
_DOTTED_AFTER = re.compile(
    r"(?:[^\n]{0,60}?[ \t:：\"“'«*])?"
    r"(?<![\w.@/%+=-])([A-Za-z0-9]{2,32}\.[A-Za-z0-9]{2,32})(?![\w@/%+=-]|\.[A-Za-z0-9])"
)
# …or a base64url token (16 random bytes and more: "Uoc5yIuUuXl1zCPRrbfe_w") alone under the
# code word's line when that line ends in a colon ("copy the following One Time Password:").
_URLSAFE_BELOW = re.compile(
    r"[^\n]{0,200}[:：][ \t]*\n\s*(?:[^\n]{1,30}\n\s*)??([A-Za-z0-9_-]{16,43})[ \t]*(?:\n|$)"
)
_URLSAFE_MARK = re.compile(r"[_-]")
_LONG_CODE = range(11, 17)
_SMALL_MAX = 12
# A long code in quotes ("…code is "QQivWpmvhkouHrPoA3Cspy", valid for 10 minutes") is
# shown as the code as much as one ending its sentence.
_OPEN_QUOTE = re.compile(r"[\"“'«*][ \t\u00a0\u202f]?$")
_CLOSE_QUOTE = re.compile(r"[ \t\u00a0\u202f]?[\"”'»*]")
# Another token of letters and digits alone on the next line: a list (recovery codes, keys).
_NEXT_LINE_TOKEN = re.compile(r"[ \t]*\n\s*[A-Za-z0-9][A-Za-z0-9-]{7,}[ \t]*(?:\n|$)")
# Small letters in groups joined by hyphens, alone on the line under the code word's:
# "…this temporary login code:⏎⏎iqjy-tayyf-vvph" (3-4 groups of 3-6, one at least
# unpronounceable: typed without the hyphens) or a passphrase of words ("rlew-mbjys-…").
_GROUPS_BELOW = re.compile(r"[^\n]{0,40}\n\s*([a-z]{3,9}(?:-[a-z]{3,9}){1,5})[ \t]*(?:\n|$)")
# Two words alone under it ("Ce code est valable 1h.⏎⏎caravane-entrelacs"), each long enough
# not to be a hyphenated word of the text ("log-out", "e-mail").
_TWO_WORDS = re.compile(r"[a-z]{4,9}-[a-z]{4,9}")
_CODE_GROUPS = re.compile(r"[a-z]{3,6}(?:-[a-z]{3,6}){2,3}")
# "Your sign-in code is: maple-river-stone-cloud", "…this phrase to confirm your email:
# amber-falcon-quiet-harbor": a passphrase of three to six small words joined by hyphens, on
# the code phrase's line (after a colon or a copula) or alone on the next one.
_PASSPHRASE = re.compile(
    rf"(?:[^\n:：]{{0,60}}[:：]|{_COPULA})?"
    r"[ \t\"“'«*]*(?:\n\s*)?([a-z]{3,9}(?:-[a-z]{3,9}){2,5})(?![\w-])"
)
_ENDS_SENTENCE = re.compile(r"[ \t]*(?:[.!。]?[ \t]*(?:\n|$))")
# …or its clause: "Your Captcha is: fWtu, valid for 10 minutes".
_ENDS_CLAUSE = re.compile(r"[ \t]*(?:[.!。]?[ \t]*(?:\n|$)|[,;][ \t])")
# Fewer characters than this right after a code word: a code only when the case flips.
_FEWEST = 5


def keyword_led_tokens(
    text: str,
    keyword_ends: list[int],
    shown: Callable[[str], bool],
    in_link: Callable[[str], bool],
    noun_ends: Iterable[int] = (),
) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """Codes the token scan skips (letters of both cases, long random tokens, groups of
    small letters, passphrases of small words, two runs joined by a dot), found only right
    after a strong code word ending at one of ``keyword_ends``, and only when shown as the
    code (a brand name after "code" is not)."""
    for end in keyword_ends:
        found = _dotted_after(text, end, in_link)
        found = found or _words_after(text, end, shown) or _token_after(text, end, shown)
        found = found or _urlsafe_below(text, end) or _label_end(text, end, shown)
        if found is not None:
            yield found
    # A bare code noun heading or ending a label ("Kod resetowania: oRyFSAFD", "Pasahitza
    # berrezartzeko aldi baterako kodea: HYFwcSMt") leads only to the token ending it.
    for end in sorted(set(noun_ends).difference(keyword_ends)):
        found = _label_end(text, end, shown)
        if found is not None:
            yield found


def _urlsafe_below(text: str, end: int) -> tuple[int, int, tuple[str, str]] | None:
    """A base64url code alone under the code word's line, typed with its "-" and "_"."""
    m = _URLSAFE_BELOW.match(text, end)
    if m is None or _URLSAFE_MARK.search(m.group(1)) is None:
        return None
    token = m.group(1)
    if not long_code(_URLSAFE_MARK.sub("", token)[:32]):
        return None
    return m.start(1), m.end(1), (token, token)


def _label_end(
    text: str, end: int, shown: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    """A token ending the label a code word heads or ends; a name's letters ("McKinsey") are
    no code."""
    m = _LABEL_END.match(text, end)
    if m is None or (m.group(1).isalpha() and name_like(m.group(1))):
        return None
    return _accepted(text, end, m, shown)


def _dotted_after(
    text: str, end: int, in_link: Callable[[str], bool]
) -> tuple[int, int, tuple[str, str]] | None:
    m = _DOTTED_AFTER.match(text, end)
    if m is None or not in_link(m.group(1)):
        return None
    return m.start(1), m.end(1), (m.group(1), m.group(1))


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
    below = _GROUPS_BELOW.match(text, end)
    if below is None:
        return None
    token = below.group(1)
    if token.count("-") == 1 and not _TWO_WORDS.fullmatch(token):
        return None
    if all(map(pronounceable, token.split("-"))):
        return below.start(1), below.end(1), (token, token)  # a passphrase, typed whole
    if _CODE_GROUPS.fullmatch(token):
        return below.start(1), below.end(1), (token.replace("-", ""), token)
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
            # Under a colon ("本次验证码为：⏎wwQAbz"), small letters first and two capitals
            # inside are a generator's, not a name's ("iPhone", "McKinsey").
            generated = letters[0].islower() and sum(map(str.isupper, letters)) >= 2
            m = m if generated and _introduces(text, end) else None
    found = None if m is None else _accepted(text, end, m, shown)
    for alone in (_ALONE_BELOW, _ALONE_BELOW_LABEL):
        if found is not None:
            break
        m = alone.match(text, end)
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
