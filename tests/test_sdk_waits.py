"""SDK waits against a real Redis and a real ``otpbridge worker`` process.

Mail is ingested through the bridge's own Ingestor (tests/pipeline_helpers.py), so these tests
cover the worker and the SDK without IMAP; tests/test_e2e_pipeline.py adds Dovecot and the bridge.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import cast

import pytest
import redis
from async_adapter import AsyncAdapter
from pipeline_helpers import Ingest, WorkerProcess, code_mail, heartbeat, link_mail

from otpbridge import (
    AsyncClient,
    Client,
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
    WatcherDownError,
)
from otpbridge.bridge.sdk import Otp
from otpbridge.extract import extract_message
from otpbridge.worker.keys import Keys
from otpbridge.worker.publish import Publisher

ADDRESS = "agents+{id}@corp.example"
EXTRACTS_CODES = extract_message(code_mail("a@b.example", "482913")).code == "482913"


@pytest.fixture(params=["sync", "async"])
def client(
    request: pytest.FixtureRequest, redis_url: str, worker_proc: WorkerProcess
) -> Iterator[Client]:
    """Each test runs against the sync ``Client`` and the ``AsyncClient`` (tests/async_adapter.py
    gives it the sync surface)."""
    if request.param == "sync":
        c = Client.from_url(redis_url, address=ADDRESS)
    else:
        c = cast(Client, AsyncAdapter(redis_url, address=ADDRESS))
    yield c
    c.close()


@pytest.fixture
def ingest(redis_client: redis.Redis) -> Ingest:
    return Ingest(redis_client)


def _later(delay: float, fn: object, *args: object) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        fn(*args)  # type: ignore[operator]

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_code_delivered_before_the_wait_is_returned(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    otp = client.messages.wait_for_otp(inbox.id, timeout=10)
    assert isinstance(otp, Otp)
    if EXTRACTS_CODES:
        assert otp.code == "482913"
    assert otp.message.subject == "Your verification code"
    assert "no-reply@accounts.example.com" in otp.message.from_


def test_wait_then_deliver_and_resent_code_supersedes(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    started = time.monotonic()
    _later(0.3, ingest.deliver, inbox.id, code_mail(inbox.email, "111222"))
    first = client.messages.wait_for_otp(inbox.id, timeout=10)
    elapsed = time.monotonic() - started
    assert first is not None
    assert elapsed < 3.0
    # The same client never serves the old code again: only the resent one.
    assert client.messages.wait_for_otp(inbox.id, timeout=0.5) is None
    ingest.deliver(inbox.id, code_mail(inbox.email, "333444"))
    second = client.messages.wait_for_otp(inbox.id, timeout=10)
    assert second is not None
    assert second.message.message_key != first.message.message_key
    if EXTRACTS_CODES:
        assert (first.code, second.code) == ("111222", "333444")


def test_backlog_of_code_and_resend_returns_the_resend(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    first = ingest.deliver(inbox.id, code_mail(inbox.email, "111222"))
    resend = ingest.deliver(inbox.id, code_mail(inbox.email, "333444"))
    # Both mails are in before the wait starts; the service only accepts the resend.
    otp = client.messages.wait_for_otp(inbox.id, timeout=10)
    assert otp is not None
    assert otp.message.message_key == resend != first
    if EXTRACTS_CODES:
        assert otp.code == "333444"
    assert client.messages.wait_for_otp(inbox.id, timeout=0.5) is None


def test_timeout_returns_none_on_time(client: Client) -> None:
    inbox = client.inboxes.create(ttl=300)
    heartbeat(client.redis, client.keys)
    started = time.monotonic()
    assert client.messages.wait_for_otp(inbox.id, timeout=1.5) is None
    assert 1.5 <= time.monotonic() - started < 2.0


def test_foreign_sender_never_satisfies_a_wait(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300, allowed_senders=["accounts.example.com"])
    ingest.deliver(inbox.id, code_mail(inbox.email, "666666", sender="attacker@evil.example"))
    assert client.messages.wait_for_otp(inbox.id, timeout=1.0) is None
    assert client.messages.wait_for_message(inbox.id, timeout=0.2) is None
    ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    otp = client.messages.wait_for_otp(inbox.id, timeout=10)
    assert otp is not None
    assert "accounts.example.com" in otp.message.from_
    if EXTRACTS_CODES:
        assert otp.code == "482913"


def test_failed_event_raises(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    # A mail whose extraction failed for good: the worker's failure path publishes this.
    client.redis.set(client.keys.published(inbox.id), "x")  # keep the worker from publishing
    mk = ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    client.redis.delete(client.keys.published(inbox.id))
    Publisher(client.redis, Keys()).publish(
        inbox.id, mk, {"type": "failed", "message_key": mk, "error": "extraction timed out"}
    )
    with pytest.raises(ExtractionFailedError, match="timed out"):
        client.messages.wait_for_otp(inbox.id, timeout=5)


def test_watcher_down_and_never_registered(redis_url: str) -> None:
    with Client.from_url(redis_url, address=ADDRESS, watcher_max_age=60) as c:
        inbox = c.inboxes.create(ttl=60)
        with pytest.raises(WatcherDownError, match="no bridge has ever run"):
            c.messages.wait_for_otp(inbox.id, timeout=1)
        heartbeat(c.redis, c.keys, age_s=120)
        with pytest.raises(WatcherDownError, match="bridge is down"):
            c.messages.wait_for_otp(inbox.id, timeout=1)
    with Client.from_url(redis_url, address=ADDRESS, require_watcher=False) as offline:
        assert offline.messages.wait_for_otp(inbox.id, timeout=0.2) is None


def test_wait_survives_killed_connections_and_short_socket_timeouts(
    redis_url: str, worker_proc: WorkerProcess, ingest: Ingest
) -> None:
    # A user-supplied client with a 2 s socket timeout: blocks shrink to fit under it.
    own = redis.Redis.from_url(redis_url, socket_timeout=2, client_name="sdk-under-test")
    c = Client(own, address=ADDRESS)
    inbox = c.inboxes.create(ttl=300)
    killer = redis.Redis.from_url(redis_url)

    def kill_sdk_connections() -> None:
        for info in killer.client_list():
            if info.get("name") == "sdk-under-test":
                killer.client_kill_filter(_id=info["id"])

    _later(1.0, kill_sdk_connections)
    _later(2.5, ingest.deliver, inbox.id, code_mail(inbox.email, "482913"))
    assert c.messages.wait_for_otp(inbox.id, timeout=10) is not None
    own.close()
    killer.close()


def _waits_on(client: Client, inbox_id: str) -> int:
    members = client.redis.zrange(client.keys.waiting(), 0, -1)
    return sum(m.decode().startswith(f"{inbox_id}:") for m in members)


def test_waiting_set_marks_blocked_agents_until_the_last_one_leaves(client: Client) -> None:
    inbox = client.inboxes.create(ttl=300)
    heartbeat(client.redis, client.keys)
    seen: list[int] = []
    _later(0.3, lambda: seen.append(_waits_on(client, inbox.id)))
    _later(1.0, lambda: seen.append(_waits_on(client, inbox.id)))
    short = threading.Thread(target=client.messages.wait_for_otp, args=(inbox.id, 0.6))
    short.start()
    client.messages.wait_for_otp(inbox.id, timeout=1.4)
    short.join()
    # Two waits, then one: the first to end does not switch the bridge's fast check off.
    assert seen == [2, 1]
    assert _waits_on(client, inbox.id) == 0


def test_link_wait_and_list_emails_and_delete(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300, label="signup")
    url = "https://app.example.com/confirm?token=Zx81kLq0pV"
    ingest.deliver(inbox.id, link_mail(inbox.email, url))
    ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    assert client.messages.wait_for_otp(inbox.id, timeout=10) is not None
    if extract_message(link_mail("a@b.example", url)).link == url:
        fresh = Client(client.redis, address=ADDRESS)
        link = fresh.messages.wait_for_link(inbox.id, kind="any", timeout=5)
        assert link is not None
        assert link.url == url
    emails = client.inboxes.list_emails(inbox.id)
    assert [e.subject for e in emails] == ["Your verification code", "Confirm your email address"]
    assert "482913" in emails[0].text
    assert emails[1].html is not None
    assert emails[0].extraction is not None
    assert [i.id for i in client.inboxes.list()] == [inbox.id]
    assert client.inboxes.get(inbox.id).label == "signup"

    assert client.inboxes.delete(inbox.id)
    assert not client.redis.keys(f"otpb:*{inbox.id}*")
    assert client.redis.zscore(client.keys.inboxes, inbox.id) is None
    with pytest.raises(InboxNotFoundError):
        client.messages.wait_for_otp(inbox.id, timeout=1)
    assert not client.inboxes.delete(inbox.id)


def test_async_client_fifty_inboxes_no_cross_talk(
    redis_url: str, worker_proc: WorkerProcess, ingest: Ingest
) -> None:
    codes = [f"{700000 + i * 37:06d}" for i in range(50)]

    async def main() -> list[tuple[str, str | None]]:
        async with AsyncClient.from_url(redis_url, address=ADDRESS) as ac:
            inboxes = [await ac.inboxes.create(ttl=300) for _ in codes]

            async def one(index: int) -> tuple[str, str | None]:
                otp = await ac.messages.wait_for_otp(inboxes[index].id, timeout=20)
                return inboxes[index].id, None if otp is None else otp.code

            waits = [asyncio.create_task(one(i)) for i in range(len(codes))]
            await asyncio.sleep(0.2)
            await asyncio.to_thread(
                lambda: [
                    ingest.deliver(inbox.id, code_mail(inbox.email, code))
                    for inbox, code in zip(inboxes, codes, strict=True)
                ]
            )
            return list(await asyncio.gather(*waits))

    results = asyncio.run(main())
    assert all(code is not None for _, code in results)
    if EXTRACTS_CODES:
        assert [code for _, code in results] == codes


def test_async_reader_failure_is_retrieved_and_wakes_the_wait(redis_url: str) -> None:
    """A reader task that dies of an error its retry loop does not catch (here its health
    check) is recorded, and asyncio never reports a lost task exception; the wait still ends
    on time and closing the client does not raise it."""
    lost: list[dict[str, object]] = []
    heartbeat(redis.Redis.from_url(redis_url), Keys())

    def broken_check(inbox_ids: object) -> object:
        raise ValueError("health check broke")

    async def main() -> tuple[object, str | None, float]:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: lost.append(ctx))
        async with AsyncClient.from_url(redis_url, address=ADDRESS) as ac:
            inbox = await ac.inboxes.create(ttl=60)
            ac.runner._health_check = broken_check  # the seam under test
            started = time.monotonic()
            try:
                got: object = await ac.messages.wait_for_otp(inbox.id, timeout=2)
            except Exception as exc:  # asserted below
                got = exc
            return got, ac.runner.health.redis_error, time.monotonic() - started

    got, error, waited = asyncio.run(main())
    assert isinstance(got, PipelineError)
    assert "ValueError" in str(got)
    assert error == "ValueError"
    assert waited < 4
    assert lost == []
