"""Whole-mail judgements on the ranked code candidates of one mail.

``extract.codes.otp`` scores every token by its own neighbourhood; some verdicts need the whole
mail: a conference call's passcode opens a meeting, a booking's PIN manages the booking, and
a list of backup codes hands out standing credentials. Each lowers the candidates it concerns
so that the mail abstains rather than returning one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from otpbridge.extract.codes.context_words import SIGN_IN_VERBS
from otpbridge.extract.codes.features import weight
from otpbridge.extract.codes.keywords import STRONG_CODE_KEYWORDS
from otpbridge.extract.codes.mail_cues import (
    EVENT_CUES,
    GIFT_CARD_CUES,
    MEETING_CUES,
    RESERVATION_CUES,
)
from otpbridge.extract.expiry import find_expiry
from otpbridge.extract.lang.patterns import table_pattern
from otpbridge.extract.parse.document import Document

__all__ = ["ScoredCode", "judge_in_context"]

_MAX_TEXT = 100_000  # as extract.codes.otp: cue searches cost per character
_EXPIRY_TEXT = 20_000
# A mail of recovery codes lists several of one shape ("k3f9a-2bq7x" x 10); a sign-in
# mail shows one code, however often. Siblings need some standing of their own.
_LIST_MIN = 3
_SIBLING_MARGIN = 0.2
# A label's other values are looked for in the text's start, at most this many.
_LIST_TEXT = 20_000
_LIST_LABELS = 20
_WORD_CHARS = re.compile(r"[\W_]+")
_ALNUM = re.compile(r"[A-Za-z0-9]")
# "Confirmation code XK29PL" in a hotel or flight mail identifies the booking: under these
# words alone a code of letters and digits (a record locator's shape; sign-in codes under
# the same words are mostly digits) does not count as named when the mail is a reservation.
_BOOKING_CODE_WORDS = table_pattern("code", "booking_code")


# "Access code: HT4829" in a stay's mail opens the guest Wi-Fi or the door: named as a
# sign-in code only when the mail gives it a lifetime, a code subject or a signing-in verb.
_ACCESS_CODE_WORDS = table_pattern("code", "access_code")


@dataclass(slots=True)
class ScoredCode:
    value: str
    display: str
    score: float  # the evidence: BIAS + Σ weight · value of ``features``
    reasons: list[str]
    named: bool = False  # a strong code word or a "… is your code" sentence names it
    keyword: str = ""  # the code word next to it, if any
    at: int = -1  # where it starts in the text it was read from (for ``--explain``)
    source: str = ""  # which text: "body", "text part" or "subject"
    features: dict[str, float] = field(default_factory=dict)  # name → value

    def add(self, name: str, reason: str, value: float = 1.0) -> None:
        """Record feature ``name`` (see :mod:`extract.codes.features`) and its evidence."""
        w = weight(name) * value
        self.score += w
        self.features[name] = self.features.get(name, 0.0) + value
        self.reasons.append(f"{reason} [{name} {w:+.2f}]")


def judge_in_context(doc: Document, ranked: list[ScoredCode], threshold: float) -> list[ScoredCode]:
    """``ranked`` (best first) after the whole-mail vetoes, best first again."""
    if ranked and ranked[0].score >= threshold and _meeting(doc):
        for s in ranked:  # a conference-call passcode opens a meeting, not an account
            s.add("conference_call", "conference-call invitation")
    # "Confirmation number 4021.339.871 ⏎ PIN 8812": a booking's PIN manages the booking, a
    # gift card's PIN spends it; a sign-in code for such a site says "verification code".
    holder = ""
    named = _Naming(doc)
    if ranked and ranked[0].score >= threshold and not named(ranked[0]):
        holder = "reservation" if _reservation(doc) else "gift card" if _gift_card(doc) else ""
    if holder:
        for s in ranked:
            if not named(s):
                s.add("holder_unnamed", f"{holder}, no code word names it")
        ranked.sort(key=lambda s: s.score, reverse=True)
    if ranked and ranked[0].score >= threshold:
        listed = _listed(ranked, threshold, doc.text)
        for s in listed:
            s.add("listed_alike", f"one of {len(listed)} codes listed alike")
        ranked.sort(key=lambda s: s.score, reverse=True)
    return ranked


def _listed(ranked: list[ScoredCode], threshold: float, text: str) -> list[ScoredCode]:
    """The best candidate and those listed alike with it: of its shape with some standing
    of their own (recovery codes), or under its field label (an order's lines)."""
    shape = _shape(ranked[0])
    floor = threshold - _SIBLING_MARGIN
    listed = [s for s in ranked if s.score >= floor and _shape(s) == shape]
    return listed if len(listed) >= _LIST_MIN else _under_one_label(ranked, text)


class _Naming:
    """Whether a code word names a candidate as a one-time code. A booking's code word
    ("Confirmation code: 73021") names a record locator when the code has letters, and also
    when the mail gives it no lifetime, its subject no code word and its text no signing-in
    verb: a one-time code expires and signs in, an appointment's confirmation code does
    neither."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._lasting: bool | None = None

    def __call__(self, code: ScoredCode) -> bool:
        if code.named and _ACCESS_CODE_WORDS.fullmatch(code.keyword):
            return not self.lasting
        if not code.named or not _BOOKING_CODE_WORDS.fullmatch(code.keyword):
            return code.named
        return code.value.isdigit() and not self.lasting

    @property
    def lasting(self) -> bool:
        if self._lasting is None:
            doc = self._doc
            self._lasting = (
                STRONG_CODE_KEYWORDS.search(doc.subject) is None
                and find_expiry(doc.text[:_EXPIRY_TEXT]) is None
                and SIGN_IN_VERBS.search(doc.text[:_EXPIRY_TEXT]) is None
            )
        return self._lasting


def _under_one_label(ranked: list[ScoredCode], text: str) -> list[ScoredCode]:
    """The candidates sharing the best one's label when it labels several different
    values: an order's lines ("Code: EG-MK2", "Code: TR-GTX-42"…), a column of a list. A
    sign-in mail labels one code, however often it shows it. Only a field's label ("Code:")
    counts, and two values are a list already, whatever shape the other one has."""
    label = ranked[0].keyword.casefold().strip()
    if not label.endswith((":", "：")):
        return []
    listed = [s for s in ranked if s.keyword.casefold().strip() == label]
    # A field's label starts its line: "Code: EG-MK2", not "…your promo code: SAVE20".
    after = re.compile(rf"^[ \t*•|-]*{re.escape(label)}[ \t]*(\S+)", re.IGNORECASE | re.M)
    found = islice(after.finditer(text[:_LIST_TEXT]), _LIST_LABELS)
    values = {_WORD_CHARS.sub("", m.group(1)).casefold() for m in found} - {""}
    return listed if len(values) >= 2 else []


def _shape(code: ScoredCode) -> str:
    """Length and separators, and whether digits only: "k3f9a-2bq7x" is "alnum xxxxx-xxxxx"."""
    return ("digits " if code.value.isdigit() else "alnum ") + _ALNUM.sub("x", code.display)


def _meeting(doc: Document) -> bool:
    return bool(EVENT_CUES.search(doc.subject) or MEETING_CUES.search(doc.text[:_MAX_TEXT]))


def _reservation(doc: Document) -> bool:
    return bool(
        RESERVATION_CUES.search(doc.subject) or RESERVATION_CUES.search(doc.text[:_MAX_TEXT])
    )


def _gift_card(doc: Document) -> bool:
    return bool(GIFT_CARD_CUES.search(doc.subject) or GIFT_CARD_CUES.search(doc.text[:_MAX_TEXT]))
