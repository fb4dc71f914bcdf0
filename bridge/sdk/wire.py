"""What both SDK clients share: connection options, client state, decoding, and reading an
inbox stream back into mails. The clients themselves only do the I/O, sync or async."""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Final, Generic, Self, TypeVar

from bridge.errors import InboxNotFoundError
from bridge.sdk.matching import StreamMatcher, WaitFor
from bridge.sdk.models import Email, Message
from bridge.sdk.records import parse_email
from worker.events import EVENT_EXTRACTED, EVENT_RECEIVED, decode_fields
from worker.keys import INBOX_ID_RE, Keys

__all__ = [
    "BLOCK_S",
    "CONNECTION_OPTIONS",
    "READ_COUNT",
    "RETRY_PAUSE_S",
    "SOCKET_TIMEOUT_S",
    "ClientCore",
    "as_str",
    "block_s_for",
    "check_inbox_id",
    "collect_emails",
    "index_events",
    "now_ms",
    "options_from_env",
]

#: One XREAD BLOCK chunk. Between chunks a wait re-checks the bridge heartbeat and the inbox.
BLOCK_S: Final = 5.0
#: The socket timeout of connections the SDK opens: longer than a block, so a BLOCK never trips
#: it, short enough that a half-open connection is noticed.
SOCKET_TIMEOUT_S: Final = BLOCK_S + 5.0
RETRY_PAUSE_S: Final = 0.5
READ_COUNT: Final = 100
#: What ``from_url`` passes to redis-py (sync and asyncio alike).
CONNECTION_OPTIONS: Final[dict[str, Any]] = {
    "socket_timeout": SOCKET_TIMEOUT_S,
    "socket_connect_timeout": 5.0,
    "socket_keepalive": True,
    "health_check_interval": 30,
}

_R = TypeVar("_R")


def options_from_env(address: str | None, prefix: str | None) -> tuple[str | None, str]:
    """``from_url``'s fallbacks: ``OTPBRIDGE_ADDRESS`` and ``OTPBRIDGE_PREFIX``.

    The only place the SDK reads the environment: ``from_url`` is the agent process's entry
    point, and the constructor (which takes a ready client) never looks.
    """
    return (
        address or os.environ.get("OTPBRIDGE_ADDRESS") or None,
        prefix or os.environ.get("OTPBRIDGE_PREFIX") or "otpb",
    )


class ClientCore(ABC, Generic[_R]):
    """State of one SDK client; ``_R`` is the redis-py client class (sync or asyncio)."""

    def __init__(
        self,
        client: _R,
        *,
        address: str | None = None,
        prefix: str = "otpb",
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
    ) -> None:
        self.redis = client
        self.keys = Keys(prefix)
        self.address = address
        self.require_watcher = require_watcher
        self.watcher_max_age = watcher_max_age
        self.block_s = block_s_for(client)
        #: Per inbox, the stream id of the last match returned: the next wait starts after it.
        self.cursors: dict[str, str] = {}

    @classmethod
    @abstractmethod
    def _connect(cls, url: str) -> _R:
        """A redis-py client of the right flavour for ``url`` with :data:`CONNECTION_OPTIONS`."""

    @classmethod
    def from_url(
        cls,
        url: str,
        address: str | None = None,
        *,
        prefix: str | None = None,
        require_watcher: bool = True,
        watcher_max_age: float = 60.0,
    ) -> Self:
        address, prefix = options_from_env(address, prefix)
        return cls(
            cls._connect(url),
            address=address,
            prefix=prefix,
            require_watcher=require_watcher,
            watcher_max_age=watcher_max_age,
        )


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


def collect_emails(message_keys: Sequence[str], raws: Sequence[Any], entries: Any) -> list[Email]:
    """``list_emails``' result: each stored mail (``raws``, ``None`` when gone) with the facts
    of its ``received`` event and its extraction result from the stream ``entries``."""
    messages, results = index_events(entries or [])
    return [
        parse_email(
            messages.get(mk) or Message(mk, "", "", None),
            raw if isinstance(raw, bytes) else str(raw).encode(),
            results.get(mk),
        )
        for mk, raw in zip(message_keys, raws, strict=True)
        if raw is not None
    ]
