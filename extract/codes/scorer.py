"""The features of one code-shaped token, read from its neighbourhood: which words name it,
how the sentence hands it over, what claims it for something else (see
:mod:`otpbridge.extract.codes.features` for the table of names and weights).

Each step below records the features it finds on the :class:`ScoredCode`; the evidence is
their weighted sum. Precedence (a handed-over code yields only to a closer, more specific
claim on that very token) is decided by :mod:`otpbridge.extract.codes.precedence` before a
``claimed_before`` feature is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from otpbridge.extract.codes.context import ScoredCode
from otpbridge.extract.codes.credentials import account_named, password_given
from otpbridge.extract.codes.cues import Cues
from otpbridge.extract.codes.features import CODE_WORD_NEAR
from otpbridge.extract.codes.keywords import (
    CODE_KEYWORDS,
    NEGATIVE_KEYWORDS,
    PASSWORD_NOUNS,
    STRONG_CODE_KEYWORDS,
)
from otpbridge.extract.codes.link_parts import MailLinks, folded
from otpbridge.extract.codes.mail_cues import card_authorization, reports_card_payment
from otpbridge.extract.codes.mentions import (
    first_person,
    forward_subject,
    labels_aside,
    names_number,
    not_handed_over,
    quoted_reply_line,
    reply_subject,
    spoken_by_someone,
    untagged_subject,
)
from otpbridge.extract.codes.precedence import (
    HandOver,
    answers_question,
    claim_before,
    hand_over,
    hands_directly,
    labels_line_end,
    labels_own_value,
    same_sentence,
    specific_code_phrase,
)
from otpbridge.extract.codes.prefix import typed_prefix
from otpbridge.extract.codes.quantities import measures_something
from otpbridge.extract.codes.shapes import is_year_or_date, shape_feature
from otpbridge.extract.codes.tokens import (
    line_bounds,
    strip_marks,
    suffix_end,
    under_colon_line,
)
from otpbridge.extract.lang.patterns import alternation
from otpbridge.extract.parse.document import Document

__all__ = ["TokenScorer"]

#: Characters of a text scored (as extract.codes.otp).
MAX_TEXT = 100_000

# "482913 is your Acme code": the token is the subject of a sentence about a code.
_CODE_FIRST = re.compile(
    rf"[ \t]*{alternation('code', 'copula')}[ \t]+{alternation('code', 'possessive')}\b"
    r"([^.\n]{0,40})",
    re.IGNORECASE,
)
# "Use 582014 to verify your email": the token is what one enters to verify or sign in.
_USE_BEFORE = re.compile(
    rf"(?:^|[\s(]){alternation('code', 'use_verbs')}[ \t]+$",
    re.IGNORECASE,
)
# "…, um …", "… ein, um zu bestätigen": the German particle of a separable verb may come first.
_TO_VERIFY = re.compile(
    rf",?[ \t]+(?:ein,?[ \t]+)?{alternation('code', 'purpose_to')}[ \t]+(?:\w+[ \t]+){{0,3}}?"
    rf"{alternation('code', 'verify_verbs')}\b",
    re.IGNORECASE,
)
# Features that say a code word next to the token does not hand it over.
_UNLABELLED = frozenset(
    {"speaker_own_code", "payment_receipt", "talked_about", "quoted_in_reply", "claimed_before"}
)
_PIN_LABEL = re.compile(r"\b(?:pin|пин)[- ]?$", re.IGNORECASE)
_OWN_NUMBER = re.compile(r"[ \t]*[:：#]?[ \t]*\d")
_BREAK = re.compile(r"\n|[.!?;。！？]\s")
# "OPS-5115: Fix OTP resend timer": a token before a colon heads a title or a field.
_HEADS_TITLE = re.compile(r"[\])]?[ \t]*[:：]")
# The words of a From header: its display name, local part and domain labels.
_WORDS = re.compile(r"[^\W_]+")


@dataclass(slots=True)
class _Token:
    """One token being scored, and what the steps found so far."""

    text: str
    start: int
    end: int
    cues: Cues
    s: ScoredCode
    alone: bool = False
    whole_body: bool = False
    kw: tuple[int, str] | None = None
    where: str = "before"
    named: bool = False
    handed: HandOver | None = None

    @property
    def value(self) -> str:
        return self.s.value

    @property
    def display(self) -> str:
        return self.s.display

    def kw_start(self) -> int:
        assert self.kw is not None
        return self.start - self.kw[0] - len(self.kw[1])


class TokenScorer:
    """Scores the tokens of one mail; holds what every token of the mail shares."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.subject = untagged_subject(doc.subject)
        self.subject_lower = self.subject.lower()
        self.subject_has_kw = STRONG_CODE_KEYWORDS.search(self.subject) is not None
        emph: set[str] = set()
        for snippet in doc.emphasized:
            emph.add(snippet)
            emph.add("".join(snippet.split()))
        self.emphasized = emph
        self.other_texts = (doc.plain_text, doc.preheader) if doc.html_text else ()
        self._receipt: bool | None = None
        # The sender's address and display name: a claim word there is the sender's brand.
        self.sender = (doc.from_addr + " " + doc.headers.get("from", "")).lower()
        self.sender_words = frozenset(_WORDS.findall(self.sender))
        self.reply = reply_subject(doc.subject)
        self.forward = forward_subject(doc.subject)
        self.quotation = 0
        self.links = MailLinks(doc)

    @property
    def receipt(self) -> bool:
        """The mail reports a card payment (read on demand: few mails need it)."""
        if self._receipt is None:
            self._receipt = reports_card_payment(self.subject, self.doc.text[:MAX_TEXT])
        return self._receipt

    def score(
        self, text: str, start: int, end: int, parsed: tuple[str, str], cues: Cues
    ) -> ScoredCode | None:
        """The token's features and evidence, or None for a quantity ("15 minutes")."""
        value, display = typed_prefix(text, start, end, *parsed, lambda: self.links.parts)
        if measures_something(text, start, end, value, display):
            return None
        t = _Token(text, start, end, cues, ScoredCode(value, display, 0.0, []))
        self._placement(t)
        self._code_word(t)
        t.named = t.kw is not None or t.whole_body
        self._named_by_whom(t)
        self._word_gain(t)
        self._sentence(t)
        self._claims(t)
        self._elsewhere(t)
        t.s.named = t.named
        t.s.keyword = t.kw[1].strip() if t.kw else ""
        return t.s

    def _placement(self, t: _Token) -> None:
        line_lo, line_hi = line_bounds(t.text, t.start, t.end)
        line = strip_marks(t.text[line_lo:line_hi])
        t.alone = line == t.display or (
            len(line) < 4 * len(t.display) and " ".join(line.split()) == t.display
        )
        if not t.alone:
            return
        t.s.add("alone_on_line", "alone on its line")
        if self.subject_has_kw and len(t.text) < 200 and t.text.strip() == t.display:
            # The body is nothing but this token under a code subject ("OTP token"): the
            # bare default template of some OTP libraries.
            t.s.add("whole_body", "the whole body, under a code subject")
            t.whole_body = True

    def _code_word(self, t: _Token) -> None:
        """The nearest strong code word on the same line before/after, or (for a code on
        its own line) in the blocks just above it."""
        text, start, end = t.text, t.start, t.end
        kw = t.cues.strong.before(start, 300 if t.alone else 120)
        kw_after = t.cues.strong.after(end, 60)
        # "Hi user4821,⏎⏎Your code: …": the code word's sentence belongs to another token.
        if kw_after is not None and not t.alone and _BREAK.search(text, end, end + kw_after[0]):
            kw_after = None
        # …and a code word in the title it heads names no token.
        if kw_after is not None and _HEADS_TITLE.match(text, end):
            kw_after = None
        if kw_after is not None and (kw is None or kw_after[0] < kw[0]):
            t.kw, t.where = kw_after, "after"
            return
        if kw is not None and (
            answers_question(text, start - kw[0], start)  # "Your code from the app?⏎263158": a form
            or labels_own_value(text, start - kw[0], start)  # "Gift code: 8JX2⏎PIN: 4820"
        ):
            kw = None
        t.kw, t.where = kw, "before"

    def _named_by_whom(self, t: _Token) -> None:
        """A code word that names somebody else's code, or a card slip's."""
        text, start = t.text, t.start
        if t.kw is not None and t.where == "before":
            kw_start = t.kw_start()
            # "PIN-kod: 4821": a PIN's label names a standing PIN as much as a bare "PIN".
            t.named = t.named and not _PIN_LABEL.search(text, max(0, kw_start - 5), kw_start)
            if first_person(text, kw_start):
                t.s.add("speaker_own_code", "the speaker's own code")
                t.named = False
        if "speaker_own_code" not in t.s.features and spoken_by_someone(text, start):
            t.s.add("speaker_own_code", "in a person's own sentence ('I …')")
            t.named = False
        if t.kw is not None and self.receipt:
            at = start - t.kw[0] if t.where == "before" else t.end + t.kw[0] + len(t.kw[1])
            if card_authorization(text, at):  # "Auth code: 081234" on a card slip
                t.s.add("payment_receipt", f"'{t.kw[1].strip()}' on a payment receipt")
                t.named = False
        if t.kw is None:
            kw = self._noun_with_verb(t.cues, start, 300 if t.alone else 120)
            t.where = "before (code word and verb)"
            # "Meeting point code: 3214.⏎Read the full report: report 74868": a code word
            # labelling its own line's value names no token below it.
            taken = kw is not None and (
                answers_question(text, start - kw[0], start)
                or labels_own_value(text, start - kw[0], start)
            )
            t.kw = None if taken else kw

    def _word_gain(self, t: _Token) -> None:
        if t.kw is not None:
            dist = t.kw[0]
            # "Code de vérification de l’e-mail d’authentification à deux facteurs : e25C89E7":
            # a code word heading the token's label names it however long the label runs.
            label = (
                dist > CODE_WORD_NEAR
                and t.where == "before"
                and labels_line_end(t.text, t.start - dist, t.start, t.end, strong=True)
            )
            name = "near" if dist <= CODE_WORD_NEAR or label else "mid" if dist <= 120 else "far"
            how = "heads its label, " if label else ""
            t.s.add(f"code_word_{name}", f"keyword '{t.kw[1].strip()}' {how}{dist} chars {t.where}")
            return
        wk = self._weak_word(t)
        if wk is not None:
            # "Code RFY3XT": a bare code word right before the token is strong enough, as is
            # a code noun heading the token's label ("Votre jeton est: 245427"); not a PIN's
            # ("The pin is: 084191" may be a standing one).
            label = labels_line_end(t.text, t.start - wk[0], t.start, t.end)
            label = label and not _PIN_LABEL.search(wk[1].strip())
            label = label and wk == t.cues.nouns.before(t.start, wk[0])
            # "La tua password è HNOxG4vAPG": a password's label hands over a standing one.
            close = (wk[0] <= 3 or label) and not PASSWORD_NOUNS.fullmatch(wk[1].strip())
            name = "adjacent" if close else "near" if wk[0] <= 40 else "far"
            t.s.add(f"weak_word_{name}", f"weak keyword '{wk[1].strip()}' {wk[0]} chars away")

    def _weak_word(self, t: _Token) -> tuple[int, str] | None:
        text, start, end = t.text, t.start, t.end
        wk = t.cues.weak.before(start, 300 if t.alone else 120)
        wk_after = None if _HEADS_TITLE.match(text, end) else t.cues.weak.after(end, 40)
        # "+49 30 1234567, PIN 4711#": a code word after the token labels its own number.
        if wk_after is not None:
            word_end = end + wk_after[0] + len(wk_after[1])
            if _OWN_NUMBER.match(text, word_end):
                wk_after = None
        # …a code word on the next line labels the next line's number.
        after_break = wk_after is not None and _BREAK.search(text, end, end + wk_after[0])
        if wk is None and wk_after and (t.alone or not after_break):
            return wk_after
        if wk is None:
            return None
        at = start - wk[0]
        if answers_question(text, at, start) or labels_own_value(text, at, start):
            return None
        if card_authorization(text, at) and self.receipt:
            t.s.add("payment_receipt", f"'{wk[1].strip()}' on a payment receipt")
            return None
        return wk

    def _sentence(self, t: _Token) -> None:
        text, start, end = t.text, t.start, t.end
        first = _CODE_FIRST.match(text, end, min(len(text), end + 60))
        says_code = (
            first is not None
            and CODE_KEYWORDS.search(first.group(1)) is not None
            and not NEGATIVE_KEYWORDS.search(first.group(1))
        )
        if says_code:
            t.s.add("says_code", "sentence says it is a code")
            t.named = True
        says_use = bool(
            _USE_BEFORE.search(text, max(0, start - 24), start)
            and _TO_VERIFY.match(text, end, min(len(text), end + 60))
        )
        if says_use:
            t.s.add("says_use_to_verify", "sentence says to use it to verify")
            t.named = True
        named_before = t.kw if t.named and t.where == "before" else None
        t.handed = hand_over(text, start, named_before, t.alone, says_code, says_use)

    def _claims(self, t: _Token) -> None:
        text, start, end, value = t.text, t.start, t.end, t.value
        handed = t.handed
        assert handed is not None
        veto = claim_before(text, start, t.cues, handed, self.sender)
        owner = "" if veto else account_named(text, start)
        if veto or owner:
            t.s.add("claimed_before", veto or f"the name of the {owner} before it")
        # The words after a code start after a case suffix glued to it ("482913'tür").
        after = suffix_end(text, end)
        neg_after = t.cues.negative.after(after, 3)
        # "…kodunuz: 403615. Tutar: 1.250 TL": a new sentence claims its own number.
        if (
            neg_after is not None
            and not _BREAK.search(text, after, after + neg_after[0])
            and not labels_aside(text, after, neg_after[0] + len(neg_after[1]))
        ):
            t.s.add("claim_word_after", f"followed by '{neg_after[1].strip()}'")
        shop = t.cues.shopping_after(end, 120)
        # …a shopping word in a later paragraph belongs to that paragraph (not so for a
        # promotion's "FALL20", which the offer below explains), and one in a later sentence
        # takes no code the mail hands over ("…is 339104. Use it to finish your purchase").
        later = shop is not None and (
            (t.alone and t.named and value.isdigit() and "\n\n" in text[end : end + 120])
            or (
                bool(handed)
                and (value.isdigit() or specific_code_phrase(handed.keyword))
                and not same_sentence(text, end, end + shop[0])
            )
        )
        if shop is not None and not later:
            t.s.add("shopping_word_after", f"shopping word '{shop[1].strip()}' after it")
        if password_given(text, start):
            t.s.add("listed_credential", "after a clause naming a password")
        named = t.kw is not None and names_number(
            text, start, end, t.kw[0], before=t.where == "before", alone=t.alone
        )
        if is_year_or_date(value, t.display) and not named:
            t.s.add("year_or_date", "looks like a year/date")

    def _elsewhere(self, t: _Token) -> None:
        """The token's shape, and where else the mail shows it."""
        value, display = t.value, t.display
        kw = t.kw if t.where == "before" and t.handed else None
        direct = kw is not None and hands_directly(t.text, t.start - kw[0], t.start)
        specific = kw is not None and specific_code_phrase(kw[1])
        t.s.add(*shape_feature(value, display, direct, specific))
        if display in self.emphasized or value in self.emphasized:
            t.s.add("emphasised", "emphasised")
        if display.lower() in self.subject_lower or value.lower() in self.subject_lower:
            name = "in_subject_code_subject" if self.subject_has_kw else "in_subject"
            t.s.add(name, "also in the subject")
        elif self.subject_has_kw:
            t.s.add("code_subject", "a code word in the subject")
        talked_about = not_handed_over(t.text, t.end)
        if talked_about:
            t.s.add("talked_about", talked_about)
            t.named = False
        if not self.forward and quoted_reply_line(t.text, t.start, self.quotation):
            t.s.add("quoted_in_reply", "quoted in a reply")
            t.named = False
        if not value.isdigit() and value.lower() in self.sender_words:
            t.s.add("sender_name", "a word of the sender's name")
        if any(display in o or value in o for o in self.other_texts):
            t.s.add("in_other_part", "also in the other part")
        self._in_link(t)

    def _in_link(self, t: _Token) -> None:
        """A labelled token a link carries too: the code the activation or sign-in link holds.
        A bare code word right before it labels it ("Code KXQWTR"), as does a colon ending
        the line above its link's code parameter; that parameter is more evidence still."""
        value, display = folded(t.value), folded(t.display)
        links = self.links
        coded = value in links.codes or display in links.codes
        if not coded and value not in links.parts and display not in links.parts:
            return
        if value in links.feed_keys or display in links.feed_keys:
            t.s.add("feed_key", "a feed or calendar link carries it")
            return
        labelled = t.named and t.kw is not None
        adjacent = "weak_word_adjacent" in t.s.features or (t.kw is not None and t.kw[0] <= 3)
        # "…type the following:⏎Qv3.kLm/9RtZ"
        below = coded and t.alone and under_colon_line(t.text, t.start)
        # "Use this token to complete your sign in: AOZVTE" beside "…/sign_in/<id>/AOZVTE": a
        # code noun with a verb in the token's own sentence.
        said = (
            coded
            and t.kw is not None
            and t.where != "after"
            and t.kw[0] <= CODE_WORD_NEAR
            and same_sentence(t.text, t.start - t.kw[0], t.start)
        )
        if not labelled and (adjacent or below or said):
            labelled = not _UNLABELLED.intersection(t.s.features)
        if not labelled:
            return
        t.s.add("named_and_in_link", "a code word names it and a link carries it")
        if coded:
            t.s.add("code_param_in_link", "a link carries it as its code parameter")

    @staticmethod
    def _noun_with_verb(cues: Cues, start: int, window: int) -> tuple[int, str] | None:
        """A bare code word plus a signing-in/verifying word before the token count as a
        strong keyword at the code word's distance."""
        noun = cues.nouns.before(start, window)
        # "Use these credentials to log in: Пароль | bU87zzRU": a password is kept, not typed once.
        if noun is None or PASSWORD_NOUNS.fullmatch(noun[1].strip()):
            return None
        lo = start - window
        nouns = {w.lower() for w in cues.nouns.words_in(lo, start)}
        if any(w.lower() not in nouns for w in cues.weak.words_in(lo, start)):
            return noun
        return None
