"""Queue a webhook delivery once per event, however often the job that published it runs.

The extraction job calls :func:`enqueue_deliveries` for each message whose ``extracted`` (or
``failed``) event exists — published by this run, or by an earlier run that may have died
before queuing the delivery. A per-inbox set of message keys (``Keys.webhooks``) guards it:
under ``WATCH``, a message already in the set is skipped; otherwise one ``MULTI`` adds it and
writes the RQ job, so the guard and the job exist together or not at all, and two runs racing
for one message queue one job. Job arguments are ids only: the delivery job reads the URL,
the secret and the event from Redis when it runs (an inbox deleted meanwhile gets nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import redis
import structlog
from redis.exceptions import WatchError
from rq import Callback, Queue, Retry

from otpbridge.worker.keys import Keys
from otpbridge.worker.settings import FAILURE_TTL_S, RESULT_TTL_S
from otpbridge.worker.webhook.settings import WebhookSettings

__all__ = [
    "DELIVERY_DESCRIPTION",
    "DELIVERY_FAILURE_CALLBACK",
    "DELIVERY_FUNCTION",
    "WebhookContext",
    "configure_webhooks",
    "delivery_job_id",
    "enqueue_deliveries",
    "enqueue_if_hooked",
    "webhook_context",
]

DELIVERY_FUNCTION: Final = "otpbridge.worker.webhook.deliver.deliver_job"
#: Runs after every failed attempt; counts and logs the last one.
DELIVERY_FAILURE_CALLBACK: Final = "otpbridge.worker.webhook.deliver.on_delivery_failure"
DELIVERY_DESCRIPTION: Final = "otpbridge webhook"

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class WebhookContext:
    keys: Keys
    settings: WebhookSettings


_context = WebhookContext(Keys(), WebhookSettings())


def configure_webhooks(keys: Keys, settings: WebhookSettings) -> None:
    """Set this process's key layout and webhook settings (the worker entry point, once)."""
    global _context  # noqa: PLW0603 - one per worker process, set before the first job
    _context = WebhookContext(keys, settings)


def webhook_context() -> WebhookContext:
    return _context


def delivery_job_id(inbox_id: str, message_key: str) -> str:
    return f"otpb-wh-{inbox_id}-{message_key}"


def _enqueue_one(client: redis.Redis, queue: Queue, inbox_id: str, message_key: str) -> bool:
    keys, settings = _context.keys, _context.settings
    guard, inbox = keys.webhooks(inbox_id), keys.inbox(inbox_id)
    retry = (
        Retry(max=len(settings.retry_intervals_s), interval=list(settings.retry_intervals_s))
        if settings.retry_intervals_s
        else None
    )
    data = Queue.prepare_data(
        DELIVERY_FUNCTION,
        args=(inbox_id, message_key),
        timeout=settings.job_timeout_s,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        description=DELIVERY_DESCRIPTION,
        job_id=delivery_job_id(inbox_id, message_key),
        retry=retry,
        on_failure=Callback(DELIVERY_FAILURE_CALLBACK),
    )
    with client.pipeline(transaction=True) as pipe:
        for _ in range(10):
            try:
                pipe.watch(guard, inbox)  # type: ignore[no-untyped-call]
                ttl_ms = int(pipe.pttl(inbox))
                if ttl_ms == -2 or pipe.sismember(guard, message_key):
                    pipe.reset()
                    return False  # the inbox is gone, or the delivery is queued already
                pipe.multi()
                pipe.sadd(guard, message_key)
                if ttl_ms > 0:
                    pipe.pexpire(guard, ttl_ms)
                queue.enqueue_many([data], pipeline=pipe)
                pipe.execute()
                return True
            except WatchError:
                continue
    raise redis.RedisError("webhook enqueue kept conflicting")  # the extraction job retries


def enqueue_deliveries(client: redis.Redis, items: Sequence[tuple[str, str]]) -> int:
    """Queue one delivery per ``(inbox_id, message_key)`` not queued before; returns how many
    were new. Callers pass only messages of inboxes that have a ``webhook_url``."""
    queue = Queue(_context.settings.queue_name, connection=client)
    queued = sum(_enqueue_one(client, queue, inbox_id, mk) for inbox_id, mk in items)
    if queued:
        log.info("webhook_queued", count=queued)
    return queued


def enqueue_if_hooked(client: redis.Redis, inbox_id: str, message_key: str) -> bool:
    """:func:`enqueue_deliveries` for one message, after checking the inbox has a webhook."""
    if not client.hget(_context.keys.inbox(inbox_id), "webhook_url"):
        return False
    return enqueue_deliveries(client, [(inbox_id, message_key)]) > 0
