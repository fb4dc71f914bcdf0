"""Deciding which stream event satisfies a wait. Pure: entries in, a match (or an error) out.

A wait reads the inbox stream from the start, because the ``received`` events before the
client's cursor still say who sent each message; only events after the cursor can match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from typing import Final, Literal

from otpbridge.bridge.errors import ExtractionFailedError
from otpbridge.bridge.sdk.consume import link_slot
from otpbridge.bridge.sdk.models import Link, LinkKindFilter, Message, Otp, ms_to_datetime
from otpbridge.bridge.senders import address_matches
from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_FAILED, EVENT_RECEIVED

__all__ = [
    "Match",
    "Pick",
    "StreamMatcher",
    "WaitFor",
    "message_allowed",
    "peek_want",
    "sender_allowed",
    "slot_of",
    "stream_id_after",
]

#: How long a wait that already holds a code keeps reading for a newer mail of the same inbox
#: whose extraction is still running (a resend that landed just before the wait began).
PENDING_GRACE_S = 2.0
#: The link kinds the extractor reports (``any`` waits take each).
LINK_KINDS: Final = ("magic_link", "confirm_link", "reset_link")

Match = Otp | Link | Message


def stream_id_after(entry_id: str, cursor: str | None) -> bool:
    """``entry_id > cursor`` in stream order (``ms-seq``, compared numerically)."""
    if cursor is None:
        return True
    a_ms, _, a_seq = entry_id.partition("-")
    b_ms, _, b_seq = cursor.partition("-")
    return (int(a_ms), int(a_seq or 0)) > (int(b_ms), int(b_seq or 0))


def sender_allowed(from_header: str, allowed: tuple[str, ...], sender_auth: str = "") -> bool:
    """The SDK's own check, for events of bridges that do not decide (no ``sender_allowed``
    field): True without an allowlist; else the From address matches an entry (see
    :func:`bridge.senders.address_matches`) and the receiving server did not find the From
    domain forged (``sender_auth`` ``fail``)."""
    if not allowed:
        return True
    if sender_auth == "fail":
        return False
    return address_matches(parseaddr(from_header[:1000])[1], allowed)


def message_allowed(message: Message, allowed: tuple[str, ...]) -> bool:
    """The bridge's decision when the event carries one, else :func:`sender_allowed`."""
    if not allowed:
        return True
    if message.sender_allowed is not None:
        return message.sender_allowed
    return sender_allowed(message.from_, allowed, message.sender_auth)


@dataclass(frozen=True, slots=True)
class WaitFor:
    """What a wait looks for: a code, a link (of a kind), or any mail (optionally filtered)."""

    what: Literal["otp", "link", "message"]
    link_kind: LinkKindFilter = "any"
    from_: str | None = None
    subject: str | None = None


