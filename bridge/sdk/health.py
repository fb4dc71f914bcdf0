"""Is the pipeline alive for the inboxes a client waits on? Checked once per client, not per wait.

A wait must not hang silently: it raises when its inbox is gone or no bridge is alive. With a
thousand waits, each checking on its own every few seconds costs thousands of round trips a
second and delays the codes. So the client's shared reader checks every subscribed inbox and
the bridge heartbeat in one pipeline every ``BLOCK_S`` seconds (:func:`check_inboxes`), and each
wait reads the last :class:`HealthReport` without I/O.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from otpbridge.bridge.errors import PipelineError, WatcherDownError
from otpbridge.bridge.sdk.protocol import Batch, Call, Op
from otpbridge.bridge.sdk.records import check_watchers, missing_inbox, watch_key_parts
from otpbridge.bridge.sdk.wire import as_str, now_ms
from otpbridge.worker.keys import Keys

__all__ = ["HealthReport", "check_inbox", "check_inboxes"]


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The reader's last look: ``missing`` inboxes, why no bridge is alive (``watcher_down``),
    why Redis could not be asked (``redis_error``, cleared by the next good look)."""

    missing: frozenset[str] = field(default_factory=frozenset)
    watcher_down: str | None = None
    redis_error: str | None = None

    @property
    def bad(self) -> bool:
        return bool(self.missing) or self.watcher_down is not None or self.redis_error is not None

    def raise_for(self, inbox_id: str) -> None:
        if inbox_id in self.missing:
            raise missing_inbox(inbox_id)
        if self.watcher_down is not None:
            raise WatcherDownError(self.watcher_down)

    def raise_if_unreachable(self) -> None:
        """At a wait's deadline: a timeout while Redis was unreachable is not "no mail"."""
        if self.redis_error is not None:
            raise PipelineError(f"Redis unreachable while waiting: {self.redis_error}")


def check_inboxes(
    keys: Keys, inbox_ids: Collection[str], require_watcher: bool, max_age: float
) -> Op[HealthReport]:
    """One look at all ``inbox_ids`` and, if required, the bridge heartbeats."""
    ids = sorted(inbox_ids)
    replies = yield Batch(
        (
            *(Call("exists", (keys.inbox(i),)) for i in ids),
            Call("smembers", (keys.mailboxes,)),
        )
    )
    *exists, watches = replies
    missing = frozenset(i for i, there in zip(ids, exists, strict=True) if not there)
    if not require_watcher:
        return HealthReport(missing)
    names = sorted(as_str(w) for w in watches)
    beats = (
        (
            yield Batch(
                tuple(Call("hget", (keys.heartbeat(*watch_key_parts(n)), "ts_ms")) for n in names)
            )
        )
        if names
        else []
    )
    try:
        check_watchers(
            {n: int(b) if b else None for n, b in zip(names, beats, strict=True)},
            now_ms(),
            max_age,
        )
    except WatcherDownError as exc:
        return HealthReport(missing, str(exc))
    return HealthReport(missing)


def check_inbox(keys: Keys, inbox_id: str, require_watcher: bool, max_age: float) -> Op[None]:
    """Raise at once when a wait on ``inbox_id`` would be silent (its first check)."""
    report = yield from check_inboxes(keys, (inbox_id,), require_watcher, max_age)
    report.raise_for(inbox_id)
