"""Publishing mail: ONE Redis transaction per catch-up batch of IMAP messages.

For a routed mail the transaction stores the raw bytes, indexes them, XADDs the ``received``
event (keeping the stream's TTL equal to the inbox's) and enqueues its extraction (deterministic
job ids); failed and unrouted mail get their own record; the checkpoint advances to the batch's
highest UID. The transaction WATCHes the cursor, the lease and the inboxes: it commits only while
this instance leads and the UIDs are above the checkpoint, so a crash at any point re-delivers
from IMAP and every mail is published exactly once. A mail already routed to its inbox from
another watched folder (its identity is in the inbox's seen set, which is WATCHed too) is not
written again (``same_mail``). Three round trips per batch (WATCH, one pipelined read, EXEC),
whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import redis
from redis.client import Pipeline
from rq import Queue

from otpbridge.bridge.errors import LeaseLostError
from otpbridge.bridge.imap.checkpoint import Cursor, parse_cursor
from otpbridge.bridge.imap.fetch import MailHeaders
from otpbridge.bridge.imap.heartbeat import now_ms
from otpbridge.bridge.imap.lease import Lease
from otpbridge.bridge.imap.quota import Quota
from otpbridge.bridge.senders import SenderDecision, decide_sender, parse_allowed
from otpbridge.worker.enqueue import enqueue_extractions
from otpbridge.worker.events import (
    ACTIVITY_MAXLEN,
    EVENT_FAILED,
    EVENT_RECEIVED,
    EVENT_SCHEMA,
    STREAM_MAXLEN,
)
from otpbridge.worker.keys import Keys, message_key

__all__ = ["CheckpointBehindError", "Ingestor", "Outcome", "Plan"]

#: The unrouted and quarantine streams are for operators: bounded in length and age, never
#: hold a body.
UNROUTED_MAXLEN: Final = 10_000
UNROUTED_TTL_S: Final = 7 * 86400
_WATCH_RETRIES: Final = 10

#: ``inbox_gone``: the inbox expired before its mail arrived; recorded as unrouted
#: (``inbox_not_found``) in the same transaction.
#: ``refused``: stored and shown, but the inbox's sender allowlist refused it (no extraction).
#: ``quarantined``: set aside after its handling failed.
#: ``same_mail``: this mail already reached its inbox from another watched folder (moved there,
#: or a Gmail label): nothing is written for this copy.
Outcome = Literal[
    "routed",
    "refused",
    "unrouted",
    "failed",
    "duplicate",
    "inbox_gone",
    "quarantined",
    "same_mail",
]


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class Plan:
    """What to record for one mail: routed (``raw``), failed (``error``, e.g. too large) or
    unrouted (``reason``, no inbox)."""

    mail: MailHeaders
    inbox_id: str | None = None
    raw: bytes | None = None
    error: str = ""
    reason: str = ""
    #: The receiving server's verdict on the From domain (see :mod:`bridge.imap.sender_auth`);
    #: empty when no authserv-id is trusted.
    sender_auth: str = ""
    #: Handling this mail failed (``reason``/``error`` say how): it is set aside in the
    #: quarantine stream, and its inbox (if known) gets a ``failed`` event.
    quarantined: bool = False
    #: The mail's identity across folders (:func:`bridge.imap.dedupe.dedupe_key`), computed
    #: before the transaction; empty: never merged with another mail.
    dedupe: str = ""

    @classmethod
    def routed(
        cls,
        mail: MailHeaders,
        inbox_id: str,
        raw: bytes,
        sender_auth: str = "",
        dedupe: str = "",
    ) -> Plan:
        return cls(mail, inbox_id, raw=raw, sender_auth=sender_auth, dedupe=dedupe)

    @classmethod
    def quarantine(cls, mail: MailHeaders, inbox_id: str | None, reason: str) -> Plan:
        return cls(mail, inbox_id, error=reason, reason=reason, quarantined=True)

    @classmethod
    def failed(cls, mail: MailHeaders, inbox_id: str, error: str) -> Plan:
        return cls(mail, inbox_id, error=error)

    @classmethod
    def unrouted(cls, mail: MailHeaders, reason: str) -> Plan:
        return cls(mail, reason=reason)


class CheckpointBehindError(redis.RedisError):
    """The stored checkpoint is behind what this instance committed: Redis lost writes."""


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
        *,
        quota: Quota | None = None,
        auth_required: bool = False,
    ) -> None:
        self._client = client
        self._keys = keys
        self._queue = queue
        self._lease = lease
        self.mailbox = mailbox
        self.folder = folder
        self.cursor_key = keys.cursor(mailbox, folder)
        self._quota = quota or Quota(max_mails=100, max_bytes=20 * 1024 * 1024)
        #: The bridge trusts an authserv-id: allowlisted inboxes take only authenticated mail.
        self._auth_required = auth_required
        #: (uidvalidity, last_uid) of this instance's last commit: a stored checkpoint below it
        #: means Redis lost acknowledged writes (failover to a lagging replica, an old AOF).
        self._committed: tuple[int, int] | None = None

    def message_key(self, uidvalidity: int, uid: int) -> str:
        return message_key(self.mailbox, self.folder, uidvalidity, uid)

    def commit(self, uidvalidity: int, plans: Sequence[Plan], seen_at_ms: int) -> list[Outcome]:
        """Record ``plans`` (ascending UIDs) in one transaction; one outcome per plan.

        Raises :class:`LeaseLostError` (nothing written) when another instance leads.
        """
        if not plans:
            return []
        inbox_ids = list(dict.fromkeys(p.inbox_id for p in plans if p.inbox_id is not None))
        inbox_keys = [self._keys.inbox(i) for i in inbox_ids]
        # Identities to look up in the inboxes' seen sets; the sets are WATCHed, so another
        # folder's watcher committing the same mail meanwhile makes this EXEC fail and retry.
        checks = list(
            dict.fromkeys(
                (p.inbox_id, p.dedupe)
                for p in plans
                if p.inbox_id is not None and p.dedupe and p.raw is not None
            )
        )
        seen_keys = list(dict.fromkeys(self._keys.seen(i) for i, _ in checks))
        # Only work on values this process already holds happens below: nothing a mail says is
        # parsed between WATCH and EXEC. The keeper does not renew the lease meanwhile (that
        # PEXPIRE would touch a watched key and fail the commit).
        with self._lease.renewals_paused(), self._client.pipeline(transaction=True) as pipe:
            for _ in range(_WATCH_RETRIES):
                try:
                    pipe.watch(self.cursor_key, self._lease.key, *inbox_keys, *seen_keys)  # type: ignore[no-untyped-call]
                    # Read on another connection, all at once: the values are those after WATCH,
                    # and EXEC fails if any of them changes before it.
                    with self._client.pipeline(transaction=False) as reads:
                        reads.get(self._lease.key)
                        reads.hgetall(self.cursor_key)
                        for key in inbox_keys:
                            reads.pttl(key)
                            reads.hget(key, "allowed_senders")
                        for inbox_id, identity in checks:
                            reads.sismember(self._keys.seen(inbox_id), identity)
                        holder, raw_cursor, *rest = reads.execute()
                    if _text(holder) != self._lease.owner:
                        self._lease.drop()
                        raise LeaseLostError(f"lease {self._lease.key} is not ours")
                    cursor = parse_cursor(raw_cursor)
                    self._check_not_behind(cursor)
                    if cursor is not None and cursor.uidvalidity != uidvalidity:
                        pipe.unwatch()
                        return ["duplicate"] * len(plans)
                    last_uid = cursor.last_uid if cursor is not None else 0
                    top = max(p.mail.uid for p in plans)
                    if top <= last_uid:
                        pipe.unwatch()
                        return ["duplicate"] * len(plans)
                    pipe.multi()
                    per_inbox = rest[: 2 * len(inbox_keys)]
                    hits = rest[2 * len(inbox_keys) :]
                    known = {c for c, hit in zip(checks, hits, strict=True) if hit}
                    ttls = (int(t) for t in per_inbox[0::2])
                    ttl_of = dict(zip(inbox_ids, ttls, strict=True))
                    allowed = (parse_allowed(a) for a in per_inbox[1::2])
                    allowed_of = dict(zip(inbox_ids, allowed, strict=True))
                    outcomes = self._writes(
                        pipe, uidvalidity, plans, last_uid, ttl_of, allowed_of, seen_at_ms, known
                    )
                    pipe.hset(
                        self.cursor_key, mapping={"uidvalidity": uidvalidity, "last_uid": top}
                    )
                    pipe.execute()
                    self._committed = (uidvalidity, top)
                    return outcomes
                except redis.WatchError:
                    # The keeper renewed the lease (PEXPIRE touches it) or an inbox changed:
                    # re-check everything and try again.
                    pipe.reset()
                    continue
        raise redis.RedisError(
            f"ingest up to UID {plans[-1].mail.uid} kept conflicting; will retry"
        )

    def _check_not_behind(self, cursor: Cursor | None) -> None:
        """Raise (once) when the stored checkpoint is behind this instance's last commit.

        The caller's UIDs follow that commit, so committing them would skip the mail whose
        writes Redis lost; the watcher reconnects instead and replays from the stored
        checkpoint (publish-once keeps mail it still has from being published twice).
        """
        mine, self._committed = self._committed, None
        if mine is None:
            return
        uidvalidity, last_uid = mine
        if cursor is None or (cursor.uidvalidity == uidvalidity and cursor.last_uid < last_uid):
            stored = cursor.last_uid if cursor is not None else None
            raise CheckpointBehindError(
                f"checkpoint went back from UID {last_uid} to {stored}: Redis lost writes "
                "(failover?); replaying from IMAP"
            )
        self._committed = mine

    def check_checkpoint(self) -> None:
        """:meth:`_check_not_behind` between commits (the keeper's look: lost writes are found
        even when no more mail comes)."""
        self._check_not_behind(parse_cursor(self._client.hgetall(self.cursor_key)))

    def _writes(
        self,
        pipe: Pipeline,
        uidvalidity: int,
        plans: Sequence[Plan],
        last_uid: int,
        ttl_of: dict[str, int],
        allowed_of: dict[str, tuple[str, ...]],
        seen_at_ms: int,
        known: set[tuple[str, str]],
    ) -> list[Outcome]:
        """Queue the batch's writes on ``pipe`` (in MULTI); ``known``: (inbox, identity) pairs
        already in the inbox's seen set, added to as this batch routes mail."""
        outcomes: list[Outcome] = []
        jobs: list[tuple[str, str, int, int]] = []
        stored: dict[str, int] = {}
        for plan in plans:
            if plan.mail.uid <= last_uid:
                outcomes.append("duplicate")
                continue
            mk = self.message_key(uidvalidity, plan.mail.uid)
            if plan.quarantined:
                self._quarantine(pipe, uidvalidity, plan, seen_at_ms)
            if plan.inbox_id is None:
                self._unrouted(pipe, uidvalidity, plan.mail, plan.reason, seen_at_ms)
                outcomes.append("quarantined" if plan.quarantined else "unrouted")
            elif ttl_of[plan.inbox_id] == -2:
                self._unrouted(pipe, uidvalidity, plan.mail, "inbox_not_found", seen_at_ms)
                outcomes.append("inbox_gone")
            elif plan.dedupe and (plan.inbox_id, plan.dedupe) in known:
                outcomes.append("same_mail")
            elif plan.raw is not None:
                ttl_ms = ttl_of[plan.inbox_id]
                if plan.dedupe:
                    known.add((plan.inbox_id, plan.dedupe))
                    seen = self._keys.seen(plan.inbox_id)
                    pipe.sadd(seen, plan.dedupe)
                    if ttl_ms > 0:
                        pipe.pexpire(seen, ttl_ms)
                decision = decide_sender(
                    plan.mail.sender.address,
                    allowed_of[plan.inbox_id],
                    plan.sender_auth,
                    auth_required=self._auth_required,
                )
                self._received(pipe, plan, plan.inbox_id, mk, ttl_ms, seen_at_ms, decision)
                stored[plan.inbox_id] = stored.get(plan.inbox_id, 0) + len(plan.raw)
                if decision.allowed:
                    jobs.append((plan.inbox_id, mk, plan.mail.internaldate_ms, seen_at_ms))
                    outcomes.append("routed")
                else:
                    outcomes.append("refused")
            else:
                events = self._keys.events(plan.inbox_id)
                pipe.xadd(
                    events,
                    {"type": EVENT_FAILED, "message_key": mk, "error": plan.error},
                    maxlen=STREAM_MAXLEN,
                    approximate=True,
                )
                if ttl_of[plan.inbox_id] > 0:
                    pipe.pexpire(events, ttl_of[plan.inbox_id])
                self._touched(pipe, plan.inbox_id)
                outcomes.append("quarantined" if plan.quarantined else "failed")
        for inbox_id, size in stored.items():
            self._quota.trim(pipe, self._keys, inbox_id, size)
        enqueue_extractions(self._queue, jobs, pipeline=pipe)
        return outcomes

    def _received(
        self,
        pipe: Pipeline,
        plan: Plan,
        inbox_id: str,
        mk: str,
        ttl_ms: int,
        seen_at_ms: int,
        decision: SenderDecision,
    ) -> None:
        events = self._keys.events(inbox_id)
        messages = self._keys.messages(inbox_id)
        routed_at = now_ms()
        assert plan.raw is not None
        pipe.set(self._keys.message(inbox_id, mk), plan.raw, px=ttl_ms if ttl_ms > 0 else None)
        pipe.zadd(messages, {mk: routed_at})
        sender = plan.mail.sender
        received = {
            "type": EVENT_RECEIVED,
            "v": EVENT_SCHEMA,
            "message_key": mk,
            # Quoted so that any address parser finds the real address, whatever the name says.
            "from": sender.display(),
            "from_address": sender.address,
            "subject": plan.mail.subject,
            "received_at": str(plan.mail.internaldate_ms),
            "routed_at": str(routed_at),
            "seen_at": str(seen_at_ms),
        }
        if plan.sender_auth:
            received["sender_auth"] = plan.sender_auth
        if decision.decided:
            received["sender_allowed"] = "1" if decision.allowed else "0"
        if decision.reason:
            received["refused"] = decision.reason
        pipe.xadd(events, received, maxlen=STREAM_MAXLEN, approximate=True)  # type: ignore[arg-type]
        self._touched(pipe, inbox_id)
        if ttl_ms > 0:
            pipe.pexpire(events, ttl_ms)
            pipe.pexpire(messages, ttl_ms)

    def _touched(self, pipe: Pipeline, inbox_id: str) -> None:
        """Tell waiting SDK clients which inbox stream has news (see ``Keys.activity``)."""
        pipe.xadd(
            self._keys.activity, {"i": inbox_id}, maxlen=ACTIVITY_MAXLEN, approximate=True
        )

    def _quarantine(self, pipe: Pipeline, uidvalidity: int, plan: Plan, seen_at_ms: int) -> None:
        pipe.xadd(
            self._keys.quarantine,
            {
                "mailbox": self.mailbox,
                "folder": self.folder,
                "uidvalidity": str(uidvalidity),
                "uid": str(plan.mail.uid),
                "inbox_id": plan.inbox_id or "",
                "reason": plan.reason[:200],
                "seen_at": str(seen_at_ms),
            },
            maxlen=UNROUTED_MAXLEN,
            approximate=True,
        )
        pipe.expire(self._keys.quarantine, UNROUTED_TTL_S)

    def _unrouted(
        self, pipe: Pipeline, uidvalidity: int, mail: MailHeaders, reason: str, seen_at_ms: int
    ) -> None:
        """The unrouted stream records ids and the reason only, never a body."""
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
