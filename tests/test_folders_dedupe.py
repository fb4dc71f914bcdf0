"""Once per mail across watched folders (issue 13 item 4).

A mail moved from Junk to INBOX (or shown in two Gmail labels) is one mail: it reaches its inbox
once, keyed per inbox by X-GM-MSGID, else by Message-ID plus a hash of the body.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.parser import BytesHeaderParser

import imapclient
import pytest
import redis
from bridge_support import (
    KEYS,
    address,
    events,
    heartbeat,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    wait_until,
)
from rq import Queue

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.imap.dedupe import dedupe_key
from otpbridge.bridge.imap.fetch import MailHeaders, fetch_headers
from otpbridge.bridge.imap.ingest import Ingestor, Outcome, Plan
from otpbridge.bridge.imap.lease import Lease
from otpbridge.bridge.sdk.records import inbox_keys
from otpbridge.worker.settings import QUEUE_NAME

MID = "<abc.123@ext.test>"


def _raw(received: str, body: str = "Your code is 482913.", mid: str = MID) -> bytes:
    mid_line = f"Message-ID: {mid}\r\n" if mid else ""
    return (
        f"Received: {received}\r\nFrom: a@ext.test\r\nTo: b@corp.test\r\n{mid_line}"
        f"Subject: code\r\n\r\n{body}\r\n"
    ).encode()


def test_the_key_is_message_id_plus_body_else_gmail_id_else_nothing() -> None:
    first = dedupe_key(_raw("from mx1 by imap; Mon, 1 Jan 2024"), MID)
    # The same mail re-delivered: other Received headers, same Message-ID and body.
    assert first == dedupe_key(_raw("from mx2 by imap; Tue, 2 Jan 2024"), MID)
    assert first.startswith("mid:")
    # A sender controls its Message-ID: another body under the same id is another mail.
    assert first != dedupe_key(_raw("from mx1", body="Your code is 111111."), MID)
    assert first != dedupe_key(_raw("from mx1"), "<other@ext.test>")
    # LF-only line ends find the body too.
    lf = _raw("x").replace(b"\r\n", b"\n")
    assert dedupe_key(lf, MID) == dedupe_key(_raw("y").replace(b"\r\n", b"\n"), MID)
    # No Message-ID: never merged.
    assert dedupe_key(_raw("from mx1", mid=""), "") == ""
    assert dedupe_key(_raw("from mx1"), "   ") == ""
    # Gmail's own id wins: the same in every label.
    assert dedupe_key(_raw("a"), MID, "1278455344230334865") == "gm:1278455344230334865"
    assert dedupe_key(_raw("a", mid=""), "", "42") == "gm:42"


class _GmailLike:
    """Answers a header FETCH as imapclient does for Gmail (X-GM-MSGID parsed as an int)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def fetch(self, uids: list[int], items: list[str]) -> dict[int, dict[bytes, object]]:
        self.items = list(items)
        head = _raw("x").split(b"\r\n\r\n")[0] + b"\r\n\r\n"
        return {
            uid: {b"BODY[HEADER.FIELDS (X)]<0>": head, b"RFC822.SIZE": 10, b"X-GM-MSGID": gm}
            for uid, gm in zip(uids, (1278455344230334865, b"42"), strict=True)
        }


def test_gmail_id_comes_with_the_headers_only_when_asked() -> None:
    server = _GmailLike()
    got = fetch_headers(server, [1, 2], gmail=True)  # type: ignore[arg-type]
    assert "X-GM-MSGID" in server.items
    assert [m.gm_msgid for m in got] == ["1278455344230334865", "42"]
    assert got[0].message_id == MID
    fetch_headers(server, [1, 2])  # type: ignore[arg-type]
    assert "X-GM-MSGID" not in server.items


def test_deleting_an_inbox_removes_its_seen_set() -> None:
    assert KEYS.seen("x" * 20) in inbox_keys(KEYS, "x" * 20, [])


def _ingestor(client: redis.Redis, folder: str) -> Ingestor:
    lease = Lease(client, KEYS.lease("catchall", folder), f"test-{folder}", ttl_s=300)
    assert lease.acquire()
    queue = Queue(QUEUE_NAME, connection=client)
    return Ingestor(client, KEYS, queue, lease, "catchall", folder)


