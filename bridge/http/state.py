"""What one ``serve`` app holds while it runs (``request.app.state.otpb``): its settings, ONE
:class:`~otpbridge.AsyncClient` shared by every request (one reader, at most 16 connections for
any number of long-polls), a second small Redis client for tokens, rate limits and SSE reads,
and the "shutting down" signal that ends long-polls and event streams early."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aredis
from starlette.requests import HTTPConnection

from otpbridge.bridge.http.ratelimit import RateLimiter
from otpbridge.bridge.http.settings import ServeSettings
from otpbridge.bridge.http.tokens import TokenStore
from otpbridge.bridge.sdk.aio import AsyncClient
from otpbridge.bridge.sdk.wire import CONNECTION_OPTIONS, default_name
from otpbridge.worker.keys import Keys
from otpbridge.worker.redis_conn import async_client

__all__ = ["MAX_EVENT_STREAMS", "ApiState", "get_state", "open_state"]

#: Connections of the side client: each SSE stream holds one while it blocks in XREAD.
_SIDE_MAX_CONNECTIONS = 256
#: Event streams one process serves at once. Below the side pool's size, so that token checks
#: and rate limits (same pool) always find a connection: a stream past it gets a 503, never the
#: API's other requests.
MAX_EVENT_STREAMS = 200


@dataclass(slots=True)
class ApiState:
    settings: ServeSettings
    client: AsyncClient
    #: redis.asyncio, same URL: tokens, rate limits, SSE reads (never the SDK's pool).
    redis: aredis.Redis
    tokens: TokenStore
    limiter: RateLimiter
    keys: Keys
    #: Set when the process begins to stop: open long-polls answer 503, SSE streams end.
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    #: The loop the app runs on (set at start-up), for :meth:`begin_shutdown` from a signal.
    loop: asyncio.AbstractEventLoop | None = None
    #: Event streams open now (at most :data:`MAX_EVENT_STREAMS`).
    event_streams: int = 0
    #: Optional parts mounted by other modules (MCP session manager, …) keep their state here.
    extras: dict[str, Any] = field(default_factory=dict)

    def begin_shutdown(self) -> None:
        """Thread- and signal-safe: wakes every long-poll and event stream of this app."""
        loop = self.loop
        if loop is None or loop.is_closed():
            self.closing.set()
        else:
            loop.call_soon_threadsafe(self.closing.set)

    async def close(self) -> None:
        await self.client.close()
        await self.redis.aclose()


def open_state(settings: ServeSettings) -> ApiState:
    """Clients are created here; nothing connects until the first request."""
    url = settings.redis_url.reveal()
    client = AsyncClient(
        async_client(url, **CONNECTION_OPTIONS),
        address=settings.address,
        prefix=settings.prefix,
        require_watcher=settings.require_watcher,
        name=f"serve:{default_name()}",
    )
    side = async_client(
        url,
        **{**CONNECTION_OPTIONS, "max_connections": _SIDE_MAX_CONNECTIONS},
    )
    return ApiState(
        settings=settings,
        client=client,
        redis=side,
        tokens=TokenStore(side, settings.prefix),
        limiter=RateLimiter(side, settings.prefix, settings.rate_limit, settings.rate_window_s),
        keys=Keys(settings.prefix),
    )


def get_state(conn: HTTPConnection) -> ApiState:
    state: ApiState = conn.app.state.otpb
    return state
