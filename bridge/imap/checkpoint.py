"""The per-folder checkpoint ``Keys.cursor(mailbox, folder)`` = {uidvalidity, last_uid}.

It only moves forward, inside the ingest transaction (see ``ingest``). This module decides where
a session starts: the stored cursor when UIDVALIDITY matches; otherwise the folder's current end
(UIDNEXT - 1), so neither a first start nor a UIDVALIDITY change replays a catch-all's history to
live inboxes. ``--since`` opts into a backfill window on a first start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import redis

__all__ = ["Cursor", "StartDecision", "decide_start", "parse_cursor", "read_cursor", "write_cursor"]


@dataclass(frozen=True, slots=True)
class Cursor:
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True, slots=True)
class StartDecision:
    cursor: Cursor
    why: Literal["resume", "first_start", "backfill", "uidvalidity_changed"]
    previous: Cursor | None = None


def read_cursor(client: redis.Redis, key: str) -> Cursor | None:
    raw = client.hgetall(key)
    return parse_cursor(raw)


def parse_cursor(raw: Mapping[Any, Any] | None) -> Cursor | None:
    if not raw:
        return None
    fields = {(k.decode() if isinstance(k, bytes) else k): v for k, v in raw.items()}
    try:
        return Cursor(int(fields["uidvalidity"]), int(fields["last_uid"]))
    except (KeyError, ValueError):
        return None


def write_cursor(client: redis.Redis, key: str, cursor: Cursor) -> None:
    client.hset(key, mapping={"uidvalidity": cursor.uidvalidity, "last_uid": cursor.last_uid})


def decide_start(
    stored: Cursor | None, uidvalidity: int, uidnext: int, backfill_from_uid: int | None
) -> StartDecision:
    """Where to resume. ``backfill_from_uid`` is the first UID inside the --since window."""
    end = Cursor(uidvalidity, max(uidnext - 1, 0))
    if stored is None:
        if backfill_from_uid is not None:
            return StartDecision(Cursor(uidvalidity, max(backfill_from_uid - 1, 0)), "backfill")
        return StartDecision(end, "first_start")
    if stored.uidvalidity != uidvalidity:
        return StartDecision(end, "uidvalidity_changed", previous=stored)
    return StartDecision(stored, "resume")
