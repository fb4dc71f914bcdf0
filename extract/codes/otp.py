"""One-time codes: enumerate every code-shaped token, score its evidence, abstain.

A token becomes a code by evidence, not by shape: a code word nearby (in any language we know),
the code standing alone on its line or in a styled box, the same value in the subject or in
the other body part. Numbers that something else claims (order, tracking, price, phone, date,
promo…) are claimed by their own context. Every signal is a named feature with its weight in
:mod:`otpbridge.extract.codes.features`; :mod:`otpbridge.extract.codes.scorer` finds them.
Below the threshold we return nothing: a missing code makes the agent wait or retry, a wrong
one makes it fail.
"""

from __future__ import annotations

import re
from itertools import chain, islice

from otpbridge.extract.codes.context import ScoredCode, judge_in_context
from otpbridge.extract.codes.cues import Cues
from otpbridge.extract.codes.features import THRESHOLD
from otpbridge.extract.codes.keyword_led import keyword_led_tokens
from otpbridge.extract.codes.keywords import PASSWORD_NOUNS, STRONG_CODE_KEYWORDS
from otpbridge.extract.codes.mentions import quotation_start
from otpbridge.extract.codes.origin_bound import origin_bound
from otpbridge.extract.codes.scorer import TokenScorer
from otpbridge.extract.codes.tokens import (
    code_tokens,
    labelled_key_tokens,
    linked_key_tokens,
    linked_line_tokens,
    mask,
    symbol_line_tokens,
)
from otpbridge.extract.model import CodeCandidate
from otpbridge.extract.parse.document import Document

__all__ = ["THRESHOLD", "candidates", "find_codes", "rank_codes"]

#: Characters of a text scored: the keyword scans over it are the costliest stage on hostile
#: text (up to ~1.5 µs a character); text/plain is cut to the same length in extract.parse.
_MAX_TEXT = 100_000
_MAX_CANDIDATES = 5
#: Code-shaped tokens scored per text (real mail: under 10; a table of figures: hundreds).
#: Scoring one costs ~80 µs, so a text of nothing but numbers would otherwise take seconds.
MAX_SCORED_TOKENS = 1_000


def _placed(scored: ScoredCode, start: int, source: str) -> ScoredCode:
    scored.reasons.append(f"in {source}")
    scored.at, scored.source = start, source
    return scored


def _score_text(scorer: TokenScorer, raw_text: str, source: str) -> list[ScoredCode]:
    text = mask(raw_text[:_MAX_TEXT])
    cues = Cues(text)
    scorer.quotation = quotation_start(text) if scorer.reply else len(text)
    out: list[ScoredCode] = []
    # A key with symbols is one code: the token scan's pieces of it ("9VkF" of "@GU6X?9VkF")
    # are not codes of their own.
    keys = list(symbol_line_tokens(text, cues.strong.ends))
    for start, end, parsed in islice(code_tokens(text), MAX_SCORED_TOKENS):
        if any(lo <= start and end <= hi for lo, hi, _ in keys):
            continue
        scored = scorer.score(text, start, end, parsed, cues)
        if scored is not None:
            out.append(_placed(scored, start, source))
    led = chain(
        keyword_led_tokens(
            text,
            _led_ends(text, cues),
            lambda token: _shown(scorer, token),
            lambda token: _in_link(scorer, token),
            _code_noun_ends(text, cues),
        ),
        labelled_key_tokens(
            text,
            (*cues.strong.ends, *cues.nouns.ends),
            frozenset(cues.strong.ends),
            lambda token: _in_link(scorer, token),
        ),
        linked_line_tokens(text, scorer.links.codes),
        linked_key_tokens(text, cues.strong.ends, lambda: scorer.links.parts),
        keys,
    )
    for start, end, parsed in islice(led, MAX_SCORED_TOKENS):
        scored = scorer.score(text, start, end, parsed, cues)
        if scored is not None:
            out.append(_placed(scored, start, source))
    return out


_WORD_START = re.compile(r"(?<=\s)\w")


def _led_ends(text: str, cues: Cues) -> list[int]:
    """Where the strong code words end, also a longer one that overlaps a shorter match
    ("Votre [code] de réinitialisation": "votre code" matched, "code de réinitialisation"
    ends later and is the one the code follows)."""
    ends = list(cues.strong.ends)
    for start, end in zip(cues.strong.starts, cues.strong.ends, strict=True):
        for w in _WORD_START.finditer(text, start + 1, end):
            longer = STRONG_CODE_KEYWORDS.match(text, w.start())
            if longer is not None and longer.end() > end:
                ends.append(longer.end())
    return ends


def _code_noun_ends(text: str, cues: Cues) -> list[int]:
    """Where the code nouns end, but a password's ("adgangskode": Danish for password)."""
    nouns = cues.nouns
    return [
        end
        for start, end in zip(nouns.starts, nouns.ends, strict=True)
        if PASSWORD_NOUNS.match(text, start) is None
    ]


def _shown(scorer: TokenScorer, token: str) -> bool:
    """Emphasised, or carried by a link as a path segment or query value; small letters
    only as a query value ("?secret=emcdgq"): a path segment of them is a route's word
    ("/email/confirm")."""
    words = token.isalpha() and token.islower()
    return token in scorer.emphasized or _in_link(scorer, token, "=" if words else "/=")


def _in_link(scorer: TokenScorer, token: str, before: str = "/=") -> bool:
    """Carried by a link of the mail as a path segment or query value."""
    needle = re.compile(rf"[{before}]{re.escape(token)}(?![A-Za-z0-9])")
    return any(needle.search(a.href) for a in scorer.doc.anchors)


def rank_codes(doc: Document) -> list[ScoredCode]:
    """Every candidate, best first, after the whole-mail judgements; none dropped (what
    ``--explain`` and the reasons of a verdict read)."""
    bound = origin_bound(doc)
    if bound is not None:
        only = ScoredCode(bound.value, bound.display, 0.0, [], True)
        only.add("origin_bound", bound.reason, bound.score)
        return [only]
    scorer = TokenScorer(doc)
    scored = _score_text(scorer, doc.text, "body")
    if doc.html_text and doc.plain_text:
        # The text part is read too: HTML can be broken, or render the code unrecognisably.
        for s in _score_text(scorer, doc.plain_text, "text part"):
            s.add("in_text_part", "read from the text part")
            scored.append(s)
    if scorer.subject.strip():
        for s in _score_text(scorer, scorer.subject, "subject"):
            s.add("in_subject_only", "read from the subject")  # weaker than the body
            # "Re: Cannot log in with code 482913" over a body without it: the subject of
            # the mail this one answers, which handed nothing to the reader.
            if scorer.reply and not any(s.display in t for t in (doc.text, doc.plain_text)):
                s.add("quoted_in_reply", "only in the subject of the mail it answers")
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
