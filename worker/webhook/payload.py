"""The JSON a webhook carries, built from an inbox's stream. Pure.

Standard Webhooks' envelope ``{type, timestamp, data}``. ``data`` uses the field names of the
SDK/HTTP/MCP results (``otpbridge.bridge.sdk.results``, which the worker may not import: a
test holds the two to the same names) plus ``inbox_id``:

- ``otp.extracted``: ``code``, ``code_display``, ``expires_in_s``, ``expires_at``,
  ``confidence``, ``message``; and ``link`` (``{url, kind}``) when the mail carried one too;
- ``link.extracted``: ``url``, ``kind``, ``confidence``, ``message``;
- ``email.extracted``: the mail was read and holds no code or link (``kind`` ``none``,
  ``error`` when it was unreadable), ``message``;
- ``email.failed``: ``error`` (a short reason, no content), ``message``.

``message`` is ``{id, from, from_address, subject, received_at, sender_auth}`` from the mail's
``received`` event; times are ISO-8601 UTC with milliseconds and a ``Z``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_FAILED, EVENT_RECEIVED, decode_fields

__all__ = ["Delivery", "build_payload", "iso_ms"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one webhook delivery sends: the event's stream id and the JSON body."""

    event_id: str
    payload: dict[str, Any]


def iso_ms(ms: int | None) -> str | None:
    if not ms:
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _message(message_key: str, received: dict[str, str] | None) -> dict[str, Any]:
    got = received or {}
    return {
        "id": message_key,
        "from": got.get("from", ""),
        "from_address": got.get("from_address", ""),
        "subject": got.get("subject", ""),
        "received_at": iso_ms(_int(got.get("received_at"))),
        "sender_auth": got.get("sender_auth") or None,
    }


def _confidence(fields: dict[str, str]) -> float:
    try:
        value = float(fields.get("confidence") or 0)
    except ValueError:
        return 0.0
    return round(value, 3) if math.isfinite(value) else 0.0


def _extracted(
    fields: dict[str, str], message: dict[str, Any], now_ms: int
) -> tuple[str, dict[str, Any]]:
    code, link, link_kind = (
        fields.get("code", ""),
        fields.get("link", ""),
        fields.get("link_kind", ""),
    )
    if code:
        expires = _int(fields.get("expires_at"))
        data: dict[str, Any] = {
            "code": code,
            "code_display": fields.get("code_display") or code,
            "expires_in_s": None
            if expires is None
            else max(0, math.ceil((expires - now_ms) / 1000)),
            "expires_at": iso_ms(expires),
            "confidence": _confidence(fields),
            "message": message,
        }
        if link and link_kind:
            data["link"] = {"url": link, "kind": link_kind}
        return "otp.extracted", data
    if link and link_kind:
        return "link.extracted", {
            "url": link,
            "kind": link_kind,
            "confidence": _confidence(fields),
            "message": message,
        }
    try:
        error = json.loads(fields.get("result") or "{}").get("error")
    except (ValueError, AttributeError):
        error = None
    return "email.extracted", {"kind": "none", "error": error or None, "message": message}


def build_payload(
    inbox_id: str, message_key: str, entries: Iterable[tuple[Any, Any]], now_ms: int
) -> Delivery | None:
    """The delivery of ``message_key``'s ``extracted``/``failed`` event among the stream
    ``entries`` (``XRANGE`` replies), or ``None`` when the stream no longer holds it."""
    received: dict[str, str] | None = None
    found: tuple[str, dict[str, str]] | None = None
    for entry_id, raw in entries:
        fields = decode_fields(raw)
        if fields.get("message_key") != message_key:
            continue
        kind = fields.get("type")
        if kind == EVENT_RECEIVED:
            received = fields
        elif kind in (EVENT_EXTRACTED, EVENT_FAILED) and found is None:
            found = (entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id), fields)
    if found is None:
        return None
    event_id, fields = found
    message = _message(message_key, received)
    if fields.get("type") == EVENT_FAILED:
        kind, data = "email.failed", {"error": fields.get("error", ""), "message": message}
    else:
        kind, data = _extracted(fields, message, now_ms)
    at_ms = _int(fields.get("extracted_at")) or _int(event_id.partition("-")[0])
    return Delivery(
        event_id, {"type": kind, "timestamp": iso_ms(at_ms), "data": {"inbox_id": inbox_id, **data}}
    )
