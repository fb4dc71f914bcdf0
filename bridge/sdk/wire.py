"""Redis details both SDK clients share: timeouts, decoding, and indexing an inbox stream."""

from __future__ import annotations

import json
import time
from typing import Any, Final

from bridge.errors import InboxNotFoundError
from bridge.sdk.matching import StreamMatcher, WaitFor
from bridge.sdk.models import Message
from worker.events import EVENT_EXTRACTED, EVENT_RECEIVED, decode_fields
from worker.keys import INBOX_ID_RE

__all__ = [
    "BLOCK_S",
    "READ_COUNT",
    "RETRY_PAUSE_S",
    "SOCKET_TIMEOUT_S",
    "as_str",
    "block_s_for",
    "check_inbox_id",
    "index_events",
    "now_ms",
]

#: One XREAD BLOCK chunk. Between chunks a wait re-checks the bridge heartbeat and the inbox.
BLOCK_S: Final = 5.0
#: The socket timeout of connections the SDK opens: longer than a block, so a BLOCK never trips
#: it, short enough that a half-open connection is noticed.
SOCKET_TIMEOUT_S: Final = BLOCK_S + 5.0
RETRY_PAUSE_S: Final = 0.5
READ_COUNT: Final = 100


def now_ms() -> int:
    return int(time.time() * 1000)


def as_str(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def block_s_for(client: Any) -> float:
    """A block that fits under the client's socket timeout (users may pass their own client)."""
    timeout = client.connection_pool.connection_kwargs.get("socket_timeout")
    if timeout is None:
        return BLOCK_S
    return max(0.1, min(BLOCK_S, float(timeout) - 1.0))


def check_inbox_id(inbox_id: str) -> str:
    if not INBOX_ID_RE.match(inbox_id):
        raise InboxNotFoundError(f"{inbox_id!r} is not an inbox id")
    return inbox_id


def index_events(entries: Any) -> tuple[dict[str, Message], dict[str, dict[str, Any]]]:
    """Per message key: the ``received`` facts and the extractor's JSON result."""
    matcher = StreamMatcher(WaitFor("message"), (), cursor=None, now_ms=0)
    messages: dict[str, Message] = {}
    results: dict[str, dict[str, Any]] = {}
    for entry_id, raw_fields in entries:
        fields = decode_fields(raw_fields)
        key = fields.get("message_key", "")
        if fields.get("type") == EVENT_RECEIVED:
            found = matcher.feed(as_str(entry_id), fields)
            if isinstance(found, Message):
                messages[key] = found
        elif fields.get("type") == EVENT_EXTRACTED:
            try:
                results[key] = json.loads(fields.get("result") or "{}")
            except ValueError:
                results[key] = {}
    return messages, results
