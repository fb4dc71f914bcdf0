"""The watcher's liveness, in memory and in Redis (``Keys.heartbeat``).

``ts_ms`` is the last proof of life: a successful IMAP round trip or an IDLE wake-up. The SDK
and ``otpbridge status`` read it to tell "watcher down" from "no mail yet"; the key expires
3 intervals after the last write, so a dead process leaves no stale ``ok`` behind for long.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Literal

import redis

from otpbridge.worker.keys import Keys

__all__ = ["Heartbeat", "Status", "WatchState", "now_ms"]

Status = Literal["ok", "connecting", "auth_failed", "error", "paused"]


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class WatchState:
    """Shared between the watcher thread (writes) and the keeper/readiness (reads)."""

    status: Status = "connecting"
    connected: bool = False
    last_alive_ms: int = 0
    last_mail_ms: int = 0
    error: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def alive(self) -> None:
        with self._lock:
            self.last_alive_ms = now_ms()

    def set(self, status: Status, *, connected: bool, error: str = "") -> None:
        with self._lock:
            self.status = status
            self.connected = connected
            self.error = error

    def mail(self) -> None:
        with self._lock:
            self.last_mail_ms = now_ms()

    def snapshot(self) -> tuple[Status, bool, int, int, str]:
        with self._lock:
            return self.status, self.connected, self.last_alive_ms, self.last_mail_ms, self.error


class Heartbeat:
    """Writes one watcher's state; only the lease holder writes."""

    def __init__(
        self, client: redis.Redis, keys: Keys, mailbox: str, folder: str, interval_s: float
    ) -> None:
        self.key = keys.heartbeat(mailbox, folder)
        self.watch_name = f"{mailbox}:{folder}"
        self._mailboxes = keys.mailboxes
        self._client = client
        self._interval_s = interval_s

    def write(self, state: WatchState, leader: str) -> None:
        status, _, alive_ms, mail_ms, error = state.snapshot()
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(
            self.key,
            mapping={
                "ts_ms": alive_ms,
                "status": status,
                "leader": leader,
                "last_mail_ms": mail_ms,
                "interval_s": f"{self._interval_s:g}",
                "error": error,
            },
        )
        pipe.pexpire(self.key, int(self._interval_s * 3000))
        pipe.sadd(self._mailboxes, self.watch_name)
        pipe.execute()
