"""The Redis key layout (DESIGN.md §2), in one place.

Every key of one inbox carries the hash tag ``{<id>}`` so that an inbox lives in one Redis
Cluster slot. Mailbox-level keys (cursor, lease, heartbeat) are not tagged: they belong to the
watcher, not to an inbox.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["INBOX_ID_RE", "Keys", "batch_job_id", "job_id", "message_key"]

#: Inbox ids: lowercase base36, 16+ chars (>= 80 bits). Case-folding servers cannot break them.
#: ``\A…\Z``, not ``^…$``: ``$`` also matches before a trailing newline, so ``.match`` here is
#: a full match and ``"<id>\n"`` is refused.
INBOX_ID_RE = re.compile(r"\A[a-z0-9]{16,64}\Z")

_SAFE = re.compile(r"[^A-Za-z0-9_.@-]")


def _safe(part: str) -> str:
    return _SAFE.sub("_", part)


def message_key(mailbox: str, folder: str, uidvalidity: int, uid: int) -> str:
    """Stable id of one IMAP message: same mailbox/folder/UIDVALIDITY/UID → same key.

    Only ``[a-z0-9-]`` so it is also usable inside an RQ job id.
    """
    digest = hashlib.blake2s(f"{mailbox}\x00{folder}".encode(), digest_size=5).hexdigest()
    return f"{digest}-{uidvalidity}-{uid}"


def job_id(inbox_id: str, msg_key: str) -> str:
    """Deterministic RQ job id: enqueuing the same message twice yields one job."""
    return f"otpb-x-{inbox_id}-{msg_key}"


def batch_job_id(items: list[tuple[str, str]]) -> str:
    """Deterministic RQ job id of a job that extracts several messages (see ``job_id``)."""
    digest = hashlib.blake2s(digest_size=10)
    for inbox_id, msg_key in items:
        digest.update(f"{inbox_id}\x00{msg_key}\x00".encode())
    return f"otpb-xb-{digest.hexdigest()}-{len(items)}"


@dataclass(frozen=True, slots=True)
class Keys:
    """Builds every key name from one configurable prefix (default ``otpb``)."""

    prefix: str = "otpb"

    # -- per inbox (hash-tagged) -------------------------------------------------------------
    def inbox(self, inbox_id: str) -> str:
        return f"{self.prefix}:inbox:{{{inbox_id}}}"

    def events(self, inbox_id: str) -> str:
        return f"{self.prefix}:events:{{{inbox_id}}}"

    def message(self, inbox_id: str, msg_key: str) -> str:
        return f"{self.prefix}:msg:{{{inbox_id}}}:{msg_key}"

    def published(self, inbox_id: str) -> str:
        """Set of message keys whose ``extracted``/``failed`` event exists (publish-once guard)."""
        return f"{self.prefix}:pub:{{{inbox_id}}}"

    def rendered(self, inbox_id: str, msg_key: str) -> str:
        """Hash: the mail as ``list_emails`` shows it (text, html), written by the worker."""
        return f"{self.prefix}:rendered:{{{inbox_id}}}:{msg_key}"

    def consumed(self, inbox_id: str) -> str:
        """Hash: per slot the floor of what waits handed out, and who took what, when."""
        return f"{self.prefix}:consumed:{{{inbox_id}}}"

    def claim(self, inbox_id: str, idempotency_key: str) -> str:
        """String (short TTL): the event a wait with this idempotency key was handed."""
        digest = hashlib.blake2s(idempotency_key.encode(), digest_size=12).hexdigest()
        return f"{self.prefix}:claim:{{{inbox_id}}}:{digest}"

    def wake(self, reader: str) -> str:
        """Stream that wakes one client's shared reader when a wait joins (see SDK mux)."""
        return f"{self.prefix}:wake:{reader}"

    def messages(self, inbox_id: str) -> str:
        """Sorted set of the inbox's message keys scored by routed_at (ms), for listing."""
        return f"{self.prefix}:msgs:{{{inbox_id}}}"

    def seen(self, inbox_id: str) -> str:
        """Set of the identities of the mails routed to the inbox (X-GM-MSGID, else Message-ID
        plus a hash of the body): a mail seen again in another watched folder reaches the
        inbox once. TTL = inbox TTL."""
        return f"{self.prefix}:seen:{{{inbox_id}}}"

    def webhooks(self, inbox_id: str) -> str:
        """Set of message keys whose webhook delivery job was queued (enqueue-once guard).
        TTL = inbox TTL."""
        return f"{self.prefix}:hooks:{{{inbox_id}}}"

    # -- global -------------------------------------------------------------------------------
    @property
    def inboxes(self) -> str:
        """Sorted set of live inbox ids scored by expires_at (ms)."""
        return f"{self.prefix}:inboxes"

    @property
    def unrouted(self) -> str:
        return f"{self.prefix}:unrouted"

    @property
    def activity(self) -> str:
        """Stream of ``{i: <inbox id>}``, one entry per event written to any inbox stream: an
        SDK client blocks on this one key, not on every stream it waits on (capped)."""
        return f"{self.prefix}:activity"

    @property
    def quarantine(self) -> str:
        """Stream of mails set aside because handling them failed (ids and a reason, no body)."""
        return f"{self.prefix}:quarantine"

    @property
    def address_template(self) -> str:
        """String: the address template the bridge runs with, so SDKs need not be told."""
        return f"{self.prefix}:config:address"

    @property
    def latency(self) -> str:
        """Capped list of recent mail-to-event latencies (ms), for ``otpbridge status``."""
        return f"{self.prefix}:stats:latency"

    @property
    def mailboxes(self) -> str:
        """Set of ``<mailbox>:<folder>`` watch names that ever ran, for status/doctor."""
        return f"{self.prefix}:mailboxes"

    # -- per watched mailbox/folder -----------------------------------------------------------
    def cursor(self, mailbox: str, folder: str) -> str:
        return f"{self.prefix}:cursor:{_safe(mailbox)}:{_safe(folder)}"

    def lease(self, mailbox: str, folder: str) -> str:
        return f"{self.prefix}:lease:{_safe(mailbox)}:{_safe(folder)}"

    def heartbeat(self, mailbox: str, folder: str) -> str:
        return f"{self.prefix}:heartbeat:{_safe(mailbox)}:{_safe(folder)}"

    def waiting(self) -> str:
        """Sorted set of inbox ids with an agent blocked in a wait, scored by deadline (ms).

        The bridge polls the mailbox faster while this is non-empty (see the fast-check mode).
        """
        return f"{self.prefix}:waiting"
