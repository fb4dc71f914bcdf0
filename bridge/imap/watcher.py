"""The watch loop of one mailbox folder: lead, connect, catch up by UID, IDLE, repeat.

IDLE is not trusted to stay alive. The loop wakes at least every second (SIGTERM, lease, the
fast-check switch), re-issues IDLE every ``idle_renew_s``, and treats a BYE, an ``idle_check``
that keeps returning nothing before its timeout (imapclient swallows EOF) or any socket/protocol
error as a dead connection: drop it, back off with jitter, reconnect and catch up by UID, since
mail that arrived meanwhile produces no EXISTS. Rejected credentials are retried slowly.

While an agent waits (``Keys.waiting``), the folder is checked with NOOP every
``fast_check_ms`` instead: Dovecot delays IDLE notifications by 500 ms, a NOOP sees new mail
at once. IDLE and NOOP never overlap: the loop leaves IDLE (DONE) before the first NOOP.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Final

import imapclient
import redis
import structlog
from rq import Queue

from otpbridge.bridge.errors import (
    ImapConnectionError,
    LeaseLostError,
)
from otpbridge.bridge.imap.actions import needs_write_access
from otpbridge.bridge.imap.checkpoint import decide_start, read_cursor, write_cursor
from otpbridge.bridge.imap.connection import close_quietly, imap_errors, open_connection
from otpbridge.bridge.imap.delivery import Delivery
from otpbridge.bridge.imap.fetch import uids_after
from otpbridge.bridge.imap.heartbeat import Heartbeat, WatchState, now_ms
from otpbridge.bridge.imap.ingest import Ingestor
from otpbridge.bridge.imap.leadership import LeadingWatcher
from otpbridge.bridge.imap.lease import Lease
from otpbridge.bridge.imap.memory import MemoryWatermark
from otpbridge.bridge.imap.poison import PoisonGuard
from otpbridge.bridge.imap.provider import (
    bye_error,
    detect,
    fast_check_ms,
    resolve_folder,
)
from otpbridge.bridge.imap.quota import Quota
from otpbridge.bridge.imap.router import AddressTemplate
from otpbridge.bridge.imap.untagged import kinds_of, pending_exists
from otpbridge.bridge.settings import BridgeSettings, MailboxSettings
from otpbridge.worker import metrics
from otpbridge.worker.keys import Keys

__all__ = ["FolderWatcher"]

#: Consecutive empty ``idle_check`` returns well before their timeout that mean "EOF".
_DEAD_STRIKES: Final = 3
#: IDLE only announces mail saved after it began: a mail saved between the last command and the
#: IDLE waits for the server's periodic check (30 s in Dovecot). So the first IDLE after every
#: catch-up ends this early for one more look (a SEARCH); the IDLE after that look does not.
_VERIFY_AFTER_S: Final = 1.0
#: A fast check that finds this many mails doubles the wait before the next one...
_BUSY_MAILS: Final = 2
#: ...up to this long (4 default intervals; Dovecot's own notice takes 500 ms).
_BUSY_WAIT_S: Final = 0.04

log = structlog.get_logger()


class FolderWatcher(LeadingWatcher):
    """Run :meth:`run` in a thread; set ``stop`` to end it (DONE, LOGOUT, lease released).

    Leading, supervision and liveness come from :class:`LeadingWatcher`; this class is one
    IMAP session after another.
    """

    def __init__(
        self,
        settings: BridgeSettings,
        mailbox: MailboxSettings,
        folder: str,
        client: redis.Redis,
        queue: Queue,
        stop: threading.Event,
        fatal: threading.Event | None = None,
        memory: MemoryWatermark | None = None,
    ) -> None:
        self.settings = settings
        self.mailbox = mailbox
        self.folder = folder
        self.watch_name = f"{mailbox.name}:{folder}"
        self.state = WatchState()
        self._redis = client
        self._keys = Keys(settings.prefix)
        self._stop = stop
        #: Set when this watcher gave up (see :mod:`bridge.imap.poison`): the process must exit.
        self.fatal = fatal if fatal is not None else threading.Event()
        self.guard = PoisonGuard()
        self._memory = memory or MemoryWatermark(client, settings.redis_memory_watermark)
        self.lease = Lease(
            client,
            self._keys.lease(mailbox.name, folder),
            settings.instance_id,
            settings.lease_ttl_s,
        )
        self.heartbeat = Heartbeat(client, self._keys, mailbox.name, folder, settings.heartbeat_s)
        trusted = (
            mailbox.trusted_authserv_ids
            if mailbox.trusted_authserv_ids is not None
            else settings.trusted_authserv_ids
        )
        self._ingest = Ingestor(
            client,
            self._keys,
            queue,
            self.lease,
            mailbox.name,
            folder,
            quota=Quota(settings.inbox_max_mails, settings.inbox_max_bytes),
            auth_required=bool(trusted),
        )
        self._log = log.bind(mailbox=mailbox.name, folder=folder)
        self._delivery = Delivery(
            client=client,
            keys=self._keys,
            template=AddressTemplate(settings.address),
            ingest=self._ingest,
            after_route=mailbox.after_route,
            max_message_bytes=settings.max_message_bytes,
            trusted_authserv_ids=trusted,
            state=self.state,
            watch_name=self.watch_name,
            log=self._log,
            may_go_on=lambda: not self._stop.is_set() and self.lease.held,
            memory=self._memory,
        )
        #: The folder's name on the server (a special-use name like \\Junk is resolved on
        #: connect); ``folder`` stays the watch's identity in Redis.
        self._imap_folder = folder
        self.profile = detect(mailbox.host)
        self._use_profile()

    def _use_profile(self) -> None:
        """Fast-check interval of the provider profile, unless the operator set one."""
        ms = fast_check_ms(
            self.profile, self.settings.fast_check_ms, self.settings.fast_check_explicit
        )
        self._fast_s = ms / 1000
        # IDLE wakes this often to look at SIGTERM, the lease and waiting agents; with fast
        # checks on, a wait that starts mid-IDLE switches to them within one tick.
        self._tick_s = 0.05 if ms > 0 else 1.0

    # -- one connection --------------------------------------------------------------------------
    def _session(self) -> None:
        self._set("connecting", connected=False)
        conn = open_connection(self.settings, self.mailbox)
        clean = False
        try:
            with imap_errors():
                conn.normalise_times = False
                profile = detect(self.mailbox.host, conn.capabilities(), conn.welcome)
                if profile != self.profile:
                    self.profile = profile
                    self._use_profile()
                self._imap_folder = resolve_folder(conn, self.folder)
                info = conn.select_folder(
                    self._imap_folder, readonly=not needs_write_access(self.mailbox.after_route)
                )
                uidvalidity = int(info[b"UIDVALIDITY"])
                uidnext = int(info.get(b"UIDNEXT", 0)) or self._uidnext(conn)
                self._start_cursor(conn, uidvalidity, uidnext)
                self.state.alive()
                self._set("ok", connected=True)
                self._log.info(
                    "imap_connected",
                    uidvalidity=uidvalidity,
                    uidnext=uidnext,
                    provider=self.profile.name,
                    imap_folder=self._imap_folder,
                    fast_check_ms=round(self._fast_s * 1000),
                )
                self._catch_up(conn, uidvalidity, now_ms())
                verify = True
                while not self._stop.is_set() and self.lease.held:
                    if self._fast_s > 0 and self._agents_waiting():
                        self._fast_check(conn, uidvalidity)
                        verify = True
                    else:
                        verify = self._idle(conn, uidvalidity, verify=verify)
            clean = True
        finally:
            self._set("connecting", connected=False)
            # After an error the socket may be dead: LOGOUT would wait for the read timeout.
            close_quietly(conn, logout=clean)

    def _uidnext(self, conn: imapclient.IMAPClient) -> int:
        status = conn.folder_status(self._imap_folder, [b"UIDNEXT"])
        return int(status[b"UIDNEXT"])

    def _start_cursor(self, conn: imapclient.IMAPClient, uidvalidity: int, uidnext: int) -> None:
        stored = read_cursor(self._redis, self._ingest.cursor_key)
        backfill = None
        if stored is None and self.settings.since_s:
            backfill = self._first_uid_since(conn, self.settings.since_s)
        decision = decide_start(stored, uidvalidity, uidnext, backfill)
        if decision.why == "resume":
            return
        if not self.lease.held:
            raise LeaseLostError("lease lost before the checkpoint was set")
        write_cursor(self._redis, self._ingest.cursor_key, decision.cursor)
        if decision.why == "uidvalidity_changed":
            prev = decision.previous
            self._log.warning(
                "uidvalidity_changed",
                old=prev.uidvalidity if prev else None,
                new=uidvalidity,
                resume_after_uid=decision.cursor.last_uid,
            )
        else:
            self._log.info(
                "checkpoint_created", why=decision.why, last_uid=decision.cursor.last_uid
            )

    def _first_uid_since(self, conn: imapclient.IMAPClient, since_s: float) -> int | None:
        cutoff = datetime.now(UTC) - timedelta(seconds=since_s)
        uids = sorted(conn.search(["SINCE", cutoff.date()]))
        if not uids:
            return None
        dates = conn.fetch(uids, ["INTERNALDATE"])
        cutoff_ms = int(cutoff.timestamp() * 1000)
        for uid in uids:
            when = dates.get(uid, {}).get(b"INTERNALDATE")
            if isinstance(when, datetime) and when.timestamp() * 1000 >= cutoff_ms:
                return int(uid)
        return None

    # -- waiting for mail ------------------------------------------------------------------------
    def _agents_waiting(self) -> bool:
        return int(self._redis.zcount(self._keys.waiting(), now_ms(), "+inf")) > 0

    def _idle(self, conn: imapclient.IMAPClient, uidvalidity: int, *, verify: bool) -> bool:
        """One IDLE, then a catch-up. Returns whether the next IDLE must verify (see
        ``_VERIFY_AFTER_S``): every IDLE but one that itself ended for verification."""
        conn.idle()
        started = time.monotonic()
        strikes = 0
        seen_at = 0
        verified = False
        while True:
            elapsed = time.monotonic() - started
            renew_in = self.settings.idle_renew_s - elapsed
            timeout = max(0.05, min(self._tick_s, renew_in))
            if verify:
                timeout = max(0.01, min(timeout, _VERIFY_AFTER_S - elapsed))
            t0 = time.monotonic()
            responses = conn.idle_check(timeout=timeout)
            if responses:
                strikes = 0
                self.state.alive()
                kinds = kinds_of(responses)
                if b"BYE" in kinds:
                    raise bye_error(responses)
                if b"EXISTS" in kinds or b"RECENT" in kinds:
                    seen_at = now_ms()
                    break
            elif time.monotonic() - t0 < timeout / 2:
                strikes += 1
                if strikes >= _DEAD_STRIKES:
                    raise ImapConnectionError("connection closed by the server (EOF in IDLE)")
            else:
                strikes = 0
                self.state.alive()
            if self._stop.is_set() or not self.lease.held:
                break
            if time.monotonic() - started >= self.settings.idle_renew_s:
                metrics.IDLE_RENEWALS.labels(self.watch_name).inc()
                break
            if self._fast_s > 0 and self._agents_waiting():
                break
            if verify and time.monotonic() - started >= _VERIFY_AFTER_S:
                verified = True
                break
        _, more = conn.idle_done()
        self.state.alive()
        metrics.IMAP_LAST_ACTIVITY.labels(self.watch_name).set(time.time())
        if b"BYE" in kinds_of(more):
            raise bye_error(more)
        if not self._stop.is_set():
            self._catch_up(conn, uidvalidity, seen_at or now_ms())
        return not verified

    def _fast_check(self, conn: imapclient.IMAPClient, uidvalidity: int) -> None:
        self._log.debug("fast_check_started")
        interval = self._fast_s
        while not self._stop.is_set() and self.lease.held and self._agents_waiting():
            _, responses = conn.noop()
            self.state.alive()
            kinds = kinds_of(responses)
            if b"BYE" in kinds:
                raise bye_error(responses)
            found = 0
            if b"EXISTS" in kinds or b"RECENT" in kinds:
                found = self._catch_up(conn, uidvalidity, now_ms(), ask_again=False)
            # Several mails per check mean a busy mailbox: look less often (up to _BUSY_WAIT_S)
            # so that each round trip and each job carries more mail.
            stretched = min(interval * 2, max(self._fast_s, _BUSY_WAIT_S))
            interval = stretched if found >= _BUSY_MAILS else self._fast_s
            self._stop.wait(interval)
        metrics.IMAP_LAST_ACTIVITY.labels(self.watch_name).set(time.time())
        self._catch_up(conn, uidvalidity, now_ms())

    # -- new mail --------------------------------------------------------------------------------
    def _catch_up(
        self,
        conn: imapclient.IMAPClient,
        uidvalidity: int,
        seen_at_ms: int,
        *,
        ask_again: bool = True,
    ) -> int:
        """Route everything above the checkpoint, again while the server reports new mail;
        returns how many mails it found.

        With ``ask_again`` a NOOP after routing asks for mail saved meanwhile; the fast check
        asks on its own schedule (and lets mail gather for one interval, so routing and
        extraction take it in larger batches).
        """
        pending_exists(conn)  # the search below covers everything announced so far
        cursor = read_cursor(self._redis, self._ingest.cursor_key)
        last = cursor.last_uid if cursor and cursor.uidvalidity == uidvalidity else None
        if last is None:
            raise ImapConnectionError("checkpoint changed under us; resynchronising")
        found = 0
        while True:
            uids = uids_after(conn, last)
            self.state.alive()
            # After crashes at this checkpoint: one mail per transaction (see bridge.imap.poison).
            more_now = self.guard.careful and len(uids) > 1
            uids = uids[:1] if more_now else uids
            found += len(uids)
            if uids and self.guard.quarantine_next:
                self._delivery.quarantine_first = uids[0]
            if uids and not self._delivery.route_all(conn, uidvalidity, uids, seen_at_ms):
                return found
            self._delivery.quarantine_first = None
            # Everything up to here is committed (the ingest transaction checks the stored
            # checkpoint) or vanished from the folder.
            last = max(uids, default=last)
            if uids:
                self.guard.progressed(last, len(uids))
            if more_now:
                continue
            if not pending_exists(conn) and not (uids and ask_again and self._more_mail(conn)):
                return found
            seen_at_ms = now_ms()

    def _more_mail(self, conn: imapclient.IMAPClient) -> bool:
        """Mail saved while we were routing is announced only at the end of a command (and not
        by the next IDLE): after routing, one NOOP asks for it."""
        _, responses = conn.noop()
        kinds = kinds_of(responses)
        if b"BYE" in kinds:
            raise bye_error(responses)
        return b"EXISTS" in kinds or pending_exists(conn)
