"""Inbox and mail records as stored in Redis (DESIGN.md §2), and reading them back. Pure."""

from __future__ import annotations

import json
import math
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from otpbridge.bridge.errors import ConfigError, InboxNotFoundError, WatcherDownError
from otpbridge.bridge.sdk.models import Inbox, ms_to_datetime
from otpbridge.bridge.sdk.webhooks import webhook_fields
from otpbridge.worker.keys import Keys

__all__ = [
    "ID_LENGTH",
    "MAX_TTL_S",
    "NewInbox",
    "address_template",
    "check_watchers",
    "inbox_fields",
    "inbox_keys",
    "missing_inbox",
    "new_inbox",
    "new_inbox_id",
    "normalize_senders",
    "parse_inbox",
    "render_address",
    "watch_key_parts",
]

#: 20 base36 characters: 103 bits, unguessable and safe on case-folding servers.
ID_LENGTH: Final = 20
#: Ten years. Redis rejects far larger expiry times, and inside MULTI a rejected PEXPIREAT
#: still lets the HSET before it run, which would leave an inbox that never expires.
MAX_TTL_S: Final = 10 * 365 * 24 * 3600
_ALPHABET: Final = string.ascii_lowercase + string.digits


def new_inbox_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(ID_LENGTH))


def render_address(template: str, inbox_id: str) -> str:
    if "{id}" not in template or "@" not in template:
        raise ConfigError(
            f"address template {template!r} needs an '@' and an '{{id}}' placeholder, "
            "e.g. agents+{id}@corp.example"
        )
    return template.replace("{id}", inbox_id)


def address_template(configured: str | None, published: str | None) -> str:
    """The client's own template, else the one the bridge published in Redis."""
    if configured:
        return configured
    if published:
        return published
    raise ConfigError(
        "no address template: pass address='agents+{id}@corp.example', set "
        "OTPBRIDGE_ADDRESS, or start `otpbridge bridge` (it publishes its template)"
    )


def missing_inbox(inbox_id: str) -> InboxNotFoundError:
    return InboxNotFoundError(f"inbox {inbox_id} does not exist (deleted or expired)")


@dataclass(frozen=True, slots=True)
class NewInbox:
    """An inbox about to be written: its hash fields and the moment its keys expire."""

    id: str
    fields: dict[str, str]
    expires_ms: int
    webhook_secret: str | None = None

    @property
    def inbox(self) -> Inbox:
        """As ``inboxes.create`` returns it: the one time (with rotation) the secret is shown."""
        return replace(parse_inbox(self.id, self.fields), webhook_secret=self.webhook_secret)


def new_inbox(
    template: str,
    ttl: float,
    allowed_senders: Iterable[str] | None,
    label: str | None,
    now_ms: int,
    webhook_url: str | None = None,
) -> NewInbox:
    """Check the arguments of ``inboxes.create`` and draw a fresh id (and webhook secret)."""
    if not (math.isfinite(ttl) and 0 < ttl <= MAX_TTL_S):
        raise ValueError(f"ttl must be a positive number of seconds, at most {MAX_TTL_S}")
    senders = normalize_senders(allowed_senders)
    hook, secret = webhook_fields(webhook_url)
    inbox_id = new_inbox_id()
    expires = now_ms + int(ttl * 1000)
    fields = inbox_fields(render_address(template, inbox_id), now_ms, expires, senders, label)
    return NewInbox(inbox_id, fields | hook, expires, secret)


def inbox_keys(keys: Keys, inbox_id: str, message_keys: Iterable[str]) -> set[str]:
    """Every key of one inbox that ``inboxes.delete`` removes (``message_keys``: stored mails)."""
    doomed = {
        keys.inbox(inbox_id),
        keys.events(inbox_id),
        keys.messages(inbox_id),
        keys.published(inbox_id),
        keys.consumed(inbox_id),
        keys.seen(inbox_id),
        keys.webhooks(inbox_id),
    }
    doomed.update(keys.message(inbox_id, mk) for mk in message_keys)
    doomed.update(keys.rendered(inbox_id, mk) for mk in message_keys)
    return doomed


def normalize_senders(senders: Iterable[str] | None) -> tuple[str, ...]:
    """Lowercased, stripped; a leading ``@`` on a domain is dropped (``@github.com``)."""
    out: list[str] = []
    for raw in senders or ():
        entry = raw.strip().lower()
        entry = entry[1:] if entry.startswith("@") else entry
        if not entry or " " in entry:
            raise ValueError(f"allowed sender {raw!r} is not a domain or an address")
        out.append(entry)
    return tuple(out)


def inbox_fields(
    address: str,
    created_ms: int,
    expires_ms: int,
    allowed_senders: tuple[str, ...],
    label: str | None,
) -> dict[str, str]:
    return {
        "address": address,
        "created_at": str(created_ms),
        "expires_at": str(expires_ms),
        "allowed_senders": json.dumps(list(allowed_senders)),
        "label": label or "",
    }


def parse_inbox(inbox_id: str, raw: Mapping[Any, Any]) -> Inbox:
    fields = {_text(k): _text(v) for k, v in raw.items()}
    try:
        senders = json.loads(fields.get("allowed_senders") or "[]")
    except ValueError:
        senders = []
    created = ms_to_datetime(int(fields.get("created_at") or 0))
    expires = ms_to_datetime(int(fields.get("expires_at") or 0))
    assert created is not None
    assert expires is not None
    return Inbox(
        id=inbox_id,
        email=fields.get("address", ""),
        created_at=created,
        expires_at=expires,
        allowed_senders=tuple(str(s) for s in senders if isinstance(s, str)),
        label=fields.get("label") or None,
        webhook_url=fields.get("webhook_url") or None,
    )


def watch_key_parts(watch: str) -> tuple[str, str]:
    """``<mailbox>:<folder>`` as registered in ``Keys.mailboxes``; folders carry no ``:``."""
    mailbox, _, folder = watch.rpartition(":")
    return mailbox, folder


def check_watchers(heartbeats: Mapping[str, int | None], now_ms: int, max_age_s: float) -> None:
    """Raise :class:`WatcherDownError` unless some registered watcher beat within ``max_age_s``."""
    if not heartbeats:
        raise WatcherDownError(
            "no bridge has ever run against this Redis (no mailbox registered): start "
            "`otpbridge bridge`, or pass require_watcher=False for offline use"
        )
    fresh = [ts for ts in heartbeats.values() if ts is not None and now_ms - ts <= max_age_s * 1000]
    if not fresh:
        newest = max((ts for ts in heartbeats.values() if ts is not None), default=None)
        age = "never" if newest is None else f"{(now_ms - newest) / 1000:.0f} s ago"
        raise WatcherDownError(
            f"the bridge is down: last heartbeat of {', '.join(sorted(heartbeats))} was {age} "
            f"(limit {max_age_s:.0f} s); no mail can arrive until `otpbridge bridge` runs"
        )


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
