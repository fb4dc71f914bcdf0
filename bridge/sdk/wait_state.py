"""One wait's progress, the same for both clients: deadline, how long to wait next, stream
position, the match picked so far, and what to do when someone else took it."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

from otpbridge.bridge.errors import PipelineError
from otpbridge.bridge.sdk.matching import Match, Pick, StreamMatcher, WaitFor, slot_of
from otpbridge.bridge.sdk.wire import RETRY_PAUSE_S, as_str, now_ms
from otpbridge.worker.events import decode_fields

__all__ = ["WaitState"]


class WaitState:
    """Feed it every batch of stream entries; it says how long to wait next and when to stop."""

    def __init__(
        self,
        want: WaitFor,
        allowed_senders: tuple[str, ...],
        *,
        floors: Mapping[str, str],
        timeout: float,
        since_ms: int | None = None,
        after_key: str | None = None,
    ) -> None:
        if not math.isfinite(timeout):
            raise ValueError("timeout must be a finite number of seconds")
        self._started_ms = now_ms()
        self._timeout = max(0.0, timeout)
        self._deadline = time.monotonic() + self._timeout
        self._matcher = StreamMatcher(
            want,
            allowed_senders,
            floors=dict(floors),
            now_ms=now_ms(),
            since_ms=since_ms,
            after_key=after_key,
        )
        self._pick = Pick(self._matcher)
        #: Position in the stream: entries up to here were fed.
        self.last_id = "0-0"

    @property
    def waiting_until_ms(self) -> int:
        """The score of this wait in the ``waiting`` set: the bridge checks fast until then."""
        return self._started_ms + int(self._timeout * 1000)

    def wait_s(self) -> float:
        """How long the next wait for entries may last: until the deadline (or the end of the
        grace for a newer mail); the client's reader wakes the wait with news, or with bad news
        of the pipeline, so a thousand idle waits cost nothing."""
        now = time.monotonic()
        limit = self._pick.block_limit(now)
        bounds: tuple[float, ...] = (self._deadline - now,)
        if limit is not None:
            bounds = (*bounds, limit)
        return max(0.0, min(bounds))

    def retry_pause(self, exc: Exception) -> float:
        """Seconds to pause after a lost connection; past the deadline it raises instead."""
        if time.monotonic() >= self._deadline:
            raise PipelineError(f"Redis unreachable while waiting: {exc}") from exc
        return min(RETRY_PAUSE_S, max(0.0, self._deadline - time.monotonic()))

    def feed(self, entries: Iterable[tuple[Any, Any]]) -> None:
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

    def expired(self) -> bool:
        return time.monotonic() >= self._deadline

    def taken(self, slot: str, floor: str) -> None:
        """Someone else was handed the pick (or a newer one of its slot): forget it; everything
        up to ``floor`` in that slot is gone for this wait too."""
        self._matcher.floors = {**self._matcher.floors, slot: floor}
        self._pick.best, self._pick.best_id, self._pick.grace_until = None, "", None

    @property
    def found(self) -> Match | None:
        return self._pick.best

    @property
    def found_id(self) -> str:
        return self._pick.best_id

    @property
    def found_slot(self) -> str:
        assert self._pick.best is not None
        return slot_of(self._pick.best)
