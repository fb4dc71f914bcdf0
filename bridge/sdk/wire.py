"""What both SDK clients share: connection options, client state, decoding, and reading an
inbox stream back into mails. The clients themselves only do the I/O, sync or async."""

from __future__ import annotations

import json
import math
import os
import secrets
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, Generic, Self, TypeVar

from otpbridge.bridge.errors import InboxNotFoundError
from otpbridge.bridge.sdk.consume import link_slot, stream_id_le
from otpbridge.bridge.sdk.matching import StreamMatcher, WaitFor
from otpbridge.bridge.sdk.models import Email, HandOut, Message, ms_to_datetime
from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_RECEIVED, decode_fields
from otpbridge.worker.keys import INBOX_ID_RE, Keys

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
    "default_name",
    "hand_outs",
    "index_events",
    "now_ms",
    "options_from_env",
    "since_ms",
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
        name: str | None = None,
    ) -> None:
        self.redis = client
        self.keys = Keys(prefix)
        self.address = address
        self.require_watcher = require_watcher
        self.watcher_max_age = watcher_max_age
        self.block_s = block_s_for(client)
        #: Who this client is in what it was handed (``by`` in :class:`HandOut`), and the name
        #: of its shared reader's wake stream.
        self.name = name or default_name()
        self.reader_id = f"{self.name}:{secrets.token_hex(6)}"

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
        name: str | None = None,
    ) -> Self:
        address, prefix = options_from_env(address, prefix)
        return cls(
            cls._connect(url),
            address=address,
            prefix=prefix,
            require_watcher=require_watcher,
            watcher_max_age=watcher_max_age,
            name=name,
        )


def default_name() -> str:
    """``host:pid``: enough for an operator to find the process that took a code."""
    return f"{socket.gethostname()}:{os.getpid()}"


def since_ms(since: float | datetime | None) -> int | None:
    """A wait's ``since=`` (a datetime, or seconds since the epoch) in milliseconds."""
    if since is None:
        return None
    if isinstance(since, datetime):
        return int(since.timestamp() * 1000)
    if not math.isfinite(since):
        raise ValueError("since must be a finite time")
    return int(since * 1000)


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


def index_events(
    entries: Any,
) -> tuple[dict[str, Message], dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """Per message key: the ``received`` facts, the extractor's JSON result, and the stream ids
    of what the mail carried per consumption slot (``code``, ``link:<kind>``, ``message``)."""
    matcher = StreamMatcher(WaitFor("message"), (), floors={}, now_ms=0)
    messages: dict[str, Message] = {}
    results: dict[str, dict[str, Any]] = {}
    carried: dict[str, dict[str, str]] = {}
    for entry_id, raw_fields in entries:
        fields = decode_fields(raw_fields)
        key = fields.get("message_key", "")
        if fields.get("type") == EVENT_RECEIVED:
            found = matcher.feed(as_str(entry_id), fields)
            if isinstance(found, Message):
                messages[key] = found
                carried.setdefault(key, {})["message"] = as_str(entry_id)
        elif fields.get("type") == EVENT_EXTRACTED:
            try:
                results[key] = json.loads(fields.get("result") or "{}")
            except ValueError:
                results[key] = {}
            slots = carried.setdefault(key, {})
            if fields.get("code"):
                slots["code"] = as_str(entry_id)
            if fields.get("link") and fields.get("link_kind"):
                slots[link_slot(fields["link_kind"])] = as_str(entry_id)
    return messages, results, carried


def hand_outs(
    message_key: str, carried: dict[str, str], consumed: dict[str, str]
) -> tuple[HandOut, ...]:
    """Who was handed what this mail carried, or which of it went stale (``consumed``: the
    inbox's consumption hash, see :mod:`bridge.sdk.consume`)."""
    out: list[HandOut] = []
    for slot, entry_id in carried.items():
        taken = consumed.get(f"by:{slot}:{message_key}")
        floor = consumed.get(f"floor:{slot}")
        if taken is not None:
            by, _, at = taken.rpartition("|")
            out.append(HandOut(slot, "consumed", by, ms_to_datetime(int(at or 0))))
        elif floor is not None and slot != "message" and stream_id_le(entry_id, floor):
            out.append(HandOut(slot, "superseded"))
    return tuple(out)


def collect_emails(
    message_keys: Sequence[str],
    rendered: Sequence[Sequence[Any]],
    entries: Any,
    consumed: dict[str, str] | None = None,
) -> list[Email]:
    """``list_emails``' result: each stored mail with the facts of its ``received`` event, the
    worker's rendering (``rendered``: per key ``[text, html, has_html]``, all ``None`` until
    the worker has extracted it), its extraction result and what became of what it carried."""
    messages, results, carried = index_events(entries or [])
    emails = []
    for mk, (text, html, has_html) in zip(message_keys, rendered, strict=True):
        emails.append(
            Email(
                message=messages.get(mk) or Message(mk, "", "", None),
                text=as_str(text) if text is not None else "",
                html=as_str(html) if html is not None and as_str(has_html) == "1" else None,
                extraction=results.get(mk),
                handed_out=hand_outs(mk, carried.get(mk, {}), consumed or {}),
            )
        )
    return emails
