"""The synchronous SDK: ``Client.from_url(...)`` with ``.inboxes`` and ``.messages``.

See :mod:`bridge.sdk.aio` for :class:`AsyncClient`, the same API with ``async`` methods.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import time
from typing import Any, cast

import redis

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

__all__ = ["Client", "Inboxes", "Messages"]


class Client:
    """Entry point of the SDK; one per process is plenty (it is thread-safe for separate inboxes).

    ``require_watcher``: waits raise :class:`~bridge.errors.WatcherDownError` when no bridge
    heartbeat is younger than ``watcher_max_age`` seconds. ``address``: the template with an
    ``{id}`` placeholder; without it ``OTPBRIDGE_ADDRESS``, then what the bridge published.
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
        self.redis = client
        self.keys = Keys(prefix)
        self.address = address
        self.require_watcher = require_watcher
        self.watcher_max_age = watcher_max_age
        self.block_s = block_s_for(client)
        self.cursors: dict[str, str] = {}
        self.inboxes = Inboxes(self)
        self.messages = Messages(self)

    @classmethod
    def from_url(
        cls,
        url: str,
        address: str | None = None,
        *,
        prefix: str | None = None,
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
    ) -> Client:
        client = redis.Redis.from_url(
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

    def close(self) -> None:
        self.redis.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Inboxes:
    def __init__(self, client: Client) -> None:
        self._c = client

    def _template(self) -> str:
        if self._c.address:
            return self._c.address
        published = self._c.redis.get(self._c.keys.address_template)
        if published:
            return as_str(published)
        raise ConfigError(
            "no address template: pass address='agents+{id}@corp.example', set "
            "OTPBRIDGE_ADDRESS, or start `otpbridge bridge` (it publishes its template)"
        )

    def create(
        self,
        ttl: float = 3600,
        allowed_senders: list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
    ) -> Inbox:
        """A new inbox that lives ``ttl`` seconds; mail from other senders never matches a wait."""
        if ttl <= 0:
            raise ValueError("ttl must be positive (seconds)")
        senders = normalize_senders(allowed_senders)
        inbox_id = new_inbox_id()
        address = render_address(self._template(), inbox_id)
        created = now_ms()
        expires = created + int(ttl * 1000)
        keys = self._c.keys
        with self._c.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                keys.inbox(inbox_id),
                mapping=cast(
                    "dict[Any, Any]", inbox_fields(address, created, expires, senders, label)
                ),
            )
            pipe.pexpireat(keys.inbox(inbox_id), expires)
            pipe.zadd(keys.inboxes, {inbox_id: expires})
            pipe.execute()
        return parse_inbox(inbox_id, inbox_fields(address, created, expires, senders, label))

    def get(self, inbox_id: str) -> Inbox:
        raw = self._c.redis.hgetall(self._c.keys.inbox(check_inbox_id(inbox_id)))
        if not raw:
            raise InboxNotFoundError(f"inbox {inbox_id} does not exist (deleted or expired)")
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
        doomed = {
            keys.inbox(inbox_id),
            keys.events(inbox_id),
            keys.messages(inbox_id),
            keys.published(inbox_id),
        }
        doomed.update(
            keys.message(inbox_id, as_str(mk)) for mk in r.zrange(keys.messages(inbox_id), 0, -1)
        )
        pattern = keys.message(inbox_id, "*")
        doomed.update(as_str(k) for k in r.scan_iter(match=pattern, count=500))
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
        entries = r.xrange(keys.events(inbox_id)) or []
        messages, results = index_events(entries)
        with r.pipeline(transaction=False) as pipe:
            for mk in message_keys:
                pipe.get(keys.message(inbox_id, mk))
            raws = pipe.execute()
        emails: builtins.list[Email] = []
        for mk, raw in zip(message_keys, raws, strict=True):
            if raw is None:
                continue
            message = messages.get(mk) or Message(mk, "", "", None)
            emails.append(
                parse_email(
                    message, raw if isinstance(raw, bytes) else raw.encode(), results.get(mk)
                )
            )
        return emails


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
            raise InboxNotFoundError(f"inbox {inbox_id} does not exist (deleted or expired)")
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
        check_inbox_id(inbox_id)
        inbox = c.inboxes.get(inbox_id)
        deadline = time.monotonic() + max(0.0, timeout)
        matcher = StreamMatcher(
            want, inbox.allowed_senders, cursor=c.cursors.get(inbox_id), now_ms=now_ms()
        )
        stream = c.keys.events(inbox_id)
        c.redis.zadd(c.keys.waiting(), {inbox_id: now_ms() + int(timeout * 1000)}, gt=True)
        pick = Pick(matcher)
        last_id = "0-0"
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    self._check_pipeline(inbox_id)
                    limit = pick.block_limit(time.monotonic())
                    block_s = min(remaining, c.block_s, *(() if limit is None else (limit,)))
                    block_ms = max(1, int(block_s * 1000))
                    reply: Any = c.redis.xread({stream: last_id}, count=READ_COUNT, block=block_ms)
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    if time.monotonic() >= deadline:
                        raise PipelineError(f"Redis unreachable while waiting: {exc}") from exc
                    time.sleep(min(RETRY_PAUSE_S, max(0.0, deadline - time.monotonic())))
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
            # The entry's score is its deadline, so a failed ZREM only lingers until then.
            with contextlib.suppress(redis.RedisError):
                c.redis.zrem(c.keys.waiting(), inbox_id)
