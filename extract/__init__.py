"""Pure extraction of one-time codes and verification links from raw RFC 5322 mail.

No I/O, no network, no logging: bytes in, :class:`Extraction` out.
"""

from __future__ import annotations

from otpbridge.extract.calibration import code_confidence, link_confidence
from otpbridge.extract.codes.otp import THRESHOLD, candidates, rank_codes
from otpbridge.extract.expiry import find_expiry
from otpbridge.extract.links.choose import PRIMARY_MIN_SCORE, find_links
from otpbridge.extract.model import CodeCandidate, Extraction, Kind, LinkCandidate, LinkKind
from otpbridge.extract.parse.document import Anchor, Document
from otpbridge.extract.parse.mime import MimeError
from otpbridge.extract.parse.reader import parse_document
from otpbridge.extract.verdict import verdict_reasons

__all__ = [
    "Anchor",
    "CodeCandidate",
    "Document",
    "Extraction",
    "Kind",
    "LinkCandidate",
    "LinkKind",
    "MimeError",
    "extract_document",
    "extract_message",
    "parse_document",
]

#: Expiry is stated next to the code or link, near the top of the mail.
_EXPIRY_WINDOW = 20_000


def extract_document(doc: Document) -> Extraction:
    """Codes and links of an already parsed mail; the primary artifact decides ``kind``."""
    ranked = rank_codes(doc)
    codes = candidates(ranked)
    code = codes[0] if codes and codes[0].score >= THRESHOLD else None
    links = find_links(doc, code.value, code.display) if code is not None else find_links(doc)
    link = next((c for c in links if c.kind is not None and c.score >= PRIMARY_MIN_SCORE), None)
    kind: Kind = "otp" if code is not None else link.kind if link and link.kind else "none"
    confidence = (
        code_confidence(ranked[0].score)
        if code is not None
        else link_confidence(link.score)
        if link is not None
        else 0.0
    )
    expires = (
        None
        if kind == "none"
        else find_expiry((doc.text or doc.subject)[:_EXPIRY_WINDOW], doc.language)
    )
    return Extraction(
        kind=kind,
        code=code.value if code is not None else None,
        code_display=(code.display or code.value) if code is not None else None,
        link=link.url if link is not None else None,
        link_kind=link.kind if link is not None else None,
        confidence=confidence,
        expires_in_s=expires,
        language=doc.language,
        candidates=codes,
        links=links,
        reasons=verdict_reasons(ranked, code is not None, links, link),
    )


def extract_message(raw: bytes) -> Extraction:
    """Extract from raw mail bytes. Never raises: bad input gives kind none and ``error``."""
    try:
        return extract_document(parse_document(raw))
    except MimeError as exc:
        return Extraction(error=f"unreadable mail: {exc}")
    except Exception as exc:  # noqa: BLE001 - the contract is "never an exception"
        # The type only: an exception message may quote the mail's content.
        return Extraction(error=f"extractor failed: {type(exc).__name__}")
