"""Test helpers for worker/SDK tests: ingest mail like the bridge does, compose code mails.

``Ingest`` drives the bridge's own :class:`bridge.imap.ingest.Ingestor` (lease, checkpoint,
stored mail, ``received`` event and the RQ job in one transaction) without an IMAP server, and
writes a fresh watcher heartbeat, so worker and SDK tests exercise the real contract.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, make_msgid

import redis
from rq import Queue

from bridge.imap.fetch import MailHeaders
from bridge.imap.ingest import Ingestor
from bridge.imap.lease import Lease
from worker.keys import Keys, message_key
from worker.runner import build_worker
from worker.settings import QUEUE_NAME, WorkerSettings

MAILBOX = "catchall"
FOLDER = "INBOX"
UIDVALIDITY = 7


def code_mail(
    to: str,
    code: str,
    *,
    sender: str = "no-reply@accounts.example.com",
    subject: str = "Your verification code",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Example Accounts <{sender}>"
    msg["To"] = to
    msg["Delivered-To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="accounts.example.com")
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
        self.uid += 1
        headers = BytesHeaderParser().parsebytes(raw)
        mail = MailHeaders(self.uid, headers, len(raw), int(time.time() * 1000))
        outcome = self.ingestor.publish(UIDVALIDITY, mail, inbox_id, raw, int(time.time() * 1000))
        assert outcome == "routed", outcome
        return message_key(MAILBOX, FOLDER, UIDVALIDITY, self.uid)


def run_jobs(redis_url: str, keys: Keys | None = None) -> None:
    """Run every queued job in this process (SimpleWorker, burst, no scheduler)."""
    settings = WorkerSettings(redis_url=redis_url, prefix=(keys or Keys()).prefix)
    connection = redis.Redis.from_url(redis_url)
    try:
        build_worker(settings, connection).work(burst=True, logging_level="WARNING")
    finally:
        connection.close()
