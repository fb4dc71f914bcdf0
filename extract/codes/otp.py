"""One-time codes: enumerate every code-shaped token, score it, veto the impostors, abstain.

A token becomes a code by evidence, not by shape: a code word nearby (in any language we know),
the code standing alone on its line or in a styled box, the same value in the subject or in
the other body part. Numbers that something else claims (order, tracking, price, phone, date,
promo…) are vetoed by their own context. Below the threshold we return nothing: a missing
code makes the agent wait or retry, a wrong one makes it fail.
"""

from __future__ import annotations

import re
from itertools import islice

from otpbridge.extract.codes.context import ScoredCode, judge_in_context
from otpbridge.extract.codes.cues import Cues
from otpbridge.extract.codes.keywords import CODE_KEYWORDS, NEGATIVE_KEYWORDS, STRONG_CODE_KEYWORDS
from otpbridge.extract.codes.mail_cues import card_authorization, reports_card_payment
from otpbridge.extract.codes.mentions import (
    first_person,
    forward_subject,
    hands_over,
    labels_aside,
    not_handed_over,
    quotation_start,
    quoted_reply_line,
    reply_subject,
)
from otpbridge.extract.codes.origin_bound import origin_bound
from otpbridge.extract.codes.precedence import (
    claim_before,
    hand_over,
    labels_own_value,
    same_sentence,
    specific_code_phrase,
)
from otpbridge.extract.codes.prefix import typed_prefix
from otpbridge.extract.codes.quantities import measures_something
from otpbridge.extract.codes.shapes import (
    is_year_or_date,
    shape_prior,
)
from otpbridge.extract.codes.tokens import (
    code_tokens,
    keyword_led_tokens,
    line_bounds,
    mask,
    strip_marks,
)
from otpbridge.extract.model import CodeCandidate
from otpbridge.extract.parse.document import Document

__all__ = ["THRESHOLD", "candidates", "find_codes", "rank_codes"]

#: Minimum score for a candidate to be returned as *the* code.
THRESHOLD = 0.5
#: Characters of a text scored: the keyword scans over it are the costliest stage on hostile
#: text (up to ~1.5 µs a character); text/plain is cut to the same length in extract.parse.reader.
_MAX_TEXT = 100_000
_MAX_CANDIDATES = 5
#: Code-shaped tokens scored per text (real mail: under 10; a table of figures: hundreds).
#: Scoring one costs ~80 µs, so a text of nothing but numbers would otherwise take seconds.
MAX_SCORED_TOKENS = 1_000

# "482913 is your Acme code": the token is the subject of a sentence about a code.
_CODE_FIRST = re.compile(
    r"[ \t]*(?:is|ist|est|es|é|è|là)[ \t]+(?:your|dein|deine|ihr|ihre|votre|ton|tu|su|seu|sua|"
    r"o seu|a sua|il tuo|la tua|je|uw|jouw|twój|twoje|the)\b([^.\n]{0,40})",
    re.IGNORECASE,
)
# "Use 582014 to verify your email": the token is what one enters to verify or sign in.
_USE_BEFORE = re.compile(
    r"(?:^|[\s(])(?:use|enter|type|utilisez|utilise|saisissez|saisis|entrez|usa|use|usá|"
    r"introduce|ingresa|insira|digite|inserisci|gebruik|voer|verwende|verwenden sie|gib)[ \t]+$",
    re.IGNORECASE,
)
_TO_VERIFY = re.compile(
    r",?[ \t]+(?:ein,?[ \t]+)?(?:to|pour|para|per|om|um)[ \t]+(?:\w+[ \t]+){0,3}?"
    r"(?:verify|confirm|sign in|log in|login|activate|vérifier|confirmer|"
    r"(?:vous|te) connecter|activer|verificar|confirmar|iniciar sesión|entrar|acceder|"
    r"verificare|confermare|accedere|verifiëren|bevestigen|in te loggen|bestätigen|"
    r"verifizieren|anzumelden)\b",
    re.IGNORECASE,
)
# A code word in a question labels no number after it: the number answers a form's field.
_SENTENCE_STOP = re.compile(r"[.!?。！？؟\n]")
_PIN_LABEL = re.compile(r"\b(?:pin|пин)[- ]?$", re.IGNORECASE)
_BREAK = re.compile(r"\n|[.!?;。！？]\s")


