"""Enqueue one extraction job: the bridge's side of the worker contract.

The bridge calls :func:`enqueue_extraction` inside the MULTI that stores the mail and XADDs the
``received`` event, so the job exists exactly when the mail does. The job function is named by
its dotted path: the bridge never imports job code (or the extractor).
"""

from __future__ import annotations

from typing import Final

from redis.client import Pipeline
from rq import Callback, Queue, Retry

from worker.keys import job_id
from worker.settings import FAILURE_TTL_S, JOB_TIMEOUT_S, RESULT_TTL_S, RETRY_INTERVALS_S

__all__ = ["FAILURE_CALLBACK", "JOB_DESCRIPTION", "JOB_FUNCTION", "enqueue_extraction"]

JOB_FUNCTION: Final = "worker.jobs.extract_job"
#: Runs after every failed attempt; publishes the ``failed`` event after the last one.
FAILURE_CALLBACK: Final = "worker.jobs.on_extract_failure"
#: RQ's default description repeats the call with its arguments; ours names only the kind.
JOB_DESCRIPTION: Final = "otpbridge extraction"


def enqueue_extraction(
    queue: Queue,
    inbox_id: str,
    message_key: str,
    *,
    pipeline: Pipeline | None = None,
) -> None:
    """Queue ``extract_job(inbox_id, message_key)`` under its deterministic job id.

    With ``pipeline`` the job's writes are only queued on it (the caller's EXEC makes them
    real); it may already be in MULTI or not. Enqueuing the same message twice overwrites the
    same job hash; the job publishes once however often it runs.
    """
    data = Queue.prepare_data(
        JOB_FUNCTION,
        args=(inbox_id, message_key),
        timeout=JOB_TIMEOUT_S,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        description=JOB_DESCRIPTION,
        job_id=job_id(inbox_id, message_key),
        retry=Retry(max=len(RETRY_INTERVALS_S), interval=list(RETRY_INTERVALS_S)),
        on_failure=Callback(FAILURE_CALLBACK),
    )
    # enqueue_many, unlike enqueue_call, never calls pipeline.multi(): that would raise when the
    # bridge has already queued its own commands on a transactional pipeline.
    queue.enqueue_many([data], pipeline=pipeline)
