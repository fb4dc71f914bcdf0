"""The wait, written once for both clients: read the backlog, follow the stream through the
client's shared reader, pick, and claim the pick in Redis (see :mod:`bridge.sdk.consume`).

A wait checks that its inbox exists and a bridge is alive, then reads its inbox stream from the
start: the ``received`` events say who sent each mail, and a code that arrived before the wait
began must not be missed. It then subscribes to the client's shared reader at the position it
read up to; the reader repeats the check for all of the client's waits every ``BLOCK_S``
(:mod:`otpbridge.bridge.sdk.health`), so a broken pipeline raises instead of waiting silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import redis

from otpbridge.bridge.sdk.consume import CLAIM_SCRIPT, IDEMPOTENCY_GRACE_S, parse_claim
from otpbridge.bridge.sdk.health import HealthReport, check_inbox
from otpbridge.bridge.sdk.matching import Match, WaitFor
from otpbridge.bridge.sdk.models import Message
from otpbridge.bridge.sdk.ops import get_inbox
from otpbridge.bridge.sdk.protocol import (
    Batch,
    Call,
    Defer,
    Health,
    Op,
    Receive,
    Sleep,
    Step,
    Subscribe,
)
from otpbridge.bridge.sdk.wait_state import WaitState
from otpbridge.bridge.sdk.wire import as_str, check_inbox_id, now_ms
from otpbridge.worker.keys import Keys

__all__ = ["WaitOptions", "wait"]

_T = TypeVar("_T")
#: Entries per backlog read; an agent inbox holds a handful of mails.
_PAGE = 500


@dataclass(frozen=True, slots=True)
class WaitOptions:
    """How one client waits: who it is (shown as ``by`` in what it was handed), its checks."""

    waiter: str
    require_watcher: bool = True
    watcher_max_age: float = 60.0


def _one(step: Step) -> Op[Any]:
    return (yield step)


def _retrying(state: WaitState, make: Callable[[], Op[_T]]) -> Op[_T]:
    """The operation ``make()`` builds, built and run again after a lost connection, until the
    wait's deadline."""
    while True:
        try:
            return (yield from make())
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            yield Sleep(state.retry_pause(exc))


def _backlog(state: WaitState, stream: str) -> Op[None]:
    start = "-"
    while True:
        call = Call("xrange", (stream, start, "+"), {"count": _PAGE})
        entries = yield from _retrying(state, partial(_one, call))
        state.feed(entries)
        if len(entries) < _PAGE:
            return
        start = "(" + as_str(entries[-1][0])


def wait(
    keys: Keys,
    options: WaitOptions,
    inbox_id: str,
    want: WaitFor,
    timeout: float,
    *,
    since_ms: int | None = None,
    after: str | None = None,
    idempotency_key: str | None = None,
    consume: bool = True,
) -> Op[Match | None]:
    """The newest code/link (or the next mail) for this waiter, handed out once; ``None`` when
    nothing came within ``timeout``. ``consume=False`` only looks (a peek)."""
    check_inbox_id(inbox_id)
    inbox = yield from get_inbox(keys, inbox_id)
    stream = keys.events(inbox_id)
    claim_key = keys.claim(inbox_id, idempotency_key or "")
    replay, raw_floors = yield Batch(
        (Call("get", (claim_key,)), Call("hgetall", (keys.consumed(inbox_id),)))
    )
    floors = {
        as_str(k).removeprefix("floor:"): as_str(v)
        for k, v in raw_floors.items()
        if as_str(k).startswith("floor:")
    }
    if idempotency_key and replay:
        found = yield from _replay(keys, inbox, want, as_str(replay))
        if found is not None:
            return found
    state = WaitState(
        want,
        inbox.allowed_senders,
        floors=floors,
        timeout=timeout,
        since_ms=since_ms,
        after_key=after,
    )
    # One member per wait: several waits on one inbox keep the bridge's fast check on until
    # the last one ends (its score, the deadline, also ends a member a crash left behind).
    member = f"{inbox_id}:{options.waiter}:{now_ms()}:{id(state)}"
    if consume:
        yield Call("zadd", (keys.waiting(), {member: state.waiting_until_ms}))
        yield Defer(Call("zrem", (keys.waiting(), member)))
    yield from _retrying(
        state,
        lambda: check_inbox(keys, inbox_id, options.require_watcher, options.watcher_max_age),
    )
    yield from _backlog(state, stream)
    if not consume:
        return state.found
    yield Subscribe(stream, state.last_id, inbox_id)
    while True:
        # The client's reader checks every subscribed inbox and the bridge for all waits.
        health: HealthReport = yield Health()
        health.raise_for(inbox_id)
        if state.settled():
            found = state.found
            if found is None:
                health.raise_if_unreachable()
                return None
            call = Call(
                "eval",
                (
                    CLAIM_SCRIPT,
                    3,
                    keys.consumed(inbox_id),
                    claim_key,
                    keys.inbox(inbox_id),
                    state.found_slot,
                    _message_key(found),
                    state.found_id,
                    options.waiter,
                    now_ms(),
                    IDEMPOTENCY_GRACE_S * 1000,
                    "1" if idempotency_key else "0",
                ),
            )
            claim = parse_claim((yield from _retrying(state, partial(_one, call))))
            if claim.status == "ok":
                return found
            if claim.status == "gone":
                yield from get_inbox(keys, inbox_id)  # raises InboxNotFoundError
                return None
            state.taken(state.found_slot, claim.floor)
            continue
        state.feed((yield Receive(state.wait_s())))


def _replay(keys: Keys, inbox: Any, want: WaitFor, event_id: str) -> Op[Match | None]:
    """What this waiter was handed under its idempotency key: the match at ``event_id``."""
    state = WaitState(want, inbox.allowed_senders, floors={}, timeout=0)
    entries = yield Call("xrange", (keys.events(inbox.id), "-", event_id))
    matched = None
    for entry in entries:
        state.feed([entry])
        if as_str(entry[0]) == event_id:
            matched = state.found if state.found_id == event_id else None
    return matched


def _message_key(match: Match) -> str:
    return match.message_key if isinstance(match, Message) else match.message.message_key

