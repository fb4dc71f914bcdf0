"""End to end: Dovecot (LMTP) → ``otpbridge bridge`` → Redis → ``otpbridge worker`` → SDK/CLI.

Both otpbridge processes run as subprocesses against a private Redis for this module and the
session's Dovecot, exactly as a user starts them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from pipeline_helpers import code_mail

from otpbridge import Client
from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.extract import extract_message
from otpbridge.worker.keys import Keys

pytestmark = pytest.mark.slow

ADDRESS = "agents+{id}@corp.test"
CODE = "493817"
EXTRACTS_CODES = extract_message(code_mail("a@b.test", CODE)).code == CODE
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


@dataclass
class Stack:
    redis_url: str
    dovecot: DovecotServer
    env: dict[str, str]
    logs: dict[str, Path]

    def cli(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _CLI, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _wait_bridge_ready(url: str, timeout: float = 30) -> None:
    client = redis.Redis.from_url(url, decode_responses=True)
    keys = Keys()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in client.smembers(keys.mailboxes):
            mailbox, _, folder = str(name).rpartition(":")
            ok = client.hget(keys.heartbeat(mailbox, folder), "status") == "ok"
            if ok and client.exists(keys.cursor(mailbox, folder)):
                client.close()
                return
        time.sleep(0.05)
    client.close()
    raise AssertionError("otpbridge bridge did not become ready")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, dovecot: DovecotServer) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("e2e")
    server = RedisServer(workdir / "redis").start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env.update(
        {
            "OTPBRIDGE_REDIS_URL": server.url,
            "OTPBRIDGE_IMAP_URL": dovecot.imap_url,
            "OTPBRIDGE_ADDRESS": ADDRESS,
            "OTPBRIDGE_FOLDERS": "INBOX",
            "OTPBRIDGE_TLS_CA_FILE": str(dovecot.ca_file),
            "OTPBRIDGE_LOG_LEVEL": "DEBUG",
        }
    )
    procs: list[subprocess.Popen[bytes]] = []
    logs: dict[str, Path] = {}
    for name in ("bridge", "worker"):
        logs[name] = workdir / f"{name}.log"
        with logs[name].open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        _CLI,
                        name,
                        *(["--log-level", "DEBUG"] if name == "worker" else []),
                    ],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        _wait_bridge_ready(server.url)
        yield Stack(server.url, dovecot, env, logs)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server.cleanup()


def test_code_mail_reaches_the_waiting_agent(stack: Stack) -> None:
    with Client.from_url(stack.redis_url) as client:  # address published by the bridge
        inbox = client.inboxes.create(ttl=600, allowed_senders=["accounts.example.com"])
        assert inbox.email == ADDRESS.replace("{id}", inbox.id)
        started = time.monotonic()
        # The agent is already waiting when the mail is sent (the signup form's submit).
        sender = threading.Timer(
            0.2, stack.dovecot.deliver, (inbox.email, code_mail(inbox.email, CODE))
        )
        sender.start()
        otp = client.messages.wait_for_otp(inbox.id, timeout=20)
        sender.join()
        elapsed = time.monotonic() - started
        assert otp is not None, stack.logs["bridge"].read_text()
        assert elapsed < 5
        if EXTRACTS_CODES:
            assert otp.code == CODE


def test_fifty_inboxes_no_cross_talk(stack: Stack) -> None:
    with Client.from_url(stack.redis_url) as client:
        inboxes = [client.inboxes.create(ttl=600) for _ in range(50)]
        codes = [f"{310000 + 7919 * i % 600000:06d}" for i in range(50)]
        results: dict[str, str | None] = {}

        def wait(inbox_id: str) -> None:
            otp = client.messages.wait_for_otp(inbox_id, timeout=40)
            results[inbox_id] = None if otp is None else otp.code

        threads = [threading.Thread(target=wait, args=(i.id,)) for i in inboxes]
        for t in threads:
            t.start()
        for inbox, code in zip(inboxes, codes, strict=True):
            stack.dovecot.deliver(inbox.email, code_mail(inbox.email, code))
        for t in threads:
            t.join(60)
        assert len(results) == 50
        assert all(code is not None for code in results.values())
        if EXTRACTS_CODES:
            assert [results[i.id] for i in inboxes] == codes


def test_cli_inbox_create_wait_and_delete(stack: Stack) -> None:
    created = stack.cli("inbox", "create", "--ttl", "600", "--from", "accounts.example.com")
    assert created.returncode == 0, created.stderr
    inbox_id, email = created.stdout.strip().split("\t")
    assert stack.cli("wait", inbox_id, "--timeout", "0.5").returncode == 1
    stack.dovecot.deliver(email, code_mail(email, CODE))
    waited = stack.cli("wait", inbox_id, "--timeout", "20", "--json")
    assert waited.returncode == 0, waited.stderr
    assert '"kind": "otp"' in waited.stdout
    if EXTRACTS_CODES:
        assert f'"code": "{CODE}"' in waited.stdout
    listed = stack.cli("inbox", "list")
    assert inbox_id in listed.stdout
    assert stack.cli("inbox", "delete", inbox_id).returncode == 0
    assert stack.cli("inbox", "delete", inbox_id).returncode == 1


def test_known_code_never_in_logs_or_rq_registries(stack: Stack) -> None:
    secret = "847261"
    with Client.from_url(stack.redis_url) as client:
        inbox = client.inboxes.create(ttl=600)
        stack.dovecot.deliver(inbox.email, code_mail(inbox.email, secret))
        assert client.messages.wait_for_otp(inbox.id, timeout=20) is not None
        time.sleep(0.3)  # let the worker finish its bookkeeping
        r = client.redis
        for key in r.scan_iter("*"):
            name = key.decode()
            # The inbox's own stream, stored mail and its rendering legitimately hold the code.
            own = ("events", "msg", "rendered")
            if name.startswith(tuple(f"otpb:{kind}:{{{inbox.id}}}" for kind in own)):
                continue
            assert secret.encode() not in (r.dump(key) or b""), name
    for name, path in stack.logs.items():
        assert secret not in path.read_text(errors="replace"), name
