"""The identity of one mail across watched folders, so that it reaches its inbox once.

A mail a person or a rule moves from Junk to INBOX gets a new UID there, and Gmail shows one
mail in every folder (label) it carries: each copy would be routed again. Before the ingest
transaction (nothing a mail says is parsed inside it) each routed mail gets a key:

- ``gm:<X-GM-MSGID>`` on Gmail (fetched with the headers when the server has ``X-GM-EXT-1``):
  the server's own id of the mail, the same in every label;
- else ``mid:<hash>`` of the Message-ID together with a hash of the body (the bytes after the
  header block): a sender controls its Message-ID, so a second, different mail that reuses one
  is never merged with the first; a re-delivered copy whose ``Received`` headers differ still
  matches;
- ``""`` (never merged) for mail without a Message-ID.

The ingest transaction checks the key against the inbox's seen set (``Keys.seen``) and adds it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

__all__ = ["body_digest", "dedupe_key"]

_HEADER_END: Final = re.compile(rb"\r?\n\r?\n")


def body_digest(raw: bytes) -> bytes:
    """blake2b of the body: what follows the first empty line (nothing if there is none)."""
    end = _HEADER_END.search(raw)
    body = raw[end.end() :] if end is not None else b""
    return hashlib.blake2b(body, digest_size=16).digest()


def dedupe_key(raw: bytes, message_id: str, gm_msgid: str = "") -> str:
    """The mail's identity within one inbox; empty when it has none (never merged)."""
    if gm_msgid:
        return f"gm:{gm_msgid}"
    message_id = message_id.strip()
    if not message_id:
        return ""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(message_id.encode("utf-8", "surrogateescape"))
    digest.update(b"\x00")
    digest.update(body_digest(raw))
    return f"mid:{digest.hexdigest()}"
