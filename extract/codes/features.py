"""The evidence model of code candidates: every signal a token gets is a named feature, and
this module is the one table of their weights.

A candidate's *evidence* is ``BIAS + Σ weight(f) · value(f)`` over the features it has
(most values are 1; ``shape`` features are one-hot, ``origin_bound`` carries the origin's
own score). The token is *the* code when its evidence reaches ``THRESHOLD`` (0.5); its logit
is ``z = SCALE · (evidence − THRESHOLD)`` and the verdict's ``confidence`` is logistic in it,
calibrated on held-out mail (:mod:`otpbridge.extract.calibration`).

Three kinds of feature:

- ``for``: evidence that the mail hands this token over as a one-time code;
- ``claim``: something else claims the token (an order number, a price, a quotation);
- ``veto``: the whole mail is of a kind whose codes are not sign-in codes (a meeting, a
  booking, a list of backup codes).

Precedence is a hard rule outside the weights (:mod:`otpbridge.extract.codes.precedence`):
a code the mail hands over can only lose to a closer, more specific claim on that very
token, so ``claimed_before`` is never set for a handed-over code by a word elsewhere in the
sentence, the brand or the subject.

The numbers in the table below are each feature's *prior*: the hand-set weights of
otpbridge ≤ 0.9. The weight in use is the *fitted* one from ``fitted.json``, which
``tests/bench/fit_weights.py`` writes: a logistic regression on the corpus' train split whose
L2 penalty pulls toward the prior (a MAP fit; its strength chosen by cross-validation by
project), so the data moves a weight only as far as held-out projects agree. A feature the
fitted table does not name (new, not yet refitted) runs on its prior.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Literal

__all__ = [
    "BIAS",
    "CODE_WORD_NEAR",
    "FEATURES",
    "SCALE",
    "THRESHOLD",
    "Feature",
    "weight",
]

FeatureKind = Literal["for", "claim", "veto"]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    #: The hand-set weight, the fit's prior.
    prior: float
    kind: FeatureKind
    doc: str
    #: The weight in use: the fitted one (``fitted.json``), else the prior.
    weight: float = field(default=float("nan"))

    def __post_init__(self) -> None:
        if self.weight != self.weight:  # NaN: not given
            object.__setattr__(self, "weight", self.prior)


#: A strong code word this many characters from the token names it (``code_word_near``).
CODE_WORD_NEAR = 40
#: Evidence a candidate must reach to be *the* code.
THRESHOLD = 0.5
#: Evidence of a candidate with no feature at all.
BIAS = 0.0
#: Logits per unit of evidence: ``z = SCALE · (evidence − THRESHOLD)``.
SCALE = 8.0

# fmt: off
_TABLE: tuple[Feature, ...] = (
    # -- where the token stands
    Feature("alone_on_line", 0.15, "for", "The token is all its line says (a code box)."),
    Feature("whole_body", 0.3, "for",
            "The body is nothing but this token, under a subject with a code word."),
    Feature("in_text_part", -0.05, "for",
            "Read from the text/plain part of a mail that has HTML too (weaker)."),
    Feature("in_subject_only", -0.1, "for", "Read from the subject (weaker than the body)."),
    # -- the words that name it
    Feature("code_word_near", 0.55, "for",
            "A strong code word ('verification code', 'Bestätigungscode') within 40 chars."),
    Feature("code_word_mid", 0.42, "for", "A strong code word 41–120 chars away."),
    Feature("code_word_far", 0.3, "for",
            "A strong code word 121–300 chars above a code alone on its line."),
    Feature("weak_word_adjacent", 0.5, "for",
            "A bare code word right before the token ('Code RFY3XT')."),
    Feature("weak_word_near", 0.3, "for", "A bare code word or 'enter' within 40 chars."),
    Feature("weak_word_far", 0.2, "for", "A bare code word or 'enter' further away."),
    Feature("says_code", 0.5, "for", "'482913 is your Acme code': the sentence says so."),
    Feature("says_use_to_verify", 0.45, "for", "'Use 582014 to verify your email'."),
    Feature("emphasised", 0.2, "for", "Bold, large or boxed in the HTML."),
    Feature("in_subject_code_subject", 0.25, "for",
            "Also in a subject that has a code word."),
    Feature("in_subject", 0.12, "for", "Also in the subject (no code word there)."),
    Feature("code_subject", 0.05, "for", "The subject has a code word (the token is not in it)."),
    Feature("in_other_part", 0.05, "for", "Also in the mail's other body part."),
    Feature("named_and_in_link", 0.15, "for",
            "A code word names the token and a link of the mail carries it as a path segment "
            "or query value: an activation link holding the code its text asks to enter "
            "('use the code \"8372137471\"', '…;code=8372137471'), so lower-case hex or a "
            "10-digit shape is no reason to doubt it."),
    Feature("code_param_in_link", 0.2, "for",
            "…and the link carries it as the value of a code parameter ('?code=KXQWTR', "
            "'&otp=…'): the sign-in button holds the code its text labels, so a code of "
            "capitals that happens to read like a word ('Код: ZUMEKA') is still the code."),
    Feature("origin_bound", 1.0, "for",
            "The sender's own code format (value = its score, extract.codes.origin_bound)."),
    # -- the token's shape (one-hot)
    Feature("shape_6_digits", 0.12, "for", "Six digits, the most common code."),
    Feature("shape_7_8_digits", 0.08, "for", "Seven or eight digits."),
    Feature("shape_4_5_digits", 0.0, "for", "Four or five digits."),
    Feature("shape_other_digits", -0.08, "for", "Digits, another length."),
    Feature("shape_passphrase", 0.0, "for", "Words joined by hyphens."),
    Feature("shape_letters_case_flips", -0.05, "for", "Letters of both cases (bYqTmKzR)."),
    Feature("shape_letters_random", -0.05, "for", "Letters only, not pronounceable."),
    Feature("shape_letters_word", -0.3, "for", "Letters only, reads like a word."),
    Feature("shape_word_number", -0.25, "for", "A word with a number (a promo: FALL20)."),
    Feature("shape_upper_alnum", 0.02, "for", "Capitals and digits (K7QX2M)."),
    Feature("shape_mixed_case", -0.05, "for", "Letters of both cases and digits."),
    Feature("shape_long", -0.05, "for",
            "13–32 letters of both cases (a reset token typed by hand); only a code word "
            "right before it or 'X is your code' makes it a candidate at all."),
    Feature("shape_lower_random", -0.05, "for", "Lower case and digits interleaved."),
    Feature("shape_lower_hex", 0.0, "for",
            "6–10 lower-case hex characters with a letter and a digit ('329e4f09'): "
            "a few random bytes a site prints as its code; a hash or an id is longer."),
    Feature("shape_lower", -0.15, "for", "Lower case and digits (a hash, an id)."),
    # -- claims by something else
    Feature("speaker_own_code", -0.5, "claim", "'my code is 902114': somebody is quoted."),
    Feature("payment_receipt", -0.6, "claim",
            "The code word is a card slip's authorisation code on a payment receipt."),
    Feature("claimed_before", -0.6, "claim",
            "A claim word ('order number', 'booking code') claims this token (precedence)."),
    Feature("claim_word_after", -0.4, "claim", "A claim word right after it ('4821 EUR')."),
    Feature("shopping_word_after", -0.5, "claim", "A shop or trip word after it ('% off')."),
    Feature("year_or_date", -0.45, "claim", "Looks like a year or a date."),
    Feature("talked_about", -0.4, "claim",
            "The sentence talks about the code instead of handing it over (expired, old)."),
    Feature("quoted_in_reply", -0.5, "claim", "Quoted from an earlier mail in a reply."),
    Feature("listed_credential", -0.6, "claim",
            "A password the mail gives: the token right after a clause that names a "
            "password and ends in a colon ('Password: bUbzVvSA5', 'We have generated a "
            "password for you:⏎wN1lacme'): login details, kept, not typed once; a clause "
            "naming a one-time password or a code is not one."),
    Feature("feed_key", -0.6, "claim",
            "A feed or calendar link carries it ('Your token: AjcM7ghM' beside "
            "'…/feed.xml?token=AjcM7ghM', 'webcal://…?key=…'): the key a reader keeps in "
            "its subscription, not a code typed once."),
    Feature("sender_name", -0.8, "claim",
            "A word of the sender's display name or address ('Remark42' from 'Remark42 "
            "<noreply@remark42.example>'): the sender's name as a heading, not a code; "
            "only tokens with a letter (a generator's code never spells the sender)."),
    # -- whole-mail vetoes
    Feature("conference_call", -0.45, "veto", "A meeting invitation: its passcode opens a call."),
    Feature("holder_unnamed", -0.45, "veto",
            "A reservation or gift-card mail and no code word names the token."),
    Feature("listed_alike", -0.45, "veto", "One of several codes listed alike (backup codes)."),
)
# fmt: on


def _fitted() -> dict[str, float]:
    text = resources.files("otpbridge.extract.codes").joinpath("fitted.json").read_text("utf-8")
    return {str(k): float(v) for k, v in json.loads(text)["weights"].items()}


def _table() -> dict[str, Feature]:
    fitted = _fitted()
    return {f.name: replace(f, weight=fitted.get(f.name, f.prior)) for f in _TABLE}


#: Every code feature by name, with its prior and the weight in use.
FEATURES: dict[str, Feature] = _table()


def weight(name: str) -> float:
    return FEATURES[name].weight
