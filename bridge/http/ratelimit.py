"""A per-token request limit kept in Redis, so it holds across every ``serve`` replica.

A fixed window per token (``<prefix>:ratelimit:<token key>``): one Lua script counts the request
and, on the window's first one, sets the window's expiry; over the limit the answer is ``429``
with ``Retry-After`` = the seconds left in the window. A fixed window lets a client burst up to
twice the limit across a window edge; that is fine for keeping one runaway agent from flooding
Redis, which is all this is for. A long-poll is one request however long it waits.
"""

from __future__ import annotations

import math
from typing import Any, Final

import redis.asyncio as aredis

from otpbridge.bridge.http.errors import ApiError

__all__ = ["RateLimiter"]

#: KEYS[1] the counter; ARGV[1] the window in ms. Returns {count, ms left in the window}.
_HIT: Final = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""


class RateLimiter:
    def __init__(self, client: aredis.Redis, prefix: str, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_ms = max(1, int(window_s * 1000))
        self._key_prefix = f"{prefix}:ratelimit:"
        self._hit: Any = client.register_script(_HIT)

    async def check(self, key: str) -> None:
        """Count one request of ``key``; :class:`ApiError` 429 when it is over the limit."""
        if self.limit <= 0:
            return
        count, left_ms = await self._hit(keys=[self._key_prefix + key], args=[self.window_ms])
        if int(count) > self.limit:
            retry = max(1, math.ceil(int(left_ms) / 1000))
            raise ApiError(
                429,
                "rate_limited",
                f"more than {self.limit} requests in {self.window_ms / 1000:g} s for this "
                f"token; retry in {retry} s",
                headers={"Retry-After": str(retry)},
            )