def _asks(text: str, keyword_end: int, start: int) -> bool:
    """The sentence of the code word that ends before the token is a question."""
    stop = _SENTENCE_STOP.search(text, keyword_end, start)
    return stop is not None and stop.group() in "?？؟"


def _placed(scored: ScoredCode, start: int, source: str) -> ScoredCode:
    scored.reasons.append(f"in {source}")
    scored.at, scored.source = start, source
    return scored


class _Scorer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.subject = doc.subject
        self.subject_lower = doc.subject.lower()
        self.subject_has_kw = STRONG_CODE_KEYWORDS.search(doc.subject) is not None
        emph: set[str] = set()
        for snippet in doc.emphasized:
            emph.add(snippet)
            emph.add("".join(snippet.split()))
        self.emphasized = emph
        self.other_texts = (doc.plain_text, doc.preheader) if doc.html_text else ()
        self._receipt: bool | None = None
        # The sender's address and display name: a claim word there is the sender's brand.
        self.sender = (doc.from_addr + " " + doc.headers.get("from", "")).lower()
        self.reply = reply_subject(doc.subject)
        self.forward = forward_subject(doc.subject)
        self._quotation = 0

    @property
    def receipt(self) -> bool:
        """The mail reports a card payment (read on demand: few mails need it)."""
        if self._receipt is None:
            text = self.doc.text[:_MAX_TEXT]
            self._receipt = reports_card_payment(self.subject, text)
        return self._receipt

    def score_text(self, raw_text: str, source: str) -> list[ScoredCode]:
        text = mask(raw_text[:_MAX_TEXT])
        cues = Cues(text)
        self._quotation = quotation_start(text) if self.reply else len(text)
        out: list[ScoredCode] = []
        for start, end, parsed in islice(code_tokens(text), MAX_SCORED_TOKENS):
            scored = self._score(text, start, end, parsed, cues)
            if scored is not None:
                out.append(_placed(scored, start, source))
        out.extend(self._codes_after_keyword(text, cues, source))
        return out

    def _codes_after_keyword(self, text: str, cues: Cues, source: str) -> list[ScoredCode]:
        out: list[ScoredCode] = []
        shown = self._shown
        led = keyword_led_tokens(text, cues.strong.ends, shown)
        for start, end, parsed in islice(led, MAX_SCORED_TOKENS):
            scored = self._score(text, start, end, parsed, cues)
            if scored is not None:
                out.append(_placed(scored, start, source))
        return out

    def _shown(self, token: str) -> bool:
        """Emphasised, or carried by a link."""
        return token in self.emphasized or self._in_link(token)

    def _in_link(self, token: str) -> bool:
        """Some anchor of the mail carries ``token`` as a path segment or query value."""
        return any(
            re.search(rf"[/=]{re.escape(token)}(?![A-Za-z0-9])", a.href) for a in self.doc.anchors
        )

    def _score(
        self,
        text: str,
        start: int,
        end: int,
        parsed: tuple[str, str],
        cues: Cues,
    ) -> ScoredCode | None:
        value, display = typed_prefix(text, start, end, *parsed)
        if measures_something(text, start, end, value, display):
            return None
        strong, weak, negative = cues.strong, cues.weak, cues.negative
        reasons: list[str] = []
        score = 0.0
        whole_body = False
        line_lo, line_hi = line_bounds(text, start, end)
        line = strip_marks(text[line_lo:line_hi])
        alone = line == display or (
            len(line) < 4 * len(display) and " ".join(line.split()) == display
        )
        if alone:
            score += 0.15
            reasons.append("alone on its line")
            if self.subject_has_kw and len(text) < 200 and text.strip() == display:
                # The body is nothing but this token under a code subject ("OTP token"):
                # the bare default template of some OTP libraries.
                score += 0.3
                whole_body = True
                reasons.append("the whole body, under a code subject")
        # Keywords: on the same line before/after, or (for a code on its own line) in the
        # blocks just above it.
        left_window = 300 if alone else 120
        kw = strong.before(start, left_window)
        kw_after = strong.after(end, 60)
        # "Hi user4821,⏎⏎Your code: …", "…123456 tops the list. A one-time code…": the code
        # word's sentence belongs to another token.
        if kw_after is not None and not alone and _BREAK.search(text, end, end + kw_after[0]):
            kw_after = None
        if kw_after is not None and (kw is None or kw_after[0] < kw[0]):
            kw = kw_after
            where = "after"
        else:
            where = "before"
        if kw is not None and where == "before" and _asks(text, start - kw[0], start):
            kw = None  # "Your verification code from the app?⏎263158": a form's answer
        if kw is not None and where == "before" and labels_own_value(text, start - kw[0], start):
            kw = None  # "Gift code: 8JX2-KP4Q-77MZ⏎PIN: 4820": the code word's own line
        named = kw is not None or whole_body
        if kw is not None and where == "before":
            kw_start = start - kw[0] - len(kw[1])
            # "PIN-kod: 4821": a PIN's label names a standing PIN (a gift card's, a booking's)
            # as much as a bare "PIN" does.
            named = named and not _PIN_LABEL.search(text, max(0, kw_start - 5), kw_start)
            if first_person(text, kw_start):
                score -= 0.5  # "my code is 902114": somebody quoted, not the reader's code
                reasons.append("the speaker's own code")
                named = False
        if (
            kw is not None
            and self.receipt
            and card_authorization(
                text, start - kw[0] if where == "before" else end + kw[0] + len(kw[1])
            )
        ):
            score -= 0.6  # "Auth code: 081234" on a card slip authorises a payment
            reasons.append(f"'{kw[1].strip()}' on a payment receipt")
            named = False
        if kw is None:
            kw = self._noun_with_verb(cues, start, left_window)
            where = "before (code word and verb)"
            if kw is not None and _asks(text, start - kw[0], start):
                kw = None
        if kw is not None:
            dist = kw[0]
            gain = 0.55 if dist <= 40 else 0.42 if dist <= 120 else 0.3
            score += gain
            reasons.append(f"keyword '{kw[1].strip()}' {dist} chars {where}")
        else:
            wk = weak.before(start, left_window)
            wk_after = weak.after(end, 40)
            # …a code word on the next line labels the next line's number.
            after_break = wk_after is not None and _BREAK.search(text, end, end + wk_after[0])
            if wk is None and wk_after and (alone or not after_break):
                wk = wk_after
            elif wk is not None and (
                _asks(text, start - wk[0], start) or labels_own_value(text, start - wk[0], start)
            ):
                wk = None
            elif wk is not None and card_authorization(text, start - wk[0]) and self.receipt:
                score -= 0.6  # "Authorisation code 839204" on a card slip, as above
                reasons.append(f"'{wk[1].strip()}' on a payment receipt")
                wk = None
            if wk is not None:
                # "Code RFY3XT": a bare code word right before the token is strong enough.
                score += 0.5 if wk[0] <= 3 else 0.3 if wk[0] <= 40 else 0.2
                reasons.append(f"weak keyword '{wk[1].strip()}' {wk[0]} chars away")
        first = _CODE_FIRST.match(text, end, min(len(text), end + 60))
        says_code = (
            first is not None
            and CODE_KEYWORDS.search(first.group(1)) is not None
            and not NEGATIVE_KEYWORDS.search(first.group(1))
        )
        if says_code:
            score += 0.5
            named = True
            reasons.append("sentence says it is a code")
        says_use = bool(
            _USE_BEFORE.search(text, max(0, start - 24), start)
            and _TO_VERIFY.match(text, end, min(len(text), end + 60))
        )
        if says_use:
            score += 0.45
            named = True
            reasons.append("sentence says to use it to verify")
        handed = hand_over(
            text, start, kw if named and where == "before" else None, alone, says_code, says_use
        )
        veto = claim_before(text, start, cues, handed, self.sender)
        if veto:
            score -= 0.6
            reasons.append(veto)
        neg_after = negative.after(end, 3)
        # "…kodunuz: 403615. Tutar: 1.250 TL": a new sentence claims its own number.
        if (
            neg_after is not None
            and not _BREAK.search(text, end, end + neg_after[0])
            and not labels_aside(text, end, neg_after[0] + len(neg_after[1]))
        ):
            score -= 0.4
            reasons.append(f"followed by '{neg_after[1].strip()}'")
        shop = cues.shopping_after(end, 120)
        # …a shopping word in a later paragraph belongs to that paragraph (not so for a
        # promotion's "FALL20", which the offer below explains), and one in a later sentence
        # takes no code the mail hands over ("…is 339104. Use it to finish your purchase").
        later = shop is not None and (
            (alone and named and value.isdigit() and "\n\n" in text[end : end + 120])
            or (
                bool(handed)
                and (value.isdigit() or specific_code_phrase(handed.keyword))
                and not same_sentence(text, end, end + shop[0])
            )
        )
        if shop is not None and not later:
            score -= 0.5
            reasons.append(f"shopping word '{shop[1].strip()}' after it")
        if is_year_or_date(value) and not (
            kw is not None and where == "before" and hands_over(text, start, end, kw[0])
        ):
            score -= 0.45
            reasons.append("looks like a year/date")
        prior, shape = shape_prior(value, display)
        score += prior
        reasons.append(shape)
        if display in self.emphasized or value in self.emphasized:
            score += 0.2
            reasons.append("emphasised")
        if display.lower() in self.subject_lower or value.lower() in self.subject_lower:
            score += 0.25 if self.subject_has_kw else 0.12
            reasons.append("also in the subject")
        elif self.subject_has_kw:
            score += 0.05
        talked_about = not_handed_over(text, end)
        if talked_about:
            score -= 0.4
            named = False
            reasons.append(talked_about)
        if not self.forward and quoted_reply_line(text, start, self._quotation):
            score -= 0.5
            named = False
            reasons.append("quoted in a reply")
        if any(display in t or value in t for t in self.other_texts):
            score += 0.05
            reasons.append("also in the other part")
        return ScoredCode(value, display, score, reasons, named, kw[1].strip() if kw else "")

    @staticmethod
    def _noun_with_verb(cues: Cues, start: int, window: int) -> tuple[int, str] | None:
        """A bare code word plus a signing-in/verifying word before the token count as a
        strong keyword at the code word's distance."""
        noun = cues.nouns.before(start, window)
        if noun is None:
            return None
        lo = start - window
        nouns = {w.lower() for w in cues.nouns.words_in(lo, start)}
        if any(w.lower() not in nouns for w in cues.weak.words_in(lo, start)):
            return noun
        return None


