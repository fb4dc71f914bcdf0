"""One wait's progress, the same for both clients: deadline, block size, stream position and
the match picked so far. The clients only run the reads it asks for."""

from __future__ import annotations

import math
import time
from typing import Any

from bridge.errors import PipelineError
from bridge.sdk.matching import Match, Pick, StreamMatcher, WaitFor
from bridge.sdk.wire import RETRY_PAUSE_S, as_str, now_ms
from worker.events import decode_fields

__all__ = ["WaitState"]


class WaitState:
    """Feed it every XREAD reply; it says how long the next read may block and when to stop."""

    def __init__(
        self,
        want: WaitFor,
        allowed_senders: tuple[str, ...],
        *,
        cursor: str | None,
        timeout: float,
        block_s: float,
    ) -> None:
        if not math.isfinite(timeout):
            raise ValueError("timeout must be a finite number of seconds")
        self._started_ms = now_ms()
        self._timeout = max(0.0, timeout)
        self._deadline = time.monotonic() + self._timeout
        self._block_s = block_s
        self._matcher = StreamMatcher(want, allowed_senders, cursor=cursor, now_ms=now_ms())
        self._pick = Pick(self._matcher)
        #: Read from the start of the stream: see :mod:`bridge.sdk.matching`.
        self.last_id = "0-0"

    @property
    def waiting_until_ms(self) -> int:
        """The score of this wait in the ``waiting`` set: the bridge checks fast until then."""
        return self._started_ms + int(self._timeout * 1000)

    def block_ms(self) -> int:
        now = time.monotonic()
        limit = self._pick.block_limit(now)
        block_s = min(self._deadline - now, self._block_s, *(() if limit is None else (limit,)))
        return max(1, int(block_s * 1000))

    def retry_pause(self, exc: Exception) -> float:
        """Seconds to pause after a lost connection; past the deadline it raises instead."""
        if time.monotonic() >= self._deadline:
            raise PipelineError(f"Redis unreachable while waiting: {exc}") from exc
        return min(RETRY_PAUSE_S, max(0.0, self._deadline - time.monotonic()))

    def feed(self, reply: Any) -> None:
        for _stream, entries in reply or []:
            for raw_id, raw_fields in entries:
                self.last_id = as_str(raw_id)
                self._matcher.now_ms = now_ms()
                found = self._matcher.feed(self.last_id, decode_fields(raw_fields))
                self._pick.offer(self.last_id, found)

    def settled(self) -> bool:
        """True when the wait is over: :attr:`found` holds its result (``None``: timed out)."""
        now = time.monotonic()
        if self._pick.best is not None and (self._pick.ready(now) or now >= self._deadline):
            return True
        return now >= self._deadline

    @property
    def found(self) -> Match | None:
        return self._pick.best

    @property
    def found_id(self) -> str:
        return self._pick.best_id
