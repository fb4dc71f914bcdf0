"""The real pipeline for the browser tests: a private redis-server, ``otpbridge bridge`` and
``otpbridge worker`` as processes on the session's Dovecot, and an SMTP front door (aiosmtpd →
LMTP) so the web app sends its mails over SMTP like any service would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.bridge.embedded.smtp_front import LmtpDelivery, SmtpFront
from otpbridge.worker.keys import Keys

__all__ = ["ADDRESS", "Pipeline", "running_pipeline"]

ADDRESS = "agents+{id}@corp.test"
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Pipeline:
    redis_url: str
    smtp_port: int
    env: dict[str, str]
    logs: dict[str, Path]

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")


def _wait_ready(url: str, timeout: float = 30) -> None:
    """Until a bridge heartbeat says ``ok`` and its cursor exists (it watches the folder)."""
    client = redis.Redis.from_url(url, decode_responses=True)
    keys = Keys()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for name in client.smembers(keys.mailboxes):
                mailbox, _, folder = str(name).rpartition(":")
                ok = client.hget(keys.heartbeat(mailbox, folder), "status") == "ok"
                if ok and client.exists(keys.cursor(mailbox, folder)):
                    return
            time.sleep(0.05)
    finally:
        client.close()
    raise AssertionError("otpbridge bridge did not become ready")


@contextmanager
def running_pipeline(workdir: Path, dovecot: DovecotServer) -> Iterator[Pipeline]:
    server = RedisServer(workdir / "redis").start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env.update(
        {
            "OTPBRIDGE_REDIS_URL": server.url,
            "OTPBRIDGE_IMAP_URL": dovecot.imap_url,
            "OTPBRIDGE_ADDRESS": ADDRESS,
            "OTPBRIDGE_FOLDERS": "INBOX",
            "OTPBRIDGE_TLS_CA_FILE": str(dovecot.ca_file),
        }
    )
    procs: list[subprocess.Popen[bytes]] = []
    logs: dict[str, Path] = {}
    front = SmtpFront(LmtpDelivery("127.0.0.1", dovecot.lmtp_port))
    try:
        for name in ("bridge", "worker"):
            logs[name] = workdir / f"{name}.log"
            with logs[name].open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-c", _CLI, name],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        _wait_ready(server.url)
        front.start()
        yield Pipeline(server.url, front.port, env, logs)
    finally:
        front.stop()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server.cleanup()
