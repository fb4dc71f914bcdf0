"""Publication is effectively-once: the ingest transaction, crashes, leases, first starts."""

from __future__ import annotations

import time
from email.parser import BytesHeaderParser

import pytest
import redis
from bridge_support import (
    KEYS,
    address,
    env_for,
    events,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    wait_until,
)
from redis.client import Pipeline
from rq import Queue

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.errors import LeaseLostError
from otpbridge.bridge.imap.fetch import MailHeaders
from otpbridge.bridge.imap.ingest import Ingestor, Plan
from otpbridge.bridge.imap.lease import Lease
from otpbridge.bridge.imap.router import AddressTemplate
from otpbridge.bridge.settings import load_settings
from otpbridge.worker import metrics


def _headers(uid: int, raw: bytes) -> MailHeaders:
    return MailHeaders(uid, BytesHeaderParser().parsebytes(raw), len(raw), 1_700_000_000_000)


def _ingestor(client: redis.Redis, owner: str = "me") -> tuple[Ingestor, Lease]:
    lease = Lease(client, KEYS.lease("mb", "INBOX"), owner, 5)
    assert lease.acquire()
    queue = Queue("otpbridge", connection=client)
    return Ingestor(client, KEYS, queue, lease, "mb", "INBOX"), lease


def test_same_uid_is_published_once(redis_client: redis.Redis) -> None:
    ingest, _ = _ingestor(redis_client)
    inbox = new_inbox(redis_client)
    raw = mail(address(inbox))
    assert ingest.commit(7, [Plan.routed(_headers(1, raw), inbox, raw)], 1) == ["routed"]
    assert ingest.commit(7, [Plan.routed(_headers(1, raw), inbox, raw)], 1) == ["duplicate"]
    assert ingest.commit(7, [Plan.unrouted(_headers(1, raw), "ambiguous")], 1) == ["duplicate"]
    assert len(events(redis_client, inbox)) == 1
    assert len(Queue("otpbridge", connection=redis_client).job_ids) == 1
    assert redis_client.hgetall(ingest.cursor_key) == {b"uidvalidity": b"7", b"last_uid": b"1"}


def test_no_write_without_the_lease(redis_client: redis.Redis) -> None:
    ingest, lease = _ingestor(redis_client)
    inbox = new_inbox(redis_client)
    redis_client.set(lease.key, "someone-else")
    raw = mail(address(inbox))
    with pytest.raises(LeaseLostError):
        ingest.commit(7, [Plan.routed(_headers(1, raw), inbox, raw)], 1)
    assert not lease.held
    assert events(redis_client, inbox) == []
    assert not redis_client.exists(ingest.cursor_key)


def test_expired_inbox_is_reported_not_resurrected(redis_client: redis.Redis) -> None:
    ingest, _ = _ingestor(redis_client)
    raw = mail(address("a" * 20))
    assert ingest.commit(7, [Plan.routed(_headers(1, raw), "a" * 20, raw)], 1) == ["inbox_gone"]
    assert redis_client.keys("otpb:*{aaaaaaaaaaaaaaaaaaaa}*") == []


def test_a_catch_up_batch_is_one_transaction_with_one_outcome_per_mail(
    redis_client: redis.Redis,
) -> None:
    ingest, _ = _ingestor(redis_client)
    live, other = new_inbox(redis_client), new_inbox(redis_client)
    gone = "g" * 20
    raws = {uid: mail(address(live), subject=f"n{uid}") for uid in range(1, 8)}
    assert ingest.commit(7, [Plan.routed(_headers(2, raws[2]), live, raws[2])], 1) == ["routed"]
    plans = [
        Plan.routed(_headers(1, raws[1]), live, raws[1]),  # below the checkpoint now
        Plan.routed(_headers(3, raws[3]), live, raws[3]),
        Plan.unrouted(_headers(4, raws[4]), "ambiguous"),
        Plan.routed(_headers(5, raws[5]), gone, raws[5]),
        Plan.failed(_headers(6, raws[6]), other, "message too large (99 bytes)"),
        Plan.routed(_headers(7, raws[7]), other, raws[7]),
    ]
    outcomes = ingest.commit(7, plans, seen_at_ms=1)
    assert outcomes == ["duplicate", "routed", "unrouted", "inbox_gone", "failed", "routed"]
    assert [e["subject"] for e in events(redis_client, live)] == ["n2", "n3"]
    assert [e["type"] for e in events(redis_client, other)] == ["failed", "received"]
    unrouted = [f[b"reason"] for _, f in redis_client.xrange(KEYS.unrouted)]
    assert unrouted == [b"ambiguous", b"inbox_not_found"]
    assert redis_client.keys(f"otpb:*{{{gone}}}*") == []
    assert redis_client.hgetall(ingest.cursor_key) == {b"uidvalidity": b"7", b"last_uid": b"7"}
    # One job for the first mail, one for the two routed mails of the batch.
    assert len(Queue("otpbridge", connection=redis_client).job_ids) == 2
    # The same batch again (a crash after EXEC, before the checkpoint was seen): nothing new.
    assert ingest.commit(7, plans, seen_at_ms=1) == ["duplicate"] * len(plans)
    assert len(events(redis_client, live)) == 2


