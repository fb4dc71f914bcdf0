"""The evidence model of link candidates: the one table of the named features a link's
score is made of, and the vote weights that pick its kind.

A link's kind comes from votes: each source that names a purpose (the URL's auth-stack
signature or path words, the anchor text, the subject, the sentence around it) votes for
``magic_link`` / ``confirm_link`` / ``reset_link`` with its ``VOTE_WEIGHTS``; the strongest
kind wins. A link qualifies for a kind only when it carries a secret, is not a refusal, has
evidence of its own and is not silenced by the mail (a notice, a shop, a report) — those
gates are rules, listed as ``gate`` features in its reasons. Its score is
``Σ weight · value`` of the ``for`` / ``claim`` features (``base`` is every candidate's), then
the ``cap`` features bound it (a link without a kind at 0.3, a refusal at 0.1). The primary
link is the first with a kind and a score ≥ ``PRIMARY_MIN_SCORE``.

As for codes, the table's numbers are *priors* (hand-set) and the weights in use of the
``for`` / ``claim`` features are the fitted ones of ``fitted.json`` (``tests/bench/
fit_weights.py``: logistic regression on the train split's link candidates, pulled toward
the priors, the pull's strength chosen by cross-validation by project). Caps, gates and the
kind votes are rules, not fitted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Literal

__all__ = ["FEATURES", "FITTED_KINDS", "PRIMARY_MIN_SCORE", "VOTE_WEIGHTS", "LinkFeature"]

LinkFeatureKind = Literal["for", "claim", "cap", "gate"]

#: ``extract_message`` takes the first candidate with a kind and at least this score.
PRIMARY_MIN_SCORE = 0.5
#: How much each source's purpose counts when voting for a kind.
VOTE_WEIGHTS = {"signature": 3.0, "text": 2.0, "path": 1.5, "subject": 1.0, "context": 0.7}


#: The kinds of feature whose weights are fitted; caps and gates are rules.
FITTED_KINDS: frozenset[LinkFeatureKind] = frozenset({"for", "claim"})


@dataclass(frozen=True, slots=True)
class LinkFeature:
    name: str
    #: The hand-set weight (for caps: the bound), the fit's prior.
    prior: float
    kind: LinkFeatureKind
    doc: str
    #: The weight in use: the fitted one (``fitted.json``), else the prior.
    weight: float = field(default=float("nan"))

    def __post_init__(self) -> None:
        if self.weight != self.weight:  # NaN: not given
            object.__setattr__(self, "weight", self.prior)


# fmt: off
_TABLE: tuple[LinkFeature, ...] = (
    LinkFeature("base", 0.05, "for", "Every candidate: the score of a link with no other feature."),
    LinkFeature("secret", 0.25, "for",
                "The URL carries a token, code, key or random path segment."),
    LinkFeature("url_signature", 0.35, "for",
                "The URL matches an auth stack's route (/auth/v1/verify?token=…)."),
    LinkFeature("url_route_words", 0.15, "for", "The URL's path words name a purpose."),
    LinkFeature("label_names_kind", 0.2, "for",
                "The anchor text (or, for 'click here', its sentence) names the purpose."),
    LinkFeature("kind_votes", 0.04, "for",
                "Votes for the chosen kind (value: the votes, at most 5)."),
    LinkFeature("kind_in_subject", 0.05, "for", "The subject names the same kind."),
    LinkFeature("subject_speaks", 0.15, "for",
                "The mail's lone secret link, and only the subject names its purpose."),
    LinkFeature("opaque_wrapper", -0.1, "claim",
                "An undecodable click-tracking wrapper (a direct URL should outrank it)."),
    LinkFeature("html_label", 0.03, "for", "An HTML anchor with a visible label."),
    LinkFeature("in_plain_text", 0.02, "for",
                "The text/plain part shows the very same URL (no hidden redirect)."),
    LinkFeature("no_kind", 0.3, "cap", "No kind qualified: the score stays at most 0.3."),
    LinkFeature("declined", 0.1, "cap", "A refusal ('not me', 'decline'): at most 0.1."),
    LinkFeature("no_secret", 0.0, "gate", "Gate: no secret in the URL, no auth link."),
    LinkFeature("no_own_evidence", 0.0, "gate",
                "Gate: neither URL, label nor (for a lone link) subject names a purpose."),
    LinkFeature("silenced", 0.0, "gate",
                "Gate: a notice, shop, report, title slug or content label, no signature."),
    LinkFeature("changed_notice", 0.0, "gate",
                "Gate: a 'password/account changed' mail: only an address confirmation counts."),
)
# fmt: on


def _fitted() -> dict[str, float]:
    text = resources.files("otpbridge.extract.links").joinpath("fitted.json").read_text("utf-8")
    return {str(k): float(v) for k, v in json.loads(text)["weights"].items()}


def _table() -> dict[str, LinkFeature]:
    fitted = _fitted()
    return {
        f.name: replace(f, weight=fitted.get(f.name, f.prior)) if f.kind in FITTED_KINDS else f
        for f in _TABLE
    }


#: Every link feature by name, with its prior and the weight in use.
FEATURES: dict[str, LinkFeature] = _table()