def _at_once(ingestors: list[Ingestor], plan: Plan) -> list[Outcome]:
    """Each ingestor commits ``plan`` on its own thread, all released together."""
    start = threading.Barrier(len(ingestors))
    outcomes: list[Outcome] = []

    def commit(ingestor: Ingestor) -> None:
        start.wait()
        outcomes.extend(ingestor.commit(1, [plan], int(time.time() * 1000)))

    threads = [threading.Thread(target=commit, args=(ing,)) for ing in ingestors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return sorted(outcomes)


def test_two_folders_committing_the_same_mail_at_once_route_it_once(
    redis_client: redis.Redis,
) -> None:
    # Two watchers (threads), one transaction each, released together: the seen set is
    # WATCHed, so whichever commits second sees the first's write.
    inbox = new_inbox(redis_client)
    ingestors = [_ingestor(redis_client, name) for name in ("INBOX", "Junk")]
    rounds = 40
    for n in range(1, rounds + 1):
        raw = mail(address(inbox), body=f"Your code is {100000 + n}.")
        headers = BytesHeaderParser().parsebytes(raw)
        mail_headers = MailHeaders(n, headers, len(raw), int(time.time() * 1000))
        key = dedupe_key(raw, mail_headers.message_id)
        outcomes = _at_once(ingestors, Plan.routed(mail_headers, inbox, raw, dedupe=key))
        assert outcomes == ["routed", "same_mail"], n
    received = [e for e in events(redis_client, inbox) if e["type"] == "received"]
    assert len(received) == rounds
    assert redis_client.scard(KEYS.seen(inbox)) == rounds
    # Remembered for the inbox's lifetime: the seen set expires with the inbox.
    assert abs(redis_client.pttl(KEYS.seen(inbox)) - redis_client.pttl(KEYS.inbox(inbox))) < 1000


@pytest.fixture
def imap(dovecot: DovecotServer) -> Iterator[imapclient.IMAPClient]:
    """A second IMAP client: the person (or the rule) who moves mail between folders."""
    client = imapclient.IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10)
    client.login(dovecot.user, dovecot.password)
    if not client.folder_exists("Junk"):
        client.create_folder("Junk")
    try:
        yield client
    finally:
        client.logout()


def _cursor_uid(client: redis.Redis, mailbox: str, folder: str) -> int:
    return int(client.hget(KEYS.cursor(mailbox, folder), "last_uid") or 0)


def _received(client: redis.Redis, inbox: str) -> list[dict[str, str]]:
    return [e for e in events(client, inbox) if e["type"] == "received"]


def test_mail_moved_from_junk_to_inbox_reaches_its_inbox_once(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    imap: imapclient.IMAPClient,
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FOLDERS="INBOX,Junk")
    name = settings.mailboxes[0].name
    with running_bridge(settings, redis_client):
        wait_until(
            lambda: heartbeat(redis_client, settings, "Junk").get("status") == "ok",
            10,
            "the Junk watcher",
        )
        imap.append("Junk", mail(address(inbox), subject="signup"))
        wait_until(lambda: _received(redis_client, inbox), 10, "the mail routed from Junk")

        imap.select_folder("Junk")
        (uid,) = imap.search(["SUBJECT", "signup"])
        imap.move([uid], "INBOX")
        imap.select_folder("INBOX")
        (new_uid,) = imap.search(["SUBJECT", "signup"])
        # The INBOX watcher has committed the moved copy once its checkpoint passed its UID.
        wait_until(
            lambda: _cursor_uid(redis_client, name, "INBOX") >= new_uid,
            10,
            "the INBOX watcher to take the moved mail",
        )
        imap.select_folder("Junk")
    assert len(_received(redis_client, inbox)) == 1
    assert redis_client.scard(KEYS.seen(inbox)) == 1


def test_redelivered_mail_is_merged_but_mail_without_message_id_never(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    to = address(inbox)
    with_id = mail(to, subject="with id")
    without_id = b"".join(
        line
        for line in mail(to, subject="no id").splitlines(keepends=True)
        if not line.startswith(b"Message-ID:")
    )
    settings = settings_for(redis_url, dovecot)
    with running_bridge(settings, redis_client):
        for raw in (with_id, with_id, without_id, without_id):
            # Each LMTP delivery adds its own Return-Path/Delivered-To/Received headers.
            dovecot.deliver(to, raw)
        wait_until(lambda: len(_received(redis_client, inbox)) >= 3, 10, "three mails")
        time.sleep(0.3)
    subjects = sorted(e["subject"] for e in _received(redis_client, inbox))
    assert subjects == ["no id", "no id", "with id"]