def rank_codes(doc: Document) -> list[ScoredCode]:
    """Every candidate, best first, after the whole-mail judgements; none dropped (what
    ``--explain`` and the reasons of a verdict read)."""
    bound = origin_bound(doc)
    if bound is not None:
        return [ScoredCode(bound.value, bound.display, bound.score, [bound.reason], True)]
    scorer = _Scorer(doc)
    scored = scorer.score_text(doc.text, "body")
    if doc.html_text and doc.plain_text:
        # The text part is read too: HTML can be broken, or render the code unrecognisably.
        for s in scorer.score_text(doc.plain_text, "text part"):
            s.score -= 0.05
            scored.append(s)
    if doc.subject:
        for s in scorer.score_text(doc.subject, "subject"):
            s.score -= 0.1  # a subject alone is weaker evidence than the body
            scored.append(s)
    best: dict[str, ScoredCode] = {}
    for s in scored:
        prev = best.get(s.value)
        if prev is None or s.score > prev.score:
            best[s.value] = s
    ranked = sorted(best.values(), key=lambda s: s.score, reverse=True)
    return judge_in_context(doc, ranked, THRESHOLD)


def find_codes(doc: Document) -> tuple[CodeCandidate, ...]:
    """Code candidates, best first. The first one is *the* code iff its score ≥ THRESHOLD."""
    return candidates(rank_codes(doc))


def candidates(ranked: list[ScoredCode]) -> tuple[CodeCandidate, ...]:
    """The candidates of ``ranked`` worth reporting: the best few above 0.2."""
    return tuple(
        CodeCandidate(
            value=s.value,
            score=max(0.0, min(0.99, s.score)),
            reason="; ".join(s.reasons),
            display=s.display,
        )
        for s in ranked[:_MAX_CANDIDATES]
        if s.score > 0.2
    )