def test_a_batch_retries_when_an_inbox_changes_before_exec(
    redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest, _ = _ingestor(redis_client)
    inbox = new_inbox(redis_client)
    raw = mail(address(inbox))
    real_multi = Pipeline.multi
    touched: list[bool] = []

    def delete_inbox_first(self: Pipeline) -> None:
        if not touched:  # the agent deletes its inbox between our reads and EXEC
            touched.append(True)
            redis_client.delete(KEYS.inbox(inbox))
        real_multi(self)

    monkeypatch.setattr(Pipeline, "multi", delete_inbox_first)
    assert ingest.commit(7, [Plan.routed(_headers(1, raw), inbox, raw)], 1) == ["inbox_gone"]
    assert events(redis_client, inbox) == []
    assert redis_client.keys(f"otpb:msg:*{{{inbox}}}*") == []


def test_template_matching() -> None:
    plus = AddressTemplate("agents+{id}@corp.example")
    assert plus.inbox_id("Agents+ABCDEFGHIJKLMNOP1234@CORP.example") == "abcdefghijklmnop1234"
    assert plus.inbox_id("agents+short@corp.example") is None  # not an inbox id
    assert plus.inbox_id("agents+abcdefghijklmnop1234@corp.example.evil") is None
    domain = AddressTemplate("{id}@agents.corp.example")
    assert domain.inbox_id("abcdefghijklmnop1234@agents.corp.example") == "abcdefghijklmnop1234"
    assert domain.inbox_id("abcdefghijklmnop1234@corp.example") is None


def test_crash_inside_the_transaction_redelivers_and_publishes_once(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = new_inbox(redis_client)
    real_execute = Pipeline.execute
    crashes = []

    def crash_once(self: Pipeline, raise_on_error: bool = True) -> object:
        commands = " ".join(str(c[0][0]) for c in self.command_stack)
        if "XADD" in commands and not crashes:
            crashes.append(commands)
            raise redis.ConnectionError("simulated crash before EXEC")
        return real_execute(self, raise_on_error)

    monkeypatch.setattr(Pipeline, "execute", crash_once)
    with running_bridge(settings_for(redis_url, dovecot), redis_client):
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: events(redis_client, inbox), 6, "the re-delivered mail")
        time.sleep(0.5)
    assert crashes
    assert len(events(redis_client, inbox)) == 1
    assert len(Queue("otpbridge", connection=redis_client).job_ids) == 1


def test_first_start_skips_history_unless_since_asks(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    dovecot.deliver(address(inbox), mail(address(inbox), subject="before any bridge"))
    with running_bridge(settings_for(redis_url, dovecot), redis_client):
        time.sleep(0.3)
    assert events(redis_client, inbox) == []
    redis_client.delete(KEYS.cursor(settings_for(redis_url, dovecot).mailboxes[0].name, "INBOX"))
    backfill = load_settings(env_for(redis_url, dovecot), since="10m")
    with running_bridge(backfill, redis_client):
        wait_until(lambda: events(redis_client, inbox), 3, "the backfilled mail")
    assert [e["subject"] for e in events(redis_client, inbox)] == ["before any bridge"]


def test_idle_is_renewed_and_still_delivers(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_IDLE_RENEW="1")
    name = f"{settings.mailboxes[0].name}:INBOX"

    def renewals() -> float:
        value = metrics.REGISTRY.get_sample_value(
            "otpbridge_idle_renewals_total", {"mailbox": name}
        )
        return value or 0.0

    inbox = new_inbox(redis_client)
    before = renewals()
    with running_bridge(settings, redis_client):
        wait_until(lambda: renewals() >= before + 2, 5, "two IDLE renewals")
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: events(redis_client, inbox), 3, "routing after renewals")
