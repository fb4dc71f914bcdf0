"""Precedence between a code the mail hands over and the words that claim a number.

A mail *hands over* a code when it says so about that very token: "your verification code
is 482913", "482913 is your code", "enter 482913 to verify", or the token alone in a box
under a code heading. Such a code is taken away only by a closer, more specific claim on the
same token ("order number 482913", "booking code 482913", "promo code SAVE20"), never by a
claim word elsewhere in its sentence ("…code for your order is 482913"), in the brand ("Your
Garage verification code is…") or in a later sentence ("…482913. Use it for your purchase").
Words for the specific code phrases are data (``_SPECIFIC``), per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from otpbridge.extract.codes.cues import Cues
from otpbridge.extract.codes.mentions import greeting
from otpbridge.extract.lang.patterns import alternation, table_pattern

__all__ = [
    "HandOver",
    "answers_question",
    "brand",
    "claim_before",
    "hand_over",
    "hands_directly",
    "labels_line_end",
    "labels_own_value",
    "same_sentence",
    "specific_code_phrase",
]

_SPECIFIC_WORDS = table_pattern("code", "specific")

# What may stand between a claim word and the token it claims: punctuation, a copula, a
# number's label ("order number: 4821", "Bestellnr. 4821", "booking code X7K2"). Anything
# else (a preposition, another noun) means the word claims something else.
_PUNCT = r"[\s:#.\-–—=()（）\[\]*]*"
_NUMBER_LABEL = alternation("code", "number_label")
_COPULA = alternation("code", "claim_copula")
_LABEL_GAP = re.compile(
    rf"{_PUNCT}(?:(?P<label>{_NUMBER_LABEL})\b{_PUNCT})?(?:(?:{_COPULA})\b{_PUNCT})?",
    re.IGNORECASE,
)
# A claim word that is itself a number's name ("Bestellnummer", "ref", "#"): it labels the
# token even across a copula ("Ihre Bestellnummer lautet 4021"), unlike a plain noun ("…für
# Ihre Bestellung lautet 847120", where the copula belongs to the code phrase).
_NAMES_NUMBER = re.compile(rf"(?:{_NUMBER_LABEL}|nr\.|no\.|#|nummer\w*|number\w*)$", re.I)
_BREAK = re.compile(r"\n|[.!?;。！？]\s")
# Labels that number things but do not qualify a code word ("Apple ID code is: 804316").
_LABELS = frozenset(("id", "#", "no.", "nr", "nr.", "number", "ip"))
_NUMBER = re.compile(r"\d{2,}")
_LINE_ENDS_SENTENCE = re.compile(r"[^\W\d_]{3}[.!?。！？][ \t]*\n")
_SENTENCE_REACH = 200
_JOINERS = frozenset(
    ("", "or", "and", "oder", "und", "ou", "et", "o", "y", "e", "или", "或", "和", "、")
)
#: How far a code phrase may stand before the token it hands over: in its sentence (a long
#: one: "…code de vérification pour valider le paiement de votre panier est : 881204"), or in
#: the heading above a token alone on its line.
_IN_SENTENCE = 100
# The rest of a code word's line when it is a value of its own ("Gift code: 8JX2-KP4Q-77MZ").
_OWN_VALUE = re.compile(r"[ \t:：#]*(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{3,}[ \t.]*")
_ABOVE = 120


@dataclass(frozen=True, slots=True)
class HandOver:
    """Why the mail hands a token over, or ``""``; and the code phrase that does it."""

    why: str = ""
    keyword: str = ""

    def __bool__(self) -> bool:
        return bool(self.why)


def specific_code_phrase(keyword: str) -> bool:
    """The code phrase names a one-time code by itself (not a bare "code" or "your code")."""
    return _SPECIFIC_WORDS.search(keyword) is not None


def claims_token(text: str, word: str, word_end: int, start: int) -> bool:
    """The claim word ending at ``word_end`` labels the token at ``start`` directly: only
    punctuation, a copula or a number's label stand between them, on one line."""
    m = _LABEL_GAP.match(text, word_end, start)
    if m is None or m.end() != start:
        return False
    copula = m.group(0).strip(" \t:#.-–—=()（）[]*") not in ("", m.group("label"))
    return not copula or m.group("label") is not None or bool(_NAMES_NUMBER.search(word))


# Between a code phrase and the token it hands over directly: a copula or a colon, and
# punctuation ("Your password reset code is: OPHR", "您的验证码为:[DDYN]"; not "ONE-TIME LINK").
_DIRECT_GAP = re.compile(rf"{_PUNCT}(?:(?P<copula>{_COPULA})\b{_PUNCT})?", re.IGNORECASE)


def hands_directly(text: str, word_end: int, start: int) -> bool:
    """The code phrase ending at ``word_end`` hands the token at ``start`` over with nothing
    but a copula or a colon (and punctuation) between them."""
    m = _DIRECT_GAP.fullmatch(text, word_end, start)
    # (The colon may end the code phrase itself: "code:".)
    gap = text[max(0, word_end - 1) : start]
    return m is not None and (m.group("copula") is not None or ":" in gap or "：" in gap)


