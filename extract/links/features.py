"""The evidence model of link candidates: the one table of the named features a link's
score is made of, and the vote weights that pick its kind.

A link's kind comes from votes: each source that names a purpose (the URL's auth-stack
signature or path words, the anchor text, the subject, the sentence around it) votes for
``magic_link`` / ``confirm_link`` / ``reset_link`` with its ``VOTE_WEIGHTS``; the strongest
kind wins. A link qualifies for a kind only when it carries a secret, is not a refusal, has
evidence of its own and is not silenced by the mail (a notice, a shop, a report) — those
gates are rules, listed as ``gate`` features in its reasons. Its score is
``BIAS + Σ weight · value`` of the ``for`` / ``claim`` features, then the ``cap`` features
bound it (a link without a kind at 0.3, a refusal at 0.1). The primary link is the first
with a kind and a score ≥ ``PRIMARY_MIN_SCORE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["BIAS", "FEATURES", "PRIMARY_MIN_SCORE", "VOTE_WEIGHTS", "LinkFeature"]

LinkFeatureKind = Literal["for", "claim", "cap", "gate"]

#: ``extract_message`` takes the first candidate with a kind and at least this score.
PRIMARY_MIN_SCORE = 0.5
#: Score of a link with no feature at all.
BIAS = 0.05
#: How much each source's purpose counts when voting for a kind.
VOTE_WEIGHTS = {"signature": 3.0, "text": 2.0, "path": 1.5, "subject": 1.0, "context": 0.7}


@dataclass(frozen=True, slots=True)
class LinkFeature:
    name: str
    weight: float  # for caps: the bound
    kind: LinkFeatureKind
    doc: str


# fmt: off
_TABLE: tuple[LinkFeature, ...] = (
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

FEATURES: dict[str, LinkFeature] = {f.name: f for f in _TABLE}
