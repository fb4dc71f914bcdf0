"""Waits at production scale, against a real Redis and a real worker: consumption lives in
Redis (no old code from any client, ever), and a thousand waits share a few connections."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from typing import cast

import pytest
import redis
from async_adapter import AsyncAdapter
from pipeline_helpers import Ingest, WorkerProcess, code_mail, heartbeat, link_mail

from otpbridge import AsyncClient, Client
from otpbridge.bridge.sdk.wire import CONNECTION_OPTIONS

ADDRESS = "agents+{id}@corp.example"
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"
#: For tests that use the client only around what they check (a CLI process, a fork).
sync_only = pytest.mark.parametrize("client", ["sync"], indirect=True)


@pytest.fixture(params=["sync", "async"])
def client(
    request: pytest.FixtureRequest, redis_url: str, worker_proc: WorkerProcess
) -> Iterator[Client]:
    """Each test runs against the sync ``Client`` and the ``AsyncClient`` (tests/async_adapter.py
    gives it the sync surface); ``sync_only`` pins a test to the first."""
    if request.param == "sync":
        c = Client.from_url(redis_url, address=ADDRESS, name="agent-a")
    else:
        c = cast(Client, AsyncAdapter(redis_url, address=ADDRESS, name="agent-a"))
    heartbeat(c.redis, c.keys)
    yield c
    c.close()


@pytest.fixture
def ingest(redis_client: redis.Redis) -> Ingest:
    return Ingest(redis_client)


def _cli_wait(redis_url: str, inbox_id: str, timeout: float = 10) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env["OTPBRIDGE_REDIS_URL"] = redis_url
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "wait", inbox_id, "--timeout", str(timeout)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 20,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else f"exit {done.returncode}"


@sync_only
def test_cli_wait_after_a_resend_prints_the_new_code(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create(ttl=300)
    ingest.deliver(inbox.id, code_mail(inbox.email, "731904"))
    assert _cli_wait(redis_url, inbox.id) == "731904"
    # The agent asks for a new code and runs `otpbridge wait` again at once, in a new process.
    threading.Timer(0.5, ingest.deliver, (inbox.id, code_mail(inbox.email, "268451"))).start()
    assert _cli_wait(redis_url, inbox.id) == "268451"
    # Neither code is handed out again, to the SDK either.
    assert client.messages.wait_for_otp(inbox.id, timeout=0.5) is None


def test_a_wait_right_after_a_resend_waits_for_the_new_code(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create(ttl=300)
    ingest.deliver(inbox.id, code_mail(inbox.email, "111111"))
    assert (got := client.messages.wait_for_otp(inbox.id, timeout=10)) is not None
    assert got.code == "111111"
    other = Client.from_url(redis_url, address=ADDRESS, name="agent-b")
    try:
        threading.Timer(0.3, ingest.deliver, (inbox.id, code_mail(inbox.email, "222222"))).start()
        again = other.messages.wait_for_otp(inbox.id, timeout=10)
    finally:
        other.close()
    assert again is not None
    assert again.code == "222222"


@sync_only
def test_two_processes_waiting_on_one_inbox_each_code_goes_to_exactly_one(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create(ttl=300)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(_cli_wait(redis_url, inbox.id, 15)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # both processes are waiting now
    ingest.deliver(inbox.id, code_mail(inbox.email, "400001"))
    time.sleep(1.0)
    ingest.deliver(inbox.id, code_mail(inbox.email, "400002"))
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["400001", "400002"]


def test_links_are_consumed_apart_from_codes(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    url = "https://app.example.com/confirm?token=Zx81kLq0pV"
    ingest.deliver(inbox.id, link_mail(inbox.email, url))
    ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
    assert client.messages.wait_for_otp(inbox.id, timeout=10) is not None
    link = client.messages.wait_for_link(inbox.id, timeout=10)
    assert link is not None
    assert link.url == url
    assert client.messages.wait_for_link(inbox.id, timeout=0.3) is None


def test_idempotency_key_repeats_the_answer_and_peek_takes_nothing(
    client: Client, ingest: Ingest
) -> None:
    inbox = client.inboxes.create(ttl=300)
    ingest.deliver(inbox.id, code_mail(inbox.email, "555001"))
    deadline = time.monotonic() + 10
    while (peeked := client.messages.peek(inbox.id)) is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the worker has extracted it
    assert peeked is not None
    assert peeked.code == "555001"  # type: ignore[union-attr]
    assert client.messages.peek(inbox.id) is not None  # still there: a peek takes nothing
    first = client.messages.wait_for_otp(inbox.id, timeout=10, idempotency_key="req-1")
    assert first is not None
    assert first.code == "555001"
    # The answer was lost in transit: the same request gets the same code again.
    again = client.messages.wait_for_otp(inbox.id, timeout=1, idempotency_key="req-1")
    assert again is not None
    assert again.code == "555001"
    # Without the key, or with another, a wait is for the next code.
    assert client.messages.wait_for_otp(inbox.id, timeout=0.3, idempotency_key="req-2") is None
    assert client.messages.peek(inbox.id) is None


def test_list_emails_shows_who_was_handed_what(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    ingest.deliver(inbox.id, code_mail(inbox.email, "100001"))
    ingest.deliver(inbox.id, code_mail(inbox.email, "100002"))
    assert client.messages.wait_for_otp(inbox.id, timeout=10) is not None  # the resend
    newest, oldest = client.inboxes.list_emails(inbox.id)
    (taken,) = newest.handed_out
    assert (taken.slot, taken.state, taken.by) == ("code", "consumed", "agent-a")
    assert taken.at is not None
    assert [(h.slot, h.state) for h in oldest.handed_out] == [("code", "superseded")]


def test_since_and_after_narrow_a_wait(client: Client, ingest: Ingest) -> None:
    inbox = client.inboxes.create(ttl=300)
    first = ingest.deliver(inbox.id, code_mail(inbox.email, "700001"))
    time.sleep(0.05)
    cut = time.time()
    assert client.messages.wait_for_otp(inbox.id, timeout=0.5, since=cut) is None
    assert client.messages.wait_for_otp(inbox.id, timeout=0.5, after=first) is None
    ingest.deliver(inbox.id, code_mail(inbox.email, "700002"))
    got = client.messages.wait_for_otp(inbox.id, timeout=10, after=first)
    assert got is not None
    assert got.code == "700002"


def _connections(server: redis.Redis, name: str) -> int:
    return sum(1 for c in server.client_list() if c.get("name") == name)


class _ConnectionWatch:
    """The most connections a client named ``name`` held at once, sampled every 20 ms."""

    def __init__(self, url: str, name: str) -> None:
        self._server = redis.Redis.from_url(url)
        self._name = name
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.most = max(self.most, _connections(self._server, self._name))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        self._server.close()
        return self.most


def _codes(n: int) -> list[str]:
    return [f"{100000 + i * 811 % 900000:06d}" for i in range(n)]


@pytest.mark.slow
def test_a_thousand_waiting_threads_share_sixteen_connections(
    redis_url: str, worker_proc: WorkerProcess, ingest: Ingest
) -> None:
    agents = Client(
        redis.Redis.from_url(redis_url, client_name="agents-threads", **CONNECTION_OPTIONS),
        address=ADDRESS,
        require_watcher=False,  # no bridge here; a slow run must not outlive the heartbeat
    )
    heartbeat(agents.redis, agents.keys)
    watch = _ConnectionWatch(redis_url, "agents-threads")
    codes = _codes(1000)
    inboxes = [agents.inboxes.create(ttl=300) for _ in codes]
    got: dict[str, str | None] = {}

    def wait(inbox_id: str) -> None:
        otp = agents.messages.wait_for_otp(inbox_id, timeout=60)
        got[inbox_id] = otp.code if otp is not None else None

    threads = [threading.Thread(target=wait, args=(i.id,)) for i in inboxes]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    for start in range(0, len(inboxes), 50):
        ingest.deliver_batch(
            [(i.id, code_mail(i.email, c)) for i, c in zip(inboxes, codes, strict=True)][
                start : start + 50
            ]
        )
    for thread in threads:
        thread.join(90)
    most = watch.stop()
    agents.close()
    assert got == {i.id: c for i, c in zip(inboxes, codes, strict=True)}
    assert most <= 16, most


@pytest.mark.slow
def test_a_thousand_waiting_tasks_share_sixteen_connections(
    redis_url: str, worker_proc: WorkerProcess, ingest: Ingest
) -> None:
    import redis.asyncio as aredis  # noqa: PLC0415

    watch = _ConnectionWatch(redis_url, "agents-tasks")
    codes = _codes(1000)

    async def main() -> tuple[list[str], dict[str, str | None]]:
        raw = aredis.Redis.from_url(redis_url, client_name="agents-tasks", **CONNECTION_OPTIONS)
        async with AsyncClient(raw, address=ADDRESS, require_watcher=False) as agents:
            heartbeat(ingest.client, agents.keys)
            inboxes = [await agents.inboxes.create(ttl=300) for _ in codes]

            async def wait(inbox_id: str) -> tuple[str, str | None]:
                otp = await agents.messages.wait_for_otp(inbox_id, timeout=60)
                return inbox_id, otp.code if otp is not None else None

            tasks = [asyncio.create_task(wait(i.id)) for i in inboxes]
            await asyncio.sleep(1.0)
            mails = [(i.id, code_mail(i.email, c)) for i, c in zip(inboxes, codes, strict=True)]
            for start in range(0, len(mails), 50):
                await asyncio.to_thread(ingest.deliver_batch, mails[start : start + 50])
            return [i.id for i in inboxes], dict(await asyncio.gather(*tasks))

    ids, got = asyncio.run(main())
    most = watch.stop()
    assert got == dict(zip(ids, codes, strict=True))
    assert most <= 16, most


def test_async_client_is_bound_to_its_event_loop(redis_url: str) -> None:
    async def main() -> str:
        async with AsyncClient.from_url(redis_url, address=ADDRESS) as client:
            await client.inboxes.create(ttl=60)

            def elsewhere() -> str:
                try:
                    asyncio.run(client.inboxes.create(ttl=60))
                except RuntimeError as exc:
                    return str(exc)
                return "no error"

            return await asyncio.to_thread(elsewhere)

    assert "another event loop" in asyncio.run(main())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@sync_only
def test_client_survives_fork(client: Client, ingest: Ingest) -> None:
    parent_inbox = client.inboxes.create(ttl=300)
    child_inbox = client.inboxes.create(ttl=300)
    # The parent has a reader thread running while it forks.
    threading.Timer(0.5, ingest.deliver, (parent_inbox.id, code_mail("a@b.c", "910001"))).start()
    assert client.messages.wait_for_otp(parent_inbox.id, timeout=10) is not None
    ingest.deliver(child_inbox.id, code_mail(child_inbox.email, "910002"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # the child: its own reader, its own connections
        try:
            otp = client.messages.wait_for_otp(child_inbox.id, timeout=10)
            os._exit(0 if otp is not None and otp.code == "910002" else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_list_emails_of_hostile_mail_is_quick_and_small_in_the_agent(
    client: Client, ingest: Ingest
) -> None:
    inbox = client.inboxes.create(ttl=300)
    deep = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(1000)
    )
    nested = (
        b"Content-Type: text/html\r\n\r\n" + b"<blockquote>" * 20_000 + b"Your code is 482913"
    )
    for body in (deep, nested):
        ingest.deliver(inbox.id, b"From: x@ext.test\r\nSubject: hi\r\n" + body)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        emails = client.inboxes.list_emails(inbox.id)
        if all(e.extraction is not None for e in emails):
            break
        time.sleep(0.05)
    started = time.monotonic()
    emails = client.inboxes.list_emails(inbox.id)
    assert time.monotonic() - started < 1.0
    assert len(emails) == 2
    assert all(e.extraction is not None for e in emails)
    assert all(len(e.text) <= 64 * 1024 for e in emails)
    assert all(e.html is None or len(e.html) <= 256 * 1024 for e in emails)
