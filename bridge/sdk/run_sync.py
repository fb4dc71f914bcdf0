"""Runs SDK operations (:mod:`bridge.sdk.protocol`) with blocking calls: the engine of
:class:`~bridge.sdk.client.Client`.

Threads share one client. Commands run on at most ``max_connections`` pooled connections at a
time (a thread beyond that waits its turn), and every wait of the client is served by ONE reader
thread blocking in one ``XREAD`` over all their streams (:mod:`bridge.sdk.mux`): a thousand
waiting threads use ``max_connections + 1`` connections. After ``fork`` the child starts its own
reader and its own connections (redis-py's pool resets itself in a child).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any, TypeVar

import redis

from otpbridge.bridge.sdk.health import HealthReport
from otpbridge.bridge.sdk.mux import Entry, Multiplexer, read_news
from otpbridge.bridge.sdk.protocol import (
    Batch,
    Call,
    Defer,
    Health,
    Op,
    Receive,
    Sleep,
    Step,
    Subscribe,
)
from otpbridge.bridge.sdk.wire import BLOCK_S, READ_COUNT, as_str

__all__ = ["MAX_CONNECTIONS", "HealthCheck", "SyncRunner"]

_T = TypeVar("_T")
#: Builds the shared health check of a set of inboxes (see otpbridge.bridge.sdk.health).
HealthCheck = Callable[[Collection[str]], Op[HealthReport]]
#: Pooled connections for commands; the shared reader holds one more.
MAX_CONNECTIONS = 15
#: After a failed read the reader pauses this long before it tries again.
_READER_RETRY_S = 0.2
#: The wake stream keeps only a few entries and disappears when the client is gone.
_WAKE_MAXLEN = 64
_WAKE_TTL_S = 3600


class _Box:
    """Entries delivered to one wait."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.entries: list[Entry] = []

    def put(self, entries: list[Entry]) -> None:
        with self.cond:
            self.entries.extend(entries)
            self.cond.notify()

    def take(self, timeout: float) -> list[Entry]:
        with self.cond:
            if not self.entries and timeout > 0:
                self.cond.wait(timeout)
            out, self.entries = self.entries, []
            return out


