"""What the SDK hands an agent: inboxes, messages and the codes/links found in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = [
    "Email",
    "HandOut",
    "Inbox",
    "Link",
    "LinkKindFilter",
    "Message",
    "Otp",
    "ms_to_datetime",
]

#: ``any`` accepts every verification link kind.
LinkKindFilter = Literal["any", "magic_link", "confirm_link", "reset_link"]


def ms_to_datetime(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


@dataclass(frozen=True, slots=True)
class Inbox:
    """A disposable address on the shared mailbox; ``email`` is what the agent types in forms."""

    id: str
    email: str
    created_at: datetime
    expires_at: datetime
    allowed_senders: tuple[str, ...] = ()
    label: str | None = None
    #: Where ``extracted``/``failed`` events are POSTed, signed (Standard Webhooks).
    webhook_url: str | None = None
    #: The signing secret (``whsec_…``): set only on what ``inboxes.create`` and
    #: ``inboxes.rotate_webhook_secret`` return; ``get``/``list`` never carry it.
    webhook_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Message:
    """The envelope facts of one received mail (no body: see :class:`Email`)."""

    message_key: str
    subject: str
    from_: str
    received_at: datetime | None
    event_id: str = field(default="", repr=False)
    #: ``pass``/``fail``/``none``: whether the receiving mail server authenticated the From
    #: domain (DMARC, or an aligned DKIM signature); empty when the bridge trusts no
    #: authserv-id (``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``).
    sender_auth: str = ""
    #: The From address alone (the display name is in ``from_``); empty from older bridges.
    from_address: str = ""
    #: The bridge's decision against the inbox's ``allowed_senders``; ``None`` when it did not
    #: decide (no allowlist, or an older bridge).
    sender_allowed: bool | None = None


@dataclass(frozen=True, slots=True)
class Otp:
    code: str
    confidence: float
    expires_at: datetime | None
    message: Message
    display: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    kind: str
    confidence: float
    message: Message


@dataclass(frozen=True, slots=True)
class HandOut:
    """What became of one thing a mail carried (its code, a link, the mail itself): handed to
    a waiter (``consumed``, with ``by`` and ``at``) or made stale by a newer one handed out
    (``superseded``). ``slot`` is ``code``, ``link:<kind>`` or ``message``."""

    slot: str
    state: Literal["consumed", "superseded"]
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Email:
    """One stored mail with its bodies and the extractor's result (``None`` until extracted)."""

    message: Message
    text: str
    html: str | None
    extraction: dict[str, Any] | None = None
    handed_out: tuple[HandOut, ...] = ()

    @property
    def subject(self) -> str:
        return self.message.subject

    @property
    def from_(self) -> str:
        return self.message.from_

    @property
    def reasons(self) -> tuple[str, ...]:
        """The extractor's "why" lines (chosen and best rejected code and link), then its
        error; empty before extraction."""
        # results.py renders these models; importing it at the top would be circular.
        from otpbridge.bridge.sdk.results import extraction_reasons  # noqa: PLC0415

        return tuple(extraction_reasons(self.extraction))
