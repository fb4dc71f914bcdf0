"""Publishing one mail: ONE Redis transaction per IMAP message.

For a routed mail the transaction stores the raw bytes, indexes them, XADDs the ``received``
event (keeping the stream's TTL equal to the inbox's), enqueues the extraction job (deterministic
id) and advances the checkpoint. Unrouted, oversize and vanished-inbox mail advance the
checkpoint with their own record in the same way. The transaction WATCHes the cursor and the
lease: it commits only while this instance leads and the UID is above the checkpoint, so a crash
at any point re-delivers from IMAP and the mail is published exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import redis
from redis.client import Pipeline
from rq import Queue

from bridge.errors import LeaseLostError
from bridge.imap.checkpoint import parse_cursor
from bridge.imap.fetch import MailHeaders
from bridge.imap.heartbeat import now_ms
from bridge.imap.lease import Lease
from worker.enqueue import enqueue_extraction
from worker.events import EVENT_FAILED, EVENT_RECEIVED, STREAM_MAXLEN
from worker.keys import Keys, message_key

__all__ = ["Ingestor", "Outcome"]

#: The unrouted stream is for operators: bounded in length and age, never holds a body.
UNROUTED_MAXLEN: Final = 10_000
UNROUTED_TTL_S: Final = 7 * 86400
_WATCH_RETRIES: Final = 10

Outcome = Literal["routed", "unrouted", "failed", "duplicate", "inbox_gone"]


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class _Target:
    uidvalidity: int
    mail: MailHeaders


class Ingestor:
    """Writes for one watched folder; ``lease`` proves this instance may write."""

    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        queue: Queue,
        lease: Lease,
        mailbox: str,
        folder: str,
    ) -> None:
        self._client = client
        self._keys = keys
        self._queue = queue
        self._lease = lease
        self.mailbox = mailbox
        self.folder = folder
        self.cursor_key = keys.cursor(mailbox, folder)

    def message_key(self, uidvalidity: int, uid: int) -> str:
        return message_key(self.mailbox, self.folder, uidvalidity, uid)

    def publish(
        self, uidvalidity: int, mail: MailHeaders, inbox_id: str, raw: bytes, seen_at_ms: int
    ) -> Outcome:
        """Store + ``received`` + job + checkpoint, or ``inbox_gone`` if the inbox expired."""
        mk = self.message_key(uidvalidity, mail.uid)
        inbox_key = self._keys.inbox(inbox_id)
        events = self._keys.events(inbox_id)
        messages = self._keys.messages(inbox_id)

        def writes(pipe: Pipeline) -> Outcome | None:
            ttl_ms = int(pipe.pttl(inbox_key))
            if ttl_ms == -2:
                return "inbox_gone"
            pipe.multi()
            routed_at = now_ms()
            pipe.set(self._keys.message(inbox_id, mk), raw, px=ttl_ms if ttl_ms > 0 else None)
            pipe.zadd(messages, {mk: routed_at})
            pipe.xadd(
                events,
                {
                    "type": EVENT_RECEIVED,
                    "message_key": mk,
                    "from": mail.from_,
                    "subject": mail.subject,
                    "received_at": str(mail.internaldate_ms),
                    "routed_at": str(routed_at),
                    "seen_at": str(seen_at_ms),
                },
                maxlen=STREAM_MAXLEN,
                approximate=True,
            )
            if ttl_ms > 0:
                pipe.pexpire(events, ttl_ms)
                pipe.pexpire(messages, ttl_ms)
            enqueue_extraction(self._queue, inbox_id, mk, pipeline=pipe)
            return None

        return self._commit(_Target(uidvalidity, mail), "routed", writes, watch=(inbox_key,))

    def fail(self, uidvalidity: int, mail: MailHeaders, inbox_id: str, error: str) -> Outcome:
        """A ``failed`` event (short reason, no content) instead of the mail, e.g. too large."""
        mk = self.message_key(uidvalidity, mail.uid)
        inbox_key = self._keys.inbox(inbox_id)
        events = self._keys.events(inbox_id)

        def writes(pipe: Pipeline) -> Outcome | None:
            ttl_ms = int(pipe.pttl(inbox_key))
            if ttl_ms == -2:
                return "inbox_gone"
            pipe.multi()
            pipe.xadd(
                events,
                {"type": EVENT_FAILED, "message_key": mk, "error": error},
                maxlen=STREAM_MAXLEN,
                approximate=True,
            )
            if ttl_ms > 0:
                pipe.pexpire(events, ttl_ms)
            return None

        return self._commit(_Target(uidvalidity, mail), "failed", writes, watch=(inbox_key,))

    def unroute(self, uidvalidity: int, mail: MailHeaders, reason: str, seen_at_ms: int) -> Outcome:
        """Record the mail in the unrouted stream (ids and reason only, no body)."""

        def writes(pipe: Pipeline) -> Outcome | None:
            pipe.multi()
            pipe.xadd(
                self._keys.unrouted,
                {
                    "mailbox": self.mailbox,
                    "folder": self.folder,
                    "uidvalidity": str(uidvalidity),
                    "uid": str(mail.uid),
                    "message_id": mail.message_id,
                    "reason": reason,
                    "seen_at": str(seen_at_ms),
                },
                maxlen=UNROUTED_MAXLEN,
                approximate=True,
            )
            pipe.expire(self._keys.unrouted, UNROUTED_TTL_S)
            return None

        return self._commit(_Target(uidvalidity, mail), "unrouted", writes, watch=())

    def _commit(
        self,
        target: _Target,
        done: Outcome,
        writes: Callable[[Pipeline], Outcome | None],
        watch: tuple[str, ...],
    ) -> Outcome:
        uid = target.mail.uid
        with self._client.pipeline(transaction=True) as pipe:
            for _ in range(_WATCH_RETRIES):
                try:
                    pipe.watch(self.cursor_key, self._lease.key, *watch)  # type: ignore[no-untyped-call]
                    holder = pipe.get(self._lease.key)
                    if _text(holder) != self._lease.owner:
                        self._lease.drop()
                        raise LeaseLostError(f"lease {self._lease.key} is not ours")
                    cursor = parse_cursor(pipe.hgetall(self.cursor_key))
                    if cursor is not None and (
                        cursor.uidvalidity != target.uidvalidity or cursor.last_uid >= uid
                    ):
                        pipe.unwatch()
                        return "duplicate"
                    early = writes(pipe)
                    if early is not None:
                        pipe.unwatch()
                        return early
                    pipe.hset(
                        self.cursor_key,
                        mapping={"uidvalidity": target.uidvalidity, "last_uid": uid},
                    )
                    pipe.execute()
                    return done
                except redis.WatchError:
                    # The keeper renewed the lease (PEXPIRE touches it) or the inbox changed:
                    # re-check everything and try again.
                    pipe.reset()
                    continue
        raise redis.RedisError(f"ingest of UID {uid} kept conflicting; will retry")
