"""Why a verdict: one line of evidence for the chosen code and link, and for the best
candidate of each that was not chosen ("why none?" has an answer too).

The lines quote the scorer's own features (``ScoredCode.reasons``) and, for links, the kind,
score and label; never a URL, whose token is a credential.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from otpbridge.extract.codes.context import ScoredCode
from otpbridge.extract.codes.otp import THRESHOLD
from otpbridge.extract.links.choose import PRIMARY_MIN_SCORE
from otpbridge.extract.model import LinkCandidate

__all__ = ["code_line", "link_line", "verdict_reasons"]

#: A reason line is for people and logs of results, not a dump of a hostile mail.
_MAX_LINE = 400


def verdict_reasons(
    ranked: list[ScoredCode],
    code_chosen: bool,
    links: tuple[LinkCandidate, ...],
    link: LinkCandidate | None,
) -> tuple[str, ...]:
    """The reason lines of one verdict: chosen code, best rejected code, chosen link, best
    rejected link (those that exist)."""
    out: list[str] = []
    if code_chosen:
        out.append(code_line(ranked[0], chosen=True))
    rejected = ranked[1 if code_chosen else 0 :][:1]
    out.extend(code_line(s, chosen=False) for s in rejected)
    if link is not None:
        out.append(link_line(link, chosen=True))
    other = next((c for c in links if c is not link), None)
    if other is not None:
        out.append(link_line(other, chosen=False))
    return tuple(out)


def code_line(s: ScoredCode, *, chosen: bool) -> str:
    score = max(0.0, min(0.99, s.score))
    if chosen:
        verdict = f"chosen ({score:.2f} ≥ {THRESHOLD})"
    elif s.score < THRESHOLD:
        verdict = f"rejected ({score:.2f} < {THRESHOLD})"
    else:
        verdict = f"not chosen ({score:.2f}, a better code won)"
    return _cut(f"code {s.value} {verdict}: {'; '.join(s.reasons)}")


def link_line(c: LinkCandidate, *, chosen: bool) -> str:
    host = urlsplit(c.url).hostname or "?"
    label = f"'{c.text}'" if c.text else "no label"
    if chosen:
        verdict = f"chosen ({c.kind}, {c.score:.2f})"
    elif c.kind is None:
        verdict = f"rejected (no purpose of its own, {c.score:.2f})"
    elif c.score < PRIMARY_MIN_SCORE:
        verdict = f"rejected ({c.kind}, {c.score:.2f} < {PRIMARY_MIN_SCORE})"
    else:
        verdict = f"not chosen ({c.kind}, {c.score:.2f}, a better link won)"
    why = f" [{c.reason}]" if c.reason else ""
    return _cut(f"link to {host} {verdict}: {label}{why}")


def _cut(line: str) -> str:
    return line if len(line) <= _MAX_LINE else line[: _MAX_LINE - 1] + "…"
