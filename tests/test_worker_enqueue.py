"""enqueue_extraction on a real Redis, alone and inside the bridge's MULTI pipeline."""

from __future__ import annotations

import redis
from rq import Queue
from rq.job import Job, JobStatus

from worker.enqueue import JOB_DESCRIPTION, JOB_FUNCTION, enqueue_extraction
from worker.keys import job_id
from worker.settings import FAILURE_TTL_S, JOB_TIMEOUT_S, QUEUE_NAME

INBOX = "k3x9q2m8v7b4n1c5z6"
MK = "abcdef0123-7-42"


def test_enqueue_sets_ids_only_and_production_options(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    enqueue_extraction(queue, INBOX, MK)

    assert queue.job_ids == [job_id(INBOX, MK)]
    job = Job.fetch(job_id(INBOX, MK), connection=redis_client)
    assert job.func_name == JOB_FUNCTION
    assert job.args == (INBOX, MK)
    assert job.kwargs == {}
    assert job.description == JOB_DESCRIPTION
    assert job.timeout == JOB_TIMEOUT_S
    assert job.failure_ttl == FAILURE_TTL_S <= 86400
    assert job.result_ttl is not None
    assert 0 < job.result_ttl <= 300
    assert job.retries_left == 3
    assert job.get_status() == JobStatus.QUEUED


def test_enqueue_inside_multi_is_atomic_with_the_callers_writes(
    redis_client: redis.Redis,
) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    with redis_client.pipeline(transaction=True) as pipe:
        pipe.set("otpb:msg:{x}:m", b"raw")  # the bridge's own writes come first
        enqueue_extraction(queue, INBOX, MK, pipeline=pipe)
        pipe.xadd("otpb:events:{x}", {"type": "received"})
        assert queue.job_ids == []  # nothing written before EXEC
        pipe.execute()
    assert queue.job_ids == [job_id(INBOX, MK)]
    assert redis_client.get("otpb:msg:{x}:m") == b"raw"


def test_enqueue_inside_explicit_multi(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    with redis_client.pipeline() as pipe:
        pipe.multi()
        pipe.set("k", "v")
        enqueue_extraction(queue, INBOX, MK, pipeline=pipe)
        pipe.execute()
    assert queue.job_ids == [job_id(INBOX, MK)]


def test_discarded_pipeline_enqueues_nothing(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    with redis_client.pipeline() as pipe:
        enqueue_extraction(queue, INBOX, MK, pipeline=pipe)
        pipe.reset()
    assert queue.job_ids == []
    assert not redis_client.exists(Job.key_for(job_id(INBOX, MK)))
