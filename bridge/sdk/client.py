"""The synchronous SDK: ``Client.from_url(...)`` with ``.inboxes`` and ``.messages``.

See :mod:`bridge.sdk.aio` for :class:`AsyncClient`, the same API with ``async`` methods. What
the two share (state, checks, decoding, the wait's bookkeeping) lives in :mod:`bridge.sdk.wire`,
:mod:`bridge.sdk.records` and :mod:`bridge.sdk.wait_state`; this module only does the I/O.
"""

from __future__ import annotations

import builtins
import contextlib
import time
from typing import Any, cast

import redis

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
from worker.redis_conn import sync_client

__all__ = ["Client", "Inboxes", "Messages"]


class Client(ClientCore[redis.Redis]):
    """Entry point of the SDK; one per process is plenty (it is thread-safe for separate inboxes).

    ``require_watcher``: waits raise :class:`~bridge.errors.WatcherDownError` when no bridge
    heartbeat is younger than ``watcher_max_age`` seconds. ``address``: the template with an
    ``{id}`` placeholder; without it ``OTPBRIDGE_ADDRESS`` (with :meth:`from_url`), then what
    the bridge published.
    """

    def __init__(
        self,
        client: redis.Redis,
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
        self.inboxes = Inboxes(self)
        self.messages = Messages(self)

    @classmethod
    def _connect(cls, url: str) -> redis.Redis:
        return sync_client(url, **CONNECTION_OPTIONS)

    def close(self) -> None:
        self.redis.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Inboxes:
    def __init__(self, client: Client) -> None:
        self._c = client

    def create(
        self,
        ttl: float = 3600,
        allowed_senders: list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
    ) -> Inbox:
        """A new inbox that lives ``ttl`` seconds; mail from other senders never matches a wait."""
        c = self._c
        published = None if c.address else c.redis.get(c.keys.address_template)
        template = address_template(c.address, as_str(published) if published else None)
        new = new_inbox(template, ttl, allowed_senders, label, now_ms())
        with c.redis.pipeline(transaction=True) as pipe:
            pipe.hset(c.keys.inbox(new.id), mapping=cast("dict[Any, Any]", new.fields))
            pipe.pexpireat(c.keys.inbox(new.id), new.expires_ms)
            pipe.zadd(c.keys.inboxes, {new.id: new.expires_ms})
            pipe.execute()
        return new.inbox

    def get(self, inbox_id: str) -> Inbox:
        raw = self._c.redis.hgetall(self._c.keys.inbox(check_inbox_id(inbox_id)))
        if not raw:
            raise missing_inbox(inbox_id)
        return parse_inbox(inbox_id, cast("dict[Any, Any]", raw))

    def list(self) -> builtins.list[Inbox]:
        """Live inboxes, soonest-expiring first."""
        keys = self._c.keys
        now = now_ms()
        self._c.redis.zremrangebyscore(keys.inboxes, "-inf", now)
        ids = [as_str(i) for i in self._c.redis.zrangebyscore(keys.inboxes, now, "+inf")]
        with self._c.redis.pipeline(transaction=False) as pipe:
            for inbox_id in ids:
                pipe.hgetall(keys.inbox(inbox_id))
            rows = pipe.execute()
        return [parse_inbox(i, row) for i, row in zip(ids, rows, strict=True) if row]

    def delete(self, inbox_id: str) -> bool:
        """Remove every key of the inbox; ``False`` if there was nothing to remove."""
        keys = self._c.keys
        r = self._c.redis
        check_inbox_id(inbox_id)
        stored = [as_str(mk) for mk in r.zrange(keys.messages(inbox_id), 0, -1)]
        doomed = inbox_keys(keys, inbox_id, stored)
        # Mails whose index entry was lost still carry the inbox's hash tag in their key.
        doomed.update(as_str(k) for k in r.scan_iter(match=keys.message(inbox_id, "*"), count=500))
        with r.pipeline(transaction=True) as pipe:
            pipe.delete(*doomed)
            pipe.zrem(keys.inboxes, inbox_id)
            pipe.zrem(keys.waiting(), inbox_id)
            deleted, zremoved, _ = pipe.execute()
        self._c.cursors.pop(inbox_id, None)
        return bool(deleted or zremoved)

    def list_emails(self, inbox_id: str) -> builtins.list[Email]:
        """Stored mails of the inbox, newest first, with bodies and extraction results."""
        keys = self._c.keys
        r = self._c.redis
        check_inbox_id(inbox_id)
        message_keys = [as_str(mk) for mk in r.zrevrange(keys.messages(inbox_id), 0, -1)]
        entries = r.xrange(keys.events(inbox_id))
        with r.pipeline(transaction=False) as pipe:
            for mk in message_keys:
                pipe.get(keys.message(inbox_id, mk))
            raws = pipe.execute()
        return collect_emails(message_keys, raws, entries)


class Messages:
    """Blocking waits for codes, links and mails of one inbox."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def wait_for_otp(self, inbox_id: str, timeout: float = 60) -> Otp | None:
        found = self._wait(inbox_id, WaitFor("otp"), timeout)
        return found if isinstance(found, Otp) else None

    def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter = "any", timeout: float = 60
    ) -> Link | None:
        found = self._wait(inbox_id, WaitFor("link", link_kind=kind), timeout)
        return found if isinstance(found, Link) else None

    def wait_for_message(
        self,
        inbox_id: str,
        timeout: float = 60,
        from_: str | None = None,
        subject: str | None = None,
    ) -> Message | None:
        found = self._wait(inbox_id, WaitFor("message", from_=from_, subject=subject), timeout)
        return found if isinstance(found, Message) else None

    def _check_pipeline(self, inbox_id: str) -> None:
        c = self._c
        with c.redis.pipeline(transaction=False) as pipe:
            pipe.exists(c.keys.inbox(inbox_id))
            pipe.smembers(c.keys.mailboxes)
            exists, watches = pipe.execute()
        if not exists:
            raise missing_inbox(inbox_id)
        if not c.require_watcher:
            return
        names = sorted(as_str(w) for w in watches)
        with c.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hget(c.keys.heartbeat(*watch_key_parts(name)), "ts_ms")
            beats = pipe.execute()
        check_watchers(
            {n: int(b) if b else None for n, b in zip(names, beats, strict=True)},
            now_ms(),
            c.watcher_max_age,
        )

    def _wait(self, inbox_id: str, want: WaitFor, timeout: float) -> Match | None:
        c = self._c
        inbox = c.inboxes.get(inbox_id)
        state = WaitState(
            want,
            inbox.allowed_senders,
            cursor=c.cursors.get(inbox_id),
            timeout=timeout,
            block_s=c.block_s,
        )
        stream = c.keys.events(inbox_id)
        c.redis.zadd(c.keys.waiting(), {inbox_id: state.waiting_until_ms}, gt=True)
        try:
            # Read at least once, so timeout=0 still sees what already arrived.
            while True:
                try:
                    self._check_pipeline(inbox_id)
                    reply: Any = c.redis.xread(
                        {stream: state.last_id}, count=READ_COUNT, block=state.block_ms()
                    )
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    time.sleep(state.retry_pause(exc))
                    continue
                state.feed(reply)
                if state.settled():
                    break
        finally:
            # The entry's score is its deadline, so a failed ZREM only lingers until then.
            with contextlib.suppress(redis.RedisError):
                c.redis.zrem(c.keys.waiting(), inbox_id)
        if state.found is not None:
            c.cursors[inbox_id] = state.found_id
        return state.found
