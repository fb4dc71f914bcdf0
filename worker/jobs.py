"""The RQ jobs: raw mail in Redis → extractor → one ``extracted`` event (or ``failed`` at the end).

Arguments are ids only: one message (``extract_job``) or several that arrived together
(``extract_batch_job``, see :mod:`worker.enqueue`). A job reads the mail the bridge stored,
extracts, and publishes once (see :mod:`worker.publish`). When the last retry of a one-message
job fails, RQ's failure callback publishes a ``failed`` event with a short reason, so a waiting
agent gets an error instead of a silent timeout; a batch hands its mail that failed to
one-message jobs. Nothing the mail contains is logged or returned into RQ's registries.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Final

import redis
import structlog
from rq import Queue, get_current_job
from rq.job import Job
from rq.timeouts import JobTimeoutException

from otpbridge.extract import Extraction, extract_document, parse_document
from otpbridge.extract.parse.mime import MimeError
from otpbridge.worker.enqueue import Item, enqueue_single_jobs
from otpbridge.worker.errors import ExtractionError, WorkerError
from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_FAILED, EVENT_SCHEMA
from otpbridge.worker.keys import INBOX_ID_RE, Keys
from otpbridge.worker.mailbody import Rendered, render
from otpbridge.worker.metrics import EXTRACTION_SECONDS, MAIL_TO_EVENT_SECONDS, MESSAGES_FAILED
from otpbridge.worker.ocr import second_look
from otpbridge.worker.publish import Publisher
from otpbridge.worker.webhook.queue import enqueue_deliveries, enqueue_if_hooked

__all__ = [
    "LATENCY_SAMPLES",
    "configure_jobs",
    "extract_batch_job",
    "extract_job",
    "on_batch_failure",
    "on_extract_failure",
    "process_message",
    "process_messages",
]

#: How many recent mail-to-event latencies ``Keys.latency`` keeps for ``otpbridge status``.
LATENCY_SAMPLES: Final = 1000

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class _Context:
    keys: Keys
    #: Read a code shown as an image when the text has none (``OTPBRIDGE_OCR``).
    ocr: bool = True


_context = _Context(keys=Keys())


def configure_jobs(keys: Keys, *, ocr: bool = True) -> None:
    """Set the key layout jobs of this process use, and whether they may OCR an image; the
    worker entry point calls it once."""
    global _context  # noqa: PLW0603 - one per worker process, set before the first job
    _context = _Context(keys=keys, ocr=ocr)


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class _Stored:
    """What a job reads about one message before extracting it."""

    published: bool
    raw: bytes | None
    routed_at_ms: int | None
    #: The inbox has a ``webhook_url``: its published events get a delivery job.
    hooked: bool = False


def _read(client: redis.Redis, keys: Keys, items: Sequence[Item]) -> list[_Stored]:
    """Per message: already published?, the stored mail, when the bridge routed it (the
    listing index's score), whether the inbox has a webhook; one round trip for all."""
    with client.pipeline(transaction=False) as pipe:
        for inbox_id, message_key, *_ in items:
            pipe.sismember(keys.published(inbox_id), message_key)
            pipe.get(keys.message(inbox_id, message_key))
            pipe.zscore(keys.messages(inbox_id), message_key)
            pipe.hexists(keys.inbox(inbox_id), "webhook_url")
        replies = pipe.execute()
    out: list[_Stored] = []
    for n in range(len(items)):
        published, raw, routed_at, hooked = replies[4 * n : 4 * n + 4]
        if raw is not None and not isinstance(raw, bytes):
            raw = str(raw).encode()
        routed = int(routed_at) if routed_at else None
        out.append(_Stored(bool(published), raw, routed, bool(hooked)))
    return out


def _extract(raw: bytes) -> Extraction:
    """The extractor's verdict; an unreadable mail is a verdict (kind none with ``error``).

    Called without ``extract_message``'s catch-all: RQ's job timeout is raised inside the
    extractor and must reach RQ (retry, then a ``failed`` event), not become a ``none``.
    """
    started = time.perf_counter()
    try:
        document = parse_document(raw)
        extraction = extract_document(document)
        if _context.ocr:  # a code shown as an image (worker.ocr; never raises but the timeout)
            extraction = second_look(raw, document, extraction)
    except MimeError as exc:
        extraction = Extraction(error=f"unreadable mail: {exc}")
    except JobTimeoutException:
        raise
    except Exception as exc:  # noqa: BLE001 - any extractor bug becomes a retryable job failure
        # Re-raised without its message or chain: RQ stores the traceback text for a day.
        raise ExtractionError(f"extractor raised {type(exc).__name__}") from None
    EXTRACTION_SECONDS.observe(time.perf_counter() - started)
    return extraction


def _event(message_key: str, extraction: Extraction, arrived_ms: int | None) -> dict[str, str]:
    extracted_at = _now_ms()
    expires_at = ""
    if extraction.expires_in_s is not None and extraction.code:
        expires_at = str((arrived_ms or extracted_at) + extraction.expires_in_s * 1000)
    return {
        "type": EVENT_EXTRACTED,
        "v": EVENT_SCHEMA,
        "message_key": message_key,
        "kind": extraction.kind,
        "code": extraction.code or "",
        "code_display": extraction.code_display or "",
        "link": extraction.link or "",
        "link_kind": extraction.link_kind or "",
        "confidence": f"{extraction.confidence:.3f}",
        "expires_at": expires_at,
        "result": extraction.to_json(),
        "extracted_at": str(extracted_at),
    }


def process_messages(
    client: redis.Redis, keys: Keys, items: Sequence[Item]
) -> list[str | ExtractionError]:
    """Extract stored messages and publish each one's event once; per message, what happened.

    ``gone``: the mail or inbox no longer exists (deleted/expired), nothing to do.
    ``duplicate``: an earlier run already published. ``published``: this run did. An
    :class:`ExtractionError` when the extractor raised on that mail (nothing published for it):
    the caller retries it. Reads, publishes and latency samples take one round trip each for
    the whole list. Published (and duplicate: an earlier run may have died right after
    publishing) events of inboxes with a webhook get one delivery job each (see
    :mod:`worker.webhook.queue`).
    """
    results: list[str | ExtractionError] = ["gone"] * len(items)
    hooked: list[int] = []
    pending: list[tuple[int, str, str, dict[str, str], int | None, Rendered]] = []
    valid: list[tuple[int, Item]] = []
    for n, item in enumerate(items):
        if INBOX_ID_RE.match(item[0]):
            valid.append((n, item))
        else:
            log.warning("job_bad_inbox_id", message_key=item[1])
    stored = _read(client, keys, [item for _, item in valid])
    for (n, (inbox_id, message_key, received_at_ms, seen_at_ms)), found in zip(
        valid, stored, strict=True
    ):
        if found.published:
            results[n] = "duplicate"
            if found.hooked:
                hooked.append(n)
            continue
        if found.raw is None:
            log.info("job_message_gone", inbox_id=inbox_id, message_key=message_key)
            continue
        try:
            extraction = _extract(found.raw)
        except ExtractionError as exc:
            results[n] = exc
            continue
        # The code's lifetime started when the service sent it: the earlier of the server's
        # arrival time (whole seconds, maybe long ago for a backfill) and the bridge's own.
        known = [t for t in (received_at_ms, seen_at_ms) if t > 0]
        arrived_ms = min(known) if known else found.routed_at_ms
        fields = _event(message_key, extraction, arrived_ms)
        # Latency on the bridge's clock only: from when it saw the mail (routed_at for jobs of
        # an older bridge), never from INTERNALDATE (whole seconds, the mail server's clock).
        seen_ms = seen_at_ms or found.routed_at_ms
        pending.append((n, inbox_id, message_key, fields, seen_ms, render(found.raw)))
        if found.hooked:
            hooked.append(n)
        log.info(
            "message_extracted", inbox_id=inbox_id, message_key=message_key, kind=extraction.kind
        )

    outcomes = Publisher(client, keys).publish_many(
        [(inbox_id, mk, fields, rendered) for _, inbox_id, mk, fields, _, rendered in pending]
    )
    latencies: list[int] = []
    for (n, _, _, fields, seen_ms, _), outcome in zip(pending, outcomes, strict=True):
        results[n] = "gone" if outcome.status == "inbox_gone" else outcome.status
        if outcome.status == "published" and seen_ms is not None:
            latency_ms = max(0, int(fields["extracted_at"]) - seen_ms)
            MAIL_TO_EVENT_SECONDS.observe(latency_ms / 1000)
            latencies.append(latency_ms)
    if latencies:
        with client.pipeline(transaction=False) as pipe:
            pipe.lpush(keys.latency, *latencies)
            pipe.ltrim(keys.latency, 0, LATENCY_SAMPLES - 1)
            pipe.execute()
    # Only messages whose event exists (an extractor failure or a gone inbox: nothing to send).
    hooks = [items[n][:2] for n in hooked if results[n] in ("published", "duplicate")]
    if hooks:
        enqueue_deliveries(client, hooks)
    return results


def process_message(
    client: redis.Redis,
    keys: Keys,
    inbox_id: str,
    message_key: str,
    received_at_ms: int = 0,
    seen_at_ms: int = 0,
) -> str:
    """:func:`process_messages` for one message; an extractor failure raises."""
    (result,) = process_messages(
        client, keys, [(inbox_id, message_key, received_at_ms, seen_at_ms)]
    )
    if isinstance(result, ExtractionError):
        raise result
    return result


def _current_job() -> Job:
    job = get_current_job()
    if job is None:
        raise RuntimeError("extraction jobs run inside an RQ worker")
    return job


def _ms_arg(args: Sequence[object], n: int) -> int:
    try:
        return int(str(args[n])) if len(args) > n else 0
    except ValueError:
        return 0  # unknown: the job falls back to when the bridge routed the mail


def _item(args: Sequence[object]) -> Item:
    """A job's ``[inbox_id, message_key, received_at_ms, seen_at_ms]``; jobs queued by older
    bridges have two or three elements."""
    return str(args[0]), str(args[1]), _ms_arg(args, 2), _ms_arg(args, 3)


def extract_job(
    inbox_id: str, message_key: str, received_at_ms: int = 0, seen_at_ms: int = 0
) -> str:
    """RQ entry point for one message (enqueued by dotted path from :mod:`worker.enqueue`)."""
    return process_message(
        _current_job().connection,
        _context.keys,
        inbox_id,
        message_key,
        received_at_ms,
        seen_at_ms,
    )


def _requeue_singly(job: Job, connection: redis.Redis, items: Sequence[Item]) -> None:
    queue = Queue(job.origin, connection=connection)
    with connection.pipeline(transaction=True) as pipe:
        enqueue_single_jobs(queue, items, pipeline=pipe)
        pipe.execute()


def extract_batch_job(items: Sequence[Sequence[object]]) -> str:
    """RQ entry point for several messages. A mail the extractor fails on gets a job of its
    own (with retries and, at the end, a ``failed`` event); the others are published now."""
    batch = [_item(item) for item in items]
    job = _current_job()
    results = process_messages(job.connection, _context.keys, batch)
    failed = [i for i, r in zip(batch, results, strict=True) if isinstance(r, ExtractionError)]
    if failed:
        log.warning("batch_mail_requeued", count=len(failed), of=len(batch))
        _requeue_singly(job, job.connection, failed)
    return f"{len(batch) - len(failed)} of {len(batch)} done"


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


def on_batch_failure(
    job: Job,
    connection: redis.Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback of a batch (timed out, worker died, Redis error): every mail of it
    gets a job of its own; those already published finish as duplicates."""
    del traceback
    batch = [_item(item) for item in job.args[0]]
    log.warning(
        "batch_failed_requeued", count=len(batch), reason=_failure_reason(exc_type, exc_value)
    )
    _requeue_singly(job, connection, batch)


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
    if outcome.status != "inbox_gone":
        enqueue_if_hooked(connection, inbox_id, message_key)