def same_sentence(text: str, lo: int, hi: int) -> bool:
    """No sentence or line break between ``lo`` and ``hi``."""
    return _BREAK.search(text, lo, hi) is None


def hand_over(
    text: str,
    start: int,
    keyword: tuple[int, str] | None,
    alone: bool,
    says_code: bool,
    says_use: bool,
) -> HandOver:
    """Whether the mail hands the token at ``start`` over: a sentence about it says it is a
    code or to enter it, or a code phrase (``keyword``: distance, words) before it names it,
    in its sentence or in the heading above it when it stands alone on its line."""
    if says_code:
        return HandOver("the sentence says it is a code")
    if says_use:
        return HandOver("the sentence says to enter it")
    if keyword is None:
        return HandOver()
    dist, word = keyword
    if alone and dist <= _ABOVE:
        return HandOver(f"alone under '{word.strip()}'", word)
    if dist <= _IN_SENTENCE and same_sentence(text, start - dist, start):
        return HandOver(f"'{word.strip()}' names it in its sentence", word)
    return HandOver()


def claim_before(text: str, start: int, cues: Cues, handed: HandOver, sender: str = "") -> str:
    """The veto of a claim word before the token (order, tracking, promo…), or ``""``.

    A claim word takes the first number after it ("card ending 1245 is 811739") and a list
    of them ("promo code SAVE20 or WELCOME50"); between a claim word and a code phrase the
    nearer one wins ("order 1533 … OTP 572123"), and a claim word qualifying the code phrase
    right after it takes the token ("promo code X"). A token handed over by a specific code
    phrase yields only to a claim on itself: the claim word labels it directly.
    """
    neg = cues.negative.before(start, 40)
    if neg is None:
        return ""
    dist, word = neg
    word_end = start - dist
    if _asked_for(text, word_end - len(word), word_end):
        return ""
    if not _labels_next(text, word, word_end, start, cues):
        return f"vetoed by '{word.strip()}'" if _listed_after(text, word_end, start, cues) else ""
    positives = [d for d in (cues.strong.before(start, 300), cues.weak.before(start, 300)) if d]
    pos_dist, pos_word = min(positives, key=lambda d: (d[0], len(d[1])), default=(10**9, ""))
    # …unless the claim word is the tail of the code phrase ("security key").
    if dist == pos_dist and len(pos_word) > len(word):
        return ""
    # ("39,000원⏎인증번호 [740518]", "金额268.00元，验证码": a unit ending the clause
    # before qualifies nothing.)
    gap = text[word_end : start - pos_dist - len(pos_word)]
    qualifies = (
        word.strip().lower() not in _LABELS
        and dist <= pos_dist + len(pos_word) + 2
        and not gap.strip(" \t-(（[【")
    )
    nearer = dist < pos_dist
    if not (nearer or qualifies):
        return ""
    # A bare code word yields to a claim word qualifying it ("De nieuwe code van de
    # fietsenstalling is 7309"); a specific code phrase yields only to a claim on the token
    # ("Ihr Bestätigungscode für Ihre Bestellung lautet 847120") and not to a brand before it
    # ("Your Garage verification code is 482913"; but "Ticket verification code: 4821").
    if handed and specific_code_phrase(pos_word):
        if nearer and not claims_token(text, word.strip(), word_end, start):
            return ""
        if not nearer and brand(text, word_end - len(word), word.strip(), sender):
            return ""
    return f"vetoed by '{word.strip()}'"


# "Confirm your email by entering the number below in the app.⏎351663": the claim word is
# what the mail asks to enter, pointed at below; it names the token instead of claiming it.
_USE_OBJECT = re.compile(
    rf"\b{alternation('code', 'use_verbs')}\w*[ \t]+{alternation('code', 'possessive')}[ \t]+$",
    re.IGNORECASE,
)
_POINTED_BELOW = re.compile(rf"[ \t]+{alternation('code', 'below')}\b", re.IGNORECASE)


def _asked_for(text: str, word_start: int, word_end: int) -> bool:
    """The claim word at ``word_start`` is the object of a verb asking to enter it, pointed
    at below ("enter the number below")."""
    return (
        _USE_OBJECT.search(text, max(0, word_start - 40), word_start) is not None
        and _POINTED_BELOW.match(text, word_end) is not None
    )


def _listed_after(text: str, word_end: int, start: int, cues: Cues) -> bool:
    """ "Call +1 555 9228, PIN 400347": the claim's clause lists its own number, then a weak
    code word labels the token beside it; the token is the claim's too (a dial-in PIN)."""
    claimed = [m.end() for m in _NUMBER.finditer(text, word_end, start)]
    if not claimed or _SENTENCE_STOP.search(text, word_end, start):
        return False
    gap = start - claimed[-1]
    weak = cues.weak.before(start, gap)
    return (
        weak is not None
        and cues.strong.before(start, gap) is None
        and not text[claimed[-1] : start - weak[0] - len(weak[1])].strip(" ,;/")
    )


