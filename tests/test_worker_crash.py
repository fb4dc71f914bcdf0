"""Crash safety of ``otpbridge worker``: SIGKILL mid-job loses nothing; SIGTERM finishes the job."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from pipeline_helpers import Ingest, WorkerProcess, code_mail
from rq import Queue

from otpbridge import Client
from otpbridge.bridge.embedded import RedisServer
from otpbridge.worker.events import decode_fields
from otpbridge.worker.keys import Keys
from otpbridge.worker.settings import QUEUE_NAME

ADDRESS = "agents+{id}@corp.example"


def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _types(client: redis.Redis, inbox_id: str) -> list[str]:
    return [decode_fields(f)["type"] for _, f in client.xrange(Keys().events(inbox_id))]


def _expiry_within(client: redis.Redis, key: str, seconds: float) -> bool:
    """One started job whose registry entry expires within ``seconds``."""
    entries = client.zrange(key, 0, -1, withscores=True)
    return len(entries) == 1 and float(entries[0][1]) <= time.time() + seconds


def test_sigkilled_worker_mid_job_code_still_arrives_once(own_redis: RedisServer) -> None:
    r = redis.Redis.from_url(own_redis.url)
    sdk = Client.from_url(own_redis.url, address=ADDRESS)
    started = Queue(QUEUE_NAME, connection=r).started_job_registry
    inbox = sdk.inboxes.create(ttl=300)
    ingest = Ingest(r)
    # The doomed worker sleeps inside its first extraction; its started-job TTL is 2 s so the
    # test need not wait out the production 30 s timeout + grace.
    doomed = WorkerProcess(own_redis.url, slow_first_job_s=30, heartbeat_ttl_s=2)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    # Killed only once its short started-job TTL is in force: before the job's first
    # heartbeat its entry holds the job timeout's expiry, which outlasts the wait below.
    _until(lambda: _expiry_within(r, started.key, 10), 15, "the job to start")
    doomed.proc.kill()
    doomed.proc.wait()
    doomed.stop()
    killed_at = time.monotonic()

    rescuer = WorkerProcess(own_redis.url, env={"OTPBRIDGE_MAINTENANCE_INTERVAL": "1"})
    try:
        otp = sdk.messages.wait_for_otp(inbox.id, timeout=60)
        recovered_s = time.monotonic() - killed_at
        assert otp is not None, rescuer.log()
        assert otp.message.message_key == mk
        assert recovered_s < 20  # production bound: 30 s timeout + 15 s grace + 10 s sweep
        time.sleep(0.5)
        assert _types(r, inbox.id) == ["received", "extracted"]
    finally:
        assert rescuer.stop() == 0, rescuer.log()
        sdk.close()
        r.close()


def test_sigterm_finishes_the_current_job(own_redis: RedisServer) -> None:
    r = redis.Redis.from_url(own_redis.url)
    sdk = Client.from_url(own_redis.url, address=ADDRESS)
    started = Queue(QUEUE_NAME, connection=r).started_job_registry
    inbox = sdk.inboxes.create(ttl=300)
    ingest = Ingest(r)
    proc = WorkerProcess(own_redis.url, slow_first_job_s=1.5)
    try:
        ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
        _until(lambda: started.count == 1, 15, "the job to start")
    finally:
        code = proc.stop()
    assert code == 0, proc.log()
    assert _types(r, inbox.id) == ["received", "extracted"]
    sdk.close()
    r.close()


def test_worker_pool_runs_n_processes_and_stops_cleanly(redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    sdk = Client.from_url(redis_url, address=ADDRESS, require_watcher=False)
    ingest = Ingest(r)
    inboxes = [sdk.inboxes.create(ttl=300) for _ in range(6)]
    proc = WorkerProcess(redis_url, "-n", "3")
    try:
        _until(lambda: len([w for w in r.smembers("rq:workers")]) >= 3, 15, "3 workers")
        for inbox in inboxes:
            ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
        for inbox in inboxes:
            assert sdk.messages.wait_for_otp(inbox.id, timeout=15) is not None
    finally:
        assert proc.stop() == 0, proc.log()
        sdk.close()
        r.close()


def test_sigkilled_worker_mid_batch_every_code_still_arrives_once(
    own_redis: RedisServer,
) -> None:
    r = redis.Redis.from_url(own_redis.url)
    sdk = Client.from_url(own_redis.url, address=ADDRESS)
    started = Queue(QUEUE_NAME, connection=r).started_job_registry
    inboxes = [sdk.inboxes.create(ttl=300) for _ in range(3)]
    codes = ["482913", "591732", "703418"]
    ingest = Ingest(r)
    doomed = WorkerProcess(own_redis.url, slow_first_job_s=30, heartbeat_ttl_s=2)
    ingest.deliver_batch(
        [(i.id, code_mail(i.email, c)) for i, c in zip(inboxes, codes, strict=True)]
    )
    # Killed only once its short started-job TTL is in force: before the job's first
    # heartbeat its entry holds the job timeout's expiry, which outlasts the wait below.
    _until(lambda: _expiry_within(r, started.key, 10), 15, "the batch job to start")
    doomed.proc.kill()
    doomed.proc.wait()
    doomed.stop()

    # The dead batch becomes one job per mail, each published once.
    rescuer = WorkerProcess(own_redis.url, env={"OTPBRIDGE_MAINTENANCE_INTERVAL": "1"})
    try:
        for inbox, code in zip(inboxes, codes, strict=True):
            otp = sdk.messages.wait_for_otp(inbox.id, timeout=60)
            assert otp is not None, rescuer.log()
            assert otp.code == code
        time.sleep(0.5)
        for inbox in inboxes:
            assert _types(r, inbox.id) == ["received", "extracted"]
    finally:
        assert rescuer.stop() == 0, rescuer.log()
        sdk.close()
        r.close()
