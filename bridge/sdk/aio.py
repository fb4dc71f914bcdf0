"""``AsyncClient``: the SDK of :mod:`bridge.sdk.client` with ``async`` methods (redis.asyncio).

The decisions (which event matches, which inbox fields, how long to block) live in the pure
modules both clients share; this module only does the I/O.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
from typing import Any, cast

import redis
import redis.asyncio as aredis

from bridge.sdk.matching import Match, WaitFor
from bridge.sdk.models import Email, Inbox, Link, LinkKindFilter, Message, Otp
from bridge.sdk.records import (
    address_template,
    check_watchers,
    inbox_keys,
    missing_inbox,
    new_inbox,
    parse_inbox,
    watch_key_parts,
)
from bridge.sdk.wait_state import WaitState
from bridge.sdk.wire import (
    CONNECTION_OPTIONS,
    READ_COUNT,
    ClientCore,
    as_str,
    check_inbox_id,
    collect_emails,
    now_ms,
)
from worker.redis_conn import async_client

__all__ = ["AsyncClient", "AsyncInboxes", "AsyncMessages"]


class AsyncClient(ClientCore[aredis.Redis]):
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
        super().__init__(
            client,
            address=address,
            prefix=prefix,
            require_watcher=require_watcher,
            watcher_max_age=watcher_max_age,
        )
        self.inboxes = AsyncInboxes(self)
        self.messages = AsyncMessages(self)

    @classmethod
    def _connect(cls, url: str) -> aredis.Redis:
        return async_client(url, **CONNECTION_OPTIONS)

    async def close(self) -> None:
        await self.redis.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


class AsyncInboxes:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def create(
        self,
        ttl: float = 3600,
        allowed_senders: builtins.list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
    ) -> Inbox:
        c = self._c
        published = None if c.address else await c.redis.get(c.keys.address_template)
        template = address_template(c.address, as_str(published) if published else None)
        new = new_inbox(template, ttl, allowed_senders, label, now_ms())
        async with c.redis.pipeline(transaction=True) as pipe:
            pipe.hset(c.keys.inbox(new.id), mapping=cast("dict[Any, Any]", new.fields))
            pipe.pexpireat(c.keys.inbox(new.id), new.expires_ms)
            pipe.zadd(c.keys.inboxes, {new.id: new.expires_ms})
            await pipe.execute()
        return new.inbox

    async def get(self, inbox_id: str) -> Inbox:
        raw = await self._c.redis.hgetall(self._c.keys.inbox(check_inbox_id(inbox_id)))
        if not raw:
            raise missing_inbox(inbox_id)
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
        stored = [as_str(mk) for mk in await r.zrange(keys.messages(inbox_id), 0, -1)]
        doomed = inbox_keys(keys, inbox_id, stored)
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
        entries = await r.xrange(keys.events(inbox_id))
        async with r.pipeline(transaction=False) as pipe:
            for mk in message_keys:
                pipe.get(keys.message(inbox_id, mk))
            raws = await pipe.execute()
        return collect_emails(message_keys, raws, entries)


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
            raise missing_inbox(inbox_id)
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
        state = WaitState(
            want,
            inbox.allowed_senders,
            cursor=c.cursors.get(inbox_id),
            timeout=timeout,
            block_s=c.block_s,
        )
        stream = c.keys.events(inbox_id)
        await c.redis.zadd(c.keys.waiting(), {inbox_id: state.waiting_until_ms}, gt=True)
        try:
            while True:
                try:
                    await self._check_pipeline(inbox_id)
                    reply: Any = await c.redis.xread(
                        {stream: state.last_id}, count=READ_COUNT, block=state.block_ms()
                    )
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    await asyncio.sleep(state.retry_pause(exc))
                    continue
                state.feed(reply)
                if state.settled():
                    break
        finally:
            with contextlib.suppress(redis.RedisError):
                await c.redis.zrem(c.keys.waiting(), inbox_id)
        if state.found is not None:
            c.cursors[inbox_id] = state.found_id
        return state.found
