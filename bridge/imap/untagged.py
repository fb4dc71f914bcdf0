"""Untagged IMAP responses: what kinds a reply carried, and the EXISTS imaplib files aside."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import imapclient

__all__ = ["kinds_of", "pending_exists"]


def kinds_of(responses: Sequence[Any]) -> set[bytes]:
    """Response names of untagged replies: (n, b'EXISTS') → EXISTS, (b'BYE', …) → BYE."""
    found: set[bytes] = set()
    for item in responses:
        if isinstance(item, tuple) and len(item) >= 2:
            for part in item[:2]:
                if isinstance(part, bytes):
                    found.add(part.upper())
    return found


def pending_exists(conn: imapclient.IMAPClient) -> bool:
    """Whether an EXISTS came along with a command's response (and clear it).

    imaplib files untagged replies to SEARCH/FETCH/STORE aside instead of returning them; the
    server will not repeat that EXISTS in the next IDLE, so it must be read here or the mail
    would wait for the next IDLE renewal.
    """
    stash = getattr(getattr(conn, "_imap", None), "untagged_responses", None)
    if not isinstance(stash, dict):
        return False
    stash.pop("RECENT", None)
    return stash.pop("EXISTS", None) is not None
