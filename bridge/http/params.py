"""Reading request values: each check names the field it refuses (``422`` with ``field``),
so a client learns which of its values is wrong without reading the server's log."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any, Final, cast

from starlette.requests import Request

from otpbridge.bridge.http.errors import ApiError, invalid
from otpbridge.bridge.sdk.models import LinkKindFilter
from otpbridge.bridge.sdk.records import MAX_TTL_S, normalize_senders
from otpbridge.bridge.sdk.webhooks import check_webhook_url

__all__ = [
    "LINK_KINDS",
    "MAX_BODY_BYTES",
    "idempotency_key",
    "json_body",
    "link_kind",
    "message_key_param",
    "optional_str",
    "sender_list",
    "since_param",
    "timeout_param",
    "ttl_value",
    "webhook_url_value",
]

#: The largest JSON body any endpoint takes.
MAX_BODY_BYTES: Final = 64 * 1024
LINK_KINDS: Final = ("any", "magic_link", "confirm_link", "reset_link")
_MESSAGE_KEY = re.compile(r"\A[A-Za-z0-9._-]{1,200}\Z")
_IDEMPOTENCY = re.compile(r"\A[\x21-\x7e]{1,200}\Z")


async def json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` when not ``required``."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        if required:
            raise invalid("body", "a JSON object is required")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("body", "not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object")
    return body


def ttl_value(body: dict[str, Any], default: float = 3600.0) -> float:
    raw = body.get("ttl", default)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise invalid("ttl", "must be a number of seconds")
    if not (math.isfinite(raw) and 0 < raw <= MAX_TTL_S):
        raise invalid("ttl", f"must be more than 0 and at most {MAX_TTL_S} seconds")
    return float(raw)


def sender_list(body: dict[str, Any]) -> list[str] | None:
    raw = body.get("allowed_senders")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise invalid("allowed_senders", "must be a list of domains or addresses")
    if len(raw) > 100:
        raise invalid("allowed_senders", "at most 100 entries")
    try:
        normalize_senders(raw)  # the SDK's own rule, so its error names this field
    except ValueError as exc:
        raise invalid("allowed_senders", str(exc)) from None
    return [str(s) for s in raw]


def webhook_url_value(body: dict[str, Any]) -> str | None:
    """``webhook_url`` checked by the SDK's rule (http/https, no literal non-public address)."""
    url = optional_str(body, "webhook_url", 2048)
    if url is None:
        return None
    try:
        return check_webhook_url(url)
    except ValueError as exc:
        raise invalid("webhook_url", str(exc)) from None


def optional_str(body: dict[str, Any], name: str, max_len: int) -> str | None:
    raw = body.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid(name, "must be a string")
    if len(raw) > max_len:
        raise invalid(name, f"at most {max_len} characters")
    return raw


def timeout_param(request: Request, default: float, maximum: float) -> float:
    """``timeout`` in seconds; above the maximum it is capped (a proxy would cut it anyway)."""
    raw = request.query_params.get("timeout")
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise invalid("timeout", "must be a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise invalid("timeout", "must be a number of seconds, 0 or more")
    return min(value, maximum)


def since_param(request: Request) -> datetime | None:
    """``since``: ISO-8601 (``2026-01-02T03:04:05Z``) or seconds since the epoch."""
    raw = request.query_params.get("since")
    if raw is None or raw == "":
        return None
    try:
        return datetime.fromtimestamp(float(raw), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid("since", "must be ISO-8601 or seconds since the epoch") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def message_key_param(request: Request) -> str | None:
    """``after``: a message id (``message.id`` of an earlier answer)."""
    raw = request.query_params.get("after")
    if raw is None or raw == "":
        return None
    if not _MESSAGE_KEY.match(raw):
        raise invalid("after", "must be a message id from an earlier answer")
    return raw


def link_kind(request: Request) -> LinkKindFilter:
    raw = request.query_params.get("kind") or "any"
    if raw not in LINK_KINDS:
        raise invalid("kind", f"must be one of {', '.join(LINK_KINDS)}")
    return cast(LinkKindFilter, raw)


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get("idempotency-key")
    if raw is None:
        return None
    if not _IDEMPOTENCY.match(raw):
        raise invalid("Idempotency-Key", "1 to 200 printable ASCII characters")
    return raw
