"""Webhook delivery settings, read once with the worker's (``OTPBRIDGE_WEBHOOK_*``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.webhook.target import AllowPrivate

__all__ = [
    "DELIVERY_TIMEOUT_S",
    "RETRY_INTERVALS_S",
    "WEBHOOK_QUEUE_NAME",
    "WebhookSettings",
]

#: The delivery jobs' own RQ queue: never the extraction queue, whose depth KEDA scales on
#: (a slow receiver must not look like a mail backlog, nor delay codes behind it).
WEBHOOK_QUEUE_NAME: Final = "otpbridge-webhooks"
#: Per phase of one POST (connect, send, read); a receiver answers a webhook at once.
DELIVERY_TIMEOUT_S: Final = 10.0
#: Pauses before the retries: 5 retries over ~43 minutes (an inbox lives about an hour).
RETRY_INTERVALS_S: Final = (10, 30, 120, 600, 1800)


def _intervals(raw: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise WorkerConfigError(
            f"OTPBRIDGE_WEBHOOK_RETRY_INTERVALS={raw!r}: use seconds like 10,30,120"
        ) from None
    if len(values) > 20 or any(not 0 <= v <= 24 * 3600 for v in values):
        raise WorkerConfigError(
            "OTPBRIDGE_WEBHOOK_RETRY_INTERVALS: at most 20 pauses of 0..86400 seconds each"
        )
    return values


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Where delivery jobs queue, which private targets the operator allows, how long a POST
    may take and the pauses before retries (none: one attempt)."""

    queue_name: str = WEBHOOK_QUEUE_NAME
    allow_private: AllowPrivate = field(default_factory=AllowPrivate)
    timeout_s: float = DELIVERY_TIMEOUT_S
    retry_intervals_s: tuple[int, ...] = RETRY_INTERVALS_S

    @property
    def job_timeout_s(self) -> int:
        """RQ's limit on one attempt: name resolution plus the POST's three phases."""
        return int(3 * self.timeout_s) + 20

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookSettings:
        """``OTPBRIDGE_WEBHOOK_QUEUE``, ``OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE`` (``1``: any target;
        a comma list of CIDRs: those networks), ``OTPBRIDGE_WEBHOOK_TIMEOUT`` (seconds) and
        ``OTPBRIDGE_WEBHOOK_RETRY_INTERVALS`` (seconds, comma-separated)."""
        try:
            allow = AllowPrivate.parse(env.get("OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE", ""))
        except ValueError as exc:
            raise WorkerConfigError(f"OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE: {exc}") from None
        raw_timeout = env.get("OTPBRIDGE_WEBHOOK_TIMEOUT", "").strip()
        try:
            timeout = float(raw_timeout) if raw_timeout else DELIVERY_TIMEOUT_S
        except ValueError:
            timeout = math.nan
        if not (math.isfinite(timeout) and 0.1 <= timeout <= 120):
            raise WorkerConfigError(
                f"OTPBRIDGE_WEBHOOK_TIMEOUT={raw_timeout!r}: seconds between 0.1 and 120"
            )
        raw_retries = env.get("OTPBRIDGE_WEBHOOK_RETRY_INTERVALS")
        return cls(
            queue_name=env.get("OTPBRIDGE_WEBHOOK_QUEUE", "").strip() or WEBHOOK_QUEUE_NAME,
            allow_private=allow,
            timeout_s=timeout,
            retry_intervals_s=RETRY_INTERVALS_S if raw_retries is None else _intervals(raw_retries),
        )
