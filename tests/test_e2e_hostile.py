"""End to end, as an attacker tries it: poison mails between honest ones, against ``otpbridge
bridge`` and ``otpbridge worker`` subprocesses, a private Redis and the session's Dovecot.

Every bystander agent gets its own code within seconds, before and after a bridge restart with
the poison still in the mailbox; a mail with a broken X-Mailer still gives its code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from bridge_support import BridgeProcess, env_for, wait_until
from pipeline_helpers import WorkerProcess, code_mail

from otpbridge import Client
from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.worker.keys import Keys

pytestmark = pytest.mark.slow

TEMPLATE = "catchall+{id}@corp.test"


def _cc_group_bomb(to: str) -> bytes:
    return (f"From: x@ext.test\r\nTo: {to}\r\nCc: " + "a: " * 2000 + "\r\n\r\nhi\r\n").encode()


def _from_group_bomb(to: str) -> bytes:
    return ("From: " + "a: " * 2000 + f"\r\nTo: {to}\r\nSubject: hi\r\n\r\nhi\r\n").encode()


def _subject_bomb(to: str) -> bytes:
    words = " ".join(["=?utf-8?q?ab?="] * 100_000)
    return f"From: x@ext.test\r\nTo: {to}\r\nSubject: {words}\r\n\r\nhi\r\n".encode()


def _xheader_bomb(to: str) -> bytes:
    words = " ".join(["=?utf-8?q?ab?="] * 340_000)
    return (
        f"From: x@ext.test\r\nTo: {to}\r\nSubject: Your code\r\nX-Junk: {words}\r\n\r\n"
        "Your verification code is 604127.\r\n"
    ).encode()


def _bad_xmailer(to: str, code: str) -> bytes:
    raw = code_mail(to, code)
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        head, sep, body = raw.partition(b"\r\n\r\n")
    eol = b"\r\n" if b"\r\n" in head else b"\n"
    return head + eol + b"X-Mailer: =?utf-8?b?QUJDR?=" + sep + body


POISON = (_cc_group_bomb, _from_group_bomb, _subject_bomb, _xheader_bomb)


@pytest.fixture
def stack(
    tmp_path: Path, dovecot: DovecotServer
) -> Iterator[tuple[dict[str, str], Client, redis.Redis]]:
    server = RedisServer(tmp_path / "redis").start()
    env = env_for(server.url, dovecot, OTPBRIDGE_ADDRESS=TEMPLATE)
    worker = WorkerProcess(server.url)
    client = Client.from_url(server.url, address=TEMPLATE)
    raw = redis.Redis.from_url(server.url)
    try:
        yield env, client, raw
    finally:
        client.close()
        raw.close()
        worker.stop()
        server.cleanup()


def _ready(raw: redis.Redis, timeout: float = 30) -> None:
    keys = Keys()

    def ok() -> bool:
        for name in raw.smembers(keys.mailboxes):
            mailbox, _, folder = name.decode().rpartition(":")
            if raw.hget(keys.heartbeat(mailbox, folder), "status") == b"ok":
                return True
        return False

    wait_until(ok, timeout, "the bridge to connect")


def _agents(
    client: Client, inboxes: list[str], results: dict[str, str | None]
) -> list[threading.Thread]:
    def wait(inbox_id: str) -> None:
        otp = client.messages.wait_for_otp(inbox_id, timeout=30)
        results[inbox_id] = otp.code if otp is not None else None

    threads = [threading.Thread(target=wait, args=(i,)) for i in inboxes]
    for thread in threads:
        thread.start()
    return threads


def test_poison_mail_never_stops_other_agents_codes(
    stack: tuple[dict[str, str], Client, redis.Redis], dovecot: DovecotServer, tmp_path: Path
) -> None:
    env, client, raw = stack
    victim = client.inboxes.create(ttl=600)
    bridge = BridgeProcess(env, tmp_path / "bridge-1.log")
    try:
        _ready(raw)
        agents = [client.inboxes.create(ttl=600) for _ in range(10)]
        codes = {a.id: f"{500000 + n * 7919}" for n, a in enumerate(agents)}
        results: dict[str, str | None] = {}
        threads = _agents(client, [a.id for a in agents], results)
        started = time.monotonic()
        for n, agent in enumerate(agents):
            if n % 2 == 0:  # five poison mails among the ten honest ones
                bomb = POISON[(n // 2) % len(POISON)]
                to = "catchall@corp.test" if bomb is _cc_group_bomb else victim.email
                dovecot.deliver(to, bomb(to))
            dovecot.deliver(agent.email, code_mail(agent.email, codes[agent.id]))
        for thread in threads:
            thread.join(40)
        elapsed = time.monotonic() - started
        assert results == codes, bridge.log()[-3000:]
        assert elapsed < 20
    finally:
        assert bridge.terminate() == 0

    # With the bridge down, poison and honest mail pile up; the restarted bridge reads the
    # poison first and still gives every agent its code.
    later = [client.inboxes.create(ttl=600) for _ in range(5)]
    later_codes = {a.id: f"{700000 + n * 104729}" for n, a in enumerate(later)}
    for n, agent in enumerate(later):
        bomb = POISON[n % len(POISON)]
        to = "catchall@corp.test" if bomb is _cc_group_bomb else victim.email
        dovecot.deliver(to, bomb(to))
        dovecot.deliver(agent.email, code_mail(agent.email, later_codes[agent.id]))
    xmailer = client.inboxes.create(ttl=600)
    dovecot.deliver(xmailer.email, _bad_xmailer(xmailer.email, "739215"))
    results = {}
    threads = _agents(client, [a.id for a in later], results)
    bridge = BridgeProcess(env, tmp_path / "bridge-2.log")
    try:
        for thread in threads:
            thread.join(40)
        assert results == later_codes, bridge.log()[-3000:]
        # The extractor degrades a broken header, not the mail.
        otp = client.messages.wait_for_otp(xmailer.id, timeout=20)
        assert otp is not None
        assert otp.code == "739215"
    finally:
        assert bridge.terminate() == 0
