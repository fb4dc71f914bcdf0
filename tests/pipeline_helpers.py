"""Test helpers for worker/SDK tests: ingest mail like the bridge does, compose code mails.

``Ingest`` drives the bridge's own :class:`bridge.imap.ingest.Ingestor` (lease, checkpoint,
stored mail, ``received`` event and the RQ job in one transaction) without an IMAP server, and
writes a fresh watcher heartbeat, so worker and SDK tests exercise the real contract.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

import redis
from cli_process import CliProcess
from rq import Queue

from otpbridge.bridge.imap.fetch import MailHeaders
from otpbridge.bridge.imap.ingest import Ingestor, Plan
from otpbridge.bridge.imap.lease import Lease
from otpbridge.worker.keys import Keys, message_key
from otpbridge.worker.runner import build_worker
from otpbridge.worker.settings import QUEUE_NAME, WorkerSettings

MAILBOX = "catchall"
FOLDER = "INBOX"
UIDVALIDITY = 7


def _message(to: str, sender: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Example Accounts <{sender}>"
    msg["To"] = to
    msg["Delivered-To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="accounts.example.com")
    return msg


def code_mail(
    to: str,
    code: str,
    *,
    sender: str = "no-reply@accounts.example.com",
    subject: str = "Your verification code",
) -> bytes:
    msg = _message(to, sender, subject)
    msg.set_content(
        f"Hello,\n\nYour verification code is {code}.\n"
        "It expires in 10 minutes. If you did not request it, ignore this mail.\n"
    )
    return msg.as_bytes()


def heartbeat(client: redis.Redis, keys: Keys, age_s: float = 0.0) -> None:
    name = f"{MAILBOX}:{FOLDER}"
    client.hset(keys.heartbeat(MAILBOX, FOLDER), "ts_ms", int((time.time() - age_s) * 1000))
    client.sadd(keys.mailboxes, name)


class Ingest:
    """The bridge's ingest step, one UID at a time, against ``client``."""

    def __init__(self, client: redis.Redis, keys: Keys | None = None) -> None:
        self.client = client
        self.keys = keys or Keys()
        self.queue = Queue(QUEUE_NAME, connection=client)
        lease = Lease(client, self.keys.lease(MAILBOX, FOLDER), "test-bridge", ttl_s=300)
        assert lease.acquire()
        self.ingestor = Ingestor(client, self.keys, self.queue, lease, MAILBOX, FOLDER)
        self.uid = 0
        heartbeat(client, self.keys)

    def deliver(self, inbox_id: str, raw: bytes) -> str:
        """Store ``raw`` for ``inbox_id`` as the next UID; returns its message key."""
        return self.deliver_batch([(inbox_id, raw)])[0]

    def deliver_batch(self, mails: list[tuple[str, bytes]]) -> list[str]:
        """Store ``(inbox_id, raw)`` pairs as the next UIDs in ONE ingest transaction, as the
        bridge does with one catch-up; returns their message keys."""
        plans = []
        for inbox_id, raw in mails:
            self.uid += 1
            headers = BytesHeaderParser().parsebytes(raw)
            mail = MailHeaders(self.uid, headers, len(raw), int(time.time() * 1000))
            plans.append(Plan.routed(mail, inbox_id, raw))
        outcomes = self.ingestor.commit(UIDVALIDITY, plans, int(time.time() * 1000))
        # "refused": stored, but the inbox's sender allowlist keeps it from extraction.
        assert all(o in ("routed", "refused") for o in outcomes), outcomes
        return [message_key(MAILBOX, FOLDER, UIDVALIDITY, p.mail.uid) for p in plans]


def run_jobs(redis_url: str, keys: Keys | None = None) -> None:
    """Run every queued job in this process (SimpleWorker, burst, no scheduler)."""
    settings = WorkerSettings(redis_url=redis_url, prefix=(keys or Keys()).prefix)
    connection = redis.Redis.from_url(redis_url)
    try:
        build_worker(settings, connection).work(burst=True, logging_level="WARNING")
    finally:
        connection.close()


def link_mail(to: str, url: str, *, sender: str = "no-reply@accounts.example.com") -> bytes:
    msg = _message(to, sender, "Confirm your email address")
    msg.set_content("Welcome! Confirm your email address to finish signing up.\n")
    msg.add_alternative(
        "<html><body><p>Welcome! Confirm your email address to finish signing up.</p>"
        f'<p><a href="{url}">Confirm email</a></p></body></html>',
        subtype="html",
    )
    return msg.as_bytes()


_WORKER_MAIN = "import pipeline_helpers; pipeline_helpers.worker_main()"


def worker_main() -> None:
    """``otpbridge worker`` with test-only slowness (a crash window) and a short started-job
    TTL in THIS process, set from ``OTPB_TEST_*``; production code has no such hooks."""
    import otpbridge.worker.jobs  # noqa: PLC0415 - patched before the CLI imports the runner
    import otpbridge.worker.runner  # noqa: PLC0415
    from otpbridge.bridge.cli import main  # noqa: PLC0415

    slow = float(os.environ.get("OTPB_TEST_SLOW_FIRST_JOB_S", "0") or 0)
    ttl = os.environ.get("OTPB_TEST_HEARTBEAT_TTL_S")
    if slow:
        real = otpbridge.worker.jobs.parse_document
        calls = []

        def slow_once(raw: bytes):  # type: ignore[no-untyped-def]
            calls.append(1)
            if len(calls) == 1:
                time.sleep(slow)
            return real(raw)

        otpbridge.worker.jobs.parse_document = slow_once
    if ttl:
        runner = otpbridge.worker.runner
        for cls in (runner.ExtractionSimpleWorker, runner.ExtractionForkWorker):
            cls.get_heartbeat_ttl = lambda self, job, working_time=0.0: int(ttl)  # type: ignore[method-assign]
    sys.exit(main(sys.argv[1:]))


class WorkerProcess(CliProcess):
    """``otpbridge worker`` as a subprocess; ``stop()`` sends SIGTERM and waits."""

    def __init__(
        self,
        redis_url: str,
        *args: str,
        env: dict[str, str] | None = None,
        slow_first_job_s: float = 0.0,
        heartbeat_ttl_s: int | None = None,
    ) -> None:
        full_env = {"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_LOG_LEVEL": "INFO", **(env or {})}
        full_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")) if p
        )
        if slow_first_job_s:
            full_env["OTPB_TEST_SLOW_FIRST_JOB_S"] = str(slow_first_job_s)
        if heartbeat_ttl_s is not None:
            full_env["OTPB_TEST_HEARTBEAT_TTL_S"] = str(heartbeat_ttl_s)
        log_path = (
            Path(os.environ.get("TMPDIR", "/tmp")) / f"otpb-worker-{os.getpid()}-{id(self)}.log"
        )
        log_path.unlink(missing_ok=True)
        super().__init__([sys.executable, "-c", _WORKER_MAIN, "worker", *args], full_env, log_path)

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        return self.proc.returncode
