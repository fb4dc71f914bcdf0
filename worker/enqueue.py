"""Enqueue extraction jobs: the bridge's side of the worker contract.

The bridge calls :func:`enqueue_extractions` inside the MULTI that stores the mail and XADDs the
``received`` events, so the jobs exist exactly when the mail does. Job functions are named by
their dotted path: the bridge never imports job code (or the extractor).

Mail that arrives together (one catch-up) is queued as a few jobs of several messages each:
RQ's own bookkeeping costs about twice what extracting a typical mail does, so one job per mail
would halve the throughput of a worker. A lone mail still gets a job of its own; a larger batch
is spread over up to ``JOB_SPREAD`` jobs (so idle workers share it) as long as each gets at
least ``JOB_SPLIT_MIN`` mails (extracting a few more in a row costs ~1 ms each; a job costs
about as much as two extractions).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from redis.client import Pipeline
from rq import Callback, Queue, Retry

from otpbridge.worker.keys import batch_job_id, job_id
from otpbridge.worker.settings import FAILURE_TTL_S, JOB_TIMEOUT_S, RESULT_TTL_S, RETRY_INTERVALS_S

__all__ = [
    "BATCH_FAILURE_CALLBACK",
    "BATCH_JOB_FUNCTION",
    "FAILURE_CALLBACK",
    "JOB_BATCH_MAX",
    "JOB_DESCRIPTION",
    "JOB_FUNCTION",
    "JOB_SPLIT_MIN",
    "JOB_SPREAD",
    "enqueue_extractions",
    "enqueue_single_jobs",
    "plan_jobs",
]

JOB_FUNCTION: Final = "otpbridge.worker.jobs.extract_job"
#: Runs after every failed attempt; publishes the ``failed`` event after the last one.
FAILURE_CALLBACK: Final = "otpbridge.worker.jobs.on_extract_failure"
BATCH_JOB_FUNCTION: Final = "otpbridge.worker.jobs.extract_batch_job"
#: A failed batch is not retried as a whole: it becomes one single-message job per mail, each
#: with its own retries and ``failed`` event, so one bad mail never holds up the others.
BATCH_FAILURE_CALLBACK: Final = "otpbridge.worker.jobs.on_batch_failure"
#: RQ's default description repeats the call with its arguments; ours names only the kind.
JOB_DESCRIPTION: Final = "otpbridge extraction"
#: Messages per job at most: bounds the extra wait of the last mail of a job (~1 ms each).
JOB_BATCH_MAX: Final = 16
#: Mail that arrives together is split over this many jobs (two workers per pod)...
JOB_SPREAD: Final = 2
#: ...when each of them gets at least this many mails.
JOB_SPLIT_MIN: Final = 4

#: ``(inbox_id, message_key, received_at_ms, seen_at_ms)``: ids, plus when the server received
#: the mail (IMAP INTERNALDATE, whole seconds) and when the bridge saw it (its own clock; 0:
#: unknown). The job dates the code's expiry from the earlier of the two and measures
#: mail-to-event latency from ``seen_at_ms``, without reading the event stream.
Item = tuple[str, str, int, int]


def plan_jobs(items: Sequence[Item]) -> list[list[Item]]:
    """Split ``items`` (in arrival order) into the messages of each job, sizes balanced."""
    n = len(items)
    if n == 0:
        return []
    count = max(1, math.ceil(n / JOB_BATCH_MAX), min(JOB_SPREAD, n // JOB_SPLIT_MIN))
    size, extra = divmod(n, count)
    chunks: list[list[Item]] = []
    start = 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        chunks.append(list(items[start:end]))
        start = end
    return chunks


def _single(inbox_id: str, message_key: str, received_at_ms: int, seen_at_ms: int) -> Any:
    return Queue.prepare_data(
        JOB_FUNCTION,
        args=(inbox_id, message_key, received_at_ms, seen_at_ms),
        timeout=JOB_TIMEOUT_S,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        description=JOB_DESCRIPTION,
        job_id=job_id(inbox_id, message_key),
        retry=Retry(max=len(RETRY_INTERVALS_S), interval=list(RETRY_INTERVALS_S)),
        on_failure=Callback(FAILURE_CALLBACK),
    )


def _batch(items: list[Item]) -> Any:
    return Queue.prepare_data(
        BATCH_JOB_FUNCTION,
        args=([list(item) for item in items],),
        timeout=JOB_TIMEOUT_S,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        description=JOB_DESCRIPTION,
        job_id=batch_job_id([(inbox_id, message_key) for inbox_id, message_key, *_ in items]),
        on_failure=Callback(BATCH_FAILURE_CALLBACK),
    )


def enqueue_extractions(
    queue: Queue, items: Sequence[Item], *, pipeline: Pipeline | None = None
) -> int:
    """Queue the extraction of ``items`` (see ``Item``); returns the number of jobs.

    With ``pipeline`` the jobs' writes are only queued on it (the caller's EXEC makes them
    real); it may already be in MULTI or not. Job ids are deterministic and every message is
    published once however often a job runs.
    """
    jobs = [_single(*chunk[0]) if len(chunk) == 1 else _batch(chunk) for chunk in plan_jobs(items)]
    if jobs:
        # enqueue_many, unlike enqueue_call, never calls pipeline.multi(): that would raise when
        # the bridge has already queued its own commands on a transactional pipeline.
        queue.enqueue_many(jobs, pipeline=pipeline)
    return len(jobs)


def enqueue_single_jobs(
    queue: Queue, items: Sequence[Item], *, pipeline: Pipeline | None = None
) -> None:
    """One one-message job per item, whatever their number (a failed batch's mail)."""
    if items:
        queue.enqueue_many([_single(*item) for item in items], pipeline=pipeline)
