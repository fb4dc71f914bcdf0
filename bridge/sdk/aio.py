"""``AsyncClient``: the SDK of :mod:`bridge.sdk.client` with ``async`` methods (redis.asyncio).

The decisions (which event matches, which inbox fields) live in the pure modules both clients
share; this module only does the I/O.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import os
import time
from typing import Any, cast

import redis
import redis.asyncio as aredis

from bridge.errors import ConfigError, InboxNotFoundError, PipelineError
from bridge.sdk.matching import Match, Pick, StreamMatcher, WaitFor
from bridge.sdk.models import Email, Inbox, Link, LinkKindFilter, Message, Otp
from bridge.sdk.records import (
    check_watchers,
    inbox_fields,
    new_inbox_id,
    normalize_senders,
    parse_email,
    parse_inbox,
    render_address,
    watch_key_parts,
)
from bridge.sdk.wire import (
    READ_COUNT,
    RETRY_PAUSE_S,
    SOCKET_TIMEOUT_S,
    as_str,
    block_s_for,
    check_inbox_id,
    index_events,
    now_ms,
)
from worker.events import decode_fields
from worker.keys import Keys

__all__ = ["AsyncClient", "AsyncInboxes", "AsyncMessages"]


class AsyncClient:
    """Same constructor arguments and methods as :class:`~bridge.sdk.client.Client`."""

    def __init__(
        self,
        client: aredis.Redis,
        *,
        address: str | None = None,
        prefix: str = "otpb",
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
    ) -> None:
        self.redis = client
        self.keys = Keys(prefix)
        self.address = address
        self.require_watcher = require_watcher
        self.watcher_max_age = watcher_max_age
        self.block_s = block_s_for(client)
        self.cursors: dict[str, str] = {}
        self.inboxes = AsyncInboxes(self)
        self.messages = AsyncMessages(self)

    @classmethod
    def from_url(
        cls,
        url: str,
        address: str | None = None,
        *,
        prefix: str | None = None,
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
    ) -> AsyncClient:
        client = aredis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_S,
            socket_connect_timeout=5.0,
            socket_keepalive=True,
            health_check_interval=30,
        )
        return cls(
            client,
            address=address or os.environ.get("OTPBRIDGE_ADDRESS") or None,
            prefix=prefix or os.environ.get("OTPBRIDGE_PREFIX") or "otpb",
            require_watcher=require_watcher,
            watcher_max_age=watcher_max_age,
        )

    async def close(self) -> None:
        await self.redis.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


class AsyncInboxes:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def _template(self) -> str:
        if self._c.address:
            return self._c.address
        published = await self._c.redis.get(self._c.keys.address_template)
        if published:
            return as_str(published)
        raise ConfigError(
            "no address template: pass address='agents+{id}@corp.example', set "
            "OTPBRIDGE_ADDRESS, or start `otpbridge bridge` (it publishes its template)"
        )

    async def create(
        self,
        ttl: float = 3600,
        allowed_senders: builtins.list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
    ) -> Inbox:
        if ttl <= 0:
            raise ValueError("ttl must be positive (seconds)")
        senders = normalize_senders(allowed_senders)
        inbox_id = new_inbox_id()
        address = render_address(await self._template(), inbox_id)
        created = now_ms()
        expires = created + int(ttl * 1000)
        fields = inbox_fields(address, created, expires, senders, label)
        keys = self._c.keys
        async with self._c.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.inbox(inbox_id), mapping=cast("dict[Any, Any]", fields))
            pipe.pexpireat(keys.inbox(inbox_id), expires)
            pipe.zadd(keys.inboxes, {inbox_id: expires})
            await pipe.execute()
        return parse_inbox(inbox_id, fields)

    async def get(self, inbox_id: str) -> Inbox:
        raw = await self._c.redis.hgetall(self._c.keys.inbox(check_inbox_id(inbox_id)))
        if not raw:
            raise InboxNotFoundError(f"inbox {inbox_id} does not exist (deleted or expired)")
        return parse_inbox(inbox_id, cast("dict[Any, Any]", raw))

    async def list(self) -> builtins.list[Inbox]:
        keys = self._c.keys
        now = now_ms()
        await self._c.redis.zremrangebyscore(keys.inboxes, "-inf", now)
        ids = [as_str(i) for i in await self._c.redis.zrangebyscore(keys.inboxes, now, "+inf")]
        async with self._c.redis.pipeline(transaction=False) as pipe:
            for inbox_id in ids:
                pipe.hgetall(keys.inbox(inbox_id))
            rows = await pipe.execute()
        return [parse_inbox(i, row) for i, row in zip(ids, rows, strict=True) if row]

    async def delete(self, inbox_id: str) -> bool:
        keys = self._c.keys
        r = self._c.redis
        check_inbox_id(inbox_id)
        doomed = {
            keys.inbox(inbox_id),
            keys.events(inbox_id),
            keys.messages(inbox_id),
            keys.published(inbox_id),
        }
        for mk in await r.zrange(keys.messages(inbox_id), 0, -1):
            doomed.add(keys.message(inbox_id, as_str(mk)))
        async for key in r.scan_iter(match=keys.message(inbox_id, "*"), count=500):
            doomed.add(as_str(key))
        async with r.pipeline(transaction=True) as pipe:
            pipe.delete(*doomed)
            pipe.zrem(keys.inboxes, inbox_id)
            pipe.zrem(keys.waiting(), inbox_id)
            deleted, zremoved, _ = await pipe.execute()
        self._c.cursors.pop(inbox_id, None)
        return bool(deleted or zremoved)

    async def list_emails(self, inbox_id: str) -> builtins.list[Email]:
        keys = self._c.keys
        r = self._c.redis
        check_inbox_id(inbox_id)
        message_keys = [as_str(mk) for mk in await r.zrevrange(keys.messages(inbox_id), 0, -1)]
        messages, results = index_events(await r.xrange(keys.events(inbox_id)) or [])
        async with r.pipeline(transaction=False) as pipe:
            for mk in message_keys:
                pipe.get(keys.message(inbox_id, mk))
            raws = await pipe.execute()
        return [
            parse_email(
                messages.get(mk) or Message(mk, "", "", None),
                raw if isinstance(raw, bytes) else str(raw).encode(),
                results.get(mk),
            )
            for mk, raw in zip(message_keys, raws, strict=True)
            if raw is not None
        ]


class AsyncMessages:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def wait_for_otp(self, inbox_id: str, timeout: float = 60) -> Otp | None:
        found = await self._wait(inbox_id, WaitFor("otp"), timeout)
        return found if isinstance(found, Otp) else None

    async def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter = "any", timeout: float = 60
    ) -> Link | None:
        found = await self._wait(inbox_id, WaitFor("link", link_kind=kind), timeout)
        return found if isinstance(found, Link) else None

    async def wait_for_message(
        self,
        inbox_id: str,
        timeout: float = 60,
        from_: str | None = None,
        subject: str | None = None,
    ) -> Message | None:
        want = WaitFor("message", from_=from_, subject=subject)
        found = await self._wait(inbox_id, want, timeout)
        return found if isinstance(found, Message) else None

    async def _check_pipeline(self, inbox_id: str) -> None:
        c = self._c
        async with c.redis.pipeline(transaction=False) as pipe:
            pipe.exists(c.keys.inbox(inbox_id))
            pipe.smembers(c.keys.mailboxes)
            exists, watches = await pipe.execute()
        if not exists:
            raise InboxNotFoundError(f"inbox {inbox_id} does not exist (deleted or expired)")
        if not c.require_watcher:
            return
        names = sorted(as_str(w) for w in watches)
        async with c.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hget(c.keys.heartbeat(*watch_key_parts(name)), "ts_ms")
            beats = await pipe.execute()
        check_watchers(
            {n: int(b) if b else None for n, b in zip(names, beats, strict=True)},
            now_ms(),
            c.watcher_max_age,
        )

    async def _wait(self, inbox_id: str, want: WaitFor, timeout: float) -> Match | None:
        c = self._c
        inbox = await c.inboxes.get(inbox_id)
        deadline = time.monotonic() + max(0.0, timeout)
        matcher = StreamMatcher(
            want, inbox.allowed_senders, cursor=c.cursors.get(inbox_id), now_ms=now_ms()
        )
        stream = c.keys.events(inbox_id)
        await c.redis.zadd(c.keys.waiting(), {inbox_id: now_ms() + int(timeout * 1000)}, gt=True)
        pick = Pick(matcher)
        last_id = "0-0"
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    await self._check_pipeline(inbox_id)
                    limit = pick.block_limit(time.monotonic())
                    block_s = min(remaining, c.block_s, *(() if limit is None else (limit,)))
                    block_ms = max(1, int(block_s * 1000))
                    reply: Any = await c.redis.xread(
                        {stream: last_id}, count=READ_COUNT, block=block_ms
                    )
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    if time.monotonic() >= deadline:
                        raise PipelineError(f"Redis unreachable while waiting: {exc}") from exc
                    await asyncio.sleep(min(RETRY_PAUSE_S, max(0.0, deadline - time.monotonic())))
                    continue
                for _stream, entries in reply or []:
                    for raw_id, raw_fields in entries:
                        last_id = as_str(raw_id)
                        matcher.now_ms = now_ms()
                        pick.offer(last_id, matcher.feed(last_id, decode_fields(raw_fields)))
                now = time.monotonic()
                if pick.best is not None and (pick.ready(now) or now >= deadline):
                    c.cursors[inbox_id] = pick.best_id
                    return pick.best
                if now >= deadline:
                    return None
        finally:
            with contextlib.suppress(redis.RedisError):
                await c.redis.zrem(c.keys.waiting(), inbox_id)
