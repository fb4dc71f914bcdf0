"""One blocking reader per client for all of its waits: who wants which stream from where.

A thousand concurrent waits must not hold a thousand Redis connections. Each client runs one
reader (a thread, or a task for the asyncio client) that blocks in ONE ``XREAD`` over every
stream some wait is subscribed to, plus the client's wake stream, which a joining wait writes
to so that the reader re-reads with the new stream at once. This module is the reader's
bookkeeping, without I/O: positions to read from, and which entries go to which wait.

A wait joins at the position it already read up to. The reader reads each stream from the
lowest position of its waits, and hands each wait only the entries after its own position, so
nothing is delivered twice and nothing is skipped; a wait that joined while a read was under way
(its position below that read's start) is served by the next read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from otpbridge.bridge.sdk.consume import stream_id_le

__all__ = ["Entry", "Multiplexer"]

#: One stream entry as redis-py returns it: ``(id, fields)``.
Entry = tuple[Any, Any]


@dataclass(slots=True)
class _Sub:
    stream: str
    position: str


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Multiplexer:
    """Not thread-safe: the sync driver guards it with a lock, the asyncio one needs none."""

    def __init__(self) -> None:
        self._tokens = itertools.count(1)
        self._subs: dict[int, _Sub] = {}
        self._by_stream: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._subs)

    def join(self, stream: str, position: str) -> int:
        token = next(self._tokens)
        self._subs[token] = _Sub(stream, position)
        self._by_stream.setdefault(stream, set()).add(token)
        return token

    def leave(self, token: int) -> None:
        sub = self._subs.pop(token, None)
        if sub is None:
            return
        tokens = self._by_stream[sub.stream]
        tokens.discard(token)
        if not tokens:
            del self._by_stream[sub.stream]

    def positions(self) -> dict[str, str]:
        """Where the next read starts, per stream: the lowest position of its waits."""
        out: dict[str, str] = {}
        for stream, tokens in self._by_stream.items():
            lowest = None
            for token in tokens:
                position = self._subs[token].position
                if lowest is None or stream_id_le(position, lowest):
                    lowest = position
            if lowest is not None:
                out[stream] = lowest
        return out

    def dispatch(
        self, started_at: dict[str, str], reply: Iterable[Sequence[Any]] | None
    ) -> dict[int, list[Entry]]:
        """Entries of one read (``started_at``: the positions it read from) per wait token."""
        out: dict[int, list[Entry]] = {}
        for stream_raw, entries in reply or ():
            stream = _text(stream_raw)
            start = started_at.get(stream)
            if start is None or not entries:
                continue
            for token in self._by_stream.get(stream, ()):
                sub = self._subs[token]
                if not stream_id_le(start, sub.position):
                    continue  # joined below this read's start: the next read serves it
                fresh = [e for e in entries if not stream_id_le(_text(e[0]), sub.position)]
                if fresh:
                    out[token] = fresh
                    sub.position = _text(fresh[-1][0])
        return out
