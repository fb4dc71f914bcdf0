"""Ingest pauses while Redis is nearly full, with a reason operators can read.

Redis runs with ``noeviction`` (evicting would drop inboxes or queued jobs), so when it is full
every write fails — for every inbox at once. The bridge stops writing new mail a little earlier
(``OTPBRIDGE_REDIS_MEMORY_WATERMARK`` of ``maxmemory``): mail stays in the mailbox, the
checkpoint does not move, and ingest resumes by itself once memory is freed (inboxes expire or
are deleted, quotas trim). Without a ``maxmemory`` there is no watermark.
"""

from __future__ import annotations

import threading
import time
from typing import Final

import redis

from otpbridge.bridge.errors import IngestPausedError

__all__ = ["MemoryWatermark"]

#: INFO is asked at most this often, however many batches are committed.
_CHECK_EVERY_S: Final = 1.0


class MemoryWatermark:
    """Shared by the watchers of one process (thread-safe)."""

    def __init__(self, client: redis.Redis, watermark: float) -> None:
        self._client = client
        self._watermark = watermark
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self.reason = ""

    def check(self) -> str:
        """Ask Redis (rate-limited); the pause reason, empty when ingest may go on."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked < _CHECK_EVERY_S:
                return self.reason
            self._checked = now
            info = self._client.info("memory")
            used = int(info.get("used_memory", 0))
            limit = int(info.get("maxmemory", 0))
            if limit > 0 and used >= limit * self._watermark:
                self.reason = (
                    f"redis memory {used * 100 // limit}% of maxmemory is above the watermark "
                    f"({self._watermark:.0%}): ingest paused"
                )
            else:
                self.reason = ""
            return self.reason

    def ensure(self) -> None:
        """Raise :class:`IngestPausedError` while above the watermark."""
        reason = self.check()
        if reason:
            raise IngestPausedError(reason)
