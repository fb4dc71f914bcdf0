"""The RQ job: raw mail in Redis → extractor → one ``extracted`` event (or ``failed`` at the end).

Arguments are ids only. The job reads the mail the bridge stored, extracts, and publishes once
(see :mod:`worker.publish`). When the last retry fails, RQ's failure callback publishes a
``failed`` event with a short reason, so a waiting agent gets an error instead of a silent
timeout. Nothing the mail contains is logged or returned into RQ's registries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, cast

import redis
import structlog
from rq import get_current_job
from rq.job import Job

from extract import extract_message
from worker.errors import ExtractionError, WorkerError
from worker.events import EVENT_EXTRACTED, EVENT_FAILED, EVENT_RECEIVED, decode_fields
from worker.keys import INBOX_ID_RE, Keys
from worker.metrics import EXTRACTION_SECONDS, MAIL_TO_EVENT_SECONDS, MESSAGES_FAILED
from worker.publish import Publisher

__all__ = [
    "LATENCY_SAMPLES",
    "configure_jobs",
    "extract_job",
    "on_extract_failure",
    "process_message",
]

#: How many recent mail-to-event latencies ``Keys.latency`` keeps for ``otpbridge status``.
LATENCY_SAMPLES: Final = 1000
#: Newest stream entries read with the job's first round trip to find its ``received`` event.
_RECENT_EVENTS: Final = 16
_RECEIVED: Final = (EVENT_RECEIVED, EVENT_RECEIVED.encode())

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class _Context:
    keys: Keys


_context = _Context(keys=Keys())


def configure_jobs(keys: Keys) -> None:
    """Set the key layout jobs of this process use; the worker entry point calls it once."""
    global _context  # noqa: PLW0603 - one per worker process, set before the first job
    _context = _Context(keys=keys)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _received_in(entries: object, message_key: str) -> dict[str, str] | None:
    for _id, raw_fields in cast("list[tuple[object, dict[Any, Any]]]", entries or ()):
        # Only the type is looked at until an entry matches: ``extracted`` entries carry the
        # whole extractor JSON, not worth decoding.
        if raw_fields.get(b"type", raw_fields.get("type")) in _RECEIVED:
            fields = decode_fields(raw_fields)
            if fields.get("message_key") == message_key:
                return fields
    return None


def _read(
    client: redis.Redis, keys: Keys, inbox_id: str, message_key: str
) -> tuple[bool, bytes | None, dict[str, str] | None]:
    """(already published, the stored mail, its ``received`` event) in one round trip.

    The ``received`` event was written with the job, so it is among the stream's newest entries
    unless many mails for this inbox came after it: then the whole stream is read.
    """
    events = keys.events(inbox_id)
    with client.pipeline(transaction=False) as pipe:
        pipe.sismember(keys.published(inbox_id), message_key)
        pipe.get(keys.message(inbox_id, message_key))
        pipe.xrevrange(events, count=_RECENT_EVENTS)
        published, raw, recent = pipe.execute()
    received = _received_in(recent, message_key)
    if received is None and len(recent or ()) >= _RECENT_EVENTS:
        received = _received_in(client.xrange(events), message_key)
    if raw is not None and not isinstance(raw, bytes):
        raw = str(raw).encode()
    return bool(published), raw, received


def _int_field(fields: dict[str, str] | None, name: str) -> int | None:
    if fields is None:
        return None
    try:
        return int(fields.get(name, ""))
    except ValueError:
        return None


def process_message(client: redis.Redis, keys: Keys, inbox_id: str, message_key: str) -> str:
    """Extract one stored message and publish its event once; returns what happened.

    ``gone``: the mail or inbox no longer exists (deleted/expired), nothing to do.
    ``duplicate``: an earlier run already published. ``published``: this run did.
    """
    if not INBOX_ID_RE.match(inbox_id):
        log.warning("job_bad_inbox_id", message_key=message_key)
        return "gone"
    published, raw, received = _read(client, keys, inbox_id, message_key)
    if published:
        return "duplicate"
    if raw is None:
        log.info("job_message_gone", inbox_id=inbox_id, message_key=message_key)
        return "gone"

    started = time.perf_counter()
    try:
        extraction = extract_message(raw)
    except Exception as exc:  # noqa: BLE001 - any extractor bug becomes a retryable job failure
        # Re-raised without its message or chain: RQ stores the traceback text for a day.
        raise ExtractionError(f"extractor raised {type(exc).__name__}") from None
    EXTRACTION_SECONDS.observe(time.perf_counter() - started)

    arrived_ms = _int_field(received, "received_at") or _int_field(received, "routed_at")
    extracted_at = _now_ms()
    expires_at = ""
    if extraction.expires_in_s is not None and extraction.code:
        expires_at = str((arrived_ms or extracted_at) + extraction.expires_in_s * 1000)
    outcome = Publisher(client, keys).publish(
        inbox_id,
        message_key,
        {
            "type": EVENT_EXTRACTED,
            "message_key": message_key,
            "kind": extraction.kind,
            "code": extraction.code or "",
            "link": extraction.link or "",
            "link_kind": extraction.link_kind or "",
            "confidence": f"{extraction.confidence:.3f}",
            "expires_at": expires_at,
            "result": extraction.to_json(),
            "extracted_at": str(extracted_at),
        },
    )
    if outcome.status == "published" and arrived_ms is not None:
        latency_ms = max(0, extracted_at - arrived_ms)
        MAIL_TO_EVENT_SECONDS.observe(latency_ms / 1000)
        with client.pipeline(transaction=False) as pipe:
            pipe.lpush(keys.latency, latency_ms)
            pipe.ltrim(keys.latency, 0, LATENCY_SAMPLES - 1)
            pipe.execute()
    log.info(
        "message_extracted",
        inbox_id=inbox_id,
        message_key=message_key,
        kind=extraction.kind,
        outcome=outcome.status,
    )
    return "gone" if outcome.status == "inbox_gone" else outcome.status


def extract_job(inbox_id: str, message_key: str) -> str:
    """RQ entry point (enqueued by dotted path from :mod:`worker.enqueue`)."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("extract_job runs inside an RQ worker")
    return process_message(job.connection, _context.keys, inbox_id, message_key)


def _failure_reason(exc_type: type[BaseException] | None, exc: BaseException | None) -> str:
    if isinstance(exc, WorkerError):
        return str(exc)
    # Otherwise a type name only: exception messages may quote the mail.
    name = exc_type.__name__ if exc_type is not None else "unknown"
    if name == "JobTimeoutException":
        return "extraction timed out"
    if name == "AbandonedJobError":
        return "worker died during extraction"
    return f"extraction error: {name}"


def on_extract_failure(
    job: Job,
    connection: redis.Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback: after the last retry, publish a ``failed`` event (once)."""
    del traceback
    inbox_id, message_key = (str(a) for a in job.args[:2])
    reason = _failure_reason(exc_type, exc_value)
    if job.should_retry:
        log.warning(
            "job_failed_will_retry", inbox_id=inbox_id, message_key=message_key, reason=reason
        )
        return
    MESSAGES_FAILED.labels(stage="extract").inc()
    outcome = Publisher(connection, _context.keys).publish(
        inbox_id,
        message_key,
        {"type": EVENT_FAILED, "message_key": message_key, "error": reason},
    )
    log.error(
        "job_failed",
        inbox_id=inbox_id,
        message_key=message_key,
        reason=reason,
        outcome=outcome.status,
    )
