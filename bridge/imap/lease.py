"""One leader per mailbox folder: a Redis lease (``SET NX PX``) that its holder keeps renewing.

A second bridge on the same folder waits; when the leader dies its lease expires within
``ttl`` and the standby takes over. Renewal and release only touch a lease this instance still
owns (compare-and-set in Lua), so a paused leader that lost its lease cannot steal it back.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import redis

__all__ = ["Lease"]

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """``held`` is this process's belief, valid until the last confirmed expiry (monotonic)."""

    def __init__(self, client: redis.Redis, key: str, owner: str, ttl_s: float) -> None:
        self.key = key
        self.owner = owner
        self._client = client
        self._ttl_ms = int(ttl_s * 1000)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._lock = threading.Lock()
        #: Held by an ingest commit (WATCH … EXEC, a few round trips): a renewal waits for it,
        #: since its PEXPIRE would touch the watched lease key and fail the commit.
        self._renewal = threading.Lock()
        self._valid_until = 0.0

    @contextlib.contextmanager
    def renewals_paused(self) -> Iterator[None]:
        with self._renewal:
            yield

    @property
    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    def _confirm(self, started: float) -> None:
        # Measured from before the call: the server's expiry cannot be earlier than this.
        with self._lock:
            self._valid_until = started + self._ttl_ms / 1000 * 0.9

    def acquire(self) -> bool:
        """Take the lease if free (or already ours). Raises redis errors to the caller."""
        started = time.monotonic()
        if self._client.set(self.key, self.owner, nx=True, px=self._ttl_ms):
            self._confirm(started)
            return True
        return self.renew()

    def renew(self) -> bool:
        with self._renewal:
            started = time.monotonic()
            renewed = int(self._renew(keys=[self.key], args=[self.owner, self._ttl_ms])) == 1
        if renewed:
            self._confirm(started)
            return True
        self.drop()
        return False

    def drop(self) -> None:
        """Forget the lease locally (it was lost or is being released)."""
        with self._lock:
            self._valid_until = 0.0

    def release(self) -> None:
        self.drop()
        self._release(keys=[self.key], args=[self.owner])

    def holder(self) -> str | None:
        value = self._client.get(self.key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)