class SyncRunner:
    def __init__(
        self,
        client: redis.Redis,
        wake_key: str,
        activity_key: str,
        block_s: float,
        max_connections: int = MAX_CONNECTIONS,
        health_check: HealthCheck | None = None,
    ) -> None:
        self.redis = client
        self._wake_key = wake_key
        self._activity_key = activity_key
        self._block_ms = max(1, int(block_s * 1000))
        self._max_connections = max_connections
        self._health_check = health_check
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._slots = threading.BoundedSemaphore(self._max_connections)
        self._lock = threading.Lock()
        self._mux = Multiplexer()
        self._boxes: dict[int, _Box] = {}
        self._reader: threading.Thread | None = None
        self._wake_position = "0-0"
        self._wake_pending = False
        self._closed = False
        self.health = HealthReport()
        self._next_check = 0.0

    def close(self) -> None:
        with self._lock:
            self._closed = True

    # -- running an operation ---------------------------------------------------------------
    def run(self, op: Op[_T]) -> _T:
        if os.getpid() != self._pid:
            self._reset()  # a forked child: no reader thread came along
        token: int | None = None
        deferred: list[Call] = []
        value: Any = None
        error: Exception | None = None
        try:
            while True:
                try:
                    step = op.throw(error) if error is not None else op.send(value)
                except StopIteration as stop:
                    result: _T = stop.value
                    return result
                value, error = None, None
                try:
                    if isinstance(step, Subscribe):
                        token = self._subscribe(step)
                    elif isinstance(step, Health):
                        value = self.health
                    elif isinstance(step, Receive):
                        assert token is not None, "Receive before Subscribe"
                        value = self._boxes[token].take(step.timeout)
                    elif isinstance(step, Sleep):
                        time.sleep(step.seconds)
                    elif isinstance(step, Defer):
                        deferred.append(step.call)
                    else:
                        value = self._execute(step)
                except Exception as exc:  # noqa: BLE001 - thrown into the operation, which decides
                    error = exc
        finally:
            op.close()
            if token is not None:
                self._unsubscribe(token)
            for call in deferred:
                with contextlib.suppress(redis.RedisError):
                    self._execute(call)

    def _execute(self, step: Step) -> Any:
        with self._slots:
            if isinstance(step, Call):
                return getattr(self.redis, step.name)(*step.args, **step.kwargs)
            assert isinstance(step, Batch)
            with self.redis.pipeline(transaction=step.transaction) as pipe:
                for call in step.calls:
                    getattr(pipe, call.name)(*call.args, **call.kwargs)
                return pipe.execute()

    # -- the shared reader -----------------------------------------------------------------
    def _subscribe(self, step: Subscribe) -> int:
        with self._lock:
            token = self._mux.join(step.stream, step.position, step.inbox_id)
            self._boxes[token] = _Box()
            if self._reader is None:
                self._reader = threading.Thread(
                    target=self._read_loop, name="otpbridge-reader", daemon=True
                )
                self._reader.start()
            # One wake per read, however many waits join meanwhile: the reader clears the
            # flag just before it takes the positions for its next read.
            wake, self._wake_pending = not self._wake_pending, True
        if not wake:
            return token
        # Ends the reader's current XREAD, so the next one includes this stream at once.
        with self._slots, self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"w": "1"}, maxlen=_WAKE_MAXLEN, approximate=True)
            pipe.expire(self._wake_key, _WAKE_TTL_S)
            pipe.execute()
        return token

    def _xread(self, packed: bytes) -> Any:
        """Send the reader's pre-packed XREAD (see ``Multiplexer.read_command``) on a pooled
        connection and parse its reply as redis-py does."""
        pool: Any = self.redis.connection_pool  # redis-py leaves these untyped
        conn: Any = pool.get_connection()
        try:
            conn.send_packed_command([packed])
            client: Any = self.redis
            return client.parse_response(conn, "XREAD")
        except BaseException:
            conn.disconnect()  # a half-read reply must not go back to the pool
            raise
        finally:
            pool.release(conn)

    def _check(self) -> None:
        """The shared health check, at most every ``BLOCK_S`` (see otpbridge.bridge.sdk.health).
        Waits sleep until news or their deadline, so a report with bad news wakes them all."""
        if self._health_check is None or time.monotonic() < self._next_check:
            return
        self._next_check = time.monotonic() + BLOCK_S
        with self._lock:
            inbox_ids = self._mux.inbox_ids()
        try:
            self.health = self.run(self._health_check(inbox_ids))
        except redis.RedisError as exc:
            self.health = replace(self.health, redis_error=type(exc).__name__)
        if self.health.bad:
            with self._lock:
                boxes = list(self._boxes.values())
            for box in boxes:
                box.put([])

    def _unsubscribe(self, token: int) -> None:
        with self._lock:
            self._mux.leave(token)
            self._boxes.pop(token, None)

    def _read_loop(self) -> None:
        """Block on the activity and wake streams; read the inbox streams that have news; sweep
        them all every ``BLOCK_S`` (see :mod:`otpbridge.bridge.sdk.mux`)."""
        activity = self._activity_start()
        next_sweep = 0.0
        while True:
            with self._lock:
                if self._closed or not len(self._mux):
                    self._reader = None
                    return
                self._wake_pending = False
                joined = self._mux.take_joined()
                sweep = None
                if time.monotonic() >= next_sweep:
                    sweep = self._mux.sweep_command(READ_COUNT)
                    next_sweep = time.monotonic() + BLOCK_S
            self._check()
            try:
                if sweep is not None:
                    self._deliver(sweep[1], self._xread(sweep[0]))
                elif joined:
                    self._deliver(joined, self.redis.xread(joined, count=READ_COUNT))
                news: Any = self.redis.xread(
                    {self._activity_key: activity, self._wake_key: self._wake_position},
                    count=READ_COUNT * 10,
                    block=self._block_ms,
                )
                got = read_news(news, self._wake_key, activity, self._wake_position)
                activity, self._wake_position = got.activity_position, got.wake_position
                with self._lock:
                    targets = self._mux.positions_of(got.touched)
                if targets:
                    self._deliver(targets, self.redis.xread(targets, count=READ_COUNT))
            except Exception as exc:  # noqa: BLE001 - the reader must outlive any one failure
                # A lost connection or a failover: the reader resumes from its positions, and
                # a wait that times out meanwhile raises instead of returning "no mail".
                self.health = replace(self.health, redis_error=type(exc).__name__)
                time.sleep(_READER_RETRY_S)
                next_sweep = 0.0
                continue
            if self.health.redis_error is not None:
                self.health = replace(self.health, redis_error=None)

    def _activity_start(self) -> str:
        """Where the activity stream ends now: news after it wakes the reader (what came
        before is read by the first sweep)."""
        try:
            last: Any = self.redis.xrevrange(self._activity_key, count=1)
        except redis.RedisError:
            return "0-0"
        return as_str(last[0][0]) if last else "0-0"

    def _deliver(self, started: dict[str, str], reply: Any) -> None:
        with self._lock:
            deliveries = [
                (self._boxes.get(token), entries)
                for token, entries in self._mux.dispatch(started, reply).items()
            ]
        for box, entries in deliveries:
            if box is not None:
                box.put(entries)