@dataclass
class StreamMatcher:
    """Feed stream entries in order; :meth:`feed` returns a match above the floor of its slot
    (what was handed out already, see :mod:`bridge.sdk.consume`), inside the window ``since_ms``
    (the bridge routed the mail at or after it) / ``after_key`` (routed after that mail)."""

    want: WaitFor
    allowed_senders: tuple[str, ...]
    floors: Mapping[str, str]
    now_ms: int
    since_ms: int | None = None
    after_key: str | None = None
    _messages: dict[str, Message] = field(default_factory=dict)
    _settled: set[str] = field(default_factory=set)

    def _above(self, entry_id: str, slot: str) -> bool:
        return stream_id_after(entry_id, self.floors.get(slot))

    def _base_slot_floor(self) -> str | None:
        """The floor a failure is measured against: the lowest of the slots this wait takes."""
        if self.want.what == "otp":
            return self.floors.get("code")
        if self.want.what == "message":
            return self.floors.get("message")
        kinds = LINK_KINDS if self.want.link_kind == "any" else (self.want.link_kind,)
        floors = [self.floors.get(link_slot(k)) for k in kinds]
        if any(f is None for f in floors):
            return None
        return min((f for f in floors if f is not None), key=_id_key)

    def _in_window(self, message: Message) -> bool:
        if self.since_ms is not None and _id_key(message.event_id)[0] < self.since_ms:
            return False
        if self.after_key is not None:
            after = self._messages.get(self.after_key)
            return after is not None and stream_id_after(message.event_id, after.event_id)
        return True

    def newer_pending(self, match: Match) -> bool:
        """True if an allowed sender's mail arrived after ``match``'s and is not extracted yet."""
        mine = match if isinstance(match, Message) else match.message
        received = self._messages.get(mine.message_key)
        after = received.event_id if received is not None else mine.event_id
        return any(
            key not in self._settled
            and stream_id_after(m.event_id, after)
            and message_allowed(m, self.allowed_senders)
            for key, m in self._messages.items()
        )

    def feed(self, entry_id: str, fields: dict[str, str]) -> Match | None:
        kind = fields.get("type")
        key = fields.get("message_key", "")
        if kind in (EVENT_EXTRACTED, EVENT_FAILED):
            self._settled.add(key)
        if kind == EVENT_RECEIVED:
            self._messages[key] = Message(
                message_key=key,
                subject=fields.get("subject", ""),
                from_=fields.get("from", ""),
                received_at=ms_to_datetime(_int(fields.get("received_at"))),
                event_id=entry_id,
                sender_auth=fields.get("sender_auth", ""),
                from_address=fields.get("from_address", ""),
                sender_allowed=_decision(fields.get("sender_allowed")),
            )
        message = self._messages.get(key)
        if kind == EVENT_FAILED and self.want.what != "message":
            if not stream_id_after(entry_id, self._base_slot_floor()):
                return None
            # The bridge fails some mails (e.g. too large) before any ``received`` event; with no
            # allowlist such a failure still concerns this wait.
            known_ok = (
                message is not None
                and message_allowed(message, self.allowed_senders)
                and self._in_window(message)
            )
            unknown_ok = message is None and not self.allowed_senders and self.after_key is None
            if known_ok or unknown_ok:
                raise ExtractionFailedError(
                    f"message {key} could not be processed: {fields.get('error', 'unknown')}"
                )
            return None
        if message is None or not message_allowed(message, self.allowed_senders):
            return None
        if not self._in_window(message):
            return None
        if kind == EVENT_RECEIVED:
            if not self._above(entry_id, "message"):
                return None
            return self._match_message(message)
        if kind == EVENT_EXTRACTED:
            return self._match_extracted(entry_id, message, fields)
        return None

    def _match_message(self, message: Message) -> Message | None:
        if self.want.what != "message":
            return None
        if self.want.from_ and self.want.from_.lower() not in message.from_.lower():
            return None
        if self.want.subject and self.want.subject.lower() not in message.subject.lower():
            return None
        return message

    def _match_extracted(
        self, entry_id: str, message: Message, fields: dict[str, str]
    ) -> Otp | Link | None:
        tagged = replace(message, event_id=entry_id)
        confidence = _float(fields.get("confidence"))
        if self.want.what == "otp":
            code = fields.get("code", "")
            expires_ms = _int(fields.get("expires_at"))
            if not code or (expires_ms is not None and expires_ms <= self.now_ms):
                return None
            if not self._above(entry_id, "code"):
                return None
            display = fields.get("code_display") or None
            return Otp(code, confidence, ms_to_datetime(expires_ms), tagged, display)
        if self.want.what == "link":
            url = fields.get("link", "")
            link_kind = fields.get("link_kind", "")
            if not url or (self.want.link_kind not in ("any", link_kind)):
                return None
            if not self._above(entry_id, link_slot(link_kind)):
                return None
            return Link(url, link_kind, confidence, tagged)
        return None


def peek_want(kind: str) -> WaitFor:
    """What a ``peek`` of ``kind`` (``otp``, ``link`` or a link kind) looks for."""
    if kind == "otp":
        return WaitFor("otp")
    link_kind = "any" if kind == "link" else kind
    if link_kind not in ("any", *LINK_KINDS):
        raise ValueError(f"kind {kind!r}: use otp, link, magic_link, confirm_link or reset_link")
    return WaitFor("link", link_kind=link_kind)  # type: ignore[arg-type]


def slot_of(match: Match) -> str:
    """The consumption slot a match is handed out from (see :mod:`bridge.sdk.consume`)."""
    if isinstance(match, Otp):
        return "code"
    if isinstance(match, Link):
        return link_slot(match.kind)
    return "message"


def _id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _float(raw: str | None) -> float:
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


@dataclass
class Pick:
    """What a wait returns, fed with every match in stream order.

    A ``message`` wait returns the first match (mail is consumed in order). A code or link wait
    returns the NEWEST match: when the backlog holds an old code and its resend, the resend is
    the one the service accepts. If a newer mail of the inbox is still being extracted, the
    pick waits for it up to ``PENDING_GRACE_S`` before settling for what it has.
    """

    matcher: StreamMatcher
    best: Match | None = None
    best_id: str = ""
    grace_until: float | None = None

    def offer(self, entry_id: str, found: Match | None) -> None:
        if found is None or (self.best is not None and self.matcher.want.what == "message"):
            return
        self.best, self.best_id = found, entry_id

    def ready(self, now: float) -> bool:
        if self.best is None:
            return False
        if self.matcher.want.what == "message" or not self.matcher.newer_pending(self.best):
            return True
        if self.grace_until is None:
            self.grace_until = now + PENDING_GRACE_S
        return now >= self.grace_until

    def block_limit(self, now: float) -> float | None:
        """Seconds the next blocking read may last so the grace period is honoured."""
        return None if self.grace_until is None else max(0.0, self.grace_until - now)


def _decision(value: str | None) -> bool | None:
    """``sender_allowed`` as the bridge wrote it: absent when it did not decide."""
    if value is None or value == "":
        return None
    return value == "1"
