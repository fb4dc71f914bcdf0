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
from typing import Any, TypeVar

import redis

from otpbridge.bridge.sdk.mux import Entry, Multiplexer
from otpbridge.bridge.sdk.protocol import Batch, Call, Defer, Op, Receive, Sleep, Step, Subscribe
from otpbridge.bridge.sdk.wire import READ_COUNT, as_str

__all__ = ["MAX_CONNECTIONS", "SyncRunner"]

_T = TypeVar("_T")
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
        block_s: float,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.redis = client
        self._wake_key = wake_key
        self._block_ms = max(1, int(block_s * 1000))
        self._max_connections = max_connections
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._slots = threading.BoundedSemaphore(self._max_connections)
        self._lock = threading.Lock()
        self._mux = Multiplexer()
        self._boxes: dict[int, _Box] = {}
        self._reader: threading.Thread | None = None
        self._wake_position = "0-0"
        self._closed = False

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
            token = self._mux.join(step.stream, step.position)
            self._boxes[token] = _Box()
            if self._reader is None:
                self._reader = threading.Thread(
                    target=self._read_loop, name="otpbridge-reader", daemon=True
                )
                self._reader.start()
        # Ends the reader's current XREAD, so the next one includes this stream at once.
        with self._slots, self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"w": "1"}, maxlen=_WAKE_MAXLEN, approximate=True)
            pipe.expire(self._wake_key, _WAKE_TTL_S)
            pipe.execute()
        return token

    def _unsubscribe(self, token: int) -> None:
        with self._lock:
            self._mux.leave(token)
            self._boxes.pop(token, None)

    def _read_loop(self) -> None:
        while True:
            with self._lock:
                if self._closed or not len(self._mux):
                    self._reader = None
                    return
                started = self._mux.positions()
                streams: dict[Any, Any] = {**started, self._wake_key: self._wake_position}
            try:
                reply: Any = self.redis.xread(streams, count=READ_COUNT, block=self._block_ms)
            except redis.RedisError:
                # A lost connection or a failover: waits re-check the pipeline themselves and
                # raise past their deadline; the reader just resumes from its positions.
                time.sleep(_READER_RETRY_S)
                continue
            with self._lock:
                for stream, entries in reply or ():
                    if as_str(stream) == self._wake_key and entries:
                        self._wake_position = as_str(entries[-1][0])
                deliveries = [
                    (self._boxes.get(token), entries)
                    for token, entries in self._mux.dispatch(started, reply).items()
                ]
            for box, entries in deliveries:
                if box is not None:
                    box.put(entries)
