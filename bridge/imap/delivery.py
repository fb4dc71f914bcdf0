"""Delivering the UIDs of one catch-up: headers, routing, bodies, one ingest transaction per
batch, the after-route action, and a metric and an ids-only log line per mail."""

from __future__ import annotations

from collections.abc import Callable
from email.message import Message

import imapclient
import redis
import structlog

from otpbridge.bridge.imap.actions import apply_after_route
from otpbridge.bridge.imap.dedupe import dedupe_key
from otpbridge.bridge.imap.fetch import (
    BODY_BATCH_BYTES,
    HEADER_BATCH,
    MailHeaders,
    fetch_bodies,
    fetch_headers,
)
from otpbridge.bridge.imap.heartbeat import WatchState, now_ms
from otpbridge.bridge.imap.ingest import Ingestor, Outcome, Plan
from otpbridge.bridge.imap.memory import MemoryWatermark
from otpbridge.bridge.imap.router import AddressTemplate, Route, route_messages
from otpbridge.bridge.imap.sender_auth import sender_auth
from otpbridge.bridge.settings import AfterRoute
from otpbridge.worker import metrics
from otpbridge.worker.keys import Keys

__all__ = ["Delivery"]


class Delivery:
    """Routes and commits mail of one watched folder; ``may_go_on`` is asked before each
    commit (stop requested, lease lost)."""

    def __init__(
        self,
        *,
        client: redis.Redis,
        keys: Keys,
        template: AddressTemplate,
        ingest: Ingestor,
        after_route: AfterRoute,
        max_message_bytes: int,
        trusted_authserv_ids: frozenset[str],
        state: WatchState,
        watch_name: str,
        log: structlog.typing.FilteringBoundLogger,
        may_go_on: Callable[[], bool],
        memory: MemoryWatermark | None = None,
    ) -> None:
        self._redis = client
        self._keys = keys
        self._template = template
        self._ingest = ingest
        self._after_route = after_route
        self._limit = max_message_bytes
        self._trusted = trusted_authserv_ids
        self.state = state
        self.watch_name = watch_name
        self._log = log
        self._may_go_on = may_go_on
        self._memory = memory
        #: A UID the watcher crashed on repeatedly (see FolderWatcher): quarantined unread.
        self.quarantine_first: int | None = None

    def route_all(
        self, conn: imapclient.IMAPClient, uidvalidity: int, uids: list[int], seen_at_ms: int
    ) -> bool:
        """Route ``uids`` in UID order: up to ``HEADER_BATCH`` mails and ``BODY_BATCH_BYTES`` of
        bodies come in one FETCH and go to Redis in one ingest transaction (the checkpoint
        advances batch by batch). False when the watcher must stop."""
        limit = self._limit
        # The watcher crashed while this mail was next, again and again: set it aside unread,
        # so the folder moves on.
        poison = [
            MailHeaders(uid, Message(), 0, 0, problem="bridge_crashed_repeatedly")
            for uid in uids[:1]
            if uid == self.quarantine_first
        ]
        # Gmail: its own message id, the same in every label, is the mail's identity.
        gmail = bool(conn.has_capability("X-GM-EXT-1"))
        mails = poison + fetch_headers(conn, uids[len(poison) :], gmail=gmail)
        routes = route_messages(self._template, [m.headers for m in mails], self._redis, self._keys)
        batch: list[tuple[MailHeaders, Route]] = []
        body_bytes = 0
        for mail, route in zip(mails, routes, strict=True):
            size = mail.size if route.inbox_id is not None and mail.size <= limit else 0
            if batch and (len(batch) >= HEADER_BATCH or body_bytes + size > BODY_BATCH_BYTES):
                if not self._handle_batch(conn, uidvalidity, batch, seen_at_ms):
                    return False
                batch, body_bytes = [], 0
            batch.append((mail, route))
            body_bytes += size
        return self._handle_batch(conn, uidvalidity, batch, seen_at_ms)

    def _handle_batch(
        self,
        conn: imapclient.IMAPClient,
        uidvalidity: int,
        batch: list[tuple[MailHeaders, Route]],
        seen_at_ms: int,
    ) -> bool:
        limit = self._limit
        if self._memory is not None:
            self._memory.ensure()
        wanted = [m.uid for m, r in batch if r.inbox_id is not None and m.size <= limit]
        bodies = fetch_bodies(conn, wanted)
        if not self._may_go_on():
            return False
        plans = [
            plan
            for mail, route in batch
            if (plan := self._plan(mail, route, bodies.get(mail.uid))) is not None
        ]
        outcomes = self._ingest.commit(uidvalidity, plans, seen_at_ms)
        # A copy of a mail that already reached its inbox (moved between watched folders, a
        # Gmail label) has been handled too: the after-route action applies to it as well.
        routed = [
            plan.mail.uid
            for plan, outcome in zip(plans, outcomes, strict=True)
            if self._record(uidvalidity, plan, outcome, seen_at_ms) in ("routed", "same_mail")
        ]
        apply_after_route(conn, routed, self._after_route)
        return True

    def _plan(self, mail: MailHeaders, route: Route, raw: bytes | None) -> Plan | None:
        """What to record; ``raw`` is None when the mail was too large to fetch or vanished
        meanwhile (then there is nothing to deliver). Whatever one mail does here costs that
        mail only: it is quarantined, the others go on."""
        if mail.problem:
            return Plan.quarantine(mail, route.inbox_id, mail.problem)
        if route.inbox_id is None:
            return Plan.unrouted(mail, route.reason or "no_recipient_match")
        limit = self._limit
        if mail.size <= limit and raw is None:
            return None
        if mail.size > limit or raw is None or len(raw) > limit:
            return Plan.failed(mail, route.inbox_id, f"message too large ({mail.size} bytes)")
        try:
            verdict = (
                sender_auth(mail.headers, mail.sender.domain, self._trusted)
                if self._trusted
                else ""
            )
        except Exception as exc:  # noqa: BLE001 - one mail's headers must not stop the folder
            return Plan.quarantine(mail, route.inbox_id, f"bridge_error: {type(exc).__name__}")
        return Plan.routed(
            mail, route.inbox_id, raw, verdict, dedupe_key(raw, mail.message_id, mail.gm_msgid)
        )

    def _record(self, uidvalidity: int, plan: Plan, outcome: Outcome, seen_at_ms: int) -> Outcome:
        """Metrics and the log line of one committed mail (no content, ids only)."""
        uid = plan.mail.uid
        if outcome == "routed":
            self.state.mail()
            metrics.MESSAGES_ROUTED.labels(self.watch_name).inc()
            self._log.info(
                "message_routed",
                inbox_id=plan.inbox_id,
                uid=uid,
                message_key=self._ingest.message_key(uidvalidity, uid),
                seen_to_routed_ms=now_ms() - seen_at_ms,
            )
        elif outcome == "same_mail":
            # Seen before in another watched folder: no second event (ids only in the log).
            self._log.info(
                "message_same_mail",
                inbox_id=plan.inbox_id,
                uid=uid,
                message_key=self._ingest.message_key(uidvalidity, uid),
            )
        elif outcome == "refused":
            self.state.mail()
            metrics.MESSAGES_ROUTED.labels(self.watch_name).inc()
            self._log.info("message_refused", inbox_id=plan.inbox_id, uid=uid)
        elif outcome == "quarantined":
            metrics.MESSAGES_FAILED.labels("ingest").inc()
            self._log.warning(
                "message_quarantined", inbox_id=plan.inbox_id, uid=uid, reason=plan.reason
            )
        elif outcome == "failed":
            metrics.MESSAGES_FAILED.labels("ingest").inc()
            self._log.warning(
                "message_too_large", inbox_id=plan.inbox_id, uid=uid, size=plan.mail.size
            )
        elif outcome in ("unrouted", "inbox_gone"):
            reason = plan.reason if outcome == "unrouted" else "inbox_not_found"
            metrics.MESSAGES_UNROUTED.labels(self.watch_name).inc()
            self._log.info("message_unrouted", uid=uid, reason=reason)
        return outcome
