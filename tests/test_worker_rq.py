"""Our RQ worker classes on a real Redis: the per-job bookkeeping they skip, and what they keep."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from pipeline_helpers import Ingest, code_mail
from rq import Queue
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.suspension import resume, suspend

from otpbridge import Client
from otpbridge.worker.keys import job_id
from otpbridge.worker.rq_worker import ExtractionSimpleWorker
from otpbridge.worker.runner import build_worker
from otpbridge.worker.settings import QUEUE_NAME, RESULT_TTL_S, WorkerSettings

JOBS = 5


class _CountingConnection(redis.Connection):
    """Counts what the worker sends to Redis: one packed send is one round trip."""

    sent = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sent += 1
        super().send_packed_command(command, check_health)  # type: ignore[no-untyped-call]


@pytest.fixture
def sdk(redis_url: str) -> Iterator[Client]:
    client = Client.from_url(redis_url, address="agents+{id}@corp.example")
    yield client
    client.close()


def _deliver(ingest: Ingest, sdk: Client, count: int) -> list[str]:
    inbox = sdk.inboxes.create(ttl=600)
    keys = [ingest.deliver(inbox.id, code_mail(inbox.email, f"{482913 + n}")) for n in range(count)]
    return [job_id(inbox.id, mk) for mk in keys]


def _counting_worker(redis_url: str) -> tuple[ExtractionSimpleWorker, redis.Redis]:
    connection = redis.Redis.from_url(redis_url, connection_class=_CountingConnection)
    worker = build_worker(WorkerSettings(redis_url=redis_url), connection)
    assert isinstance(worker, ExtractionSimpleWorker)
    return worker, connection


def _burst_round_trips(redis_url: str) -> tuple[int, ExtractionSimpleWorker]:
    worker, connection = _counting_worker(redis_url)
    _CountingConnection.sent = 0
    worker.work(burst=True, logging_level="WARNING")
    connection.close()
    return _CountingConnection.sent, worker


def test_finished_job_keeps_only_its_expiring_hash(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    ingest = Ingest(redis_client)
    _deliver(ingest, sdk, 1)
    fixed, _ = _burst_round_trips(redis_url)  # start-up, one job, shutdown
    ids = _deliver(ingest, sdk, JOBS + 1)
    total, worker = _burst_round_trips(redis_url)

    # Stock RQ makes about 20 round trips per job besides the job's own; ours dequeue (2),
    # start (2) and finish (1), the job reads (1), publishes (1) and records its latency (1).
    assert (total - fixed) / JOBS <= 8
    for jid in ids:
        job = Job.fetch(jid, connection=redis_client)
        assert job.get_status() == "finished"
        assert job.ended_at is not None
        assert 0 < redis_client.ttl(job.key) <= RESULT_TTL_S
        assert not redis_client.exists(f"rq:results:{jid}")
    queue = Queue(QUEUE_NAME, connection=redis_client)
    assert StartedJobRegistry(queue=queue).count == 0
    assert queue.finished_job_registry.count == 0
    assert not list(redis_client.scan_iter("rq:execution*"))
    worker_hash = redis_client.hgetall(worker.key)
    assert worker_hash[b"successful_job_count"] == str(JOBS + 1).encode()
    assert worker_hash[b"state"] == b"idle"


def test_heartbeats_are_batched_and_spaced(redis_url: str) -> None:
    worker, connection = _counting_worker(redis_url)
    worker.register_birth()  # type: ignore[no-untyped-call]
    _CountingConnection.sent = 0
    worker.heartbeat()
    worker.heartbeat()  # within HEARTBEAT_EVERY_S of the first: nothing sent
    assert _CountingConnection.sent == 1
    assert connection.hget(worker.key, "last_heartbeat")
    assert connection.ttl(worker.key) > worker.worker_ttl
    connection.close()


def test_suspended_worker_takes_no_job(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    (jid,) = _deliver(Ingest(redis_client), sdk, 1)
    suspend(redis_client)
    try:
        worker, connection = _counting_worker(redis_url)
        worker.work(burst=True, logging_level="WARNING")
        connection.close()
    finally:
        resume(redis_client)
    assert Job.fetch(jid, connection=redis_client).get_status() == "queued"


def test_stop_signal_while_a_job_finishes_leaves_it_finished_and_stops_after_it(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Our success MULTI marks the worker idle before RQ is done with the job: a SIGTERM right
    # then must neither fail that job (RQ would raise StopRequested inside it) nor start another.
    first, second = _deliver(Ingest(redis_client), sdk, 2)
    real = ExtractionSimpleWorker.handle_job_success

    def success_then_sigterm(self: ExtractionSimpleWorker, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        self.request_stop(signal.SIGTERM, None)

    monkeypatch.setattr(ExtractionSimpleWorker, "handle_job_success", success_then_sigterm)
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    worker, connection = _counting_worker(redis_url)
    try:
        worker.work(burst=True, logging_level="WARNING")
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
        connection.close()
    assert Job.fetch(first, connection=redis_client).get_status() == "finished"
    assert Job.fetch(second, connection=redis_client).get_status() == "queued"
    assert worker.stop_signalled
