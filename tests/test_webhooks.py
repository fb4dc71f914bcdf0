"""Signed webhooks end to end: real Redis, real RQ workers, a loopback receiver that verifies
every request with ``standardwebhooks`` (as a user's endpoint would)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
import structlog
from pipeline_helpers import Ingest, WorkerProcess, code_mail, link_mail
from rq import Queue
from rq.job import Job
from standardwebhooks import Webhook, WebhookVerificationError

import otpbridge.worker.jobs
from otpbridge import AsyncClient, Client
from otpbridge.bridge.errors import InboxNotFoundError
from otpbridge.bridge.sdk.results import inbox_result, link_result, otp_result
from otpbridge.worker.jobs import process_message
from otpbridge.worker.keys import Keys, job_id
from otpbridge.worker.metrics import REGISTRY
from otpbridge.worker.publish import Publisher
from otpbridge.worker.runner import build_worker
from otpbridge.worker.settings import WorkerQueues, WorkerSettings
from otpbridge.worker.webhook.deliver import _pinned
from otpbridge.worker.webhook.queue import configure_webhooks, enqueue_deliveries
from otpbridge.worker.webhook.settings import WEBHOOK_QUEUE_NAME, WebhookSettings
from otpbridge.worker.webhook.target import AllowPrivate, parse_target

CODE = "482913"
ADDRESS = "agents+{id}@corp.example"
KEYS = Keys()


class Receiver:
    """A webhook endpoint on a loopback port: answers the scripted statuses in turn (then
    200) and keeps every request's headers and raw body."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict[str, str], bytes, str]] = []
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((dict(self.headers.items()), body, self.path))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                outer.arrived.set()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        # A name: the SDK refuses literal private addresses; the worker resolves and checks it.
        return f"http://localhost:{self.server.server_address[1]}/hook?source=otpbridge"

    def verified(self, secret: str) -> list[Any]:
        """Every request's payload, each verified with ``secret`` (raises if one fails)."""
        return [Webhook(secret).verify(body, headers) for headers, body, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sdk(redis_url: str) -> Iterator[Client]:
    client = Client.from_url(redis_url, address=ADDRESS)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def _default_webhook_context() -> Iterator[None]:
    yield
    configure_webhooks(KEYS, WebhookSettings())  # what other tests in this process expect


def run_worker(
    redis_url: str,
    *,
    allow_private: bool = True,
    retries: tuple[int, ...] = (0, 0),
    queues: WorkerQueues = "all",
) -> None:
    """A burst worker with test webhook settings (retries due at once: no scheduler needed)."""
    settings = WorkerSettings(
        redis_url=redis_url,
        queues=queues,
        webhooks=WebhookSettings(
            allow_private=AllowPrivate(all=allow_private), timeout_s=5, retry_intervals_s=retries
        ),
    )
    connection = redis.Redis.from_url(redis_url)
    try:
        build_worker(settings, connection).work(burst=True, logging_level="WARNING")
    finally:
        connection.close()


def deliveries(outcome: str) -> float:
    return (
        REGISTRY.get_sample_value("otpbridge_webhook_deliveries_total", {"outcome": outcome}) or 0.0
    )


def test_retry_after_500_then_one_verified_delivery_with_the_sdk_field_names(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    inbox = sdk.inboxes.create(ttl=600, label="signup", webhook_url=receiver.url)
    assert inbox.webhook_url == receiver.url
    assert inbox.webhook_secret is not None
    assert inbox.webhook_secret not in repr(inbox)
    before = {o: deliveries(o) for o in ("delivered", "retry", "gave_up")}
    mk = Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))

    run_worker(redis_url)

    assert len(receiver.requests) == 2  # the 500, then the retry
    first, second = receiver.verified(inbox.webhook_secret)
    assert first == second
    (h1, _, path), (h2, _, _) = receiver.requests
    assert path == "/hook?source=otpbridge"
    assert h1["webhook-id"] == h2["webhook-id"]  # one event: the receiver can de-duplicate
    assert h1["Host"] == h1["Host"].lower() == f"localhost:{receiver.server.server_address[1]}"
    assert h1["Content-Type"] == "application/json"
    assert deliveries("delivered") == before["delivered"] + 1
    assert deliveries("retry") == before["retry"] + 1
    assert deliveries("gave_up") == before["gave_up"]

    assert second["type"] == "otp.extracted"
    assert datetime.fromisoformat(second["timestamp"]) > datetime.now(UTC) - timedelta(minutes=1)
    data = second["data"]
    assert data["inbox_id"] == inbox.id
    assert data["code"] == CODE
    assert data["message"]["id"] == mk
    # The same names and values as the SDK/HTTP/MCP result of that code.
    otp = sdk.messages.peek(inbox.id)
    assert otp is not None
    expected = otp_result(otp)
    assert set(data) - {"inbox_id"} == set(expected)
    for name in ("code", "code_display", "expires_at", "confidence", "message"):
        assert data[name] == expected[name], name
    assert abs(data["expires_in_s"] - expected["expires_in_s"]) <= 2


