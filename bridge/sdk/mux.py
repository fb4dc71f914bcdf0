"""One blocking reader per client for all of its waits: who wants which stream from where.

A thousand concurrent waits must not hold a thousand Redis connections. Each client runs one
reader (a thread, or a task for the asyncio client). It blocks on two streams only: the
activity stream (every writer of an inbox stream adds the inbox id there, ``Keys.activity``)
and the client's wake stream, which a joining wait writes to. Then it reads just the inbox
streams that have news — the touched ones, a joining wait's own stream — and every few seconds
all of them at once (a sweep: nothing is missed if an activity entry was trimmed or lost in a
failover, or a writer is older than the activity stream). A blocking XREAD over every stream
would cost Redis and the agent O(waits) per mail. This module is the reader's bookkeeping,
without I/O: positions to read from, and which entries go to which wait.

A wait joins at the position it already read up to. The reader reads each stream from the
lowest position of its waits, and hands each wait only the entries after its own position, so
nothing is delivered twice and nothing is skipped; a wait that joined while a read was under way
(its position below that read's start) is served by the next read. The lowest position of each
stream is kept up to date as waits join, leave and are served, and so is each stream's part of
the sweep's command in Redis's wire format (:meth:`Multiplexer.sweep_command`): a sweep over
thousands of streams costs a join of cached bytes, not thousands of argument encodings
(redis-py spends about a microsecond on each argument).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from otpbridge.bridge.sdk.consume import stream_id_le

__all__ = ["Entry", "Multiplexer", "News", "read_news"]

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


@dataclass(frozen=True, slots=True)
class News:
    """What one blocking read of the activity and wake streams brought: where each stream now
    stands, and which inboxes have new events."""

    activity_position: str
    wake_position: str
    touched: frozenset[str]


def read_news(
    reply: Iterable[Sequence[Any]] | None,
    wake_key: str,
    activity_position: str,
    wake_position: str,
) -> News:
    """Digest the reply of ``XREAD BLOCK … STREAMS <activity> <wake>``."""
    touched: set[str] = set()
    for stream, entries in reply or ():
        if not entries:
            continue
        if _text(stream) == wake_key:
            wake_position = _text(entries[-1][0])
            continue
        activity_position = _text(entries[-1][0])
        for _, fields in entries:
            inbox_id = fields.get(b"i", fields.get("i")) if isinstance(fields, dict) else None
            if inbox_id:
                touched.add(_text(inbox_id))
    return News(activity_position, wake_position, frozenset(touched))


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
        self._stream_of: dict[str, str] = {}
        #: Streams joined since the last :meth:`take_joined`: read them at once.
        self._joined: set[str] = set()

    def __len__(self) -> int:
        return len(self._subs)

    def join(self, stream: str, position: str, inbox_id: str = "") -> int:
        token = next(self._tokens)
        self._subs[token] = _Sub(stream, position, inbox_id)
        self._by_stream.setdefault(stream, set()).add(token)
        self._joined.add(stream)
        if inbox_id:
            self._stream_of[inbox_id] = stream
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
            self._joined.discard(sub.stream)
            if self._stream_of.get(sub.inbox_id) == sub.stream:
                del self._stream_of[sub.inbox_id]

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

    def sweep_command(self, count: int) -> tuple[bytes, dict[str, str]]:
        """``XREAD COUNT … STREAMS <every stream> <positions>`` (no BLOCK) in Redis's wire
        format, and the positions it reads from (for :meth:`dispatch`)."""
        started = dict(self._lowest)
        head = [b"XREAD", b"COUNT", b"%d" % count, b"STREAMS"]
        packed = b"".join(
            (
                b"*%d\r\n" % (len(head) + 2 * len(started)),
                *(b"$%d\r\n%s\r\n" % (len(word), word) for word in head),
                *(self._key_bulk[stream] for stream in started),
                *(self._position_bulk[stream] for stream in started),
            )
        )
        return packed, started

    def take_joined(self) -> dict[Any, Any]:
        """Positions of the streams joined since the last call (a joining wait read its
        backlog up to its position; what came after must be read now, not at the next news)."""
        joined: dict[Any, Any] = {s: self._lowest[s] for s in self._joined if s in self._lowest}
        self._joined.clear()
        return joined

    def positions_of(self, inbox_ids: Iterable[str]) -> dict[Any, Any]:
        """Positions of the streams of ``inbox_ids`` that some wait is subscribed to."""
        out: dict[Any, Any] = {}
        for inbox_id in inbox_ids:
            stream = self._stream_of.get(inbox_id)
            if stream is not None and stream in self._lowest:
                out[stream] = self._lowest[stream]
        return out

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
