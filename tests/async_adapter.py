"""The async SDK behind the sync client's surface, so one test body checks both clients.

:class:`AsyncAdapter` runs ONE :class:`~bridge.AsyncClient` on an event loop in a background
thread and forwards each call of ``inboxes.*`` and ``messages.*`` to it with
``asyncio.run_coroutine_threadsafe(...).result()``: calls from several test threads run as
concurrent tasks of that one loop, as an async agent's would. ``.redis`` is a SYNC client on the
same URL (tests poke Redis directly); ``.keys``, ``.name`` and ``.address`` are the async
client's own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import redis

from otpbridge import AsyncClient

__all__ = ["AsyncAdapter"]

_T = TypeVar("_T")
#: A forwarded call that takes longer than this is a hung test, not a slow one.
_CALL_LIMIT_S = 150.0


class _Forward:
    """``inboxes`` or ``messages`` of the async client, each coroutine method made blocking."""

    def __init__(self, adapter: AsyncAdapter, target: object) -> None:
        self._adapter = adapter
        self._target = target

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._target, name)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._adapter.call(method(*args, **kwargs))

        return call


class AsyncAdapter:
    def __init__(self, url: str, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="async-client-loop", daemon=True
        )
        self._thread.start()
        self._closed = False

        async def make() -> AsyncClient:
            return AsyncClient.from_url(url, **options)

        self.inner = self.call(make())
        self.redis = redis.Redis.from_url(url)
        self.keys = self.inner.keys
        self.name = self.inner.name
        self.address = self.inner.address
        self.inboxes = _Forward(self, self.inner.inboxes)
        self.messages = _Forward(self, self.inner.messages)

    def call(self, coro: Coroutine[Any, Any, _T] | Awaitable[_T]) -> _T:
        """Runs ``coro`` on the client's loop and blocks this thread for its result."""
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(coro), self._loop)
        try:
            return future.result(_CALL_LIMIT_S)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        """Closes the client on its own loop, cancels what is left there, stops the loop."""
        if self._closed:
            return
        self._closed = True
        try:
            self.call(self.inner.close())
            self.call(_cancel_the_rest())
            self.call(self._loop.shutdown_asyncgens())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
            self.redis.close()

    def __enter__(self) -> AsyncAdapter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


async def _as_coroutine(awaitable: Awaitable[_T]) -> _T:
    return await awaitable


async def _cancel_the_rest() -> None:
    """Tasks a test left behind (none should be): cancelled and awaited, so none is
    destroyed while pending."""
    current = asyncio.current_task()
    rest = [t for t in asyncio.all_tasks() if t is not current]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)