def test_link_mail_is_a_link_event_with_the_link_result_names(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    assert inbox.webhook_secret is not None
    Ingest(redis_client).deliver(
        inbox.id, link_mail(inbox.email, "https://accounts.example.com/confirm?t=abc123")
    )
    run_worker(redis_url)
    (payload,) = receiver.verified(inbox.webhook_secret)
    assert payload["type"] == "link.extracted"
    link = sdk.messages.peek(inbox.id, "link")
    assert link is not None
    assert payload["data"] == {"inbox_id": inbox.id, **link_result(link)}  # type: ignore[arg-type]


def test_a_job_run_twice_delivers_once(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    mk = Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url)
    assert len(receiver.requests) == 1
    # The extraction job again (RQ re-ran it, or another worker took over an abandoned one).
    assert process_message(redis_client, KEYS, inbox.id, mk) == "duplicate"
    job = Job.fetch(job_id(inbox.id, mk), connection=redis_client)
    Queue("otpbridge", connection=redis_client).enqueue_job(job)
    run_worker(redis_url)
    assert len(receiver.requests) == 1
    assert Queue(WEBHOOK_QUEUE_NAME, connection=redis_client).count == 0
    # Racing enqueuers: one job.
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(enqueue_deliveries(redis_client, [(inbox.id, "k-1")]))
        )
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [0] * 7 + [1]


