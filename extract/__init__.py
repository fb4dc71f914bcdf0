"""Pure extraction of one-time codes and verification links from raw RFC 5322 mail.

No I/O, no network, no logging: bytes in, :class:`Extraction` out.
"""

from __future__ import annotations

from extract.model import CodeCandidate, Extraction, Kind, LinkCandidate, LinkKind

__all__ = [
    "CodeCandidate",
    "Extraction",
    "Kind",
    "LinkCandidate",
    "LinkKind",
    "extract_message",
]


def extract_message(raw: bytes) -> Extraction:
    """Placeholder until the extractor lands: never raises, finds nothing."""
    del raw
    return Extraction(error=None)
