"""``messages.last_verdicts``: what became of an inbox's mails and why, against a real Redis and
the real worker (jobs run in this process), for the sync and the async client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import cast

import pytest
import redis
from async_adapter import AsyncAdapter
from pipeline_helpers import Ingest, code_mail, heartbeat, link_mail, run_jobs

from otpbridge import Client
from otpbridge.bridge.errors import InboxNotFoundError
from otpbridge.bridge.sdk.verdicts import Verdict, verdict_result

ADDRESS = "agents+{id}@corp.example"


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, redis_url: str) -> Iterator[Client]:
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


def _plain(to: str, subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Shop <orders@shop.example.com>"
    msg["To"] = to
    msg["Delivered-To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


def _order_mail(to: str) -> bytes:
    return _plain(
        to,
        "Your order 4471902 has shipped",
        "Thanks for shopping with us. Your order number 4471902 is on its way; "
        "track it in your account.\n",
    )


def test_verdicts_name_state_kind_and_reasons_newest_first(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create()
    ingest.deliver(inbox.id, _order_mail(inbox.email))
    ingest.deliver(inbox.id, link_mail(inbox.email, "https://app.example.com/verify?t=Zq81kP0x"))
    run_jobs(redis_url)
    ingest.deliver(inbox.id, code_mail(inbox.email, "582913"))  # not extracted yet

    verdicts = client.messages.last_verdicts(inbox.id)
    assert [v.state for v in verdicts] == ["pending", "extracted", "extracted"]
    pending, link, order = verdicts
    assert pending.message.subject == "Your verification code"
    assert not pending.reasons
    assert link.kind == "confirm_link"
    assert link.link_kind == "confirm_link"
    assert not link.has_code
    assert link.confidence is not None
    assert any(r.startswith("link to app.example.com chosen") for r in link.reasons)
    assert order.kind == "none"
    assert not order.has_code
    assert any("4471902" in r and "rejected" in r for r in order.reasons), order.reasons
    # The reasons travel with ``list_emails`` too.
    emails = {e.message.message_key: e for e in client.inboxes.list_emails(inbox.id)}
    assert emails[order.message.message_key].reasons == order.reasons

    run_jobs(redis_url)
    assert client.messages.last_verdicts(inbox.id, limit=1)[0].has_code
    # No link token leaves a verdict, in any field.
    for v in client.messages.last_verdicts(inbox.id):
        assert "Zq81kP0x" not in repr(verdict_result(v))


def test_handed_out_codes_are_flagged_and_masked_for_others(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create()
    ingest.deliver(inbox.id, code_mail(inbox.email, "731904", subject="731904 is your code"))
    run_jobs(redis_url)
    other = Client.from_url(redis_url, address=ADDRESS, name="agent-b")
    try:
        heartbeat(other.redis, other.keys)
        otp = other.messages.wait_for_otp(inbox.id, timeout=5)
        assert otp is not None
        assert otp.code == "731904"
        theirs = other.messages.last_verdicts(inbox.id)[0]
    finally:
        other.close()
    mine = client.messages.last_verdicts(inbox.id)[0]
    assert mine.code_handed_out
    assert mine.handed_out[0].by == "agent-b"
    text = repr(verdict_result(mine))
    assert "731904" not in text
    assert "73\u2022\u2022\u2022\u2022" in text
    # Who took it sees it whole.
    assert any("731904" in r for r in theirs.reasons)


def test_refused_failed_since_and_limits(client: Client, ingest: Ingest, redis_url: str) -> None:
    inbox = client.inboxes.create(allowed_senders=["accounts.example.com"])
    ingest.deliver(inbox.id, _order_mail(inbox.email))  # not an allowed sender
    run_jobs(redis_url)
    refused = client.messages.last_verdicts(inbox.id)[0]
    assert refused.state == "refused"
    assert refused.error
    time.sleep(0.01)
    since = time.time()
    time.sleep(0.01)
    ingest.deliver(inbox.id, code_mail(inbox.email, "118822"))
    run_jobs(redis_url)
    newer = client.messages.last_verdicts(inbox.id, since=since)
    assert [v.state for v in newer] == ["extracted"]
    assert newer[0].has_code
    assert len(client.messages.last_verdicts(inbox.id, limit=1)) == 1
    with pytest.raises(ValueError, match="limit"):
        client.messages.last_verdicts(inbox.id, limit=0)
    with pytest.raises(InboxNotFoundError):
        client.messages.last_verdicts("a" * 20)


def test_failed_and_dropped_mail(client: Client, redis_client: redis.Redis) -> None:
    """Stream events written as the worker and the quota trim write them."""
    inbox = client.inboxes.create()
    events = client.keys.events(inbox.id)
    for key in ("m1", "m2"):
        redis_client.xadd(events, {"type": "received", "v": "2", "message_key": key})
    redis_client.xadd(events, {"type": "failed", "message_key": "m1", "error": "message too large"})
    redis_client.xadd(events, {"type": "dropped", "message_key": "m2", "reason": "quota"})
    second, first = client.messages.last_verdicts(inbox.id)
    assert first.state == "failed"
    assert first.error == "message too large"
    assert first.reasons == ()
    assert second.state == "dropped"
    assert second.dropped
    assert isinstance(second, Verdict)
    assert verdict_result(second)["state"] == "dropped"
