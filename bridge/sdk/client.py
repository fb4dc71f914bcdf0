"""The synchronous SDK: ``Client.from_url(...)`` with ``.inboxes`` and ``.messages``.

Every method runs an operation of :mod:`bridge.sdk.ops` or :mod:`bridge.sdk.waiting` — the
same ones :class:`~bridge.sdk.aio.AsyncClient` awaits — on a :class:`SyncRunner`: one client
serves any number of threads over at most 16 Redis connections.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from functools import partial

import redis

from otpbridge.bridge.sdk import ops
from otpbridge.bridge.sdk.health import check_inboxes
from otpbridge.bridge.sdk.matching import Match, WaitFor, peek_want
from otpbridge.bridge.sdk.models import Email, Inbox, Link, LinkKindFilter, Message, Otp
from otpbridge.bridge.sdk.run_sync import MAX_CONNECTIONS, SyncRunner
from otpbridge.bridge.sdk.verdicts import Verdict
from otpbridge.bridge.sdk.waiting import WaitOptions, wait
from otpbridge.bridge.sdk.webhooks import ROTATION_OVERLAP_S
from otpbridge.bridge.sdk.wire import CONNECTION_OPTIONS, ClientCore, since_ms
from otpbridge.worker.redis_conn import sync_client

__all__ = ["Client", "Inboxes", "Messages"]


class Client(ClientCore[redis.Redis]):
    """Entry point of the SDK; one per process serves every thread of it.

    ``require_watcher``: waits raise :class:`~bridge.errors.WatcherDownError` when no bridge
    heartbeat is younger than ``watcher_max_age`` seconds. ``address``: the template with an
    ``{id}`` placeholder; without it ``OTPBRIDGE_ADDRESS`` (with :meth:`from_url`), then what
    the bridge published. ``name``: who this client is in what it is handed (default
    ``host:pid``). ``max_connections``: commands in flight at once (the shared reader holds
    one more connection).
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        address: str | None = None,
        prefix: str = "otpb",
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
        name: str | None = None,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        super().__init__(
            client,
            address=address,
            prefix=prefix,
            require_watcher=require_watcher,
            watcher_max_age=watcher_max_age,
            name=name,
        )
        self.runner = SyncRunner(
            client,
            self.keys.wake(self.reader_id),
            self.keys.activity,
            self.block_s,
            max_connections,
            partial(
                check_inboxes,
                self.keys,
                require_watcher=require_watcher,
                max_age=watcher_max_age,
            ),
        )
        self.inboxes = Inboxes(self)
        self.messages = Messages(self)

    @classmethod
    def _connect(cls, url: str) -> redis.Redis:
        return sync_client(url, **CONNECTION_OPTIONS)

    def close(self) -> None:
        self.runner.close()
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
        allowed_senders: builtins.list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
        *,
        webhook_url: str | None = None,
    ) -> Inbox:
        """A new inbox that lives ``ttl`` seconds; mail from other senders never matches a wait.

        With ``webhook_url`` (http/https; a literal private address raises ``ValueError``) the
        workers POST its ``extracted``/``failed`` events there, signed per Standard Webhooks
        with ``Inbox.webhook_secret`` — returned here only, keep it."""
        c = self._c
        op = ops.create_inbox(c.keys, c.address, ttl, allowed_senders, label, webhook_url)
        return c.runner.run(op)

    def rotate_webhook_secret(self, inbox_id: str, *, overlap: float = ROTATION_OVERLAP_S) -> str:
        """A new webhook signing secret. For ``overlap`` seconds (default 24 h; 0: none)
        deliveries carry a signature with the old secret as well, so the receiver can switch
        without losing events. ``ValueError`` when the inbox has no webhook."""
        return self._c.runner.run(ops.rotate_webhook_secret(self._c.keys, inbox_id, overlap))

    def get(self, inbox_id: str) -> Inbox:
        return self._c.runner.run(ops.get_inbox(self._c.keys, inbox_id))

    def list(self) -> builtins.list[Inbox]:
        """Live inboxes, soonest-expiring first."""
        return self._c.runner.run(ops.list_inboxes(self._c.keys))

    def delete(self, inbox_id: str) -> bool:
        """Remove every key of the inbox; ``False`` if there was nothing to remove."""
        return self._c.runner.run(ops.delete_inbox(self._c.keys, inbox_id))

    def list_emails(self, inbox_id: str) -> builtins.list[Email]:
        """Stored mails of the inbox, newest first, with bodies, extraction results and what
        was handed to whom (read only: nothing is consumed)."""
        return self._c.runner.run(ops.list_emails(self._c.keys, inbox_id))


