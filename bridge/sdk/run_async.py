"""Runs SDK operations (:mod:`bridge.sdk.protocol`) with ``await``: the engine of
:class:`~bridge.sdk.aio.AsyncClient`; :mod:`bridge.sdk.run_sync` is its blocking twin.

Tasks share one client: commands run on at most ``max_connections`` connections at a time and
every wait is served by ONE reader task blocking in one ``XREAD``. A client belongs to the
event loop it first ran on (redis.asyncio connections do too): using it from another loop
raises :class:`RuntimeError` with what to do instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import replace
from typing import Any, TypeVar

import redis
import redis.asyncio as aredis

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
from otpbridge.bridge.sdk.run_sync import MAX_CONNECTIONS, HealthCheck
from otpbridge.bridge.sdk.wire import BLOCK_S, READ_COUNT, as_str

__all__ = ["AsyncRunner"]

_T = TypeVar("_T")
_READER_RETRY_S = 0.2
_WAKE_MAXLEN = 64
_WAKE_TTL_S = 3600


class _Box:
    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.entries: list[Entry] = []

    def put(self, entries: list[Entry]) -> None:
        self.entries.extend(entries)
        self.ready.set()

    async def take(self, timeout: float) -> list[Entry]:
        if not self.entries and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), timeout)
        self.ready.clear()
        out, self.entries = self.entries, []
        return out


class AsyncRunner:
    def __init__(
        self,
        client: aredis.Redis,
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._slots: asyncio.Semaphore | None = None
        self._mux = Multiplexer()
        self._boxes: dict[int, _Box] = {}
        self._reader: asyncio.Task[None] | None = None
        self._wake_position = "0-0"
        self._wake_pending = False
        self._closed = False
        self.health = HealthReport()
        self._next_check = 0.0

    def _bind(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if os.getpid() != self._pid:
            self._reset()
            self._loop = None
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError(
                "this AsyncClient belongs to another event loop; create one client per loop "
                "(e.g. inside the coroutine that asyncio.run() runs)"
            )
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections)
        return self._slots

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            # Its failure, if any, was recorded by _reader_finished; closing must not raise it.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None

    async def run(self, op: Op[_T]) -> _T:
        slots = self._bind()
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
                        token = await self._subscribe(step, slots)
                    elif isinstance(step, Health):
                        value = self.health
                    elif isinstance(step, Receive):
                        assert token is not None, "Receive before Subscribe"
                        value = await self._boxes[token].take(step.timeout)
                    elif isinstance(step, Sleep):
                        await asyncio.sleep(step.seconds)
                    elif isinstance(step, Defer):
                        deferred.append(step.call)
                    else:
                        value = await self._execute(step, slots)
                except Exception as exc:  # noqa: BLE001 - thrown into the operation, which decides
                    error = exc
        finally:
            op.close()
            if token is not None:
                self._mux.leave(token)
                self._boxes.pop(token, None)
            for call in deferred:
                with contextlib.suppress(redis.RedisError):
                    await self._execute(call, slots)

    async def _execute(self, step: Step, slots: asyncio.Semaphore) -> Any:
        async with slots:
            if isinstance(step, Call):
                return await getattr(self.redis, step.name)(*step.args, **step.kwargs)
            assert isinstance(step, Batch)
            async with self.redis.pipeline(transaction=step.transaction) as pipe:
                for call in step.calls:
                    getattr(pipe, call.name)(*call.args, **call.kwargs)
                return await pipe.execute()

    async def _subscribe(self, step: Subscribe, slots: asyncio.Semaphore) -> int:
        token = self._mux.join(step.stream, step.position, step.inbox_id)
        self._boxes[token] = _Box()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(
                self._read_loop(), name="otpbridge-reader"
            )
            self._reader.add_done_callback(self._reader_finished)
        if self._wake_pending:
            return token  # one wake per read, however many waits join meanwhile
        self._wake_pending = True
        async with slots, self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"w": "1"}, maxlen=_WAKE_MAXLEN, approximate=True)
            pipe.expire(self._wake_key, _WAKE_TTL_S)
            await pipe.execute()
        return token

    async def _xread(self, packed: bytes) -> Any:
        """Send the reader's pre-packed XREAD (see ``Multiplexer.read_command``) on a pooled
        connection and parse its reply as redis-py does."""
        pool: Any = self.redis.connection_pool  # redis-py leaves these untyped
        conn: Any = await pool.get_connection()
        try:
            await conn.send_packed_command([packed])
            client: Any = self.redis
            return await client.parse_response(conn, "XREAD")
        except BaseException:
            await conn.disconnect()  # a half-read reply must not go back to the pool
            raise
        finally:
            await pool.release(conn)

    def _reader_finished(self, task: asyncio.Task[None]) -> None:
        """A reader that died of an error outside its retry loop (its Redis server went away
        at shutdown, say): record it and wake the waits, which start a new reader if they
        go on; the exception is retrieved here, so asyncio never reports it as lost."""
        if task.cancelled() or task.exception() is None:
            return
        self.health = replace(self.health, redis_error=type(task.exception()).__name__)
        for box in list(self._boxes.values()):
            box.put([])

    async def _check(self) -> None:
        """The shared health check (see the sync runner); bad news wakes every wait."""
        if self._health_check is None or time.monotonic() < self._next_check:
            return
        self._next_check = time.monotonic() + BLOCK_S
        try:
            self.health = await self.run(self._health_check(self._mux.inbox_ids()))
        except redis.RedisError as exc:
            self.health = replace(self.health, redis_error=type(exc).__name__)
        if self.health.bad:
            for box in list(self._boxes.values()):
                box.put([])

    async def _read_loop(self) -> None:
        """Block on the activity and wake streams; read the inbox streams that have news; sweep
        them all every ``BLOCK_S`` (see :mod:`otpbridge.bridge.sdk.mux`)."""
        activity = await self._activity_start()
        next_sweep = 0.0
        while not self._closed and len(self._mux):
            self._wake_pending = False
            joined = self._mux.take_joined()
            sweep = None
            if time.monotonic() >= next_sweep:
                sweep = self._mux.sweep_command(READ_COUNT)
                next_sweep = time.monotonic() + BLOCK_S
            await self._check()
            try:
                if sweep is not None:
                    self._deliver(sweep[1], await self._xread(sweep[0]))
                elif joined:
                    self._deliver(joined, await self.redis.xread(joined, count=READ_COUNT))
                news: Any = await self.redis.xread(
                    {self._activity_key: activity, self._wake_key: self._wake_position},
                    count=READ_COUNT * 10,
                    block=self._block_ms,
                )
                got = read_news(news, self._wake_key, activity, self._wake_position)
                activity, self._wake_position = got.activity_position, got.wake_position
                targets = self._mux.positions_of(got.touched)
                if targets:
                    self._deliver(targets, await self.redis.xread(targets, count=READ_COUNT))
            except Exception as exc:  # noqa: BLE001 - the reader must outlive any one failure
                self.health = replace(self.health, redis_error=type(exc).__name__)
                await asyncio.sleep(_READER_RETRY_S)
                next_sweep = 0.0
                continue
            if self.health.redis_error is not None:
                self.health = replace(self.health, redis_error=None)
        self._reader = None

    async def _activity_start(self) -> str:
        """Where the activity stream ends now (see the sync runner)."""
        try:
            last: Any = await self.redis.xrevrange(self._activity_key, count=1)
        except redis.RedisError:
            return "0-0"
        return as_str(last[0][0]) if last else "0-0"

    def _deliver(self, started: dict[str, str], reply: Any) -> None:
        for token, entries in self._mux.dispatch(started, reply).items():
            box = self._boxes.get(token)
            if box is not None:
                box.put(entries)
