"""enqueue_extractions on a real Redis, alone and inside the bridge's MULTI pipeline."""

from __future__ import annotations

import redis
from rq import Queue
from rq.job import Job, JobStatus

from otpbridge.worker.enqueue import (
    BATCH_JOB_FUNCTION,
    JOB_BATCH_MAX,
    JOB_DESCRIPTION,
    JOB_FUNCTION,
    JOB_SPLIT_MIN,
    JOB_SPREAD,
    enqueue_extractions,
    plan_jobs,
)
from otpbridge.worker.keys import batch_job_id, job_id
from otpbridge.worker.settings import FAILURE_TTL_S, JOB_TIMEOUT_S, QUEUE_NAME

INBOX = "k3x9q2m8v7b4n1c5z6"
MK = "abcdef0123-7-42"


def test_enqueue_sets_ids_only_and_production_options(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    enqueue_extractions(queue, [(INBOX, MK, 0, 0)])

    assert queue.job_ids == [job_id(INBOX, MK)]
    job = Job.fetch(job_id(INBOX, MK), connection=redis_client)
    assert job.func_name == JOB_FUNCTION
    assert job.args == (INBOX, MK, 0, 0)
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
        enqueue_extractions(queue, [(INBOX, MK, 0, 0)], pipeline=pipe)
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
        enqueue_extractions(queue, [(INBOX, MK, 0, 0)], pipeline=pipe)
        pipe.execute()
    assert queue.job_ids == [job_id(INBOX, MK)]


def test_discarded_pipeline_enqueues_nothing(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    with redis_client.pipeline() as pipe:
        enqueue_extractions(queue, [(INBOX, MK, 0, 0)], pipeline=pipe)
        pipe.reset()
    assert queue.job_ids == []
    assert not redis_client.exists(Job.key_for(job_id(INBOX, MK)))


def test_mail_that_arrives_together_is_split_into_a_few_balanced_jobs() -> None:
    items = [(INBOX, f"abcdef0123-7-{n}", 1_700_000_000_000 + n, 0) for n in range(40)]
    assert plan_jobs([]) == []
    assert [len(c) for c in plan_jobs(items[:1])] == [1]
    # A few mails: one job (a job costs more than extracting a mail); more: shared by workers.
    assert [len(c) for c in plan_jobs(items[: 2 * JOB_SPLIT_MIN - 1])] == [7]
    assert [len(c) for c in plan_jobs(items[: 2 * JOB_SPLIT_MIN])] == [4] * JOB_SPREAD
    chunks = plan_jobs(items)
    assert [len(c) for c in chunks] == [14, 13, 13]
    assert max(len(c) for c in chunks) <= JOB_BATCH_MAX
    assert [item for chunk in chunks for item in chunk] == items  # arrival order kept


def test_batch_jobs_carry_ids_only_and_no_retries_of_their_own(redis_client: redis.Redis) -> None:
    queue = Queue(QUEUE_NAME, connection=redis_client)
    items = [(INBOX, f"abcdef0123-7-{n}", 1_700_000_000_000, 0) for n in range(9)]
    with redis_client.pipeline(transaction=True) as pipe:
        assert enqueue_extractions(queue, items, pipeline=pipe) == 2
        assert queue.count == 0
        pipe.execute()
    first, second = (Job.fetch(jid, connection=redis_client) for jid in queue.job_ids)
    assert first.func_name == BATCH_JOB_FUNCTION
    assert first.args == ([list(i) for i in items[:5]],)
    assert second.args == ([list(i) for i in items[5:]],)
    assert first.id == batch_job_id([(i, mk) for i, mk, *_ in items[:5]])
    assert first.description == JOB_DESCRIPTION
    assert first.timeout == JOB_TIMEOUT_S
    assert first.retries_left is None  # a failed batch becomes one job per mail instead
    # The same batch again (a redelivered catch-up) is the same job hash; it may run twice and
    # publishes once (tests/test_worker_jobs.py).
    enqueue_extractions(queue, items)
    assert set(queue.job_ids) == {first.id, second.id}
