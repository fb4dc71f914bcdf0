"""``otpbridge extract --explain``: the verdict of one mail, then every code candidate (also
those below the reporting floor) with its score, its features and the text it was read
from, and every link candidate the link scorer kept, with its kind, score and label.

Slower than :func:`extract_message` (it renders text for people); pure like it, and it never
raises.
"""

from __future__ import annotations

import re

from otpbridge.extract import extract_document
from otpbridge.extract.codes.context import ScoredCode
from otpbridge.extract.codes.otp import THRESHOLD, rank_codes
from otpbridge.extract.links.choose import PRIMARY_MIN_SCORE
from otpbridge.extract.parse.document import Document
from otpbridge.extract.parse.mime import MimeError
from otpbridge.extract.parse.reader import parse_document

__all__ = ["explain_document", "explain_message"]

_SPACE = re.compile(r"\s+")
_SPAN = 50  # characters of context each side of a code
_MAX_CODES = 40  # a table of figures has hundreds; the first ones tell the story


def explain_message(raw: bytes) -> str:
    """The explanation of raw mail bytes, or why the mail could not be read."""
    try:
        return explain_document(parse_document(raw))
    except MimeError as exc:
        return f"verdict: none (unreadable mail: {exc})\n"
    except Exception as exc:  # noqa: BLE001 - as extract_message: never an exception
        return f"verdict: none (extractor failed: {type(exc).__name__})\n"


def explain_document(doc: Document) -> str:
    result = extract_document(doc)
    lines = [
        f"verdict: {result.kind}  code={result.code or '-'}  link_kind={result.link_kind or '-'}"
        f"  confidence={result.confidence:.2f}  language={result.language or '-'}",
        f"subject: {_flat(doc.subject).strip()}",
        "why:",
        *(f"  {r}" for r in result.reasons or ("no code- or link-shaped candidate",)),
    ]
    ranked = rank_codes(doc)
    lines.append(f"codes ({len(ranked)}; the best is the code when its score is ≥ {THRESHOLD}):")
    for i, s in enumerate(ranked[:_MAX_CODES]):
        mark = "✓" if i == 0 and result.code == s.value else "✗"
        lines.append(f"  {mark} {s.value:<14} {s.score:6.2f}  {s.source or '-'}  «{_span(doc, s)}»")
        lines.append(f"      {'; '.join(s.reasons)}")
    if len(ranked) > _MAX_CODES:
        lines.append(f"  … {len(ranked) - _MAX_CODES} more")
    lines.append(
        f"links ({len(result.links)} kept; the first with a kind and a score ≥ "
        f"{PRIMARY_MIN_SCORE} is the link; excluded ones (unsubscribe, assets…) are not listed):"
    )
    for c in result.links:
        mark = "✓" if c.url == result.link else "✗"
        kind = c.kind or "no kind"
        lines.append(f"  {mark} {kind:<12} {c.score:5.2f}  '{_flat(c.text).strip()}'  {c.url}")
        if c.reason:
            lines.append(f"      {c.reason}")
    return "\n".join(lines) + "\n"


def _span(doc: Document, s: ScoredCode) -> str:
    text = {"body": doc.text, "text part": doc.plain_text, "subject": doc.subject}.get(s.source)
    if text is None or s.at < 0:
        return s.display
    end = s.at + len(s.display)
    lo, hi = max(0, s.at - _SPAN), min(len(text), end + _SPAN)
    before, token, after = text[lo : s.at], text[s.at : end], text[end:hi]
    dots = ("…" if lo else "", "…" if hi < len(text) else "")
    return f"{dots[0]}{_flat(before)}[{_flat(token)}]{_flat(after)}{dots[1]}"


def _flat(text: str) -> str:
    """One line: line breaks shown as ⏎, runs of white space as one space."""
    return _SPACE.sub(" ", text.replace("\n", " ⏎ "))
