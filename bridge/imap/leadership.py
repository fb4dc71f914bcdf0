"""Leading one watched folder, and staying alive doing it: the part of a watcher that is not IMAP.

A watcher takes the folder's Redis lease (a standby waits its turn), runs IMAP sessions while it
leads, and tells reconnectable failures (network, Redis) from rejected credentials (slow,
growing retries), throttling (longer ones) and a full Redis (wait for the watermark). Around
that a supervisor restarts the watcher after any crash, with the lease released while it is
down, and gives up — the process exits — when crashes make no progress
(:mod:`otpbridge.bridge.imap.poison`). The keeper thread renews the lease and writes the
heartbeat through :meth:`LeadingWatcher.keep`.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from typing import Final

import redis
import structlog

from otpbridge.bridge.errors import (
    ImapAuthError,
    ImapConnectionError,
    IngestPausedError,
    LeaseLostError,
)
from otpbridge.bridge.imap.backoff import Backoff
from otpbridge.bridge.imap.checkpoint import read_cursor
from otpbridge.bridge.imap.heartbeat import Heartbeat, Status, WatchState
from otpbridge.bridge.imap.ingest import CheckpointBehindError, Ingestor
from otpbridge.bridge.imap.lease import Lease
from otpbridge.bridge.imap.memory import MemoryWatermark
from otpbridge.bridge.imap.poison import PoisonGuard
from otpbridge.bridge.imap.provider import THROTTLE_BASE_S, THROTTLE_MAX_S, ImapThrottledError
from otpbridge.bridge.settings import BridgeSettings
from otpbridge.worker import metrics

__all__ = ["LeadingWatcher"]

#: A session that lived this long was healthy: the next failure starts backoff from scratch.
_HEALTHY_SESSION_S: Final = 30.0
#: How often a standby retries the lease.
_STANDBY_POLL_S: Final = 2.0


class LeadingWatcher(ABC):
    """The subclass sets these attributes up and implements :meth:`_session`."""

    settings: BridgeSettings
    watch_name: str
    state: WatchState
    lease: Lease
    heartbeat: Heartbeat
    guard: PoisonGuard
    fatal: threading.Event
    _stop: threading.Event
    _redis: redis.Redis
    _ingest: Ingestor
    _memory: MemoryWatermark
    _log: structlog.typing.FilteringBoundLogger

    @abstractmethod
    def _session(self) -> None:
        """One IMAP connection, from login to its end; raises what ended it."""

    # -- liveness ---------------------------------------------------------------------------------
    def keep(self) -> None:
        """Renew the lease and write the heartbeat (keeper thread; no-op unless leading)."""
        if not self.lease.held:
            return
        try:
            if self.lease.renew():
                self.heartbeat.write(self.state, self.settings.instance_id)
                self._ingest.check_checkpoint()
            else:
                self._log.warning("lease_lost")
        except CheckpointBehindError as exc:
            # Dropping the lease ends the session; the next one replays from the checkpoint.
            self._log.warning("checkpoint_went_back", reason=str(exc))
            self.lease.drop()
        except redis.RedisError as exc:
            self._log.warning("keeper_redis_error", error=type(exc).__name__)

    def _set(self, status: Status, *, connected: bool, error: str = "") -> None:
        """Change the state and publish it at once, so status changes show without delay."""
        self.state.set(status, connected=connected, error=error)
        if self.lease.held:
            try:
                self.heartbeat.write(self.state, self.settings.instance_id)
            except redis.RedisError as exc:
                self._log.warning("heartbeat_failed", error=type(exc).__name__)

    # -- supervision -----------------------------------------------------------------------------
    def run(self) -> None:
        """The thread's target: runs :meth:`_watch` again after a crash (the lease released,
        with backoff) until stopped, or until the crashes make no progress (``fatal``)."""
        backoff = Backoff(self.settings.reconnect_base_s, self.settings.reconnect_max_s)
        while not self._stop.is_set():
            try:
                self._watch()
                break
            except Exception as exc:  # noqa: BLE001 - a bug must not leave a dead watcher behind
                self._crashed(exc)
                if self.guard.give_up:
                    self._log.critical(
                        "watcher_gave_up", crashes=self.guard.without_progress, hint="exiting"
                    )
                    self.fatal.set()
                    return
                if self.guard.without_progress == 1:
                    backoff.reset()
                self._stop.wait(backoff.next())
        self._log.info("watcher_stopped")

    def _crashed(self, exc: Exception) -> None:
        """Log (the type only: a message may quote mail), release the lease, count the crash."""
        self._set("error", connected=False, error=f"watcher crashed: {type(exc).__name__}")
        metrics.WATCHER_CRASHES.labels(self.watch_name).inc()
        self._release()
        cursor = None
        try:
            stored = read_cursor(self._redis, self._ingest.cursor_key)
            cursor = stored.last_uid if stored is not None else None
        except redis.RedisError:
            pass
        self.guard.crashed(cursor)
        self._log.error(
            "watcher_crashed",
            error=type(exc).__name__,
            last_uid=cursor,
            careful=self.guard.careful,
            quarantine_next=self.guard.quarantine_next,
        )

    # -- leadership ------------------------------------------------------------------------------
    def _watch(self) -> None:
        standby_logged = False
        while not self._stop.is_set():
            try:
                acquired = self.lease.acquire()
            except redis.RedisError as exc:
                self._log.warning("redis_error", error=type(exc).__name__)
                self._stop.wait(_STANDBY_POLL_S)
                continue
            if not acquired:
                if not standby_logged:
                    self._log.info("lease_standby", leader=self.lease.holder())
                    standby_logged = True
                self._stop.wait(_STANDBY_POLL_S)
                continue
            standby_logged = False
            self._log.info("lease_acquired", leader=self.settings.instance_id)
            try:
                self._lead()
            finally:
                self._set("connecting", connected=False)
                if self._stop.is_set():
                    self._release()

    def _release(self) -> None:
        try:
            self.lease.release()
            self._log.info("lease_released")
        except redis.RedisError as exc:
            self._log.warning("lease_release_failed", error=type(exc).__name__)

    def _lead(self) -> None:
        backoff = Backoff(self.settings.reconnect_base_s, self.settings.reconnect_max_s)
        auth_failures = 0  # rejections since the last healthy session
        throttled = Backoff(THROTTLE_BASE_S, max(THROTTLE_MAX_S, self.settings.reconnect_max_s))
        while not self._stop.is_set() and self.lease.held:
            started = time.monotonic()
            try:
                self._session()
            except LeaseLostError:
                self._log.warning("lease_lost")
                return
            except IngestPausedError as exc:
                self._paused(str(exc))
                continue
            except ImapAuthError as exc:
                # Rejected credentials: wait auth_retry_base_s, doubling up to auth_retry_s.
                delay = min(
                    self.settings.auth_retry_s,
                    self.settings.auth_retry_base_s * 2 ** min(auth_failures, 32),
                )
                auth_failures += 1
                self._set("auth_failed", connected=False, error=str(exc))
                metrics.IMAP_AUTH_FAILURES.labels(self.watch_name).inc()
                self._log.error(
                    "auth_failed",
                    reason=str(exc),
                    retry_in_s=round(delay, 2),
                    hint="check the IMAP user/password or OAuth2 credentials",
                )
                self._stop.wait(delay)
                continue
            except (ImapConnectionError, redis.RedisError) as exc:
                if time.monotonic() - started > _HEALTHY_SESSION_S:
                    backoff.reset()
                    auth_failures = 0
                    throttled.reset()
                # The server refused for load: reconnecting soon spends the same budget again.
                delay = throttled.next() if isinstance(exc, ImapThrottledError) else backoff.next()
                self._set("error", connected=False, error=str(exc)[:200])
                metrics.IMAP_RECONNECTS.labels(self.watch_name).inc()
                self._log.warning(
                    "imap_reconnect", reason=str(exc)[:200], retry_in_s=round(delay, 2)
                )
                self._stop.wait(delay)
                continue
            return

    def _paused(self, reason: str) -> None:
        """Wait (connection closed, lease kept) until Redis is below its memory watermark."""
        self._set("paused", connected=False, error=reason)
        self._log.warning("ingest_paused", reason=reason)
        while not self._stop.wait(1.0) and self.lease.held:
            try:
                if not self._memory.check():
                    break
            except redis.RedisError as exc:
                self._log.warning("redis_error", error=type(exc).__name__)
        self._log.info("ingest_resumed")