def test_a_job_that_died_after_publishing_still_gets_its_delivery(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    assert inbox.webhook_secret is not None
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    # The first run published, then died before queuing the delivery.
    Publisher(redis_client, KEYS).publish(
        inbox.id,
        mk,
        {"type": "extracted", "message_key": mk, "kind": "otp", "code": CODE, "confidence": "0.9"},
    )
    run_worker(redis_url)  # the retried extraction job finds a duplicate, queues the delivery
    (payload,) = receiver.verified(inbox.webhook_secret)
    assert payload["data"]["code"] == CODE


def test_failed_extraction_is_delivered_as_email_failed(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(raw: bytes) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(otpbridge.worker.jobs, "parse_document", broken)
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    assert inbox.webhook_secret is not None
    ingest = Ingest(redis_client)
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url)  # first attempt fails; its retry is scheduled
    job = Job.fetch(job_id(inbox.id, mk), connection=redis_client)
    job.retries_left = 0
    job.save()
    ingest.queue.enqueue_job(job)
    run_worker(redis_url)
    (payload,) = receiver.verified(inbox.webhook_secret)
    assert payload["type"] == "email.failed"
    assert payload["data"]["error"] == "extractor raised ValueError"
    assert payload["data"]["message"]["id"] == mk
    assert payload["data"]["message"]["subject"] == "Your verification code"


def test_private_target_is_refused_without_the_operator_setting(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    before = deliveries("refused")
    with structlog.testing.capture_logs() as logs:
        run_worker(redis_url, allow_private=False)
    assert receiver.requests == []
    assert deliveries("refused") == before + 1
    (refused,) = [e for e in logs if e["event"] == "webhook_refused"]
    assert refused["reason"] == "localhost: 127.0.0.1 is loopback"
    assert Queue(WEBHOOK_QUEUE_NAME, connection=redis_client).count == 0  # not retried
    # Nothing secret or from the mail in any log line.
    assert CODE not in repr(logs)
    assert "source=otpbridge" not in repr(logs)


def test_final_4xx_is_not_retried_and_retries_end(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    receiver.statuses = [410]
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    ingest = Ingest(redis_client)
    ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    before = (deliveries("rejected"), deliveries("gave_up"))
    run_worker(redis_url)
    assert len(receiver.requests) == 1
    assert deliveries("rejected") == before[0] + 1
    # A receiver that keeps failing: the first attempt and two retries, then the worker gives up.
    receiver.requests.clear()
    receiver.statuses = [503, 429, 500]
    ingest.deliver(inbox.id, code_mail(inbox.email, "771203"))
    with structlog.testing.capture_logs() as logs:
        run_worker(redis_url, retries=(0, 0))
    assert len(receiver.requests) == 3
    assert deliveries("gave_up") == before[1] + 1
    assert [e["reason"] for e in logs if e["event"] == "webhook_gave_up"] == [
        "localhost answered 500"
    ]


def test_rotation_new_secret_verifies_old_one_during_the_overlap_only(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    old = inbox.webhook_secret
    assert old is not None
    new = sdk.inboxes.rotate_webhook_secret(inbox.id)
    assert new.startswith("whsec_")
    assert new != old
    ingest = Ingest(redis_client)
    ingest.deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url)
    assert receiver.verified(new) == receiver.verified(old)  # both verify during the overlap
    assert len(receiver.requests[0][0]["webhook-signature"].split(" ")) == 2

    newest = sdk.inboxes.rotate_webhook_secret(inbox.id, overlap=0)
    receiver.requests.clear()
    ingest.deliver(inbox.id, code_mail(inbox.email, "771203"))
    run_worker(redis_url)
    (payload,) = receiver.verified(newest)
    assert payload["data"]["code"] == "771203"
    for stale in (new, old):
        with pytest.raises(WebhookVerificationError):
            receiver.verified(stale)


def test_sdk_never_shows_the_secret_again_and_checks_its_arguments(
    redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    got = sdk.inboxes.get(inbox.id)
    assert got.webhook_url == receiver.url
    assert got.webhook_secret is None
    assert [i.webhook_secret for i in sdk.inboxes.list()] == [None]
    assert inbox_result(got)["webhook_url"] == receiver.url
    assert "webhook_secret" not in inbox_result(inbox)
    plain = sdk.inboxes.create(ttl=600)
    assert plain.webhook_url is None
    assert plain.webhook_secret is None
    with pytest.raises(ValueError, match="has no webhook_url"):
        sdk.inboxes.rotate_webhook_secret(plain.id)
    with pytest.raises(InboxNotFoundError):
        sdk.inboxes.rotate_webhook_secret("z" * 20)
    with pytest.raises(ValueError, match="public addresses"):
        sdk.inboxes.create(webhook_url="http://169.254.169.254/latest")
    with pytest.raises(ValueError, match="http:// or https://"):
        sdk.inboxes.create(webhook_url="file:///etc/passwd")
    assert len(sdk.inboxes.list()) == 2  # the refused ones wrote nothing
    # Deleting the inbox removes the delivery guard with everything else.
    redis_client.sadd(KEYS.webhooks(inbox.id), "x")
    assert sdk.inboxes.delete(inbox.id)
    assert not redis_client.exists(KEYS.webhooks(inbox.id))


def test_async_client_creates_and_rotates(redis_url: str, receiver: Receiver) -> None:
    async def main() -> tuple[str | None, str, str | None]:
        async with AsyncClient.from_url(redis_url, address=ADDRESS) as client:
            inbox = await client.inboxes.create(ttl=60, webhook_url=receiver.url)
            rotated = await client.inboxes.rotate_webhook_secret(inbox.id)
            return (
                inbox.webhook_secret,
                rotated,
                (await client.inboxes.get(inbox.id)).webhook_secret,
            )

    created, rotated, shown = asyncio.run(main())
    assert created is not None
    assert created.startswith("whsec_")
    assert rotated != created
    assert shown is None


def test_queues_setting_splits_extraction_and_webhook_workers(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url, queues="webhooks")
    assert Queue("otpbridge", connection=redis_client).count == 1  # not its queue
    run_worker(redis_url, queues="extraction")
    assert Queue(WEBHOOK_QUEUE_NAME, connection=redis_client).count == 1
    assert receiver.requests == []
    run_worker(redis_url)  # a worker takes both queues by default
    assert len(receiver.requests) == 1


@pytest.mark.slow
def test_otpbridge_worker_delivers_with_backoff_from_the_scheduler(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    receiver.statuses = [502]
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    assert inbox.webhook_secret is not None
    worker = WorkerProcess(
        redis_url,
        env={
            "OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE": "127.0.0.0/8",
            "OTPBRIDGE_WEBHOOK_RETRY_INTERVALS": "2",
        },
    )
    try:
        Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.requests) == 2, worker.log()
        (h1, _, _), (h2, _, _) = receiver.requests
        # The retry came after the configured pause (the scheduler moved it back).
        gap = int(h2["webhook-timestamp"]) - int(h1["webhook-timestamp"])
        assert 1 <= gap <= 6
        payloads = receiver.verified(inbox.webhook_secret)
        assert payloads[1]["data"]["code"] == CODE
        assert json.loads(receiver.requests[1][1]) == payloads[1]
    finally:
        assert worker.stop() == 0


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer ``getaddrinfo`` for the names in ``answers`` (a pure seam: the resolver; other
    names, Redis's included, go to the real one); returns the fake names looked up."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_delivery_connects_to_the_checked_address_and_keeps_the_name(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = receiver.server.server_address[1]
    asked = _fake_dns(monkeypatch, {"hooks.agent.test": ["127.0.0.1"]})
    inbox = sdk.inboxes.create(ttl=600, webhook_url=f"http://hooks.agent.test:{port}/in")
    assert inbox.webhook_secret is not None
    Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url)
    (payload,) = receiver.verified(inbox.webhook_secret)
    assert payload["data"]["code"] == CODE
    assert receiver.requests[0][0]["Host"] == f"hooks.agent.test:{port}"
    assert asked == ["hooks.agent.test"]  # one lookup, and the request went to its answer


def test_a_name_with_any_private_record_is_refused(
    redis_url: str,
    redis_client: redis.Redis,
    sdk: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_dns(monkeypatch, {"mixed.agent.test": ["8.8.8.8", "::ffff:169.254.169.254"]})
    inbox = sdk.inboxes.create(ttl=600, webhook_url="https://mixed.agent.test/hook")
    Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    with structlog.testing.capture_logs() as logs:
        run_worker(redis_url, allow_private=False)
    reasons = [e["reason"] for e in logs if e["event"] == "webhook_refused"]
    # Python 3.13 prints an IPv4-mapped address as ::ffff:169.254.169.254, 3.11 as hex.
    mapped = ipaddress.ip_address("::ffff:169.254.169.254")
    assert reasons == [f"mixed.agent.test: {mapped} is link-local (IPv4 inside IPv6)"]


def test_https_is_pinned_with_sni_and_host_of_the_name() -> None:
    target = parse_target("https://Hooks.Example.com:8443/p?q=1")
    url, headers, extensions = _pinned(target, ipaddress.ip_address("2606:4700::1"))
    assert str(url) == "https://[2606:4700::1]:8443/p?q=1"
    assert headers == {"Host": "hooks.example.com:8443"}
    assert extensions == {"sni_hostname": "hooks.example.com"}
    url, headers, extensions = _pinned(
        parse_target("http://8.8.8.8/x"), ipaddress.ip_address("8.8.8.8")
    )
    assert (str(url), headers, extensions) == ("http://8.8.8.8/x", {}, {})


def test_a_deleted_inbox_gets_no_more_deliveries(
    redis_url: str, redis_client: redis.Redis, sdk: Client, receiver: Receiver
) -> None:
    inbox = sdk.inboxes.create(ttl=600, webhook_url=receiver.url)
    Ingest(redis_client).deliver(inbox.id, code_mail(inbox.email, CODE))
    run_worker(redis_url, queues="extraction")
    assert Queue(WEBHOOK_QUEUE_NAME, connection=redis_client).count == 1
    assert sdk.inboxes.delete(inbox.id)
    before = deliveries("dropped")
    run_worker(redis_url, queues="webhooks")
    assert receiver.requests == []
    assert deliveries("dropped") == before + 1
