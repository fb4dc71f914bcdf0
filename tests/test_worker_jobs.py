"""The extraction job on a real Redis: publish once, quiet on vanished mail, failed event."""

from __future__ import annotations

import pytest
import redis
from pipeline_helpers import Ingest, code_mail, run_jobs
from rq.job import Job
from rq.timeouts import JobTimeoutException

import otpbridge.worker.enqueue
import otpbridge.worker.jobs
from otpbridge import Client
from otpbridge.extract import extract_message
from otpbridge.worker.events import decode_fields
from otpbridge.worker.keys import Keys, job_id

CODE = "482913"


def _events(client: redis.Redis, keys: Keys, inbox_id: str) -> list[dict[str, str]]:
    return [decode_fields(f) for _, f in client.xrange(keys.events(inbox_id))]


@pytest.fixture
def sdk(redis_url: str) -> Client:
    client = Client.from_url(redis_url, address="agents+{id}@corp.example")
    yield client
    client.close()


def test_job_publishes_extracted_event_once(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    keys = Keys()
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    raw = code_mail(inbox.email, CODE)
    mk = ingest.deliver(inbox.id, raw)
    run_jobs(redis_url)
    # The same job again (a redelivery, a retried run): still one event.
    otpbridge.worker.enqueue.enqueue_extractions(ingest.queue, [(inbox.id, mk, 0, 0)])
    run_jobs(redis_url)

    events = _events(redis_client, keys, inbox.id)
    assert [e["type"] for e in events] == ["received", "extracted"]
    extracted = events[1]
    assert extracted["message_key"] == mk
    expected = extract_message(raw)
    assert extracted["kind"] == expected.kind
    assert extracted["code"] == (expected.code or "")
    assert int(extracted["extracted_at"]) >= int(events[0]["routed_at"])
    if expected.kind == "otp":  # active once the extractor finds codes (it does today)
        assert extracted["code"] == CODE
        assert int(extracted["expires_at"]) > int(extracted["extracted_at"])
    # TTLs follow the inbox; latency recorded for `otpbridge status`.
    assert 0 < redis_client.pttl(keys.events(inbox.id)) <= 600_000
    assert 0 < redis_client.pttl(keys.published(inbox.id)) <= 600_000
    assert redis_client.llen(keys.latency) == 1


def test_job_on_deleted_inbox_finishes_quietly(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    assert sdk.inboxes.delete(inbox.id)
    run_jobs(redis_url)
    job = Job.fetch(job_id(inbox.id, mk), connection=redis_client)
    assert job.get_status() == "finished"
    # Nothing resurrected: no stream, no published set, no inbox.
    assert not redis_client.keys(f"otpb:*{inbox.id}*")


def test_job_that_keeps_failing_publishes_a_failed_event_without_content(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(raw: bytes) -> None:
        raise ValueError(f"cannot parse {CODE}")

    monkeypatch.setattr(otpbridge.worker.jobs, "parse_document", broken)
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))

    # First attempt: a retry is scheduled, no failed event yet.
    run_jobs(redis_url)
    assert [e["type"] for e in _events(redis_client, Keys(), inbox.id)] == ["received"]
    # Make the retry due now and the last one (the scheduler would do this after 1 s).
    job = Job.fetch(job_id(inbox.id, mk), connection=redis_client)
    assert job.retries_left == 2
    job.retries_left = 0
    job.save()
    ingest.queue.enqueue_job(job)
    run_jobs(redis_url)

    events = _events(redis_client, Keys(), inbox.id)
    assert [e["type"] for e in events] == ["received", "failed"]
    assert events[1]["error"] == "extractor raised ValueError"
    assert Job.fetch(job.id, connection=redis_client).get_status() == "failed"
    # The code in the exception never reaches RQ's registries or any other key.
    for key in redis_client.scan_iter("*"):
        if key.startswith(b"otpb:msg:"):
            continue
        assert CODE.encode() not in redis_client.dump(key), key


def test_expiry_counts_from_each_mails_own_arrival(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    # The bridge passes the server's arrival time with the ids: forty mails, forty expiries.
    keys = Keys()
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    raws = [code_mail(inbox.email, f"{482913 + n}") for n in range(40)]
    for raw in raws:
        ingest.deliver(inbox.id, raw)
    run_jobs(redis_url)

    events = _events(redis_client, keys, inbox.id)
    received = {e["message_key"]: e for e in events if e["type"] == "received"}
    extracted = [e for e in events if e["type"] == "extracted"]
    assert len(extracted) == len(raws)
    expires_in_s = extract_message(raws[0]).expires_in_s
    assert expires_in_s is not None
    for event in extracted:
        # The earlier of the server's arrival time and the bridge's seen_at.
        got = received[event["message_key"]]
        arrived = min(int(got["received_at"]), int(got["seen_at"]))
        assert int(event["expires_at"]) == arrived + expires_in_s * 1000
    assert redis_client.llen(keys.latency) == len(raws)


def test_batch_job_publishes_every_mail_once_even_when_run_twice(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    keys = Keys()
    inboxes = [sdk.inboxes.create(ttl=600) for _ in range(4)]
    ingest = Ingest(redis_client)
    mails = [(i.id, code_mail(i.email, f"{482913 + n}")) for n, i in enumerate(inboxes * 2)]
    keys_by_inbox = ingest.deliver_batch(mails)
    queue = ingest.queue
    assert len(queue.job_ids) == 2  # eight mails that arrived together: two jobs of four
    batch_ids = list(queue.job_ids)
    run_jobs(redis_url)
    for jid in batch_ids:  # the same jobs again: a redelivery after a lost acknowledgement
        queue.enqueue_job(Job.fetch(jid, connection=redis_client))
    run_jobs(redis_url)

    for n, inbox in enumerate(inboxes):
        events = _events(redis_client, keys, inbox.id)
        extracted = [e for e in events if e["type"] == "extracted"]
        assert [e["code"] for e in extracted] == [f"{482913 + n}", f"{482913 + n + 4}"]
        assert {e["message_key"] for e in extracted} == {keys_by_inbox[n], keys_by_inbox[n + 4]}
    assert redis_client.llen(keys.latency) == len(mails)


def test_batch_hands_the_mail_the_extractor_fails_on_to_a_job_of_its_own(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = otpbridge.worker.jobs.parse_document

    def fails_on_one(raw: bytes) -> object:
        if b"666666" in raw:
            raise ValueError("cannot parse 666666")
        return real(raw)

    monkeypatch.setattr(otpbridge.worker.jobs, "parse_document", fails_on_one)
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    codes = ["482913", "666666", "591732"]
    mks = ingest.deliver_batch([(inbox.id, code_mail(inbox.email, c)) for c in codes])
    assert len(ingest.queue.job_ids) == 1
    run_jobs(redis_url)

    events = _events(redis_client, Keys(), inbox.id)
    assert [e["code"] for e in events if e["type"] == "extracted"] == ["482913", "591732"]
    # The bad mail now has its own job, with the retries a one-message job gets.
    single = Job.fetch(job_id(inbox.id, mks[1]), connection=redis_client)
    assert single.func_name == otpbridge.worker.enqueue.JOB_FUNCTION
    assert single.retries_left == 2  # its first attempt already ran in the same burst
    assert not [e for e in events if e["type"] == "failed"]


def test_batch_that_dies_becomes_one_job_per_mail(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    codes = ["482913", "591732", "703418", "815264"]
    mks = ingest.deliver_batch([(inbox.id, code_mail(inbox.email, c)) for c in codes])
    batch_ids = list(ingest.queue.job_ids)
    assert len(batch_ids) == 1
    real = otpbridge.worker.jobs.process_messages
    calls: list[int] = []

    def dies_after_publishing_one(
        client: redis.Redis, keys: Keys, items: list[tuple[str, str]]
    ) -> list[object]:
        calls.append(len(items))
        if len(items) > 1:
            real(client, keys, items[:1])  # half done when it dies (a timeout, a lost Redis)
            raise redis.ConnectionError("simulated failure mid-batch")
        return list(real(client, keys, items))

    monkeypatch.setattr(otpbridge.worker.jobs, "process_messages", dies_after_publishing_one)
    run_jobs(redis_url)

    for jid in batch_ids:
        assert Job.fetch(jid, connection=redis_client).get_status() == "failed"
    events = _events(redis_client, Keys(), inbox.id)
    extracted = [e for e in events if e["type"] == "extracted"]
    assert sorted(e["code"] for e in extracted) == sorted(codes)  # each once
    assert sorted(e["message_key"] for e in extracted) == sorted(mks)
    assert calls == [4, 1, 1, 1, 1]  # the batch, then one job per mail


def test_job_queued_without_an_arrival_time_dates_expiry_from_routing(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    # Jobs queued by a bridge of the previous release carry the two ids only.
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    redis_client.delete(ingest.queue.key)
    ingest.queue.enqueue(otpbridge.worker.enqueue.JOB_FUNCTION, inbox.id, mk)
    run_jobs(redis_url)

    received, extracted = _events(redis_client, Keys(), inbox.id)
    assert extracted["code"] == CODE
    expires_in_s = extract_message(code_mail(inbox.email, CODE)).expires_in_s
    assert expires_in_s is not None
    assert int(extracted["expires_at"]) == int(received["routed_at"]) + expires_in_s * 1000


def test_job_timeout_inside_the_extractor_is_retried_then_failed(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # RQ's death penalty raises JobTimeoutException wherever the job is; inside the extractor
    # it used to become an "extracted, kind none" event (the agent then waited its full timeout).
    def times_out(raw: bytes) -> None:
        raise JobTimeoutException("Task exceeded maximum timeout value (30 seconds)")

    monkeypatch.setattr(otpbridge.worker.jobs, "parse_document", times_out)
    inbox = sdk.inboxes.create(ttl=600)
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))

    run_jobs(redis_url)
    assert [e["type"] for e in _events(redis_client, Keys(), inbox.id)] == ["received"]
    job = Job.fetch(job_id(inbox.id, mk), connection=redis_client)
    assert job.retries_left == 2
    job.retries_left = 0
    job.save()
    ingest.queue.enqueue_job(job)
    run_jobs(redis_url)

    events = _events(redis_client, Keys(), inbox.id)
    assert [e["type"] for e in events] == ["received", "failed"]
    assert events[1]["error"] == "extraction timed out"