class Messages:
    """Waits for codes, links and mails of one inbox. What a wait returns is handed out once,
    for good: no later wait, in this process or any other, returns it (or anything older of
    its kind) again. ``since`` (a datetime or epoch seconds) and ``after`` (a message key)
    narrow a wait to newer mail; a repeated request with the same ``idempotency_key`` gets the
    same answer again for five minutes."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def _wait(
        self,
        inbox_id: str,
        want: WaitFor,
        timeout: float,
        since: float | datetime | None = None,
        after: str | None = None,
        idempotency_key: str | None = None,
        *,
        consume: bool = True,
    ) -> Match | None:
        c = self._c
        options = WaitOptions(c.name, c.require_watcher, c.watcher_max_age)
        op = wait(
            c.keys,
            options,
            inbox_id,
            want,
            timeout,
            since_ms=since_ms(since),
            after=after,
            idempotency_key=idempotency_key,
            consume=consume,
        )
        return c.runner.run(op)

    def wait_for_otp(
        self,
        inbox_id: str,
        timeout: float = 60,
        *,
        since: float | datetime | None = None,
        after: str | None = None,
        idempotency_key: str | None = None,
    ) -> Otp | None:
        found = self._wait(inbox_id, WaitFor("otp"), timeout, since, after, idempotency_key)
        return found if isinstance(found, Otp) else None

    def wait_for_link(
        self,
        inbox_id: str,
        kind: LinkKindFilter = "any",
        timeout: float = 60,
        *,
        since: float | datetime | None = None,
        after: str | None = None,
        idempotency_key: str | None = None,
    ) -> Link | None:
        want = WaitFor("link", link_kind=kind)
        found = self._wait(inbox_id, want, timeout, since, after, idempotency_key)
        return found if isinstance(found, Link) else None

    def wait_for_message(
        self,
        inbox_id: str,
        timeout: float = 60,
        from_: str | None = None,
        subject: str | None = None,
        *,
        since: float | datetime | None = None,
        after: str | None = None,
    ) -> Message | None:
        want = WaitFor("message", from_=from_, subject=subject)
        found = self._wait(inbox_id, want, timeout, since, after)
        return found if isinstance(found, Message) else None

    def last_verdicts(
        self,
        inbox_id: str,
        limit: int = 10,
        *,
        since: float | datetime | None = None,
        viewer: str | None = None,
    ) -> builtins.list[Verdict]:
        """What became of the inbox's latest ``limit`` mails, newest first: pending, extracted
        (kind, whether a code or which link, confidence, the extractor's reasons), failed,
        refused by the sender rules or dropped, and whether its code or link was handed out
        already. ``since``: only mail that arrived at or after it. Read only; a code handed to
        anyone but ``viewer`` (default: this client's name; ``""``: anyone) is masked."""
        c = self._c
        who = c.name if viewer is None else viewer
        op = ops.last_verdicts(c.keys, inbox_id, limit, since_ms(since), who)
        return c.runner.run(op)

    def peek(self, inbox_id: str, kind: str = "otp") -> Otp | Link | None:
        """What ``wait_for_otp`` (``kind="otp"``) or ``wait_for_link`` (a link kind or
        ``link``) would return now, without taking it."""
        found = self._wait(inbox_id, peek_want(kind), 0, consume=False)
        return found if isinstance(found, Otp | Link) else None
