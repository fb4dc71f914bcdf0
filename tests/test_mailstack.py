"""The test servers themselves: what every other test relies on."""

from __future__ import annotations

import ssl
import uuid

import imapclient
import pytest
import redis

from otpbridge.bridge.embedded import DovecotServer


def _mail(rcpt: str, subject: str) -> bytes:
    return (
        f"From: noreply@ext.test\r\nTo: {rcpt}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4()}@ext.test>\r\n\r\nYour code is 482913.\r\n"
    ).encode()


def test_redis_is_private_and_empty(redis_client: redis.Redis) -> None:
    assert redis_client.ping()
    assert redis_client.dbsize() == 0
    port = redis_client.connection_pool.connection_kwargs["port"]
    assert port != 6379


def test_idle_sees_lmtp_delivery_with_plus_address(dovecot: DovecotServer) -> None:
    client = imapclient.IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10)
    client.login(dovecot.user, dovecot.password)
    client.select_folder("INBOX", readonly=True)
    last = max(client.search(["ALL"]) or [0])
    client.idle()
    subject = f"smoke {uuid.uuid4()}"
    dovecot.deliver("agents+abc@corp.test", _mail("agents+abc@corp.test", subject))
    responses = client.idle_check(timeout=5)
    client.idle_done()
    assert any(r[1] == b"EXISTS" for r in responses)
    new = [u for u in client.search(["UID", f"{last + 1}:*"]) if u > last]
    fetched = client.fetch(new, ["BODY.PEEK[HEADER]"])
    headers = b"".join(v[b"BODY[HEADER]"] for v in fetched.values())
    assert b"Delivered-To: agents+abc@corp.test" in headers
    assert subject.encode() in headers
    client.logout()


def test_any_local_part_lands_in_the_catch_all(dovecot: DovecotServer) -> None:
    dovecot.deliver("someone-else@corp.test", _mail("someone-else@corp.test", "catch-all"))


def test_imaps_verifies_with_the_ca_and_fails_without(dovecot: DovecotServer) -> None:
    assert dovecot.ca_file is not None
    ctx = ssl.create_default_context(cafile=str(dovecot.ca_file))
    client = imapclient.IMAPClient(
        "localhost", port=dovecot.imaps_port, ssl_context=ctx, timeout=10
    )
    client.login(dovecot.user, dovecot.password)
    client.logout()
    with pytest.raises(ssl.SSLCertVerificationError):
        imapclient.IMAPClient("localhost", port=dovecot.imaps_port, timeout=10)
