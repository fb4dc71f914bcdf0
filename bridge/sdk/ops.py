"""Inbox operations, written once for both clients (see :mod:`bridge.sdk.protocol`)."""

from __future__ import annotations

from typing import Any

from otpbridge.bridge.sdk.models import Email, Inbox
from otpbridge.bridge.sdk.protocol import Batch, Call, Op
from otpbridge.bridge.sdk.records import (
    address_template,
    inbox_keys,
    missing_inbox,
    new_inbox,
    parse_inbox,
)
from otpbridge.bridge.sdk.verdicts import MAX_VERDICTS, Verdict, fold_verdicts
from otpbridge.bridge.sdk.webhooks import ROTATE_SCRIPT, ROTATION_OVERLAP_S, new_webhook_secret
from otpbridge.bridge.sdk.wire import as_str, check_inbox_id, collect_emails, now_ms
from otpbridge.worker.keys import Keys

__all__ = [
    "create_inbox",
    "delete_inbox",
    "get_inbox",
    "last_verdicts",
    "list_emails",
    "list_inboxes",
    "rotate_webhook_secret",
]


def create_inbox(
    keys: Keys,
    address: str | None,
    ttl: float,
    allowed_senders: list[str] | tuple[str, ...] | None,
    label: str | None,
    webhook_url: str | None = None,
) -> Op[Inbox]:
    published = None if address else (yield Call("get", (keys.address_template,)))
    template = address_template(address, as_str(published) if published else None)
    new = new_inbox(template, ttl, allowed_senders, label, now_ms(), webhook_url)
    yield Batch(
        (
            Call("hset", (keys.inbox(new.id),), {"mapping": new.fields}),
            Call("pexpireat", (keys.inbox(new.id), new.expires_ms)),
            Call("zadd", (keys.inboxes, {new.id: new.expires_ms})),
        ),
        transaction=True,
    )
    return new.inbox


def get_inbox(keys: Keys, inbox_id: str) -> Op[Inbox]:
    raw = yield Call("hgetall", (keys.inbox(check_inbox_id(inbox_id)),))
    if not raw:
        raise missing_inbox(inbox_id)
    return parse_inbox(inbox_id, raw)


def rotate_webhook_secret(
    keys: Keys, inbox_id: str, overlap: float = ROTATION_OVERLAP_S
) -> Op[str]:
    """A new signing secret for the inbox's webhook; deliveries also carry a signature with
    the old one for ``overlap`` seconds (0: the old one stops at once)."""
    check_inbox_id(inbox_id)
    if not (overlap >= 0 and overlap <= 365 * 24 * 3600):
        raise ValueError("overlap must be between 0 and one year (seconds)")
    secret = new_webhook_secret()
    until = now_ms() + int(overlap * 1000) if overlap > 0 else 0
    found = yield Call("eval", (ROTATE_SCRIPT, 1, keys.inbox(inbox_id), secret, str(until)))
    if int(found) < 0:
        raise missing_inbox(inbox_id)
    if int(found) == 0:
        raise ValueError(f"inbox {inbox_id} has no webhook_url (set it at creation)")
    return secret


def list_inboxes(keys: Keys) -> Op[list[Inbox]]:
    """Live inboxes, soonest-expiring first."""
    now = now_ms()
    _, raw_ids = yield Batch(
        (
            Call("zremrangebyscore", (keys.inboxes, "-inf", now)),
            Call("zrangebyscore", (keys.inboxes, now, "+inf")),
        )
    )
    ids = [as_str(i) for i in raw_ids]
    rows = (yield Batch(tuple(Call("hgetall", (keys.inbox(i),)) for i in ids))) if ids else []
    return [parse_inbox(i, row) for i, row in zip(ids, rows, strict=True) if row]


def delete_inbox(keys: Keys, inbox_id: str) -> Op[bool]:
    """Remove every key of the inbox; ``False`` if there was nothing to remove."""
    check_inbox_id(inbox_id)
    stored = [as_str(mk) for mk in (yield Call("zrange", (keys.messages(inbox_id), 0, -1)))]
    doomed = inbox_keys(keys, inbox_id, stored)
    # Mails whose index entry was lost still carry the inbox's hash tag in their key.
    cursor: Any = 0
    while True:
        cursor, found = yield Call(
            "scan", (cursor,), {"match": keys.message(inbox_id, "*"), "count": 500}
        )
        doomed.update(as_str(k) for k in found)
        if int(cursor) == 0:
            break
    deleted, zremoved = yield Batch(
        (Call("delete", tuple(doomed)), Call("zrem", (keys.inboxes, inbox_id))),
        transaction=True,
    )
    return bool(deleted or zremoved)


def list_emails(keys: Keys, inbox_id: str) -> Op[list[Email]]:
    """Stored mails of the inbox, newest first, as the worker rendered them (the agent never
    parses MIME), with extraction results and who was handed what from them."""
    check_inbox_id(inbox_id)
    message_keys_raw, entries, consumed = yield Batch(
        (
            Call("zrevrange", (keys.messages(inbox_id), 0, -1)),
            Call("xrange", (keys.events(inbox_id),)),
            Call("hgetall", (keys.consumed(inbox_id),)),
        )
    )
    message_keys = [as_str(mk) for mk in message_keys_raw]
    rendered = (
        (
            yield Batch(
                tuple(
                    Call("hmget", (keys.rendered(inbox_id, mk), "text", "html", "has_html"))
                    for mk in message_keys
                )
            )
        )
        if message_keys
        else []
    )
    return collect_emails(
        message_keys, rendered, entries, {as_str(k): as_str(v) for k, v in consumed.items()}
    )


def last_verdicts(
    keys: Keys, inbox_id: str, limit: int, since_ms: int | None = None, viewer: str = ""
) -> Op[list[Verdict]]:
    """What became of the inbox's latest mails, newest first (see :mod:`bridge.sdk.verdicts`):
    the inbox (its sender rules), its stream and consumption hash, read in one round trip."""
    check_inbox_id(inbox_id)
    if not (isinstance(limit, int) and 1 <= limit <= MAX_VERDICTS):
        raise ValueError(f"limit must be an integer from 1 to {MAX_VERDICTS}")
    raw_inbox, entries, consumed = yield Batch(
        (
            Call("hgetall", (keys.inbox(inbox_id),)),
            Call("xrange", (keys.events(inbox_id),)),
            Call("hgetall", (keys.consumed(inbox_id),)),
        )
    )
    if not raw_inbox:
        raise missing_inbox(inbox_id)
    return fold_verdicts(
        entries,
        {as_str(k): as_str(v) for k, v in consumed.items()},
        parse_inbox(inbox_id, raw_inbox).allowed_senders,
        limit=limit,
        since_ms=since_ms,
        viewer=viewer,
    )