def _labels_next(text: str, word: str, word_end: int, start: int, cues: Cues) -> bool:
    """The claim word can label the token: no other number took it, it is no SMS "<#>", no
    greeting, and no tail of a code phrase's ended sentence."""
    claimed = [m.end() for m in _NUMBER.finditer(text, word_end, start)]
    if claimed and text[claimed[-1] : start].strip(" ,/").lower() not in _JOINERS:
        return False
    if word == "#" and text[word_end:start].strip(" :"):
        return False  # "#" numbers only what follows it directly; "<#> 482913 is…" is SMS syntax
    if greeting(text, word_end - len(word), word_end, start):
        return False  # "Dear Customer, 482913 is the OTP…": the reader, not a number's label
    return not _tail_of_code_sentence(text, word_end - len(word), word_end, start, cues)


def _tail_of_code_sentence(
    text: str, word_start: int, word_end: int, start: int, cues: Cues
) -> bool:
    """ "Here is the verification code to sign in to Customer Portal.⏎⏎369977": the claim
    word names what the code is for, at the end of a sentence a code phrase opened, and the
    sentence ended before the token's line ("…by its ticket number or the button below.⏎
    467889" has no code phrase: its claim word labels the token)."""
    if _LINE_ENDS_SENTENCE.search(text, word_end, start) is None:
        return False
    lo = max(0, word_start - _SENTENCE_REACH)
    stop = max((m.end() for m in _SENTENCE_STOP.finditer(text, lo, word_start)), default=lo)
    return bool(cues.strong.words_in(stop, word_start))


def labels_own_value(text: str, keyword_end: int, start: int) -> bool:
    """The code word ending at ``keyword_end`` labels a value on its own line, and the token
    at ``start`` stands on a later line: the word is that value's, not the token's."""
    nl = text.find("\n", keyword_end, start)
    return nl >= 0 and _OWN_VALUE.fullmatch(text, keyword_end, nl) is not None


# "Votre jeton est: 245427", "Žeton za ponastavitev gesla je: 197840": a clause of a few
# words, its colon, then the token ending the line.
_LABEL_CLAUSE = re.compile(r"[^\n.!?;。！？]{0,50}[:：][ \t]*\n?[ \t]*")
# A strong code word's label may run longer ("Código de verificación de correo electrónico
# de autenticación de dos factores: 25XNyxRx").
_STRONG_LABEL_CLAUSE = re.compile(r"[^\n.!?;。！？]{0,80}[:：][ \t]*\n?[ \t]*")
# …or the sentence it opens says what the code is ("Kode verifikasi perangkat Anda untuk
# menerima pengingat adalah 3da46d").
_COPULA_CLAUSE = re.compile(
    rf"[^\n.!?;:：。！？]{{0,80}}[ \t]{alternation('code', 'copula')}[ \t]+", re.IGNORECASE
)
_ENDS_LINE = re.compile(r"[ \t.。]*(?:\n|$)")


def labels_line_end(
    text: str, word_end: int, start: int, end: int, *, strong: bool = False
) -> bool:
    """The code noun (``strong``: code word) ending at ``word_end`` heads the clause whose
    colon introduces the token at ``start``, and the token ends its line: the clause is the
    token's label."""
    clause = _STRONG_LABEL_CLAUSE if strong else _LABEL_CLAUSE
    says = strong and _COPULA_CLAUSE.fullmatch(text, word_end, start) is not None
    return (says or clause.fullmatch(text, word_end, start) is not None) and _ENDS_LINE.match(
        text, end
    ) is not None


def brand(text: str, word_start: int, word: str, sender: str) -> bool:
    """The claim word at ``word_start`` is (part of) a name: the sender's, or a capitalised
    word inside a sentence ("Your Garage verification code"), not a sentence's first word
    ("Ticket verification code: 4821") or a common noun ("your ticket verification code")."""
    if word.lower() in sender:
        return True
    if not word[:1].isupper():
        return False
    lo = text.rfind("\n", 0, word_start) + 1
    before = text[lo:word_start].rstrip(" \t\"'“„«(")
    return bool(before) and before[-1] not in ".!?:;。！？·•*-–—|>"


# A code word in a question labels no number after it: the number answers a form's field.
_SENTENCE_STOP = re.compile(r"[.!?。！？؟\n]")
_ANSWER_PAD = " \t\r\n\u00a0*`\"'“«:："  # what may stand between a question and its answer


def answers_question(text: str, keyword_end: int, start: int) -> bool:
    """The sentence of the code word is a question the token answers: nothing but white
    space and markup after its question mark ("Your code from the app?⏎263158"). "Didn't
    ask for this code? Ignore this e-mail.⏎⏎Ll08Np…" asks nothing of the token."""
    stop = _SENTENCE_STOP.search(text, keyword_end, start)
    if stop is None or stop.group() not in "?？؟":
        return False
    return not text[stop.end() : start].strip(_ANSWER_PAD)
