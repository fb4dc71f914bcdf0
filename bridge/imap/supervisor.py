"""All watchers of one ``otpbridge bridge`` process, and the keeper that vouches for them.

Each configured (mailbox, folder) gets a :class:`FolderWatcher` thread. One keeper thread renews
the leases this process holds and writes their heartbeats, so the lease and the heartbeat stay
fresh while a watcher is busy (a large FETCH, a backoff sleep, a slow auth retry).
"""

from __future__ import annotations

import threading
from typing import Final

import redis
import structlog
from rq import Queue

from otpbridge.bridge.imap.heartbeat import now_ms
from otpbridge.bridge.imap.memory import MemoryWatermark
from otpbridge.bridge.imap.watcher import FolderWatcher
from otpbridge.bridge.settings import BridgeSettings
from otpbridge.worker.keys import Keys
from otpbridge.worker.settings import QUEUE_NAME

__all__ = ["Bridge"]

_JOIN_TIMEOUT_S: Final = 20.0

log = structlog.get_logger()


class Bridge:
    """``start()`` then ``stop()``; ``ready()`` feeds ``/readyz``."""

    def __init__(self, settings: BridgeSettings, client: redis.Redis) -> None:
        self.settings = settings
        self._redis = client
        self._keys = Keys(settings.prefix)
        self._stop = threading.Event()
        #: A watcher gave up after crashing without progress: the process must exit non-zero.
        self.fatal = threading.Event()
        queue = Queue(QUEUE_NAME, connection=client)
        self.memory = MemoryWatermark(client, settings.redis_memory_watermark)
        self.watchers = [
            FolderWatcher(
                settings, mailbox, folder, client, queue, self._stop, self.fatal, self.memory
            )
            for mailbox in settings.mailboxes
            for folder in mailbox.folders
        ]
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._redis.set(self._keys.address_template, self.settings.address)
        log.info(
            "bridge_started",
            instance=self.settings.instance_id,
            watches=[w.watch_name for w in self.watchers],
            address=self.settings.address,
            redis=self.settings.redis_url_redacted,
            fast_check_ms=self.settings.fast_check_ms,
        )
        for watcher in self.watchers:
            thread = threading.Thread(
                target=watcher.run, name=f"watch:{watcher.watch_name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        keeper = threading.Thread(target=self._keep, name="keeper", daemon=True)
        keeper.start()
        self._threads.append(keeper)

    def request_stop(self) -> None:
        """Signal-handler safe: only sets the event."""
        self._stop.set()

    def stop(self) -> None:
        """Signal every watcher, wait for DONE/LOGOUT/lease release (bounded)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=_JOIN_TIMEOUT_S)
        log.info("bridge_stopped", instance=self.settings.instance_id)

    def wait(self, timeout: float | None = None) -> bool:
        """True once a stop was requested or a watcher gave up (see ``fatal``)."""
        return self._stop.wait(timeout) or self.fatal.is_set()

    def _keep(self) -> None:
        interval = min(self.settings.heartbeat_s, self.settings.lease_ttl_s / 3)
        while not self._stop.wait(interval):
            for watcher in self.watchers:
                watcher.keep()
            self._housekeeping()

    def _housekeeping(self) -> None:
        """Expired inbox ids leave the index (nobody has to call ``list()`` for that), and the
        memory watermark is looked at even while no mail arrives."""
        try:
            self._redis.zremrangebyscore(self._keys.inboxes, "-inf", now_ms())
            self.memory.check()
        except redis.RedisError as exc:
            log.warning("housekeeping_failed", error=type(exc).__name__)

    def ready(self) -> tuple[bool, str]:
        """Ready when Redis answers and every folder this instance leads is connected and live.

        A standby (another instance leads) is ready too: it is healthy and waits its turn.
        """
        try:
            self._redis.ping()
        except redis.RedisError as exc:
            return False, f"redis unreachable: {type(exc).__name__}"
        if self.memory.reason:
            return False, self.memory.reason
        limit_ms = int(self.settings.heartbeat_s * 2 * 1000) + 1000
        problems = []
        for watcher in self.watchers:
            if not watcher.lease.held:
                continue
            status, connected, alive_ms, _, _ = watcher.state.snapshot()
            if not connected:
                problems.append(f"{watcher.watch_name}: {status}")
            elif now_ms() - alive_ms > limit_ms:
                problems.append(f"{watcher.watch_name}: no IMAP activity")
        if problems:
            return False, "; ".join(problems)
        return True, "ok"
