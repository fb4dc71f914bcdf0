"""One blocking reader per client for all of its waits: who wants which stream from where.

A thousand concurrent waits must not hold a thousand Redis connections. Each client runs one
reader (a thread, or a task for the asyncio client) that blocks in ONE ``XREAD`` over every
stream some wait is subscribed to, plus the client's wake stream, which a joining wait writes
to so that the reader re-reads with the new stream at once. This module is the reader's
bookkeeping, without I/O: positions to read from, and which entries go to which wait.

A wait joins at the position it already read up to. The reader reads each stream from the
lowest position of its waits, and hands each wait only the entries after its own position, so
nothing is delivered twice and nothing is skipped; a wait that joined while a read was under way
(its position below that read's start) is served by the next read. The lowest position of each
stream is kept up to date as waits join, leave and are served, and so is each stream's part of
the command in Redis's wire format (:meth:`Multiplexer.read_command`): a read over thousands of
streams costs a join of cached bytes, not thousands of argument encodings (redis-py spends about
a microsecond on each argument, and a read happens once or twice per mail).
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


def _bulk(value: str) -> bytes:
    """``value`` as a RESP bulk string."""
    data = value.encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


@dataclass(slots=True)
class _Sub:
    stream: str
    position: str
    inbox_id: str


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Multiplexer:
    """Not thread-safe: the sync driver guards it with a lock, the asyncio one needs none."""

    def __init__(self) -> None:
        self._tokens = itertools.count(1)
        self._subs: dict[int, _Sub] = {}
        self._by_stream: dict[str, set[int]] = {}
        self._lowest: dict[str, str] = {}
        #: Per stream, its name and its lowest position as RESP bulk strings.
        self._key_bulk: dict[str, bytes] = {}
        self._position_bulk: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._subs)

    def join(self, stream: str, position: str, inbox_id: str = "") -> int:
        token = next(self._tokens)
        self._subs[token] = _Sub(stream, position, inbox_id)
        self._by_stream.setdefault(stream, set()).add(token)
        if stream not in self._key_bulk:
            self._key_bulk[stream] = _bulk(stream)
        lowest = self._lowest.get(stream)
        if lowest is None or stream_id_le(position, lowest):
            self._set_lowest(stream, position)
        return token

    def leave(self, token: int) -> None:
        sub = self._subs.pop(token, None)
        if sub is None:
            return
        tokens = self._by_stream[sub.stream]
        tokens.discard(token)
        if tokens:
            self._refresh(sub.stream)
        else:
            del self._by_stream[sub.stream]
            del self._lowest[sub.stream]
            del self._key_bulk[sub.stream]
            del self._position_bulk[sub.stream]

    def _set_lowest(self, stream: str, position: str) -> None:
        if self._lowest.get(stream) != position:
            self._lowest[stream] = position
            self._position_bulk[stream] = _bulk(position)

    def _refresh(self, stream: str) -> None:
        lowest = None
        for token in self._by_stream[stream]:
            position = self._subs[token].position
            if lowest is None or stream_id_le(position, lowest):
                lowest = position
        if lowest is not None:
            self._set_lowest(stream, lowest)

    def positions(self) -> dict[str, str]:
        """Where the next read starts, per stream: the lowest position of its waits."""
        return dict(self._lowest)

    def read_command(
        self, wake_key: str, wake_position: str, count: int, block_ms: int
    ) -> tuple[bytes, dict[str, str]]:
        """``XREAD COUNT … BLOCK … STREAMS <every stream> <wake> <positions> <wake position>``
        in Redis's wire format, and the positions it reads from (for :meth:`dispatch`)."""
        started = dict(self._lowest)
        head = [b"XREAD", b"COUNT", b"%d" % count, b"BLOCK", b"%d" % block_ms, b"STREAMS"]
        packed = b"".join(
            (
                b"*%d\r\n" % (len(head) + 2 * (len(started) + 1)),
                *(b"$%d\r\n%s\r\n" % (len(word), word) for word in head),
                *(self._key_bulk[stream] for stream in started),
                _bulk(wake_key),
                *(self._position_bulk[stream] for stream in started),
                _bulk(wake_position),
            )
        )
        return packed, started

    def inbox_ids(self) -> set[str]:
        """The inboxes some wait is subscribed for (for the shared health check)."""
        return {sub.inbox_id for sub in self._subs.values() if sub.inbox_id}

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
            if stream in self._by_stream:
                self._refresh(stream)
        return out
