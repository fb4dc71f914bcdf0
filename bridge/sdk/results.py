"""The one JSON shape of SDK results, shared by the HTTP API, the MCP server and ``--json``.

An agent that switches from the Python SDK to HTTP or MCP sees the same field names (``code``,
``code_display``, ``expires_in_s``, ``from``, ``subject``, ``received_at``, …), so this module
is the single place that turns the SDK's dataclasses into JSON-ready dicts. Pure: no I/O; the
only clock read is for ``expires_in_s`` (pass ``now`` to pin it). Times are ISO-8601 strings in
UTC (``2026-01-02T03:04:05.678Z``), absent times are ``null``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from otpbridge.bridge.sdk.models import Email, HandOut, Inbox, Link, Message, Otp

__all__ = [
    "email_result",
    "extraction_reasons",
    "inbox_result",
    "iso_time",
    "link_result",
    "message_result",
    "otp_result",
]


def iso_time(value: datetime | None) -> str | None:
    """``value`` as ISO-8601 UTC with milliseconds and a ``Z`` (what JavaScript's
    ``Date.parse`` and every JSON consumer read), or ``None``."""
    if value is None:
        return None
    if value.tzinfo is None:  # the SDK's times are aware; a naive one is taken as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_result(msg: Message) -> dict[str, Any]:
    """The envelope of one mail: ``id`` is the message key (what ``after`` takes)."""
    return {
        "id": msg.message_key,
        "from": msg.from_,
        "from_address": msg.from_address,
        "subject": msg.subject,
        "received_at": iso_time(msg.received_at),
        "sender_auth": msg.sender_auth or None,
    }


def _expires_in_s(expires_at: datetime | None, now: datetime | None) -> int | None:
    """Whole seconds left (rounded up, never below 0), ``None`` when the mail gave no expiry."""
    if expires_at is None:
        return None
    left = (expires_at - (now or datetime.now(UTC))).total_seconds()
    return max(0, math.ceil(left))


def otp_result(otp: Otp, *, now: datetime | None = None) -> dict[str, Any]:
    return {
        "code": otp.code,
        "code_display": otp.display or otp.code,
        "expires_in_s": _expires_in_s(otp.expires_at, now),
        "expires_at": iso_time(otp.expires_at),
        "confidence": round(otp.confidence, 3),
        "message": message_result(otp.message),
    }


def link_result(link: Link) -> dict[str, Any]:
    return {
        "url": link.url,
        "kind": link.kind,
        "confidence": round(link.confidence, 3),
        "message": message_result(link.message),
    }


def inbox_result(inbox: Inbox) -> dict[str, Any]:
    """Never includes the webhook secret: callers that may show it (creation, rotation) add
    it themselves, once."""
    return {
        "id": inbox.id,
        "email": inbox.email,
        "created_at": iso_time(inbox.created_at),
        "expires_at": iso_time(inbox.expires_at),
        "allowed_senders": list(inbox.allowed_senders),
        "label": inbox.label,
        "webhook_url": inbox.webhook_url,
    }


def extraction_reasons(extraction: dict[str, Any] | None) -> list[str]:
    """The "why" of an extraction in plain words: the extractor's own ``reasons`` (one line
    each for the chosen and the best rejected code and link, §6), or from an older worker's
    result the reason of each scored code candidate; then its error, if any. Empty before
    extraction."""
    if not extraction:
        return []
    given = extraction.get("reasons")
    if isinstance(given, list):
        reasons = [r for r in given if isinstance(r, str)]
    else:
        reasons = [
            f"{cand.get('value', '')}: {cand['reason']}"
            for cand in extraction.get("candidates") or ()
            if isinstance(cand, dict) and cand.get("reason")
        ]
    if extraction.get("error"):
        reasons.append(f"error: {extraction['error']}")
    return reasons


def _hand_out(h: HandOut) -> dict[str, Any]:
    return {"slot": h.slot, "state": h.state, "by": h.by or None, "at": iso_time(h.at)}


def email_result(email: Email) -> dict[str, Any]:
    """A stored mail with its bodies, the extractor's JSON (``null`` until extracted), the
    reasons behind it and what was handed out of it."""
    return {
        "message": message_result(email.message),
        "text": email.text,
        "html": email.html,
        "extraction": email.extraction,
        "reasons": extraction_reasons(email.extraction),
        "handed_out": [_hand_out(h) for h in email.handed_out],
    }
