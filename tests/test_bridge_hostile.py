"""Hostile mail at the bridge: no mail may stop routing for others, no forged From may pass an
allowlist, one inbox may not fill Redis. The watcher runs in a thread against real Dovecot."""

from __future__ import annotations

import json
import time
from email.parser import BytesHeaderParser

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
    unrouted,
    wait_until,
)

from otpbridge.bridge.cli.status_cmd import collect_status
from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.bridge.imap import Bridge
from otpbridge.bridge.imap.headers import addresses, decode_words, parse_mailbox
from otpbridge.bridge.imap.ingest import Ingestor
from otpbridge.bridge.imap.poison import CAREFUL_AFTER, QUARANTINE_AFTER, PoisonGuard
from otpbridge.bridge.imap.sender_auth import sender_auth
from otpbridge.bridge.imap.watcher import FolderWatcher
from otpbridge.bridge.senders import decide_sender
from otpbridge.worker.keys import job_id
from otpbridge.worker.settings import QUEUE_NAME

FORGED_NAME_FROM = "=?utf-8?q?noreply=40github=2Ecom?= <attacker@evil.example>"


def _group_bomb(header: str, to: str) -> bytes:
    """6 KB: ``a: `` 2,000 times made ``getaddresses``/``parseaddr`` raise RecursionError."""
    return (
        f"From: x@ext.test\r\nTo: {to}\r\n{header}: " + "a: " * 2000 + "\r\nSubject: hi\r\n\r\n"
        "Your code is 111111\r\n"
    ).encode()


def _encoded_subject_bomb(to: str, words: int = 100_000) -> bytes:
    """A Subject of many RFC 2047 words: ``decode_header`` is quadratic in their number."""
    subject = " ".join(["=?utf-8?q?ab?="] * words)
    return (f"From: x@ext.test\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nhello\r\n").encode()


def _with_allowlist(client: redis.Redis, inbox: str, senders: list[str]) -> None:
    client.hset(KEYS.inbox(inbox), "allowed_senders", json.dumps(senders))


# -- pure readers --------------------------------------------------------------------------------
def test_address_reader_skips_display_names_groups_and_comments() -> None:
    values = ['"agents+x@corp.test" <Real@Ext.Test>, grp: a@b.test;', "c@d.test (e@f.test)"]
    assert list(addresses(values)) == ["real@ext.test", "a@b.test", "c@d.test"]
    started = time.perf_counter()
    assert list(addresses(["a: " * 20_000])) == []
    assert time.perf_counter() - started < 0.5


def test_encoded_words_decode_in_linear_time_and_bounded() -> None:
    started = time.perf_counter()
    text = decode_words(" ".join(["=?utf-8?q?ab?="] * 340_000))
    assert time.perf_counter() - started < 0.5
    assert len(text) == 500
    assert decode_words("=?utf-8?b?QUJDR?= =?bogus-cs?q?caf=E9?= ok") != ""
    assert decode_words("=?iso-8859-1?q?caf=E9?=  =?utf-8?b?w6k=?=") == "caféé"


def test_from_reader_takes_the_address_never_the_display_name() -> None:
    forged = parse_mailbox(FORGED_NAME_FROM)
    assert forged.address == "attacker@evil.example"
    assert forged.name == "noreply@github.com"
    # Any parser of the stored display form finds the real address.
    assert forged.display() == '"noreply@github.com" <attacker@evil.example>'
    assert parse_mailbox("a@b.test, c@d.test").address == ""  # two senders: nobody's
    assert parse_mailbox("a: " * 2000).address == ""
    assert parse_mailbox("GitHub <noreply@GitHub.com>").address == "noreply@github.com"


def _ar(*values: str) -> BytesHeaderParser:
    raw = "".join(f"Authentication-Results: {v}\r\n" for v in values) + "\r\n"
    return BytesHeaderParser().parsebytes(raw.encode())  # type: ignore[return-value]


def test_dmarc_pass_counts_only_for_the_from_domain() -> None:
    trusted = {"mx.corp.test"}
    other = _ar("mx.corp.test; dmarc=pass header.from=evil.example")
    assert sender_auth(other, "github.com", trusted) == "none"  # type: ignore[arg-type]
    own = _ar("mx.corp.test; spf=pass; dmarc=pass (p=reject) header.from=github.com")
    assert sender_auth(own, "github.com", trusted) == "pass"  # type: ignore[arg-type]
    assert sender_auth(own, "github.com", {"other.id"}) == "none"  # type: ignore[arg-type]
    forged = _ar("mx.corp.test; dmarc=fail header.from=github.com")
    assert sender_auth(forged, "github.com", trusted) == "fail"  # type: ignore[arg-type]
    dkim = _ar("mx.corp.test; dkim=pass header.d=github.com header.s=s1")
    assert sender_auth(dkim, "mail.github.com", trusted) == "pass"  # type: ignore[arg-type]
    dkim_other = _ar("mx.corp.test; dkim=pass header.d=evil.example")
    assert sender_auth(dkim_other, "github.com", trusted) == "none"  # type: ignore[arg-type]


def test_sender_decision() -> None:
    allowed = ("github.com",)
    assert decide_sender("attacker@evil.example", allowed, "", auth_required=False).reason == (
        "sender_not_allowed"
    )
    assert decide_sender("noreply@github.com", allowed, "", auth_required=False).allowed
    assert not decide_sender("noreply@github.com", allowed, "none", auth_required=True).allowed
    assert decide_sender("noreply@github.com", allowed, "pass", auth_required=True).allowed
    assert not decide_sender("noreply@github.com", allowed, "fail", auth_required=False).allowed
    assert not decide_sender("", allowed, "pass", auth_required=True).allowed
    assert not decide_sender("x@y.test", (), "", auth_required=True).decided


def test_poison_guard_goes_careful_then_quarantines_then_gives_up() -> None:
    guard = PoisonGuard()
    for n in range(1, QUARANTINE_AFTER + 1):
        guard.crashed(7)
        assert guard.careful == (n >= CAREFUL_AFTER)
        assert guard.quarantine_next == (n >= QUARANTINE_AFTER)
    guard.progressed(8, 1)
    assert not guard.quarantine_next
    assert guard.careful  # still one mail at a time for a while after the culprit
    assert guard.without_progress == 0
    for _ in range(10):
        guard.crashed(None)
    assert guard.give_up


# -- the watcher against Dovecot -----------------------------------------------------------------
def test_poison_mails_do_not_stop_routing_for_others(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    victim = new_inbox(redis_client)
    bystanders = [new_inbox(redis_client) for _ in range(5)]
    settings = settings_for(redis_url, dovecot)
    with running_bridge(settings, redis_client):
        poison = [
            ("catchall@corp.test", _group_bomb("Cc", "catchall@corp.test")),  # no inbox at all
            (address(victim), _group_bomb("Cc", address(victim))),
            (address(victim), _group_bomb("From", address(victim))),
            (address(victim), _encoded_subject_bomb(address(victim))),
        ]
        started = time.monotonic()
        for n, inbox in enumerate(bystanders):
            to, raw = poison[n % len(poison)]
            dovecot.deliver(to, raw)
            dovecot.deliver(address(inbox), mail(address(inbox)))
        for inbox in bystanders:
            wait_until(lambda i=inbox: events(redis_client, i), 10, "bystander mail")
        elapsed = time.monotonic() - started
        wait_until(lambda: len(events(redis_client, victim)) >= 3, 10, "the victim's mail")
        assert heartbeat(redis_client, settings)["status"] == "ok"
    assert elapsed < 8
    victim_events = events(redis_client, victim)
    subjects = [e["subject"] for e in victim_events if e["type"] == "received"]
    assert any(len(s) == 500 for s in subjects)  # the encoded-word subject, decoded and cut
    assert any(e.get("reason") == "no_recipient_match" for e in unrouted(redis_client))


def test_forged_display_name_never_satisfies_an_allowlist(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    _with_allowlist(redis_client, inbox, ["github.com"])
    settings = settings_for(redis_url, dovecot)
    forged = mail(address(inbox)).replace(
        b"From: Example <noreply@ext.test>", f"From: {FORGED_NAME_FROM}".encode()
    )
    honest = mail(address(inbox)).replace(b"noreply@ext.test", b"noreply@github.com")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), forged)
        dovecot.deliver(address(inbox), honest)
        wait_until(lambda: len(events(redis_client, inbox)) >= 2, 5, "both mails")
    first, second = events(redis_client, inbox)[:2]
    assert first["from_address"] == "attacker@evil.example"
    assert first["sender_allowed"] == "0"
    assert first["refused"] == "sender_not_allowed"
    assert first["from"] == '"noreply@github.com" <attacker@evil.example>'
    # Refused mail is stored for the timeline but never extracted: no code reaches the stream.
    assert not redis_client.exists(f"rq:job:{job_id(inbox, first['message_key'])}")
    assert second["sender_allowed"] == "1"
    assert redis_client.exists(f"rq:job:{job_id(inbox, second['message_key'])}")


@pytest.mark.parametrize(
    ("results", "allowed"),
    [
        ("mx.corp.test; dmarc=pass header.from=github.com", True),
        ("mx.corp.test; dmarc=pass header.from=evil.example", False),
        ("mx.corp.test; dkim=pass header.d=github.com", True),
        ("elsewhere.example; dmarc=pass header.from=github.com", False),  # untrusted id
        (None, False),  # no verdict at all
    ],
)
def test_trusted_verdict_decides_for_an_allowlisted_inbox(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    results: str | None,
    allowed: bool,
) -> None:
    inbox = new_inbox(redis_client)
    _with_allowlist(redis_client, inbox, ["github.com"])
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_TRUSTED_AUTHSERV_IDS="mx.corp.test")
    extra = {"Authentication_Results": results} if results else {}
    raw = mail(address(inbox), **extra).replace(b"noreply@ext.test", b"noreply@github.com")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), raw)
        wait_until(lambda: events(redis_client, inbox), 5, "the mail")
    (received,) = events(redis_client, inbox)
    assert received["sender_allowed"] == ("1" if allowed else "0")


def test_inbox_quota_drops_the_oldest_mail(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_INBOX_MAX_MAILS="3")
    with running_bridge(settings, redis_client):
        for _ in range(5):
            dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(
            lambda: sum(e["type"] == "dropped" for e in events(redis_client, inbox)) == 2,
            5,
            "two dropped markers",
        )
    received = [e["message_key"] for e in events(redis_client, inbox) if e["type"] == "received"]
    dropped = [e["message_key"] for e in events(redis_client, inbox) if e["type"] == "dropped"]
    assert dropped == received[:2]
    assert redis_client.zcard(KEYS.messages(inbox)) == 3
    assert [redis_client.exists(KEYS.message(inbox, mk)) for mk in received] == [0, 0, 1, 1, 1]
    stored = int(redis_client.hget(KEYS.inbox(inbox), "stored_bytes") or 0)
    assert stored == sum(redis_client.strlen(KEYS.message(inbox, mk)) for mk in received[2:])


def test_a_mail_the_watcher_keeps_crashing_on_is_quarantined(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bug (here: injected into the commit) that one mail triggers every time it is handled.
    real_commit = Ingestor.commit

    def buggy(self: Ingestor, uidvalidity: int, plans, seen_at_ms: int):  # type: ignore[no-untyped-def]
        if any(p.mail.subject == "poison" for p in plans if not p.quarantined):
            raise RuntimeError("bug")
        return real_commit(self, uidvalidity, plans, seen_at_ms)

    monkeypatch.setattr(Ingestor, "commit", buggy)
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_RECONNECT_MAX="0.2")
    with running_bridge(settings, redis_client) as bridge:
        dovecot.deliver(address(inbox), mail(address(inbox), subject="before"))
        dovecot.deliver(address(inbox), mail(address(inbox), subject="poison"))
        dovecot.deliver(address(inbox), mail(address(inbox), subject="after"))
        wait_until(
            lambda: [e.get("subject") for e in events(redis_client, inbox)][-1:] == ["after"],
            30,
            "the mail after the poison",
        )
        assert not bridge.fatal.is_set()
    kinds = [(e["type"], e.get("subject", "")) for e in events(redis_client, inbox)]
    assert kinds == [("received", "before"), ("received", "after")]
    # Set aside unread (reading it is what crashed): recorded for operators, with its UID.
    (record,) = [
        {k.decode(): v.decode() for k, v in f.items()}
        for _, f in redis_client.xrange(KEYS.quarantine)
    ]
    assert record["reason"] == "bridge_crashed_repeatedly"
    assert [u["uid"] for u in unrouted(redis_client)] == [record["uid"]]
    assert collect_status(redis_client, KEYS, QUEUE_NAME)["quarantined"] == 1


def test_ingest_pauses_above_the_memory_watermark_and_resumes(
    dovecot: DovecotServer, own_redis: RedisServer
) -> None:
    client = redis.Redis.from_url(own_redis.url)
    inbox = new_inbox(client)
    # A low watermark leaves Redis room for heartbeats while paused (at 95 % of maxmemory a
    # Redis is too full for any write, heartbeats included).
    settings = settings_for(own_redis.url, dovecot, OTPBRIDGE_REDIS_MEMORY_WATERMARK="0.5")
    with running_bridge(settings, client) as bridge:
        used = int(client.info("memory")["used_memory"])
        client.config_set("maxmemory", int(used * 1.6))  # ~62 % used: above the watermark
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: not bridge.ready()[0], 10, "readiness to fall")
        assert "watermark" in bridge.ready()[1]
        wait_until(lambda: heartbeat(client, settings)["status"] == "paused", 10, "paused")
        assert "watermark" in heartbeat(client, settings)["error"]
        time.sleep(1.5)
        assert events(client, inbox) == []  # nothing written, the mail waits in the mailbox
        client.config_set("maxmemory", 0)
        wait_until(lambda: events(client, inbox), 10, "the mail after memory was freed")
        wait_until(lambda: bridge.ready()[0], 10, "readiness back")
    client.close()


def test_a_watcher_that_keeps_crashing_without_progress_ends_the_process(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bug outside any one mail (here: every session raises): no quarantine can help, so the
    # watcher gives up and the process must exit for the orchestrator to restart it.
    def broken(self: FolderWatcher) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(FolderWatcher, "_session", broken)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_RECONNECT_MAX="0.1")
    bridge = Bridge(settings, redis_client)
    bridge.start()
    try:
        wait_until(bridge.fatal.is_set, 30, "the watcher to give up")
        assert bridge.wait(0)  # what `otpbridge bridge` polls: it then exits with status 1
        (watcher,) = bridge.watchers
        assert not watcher.lease.held
        assert redis_client.get(watcher.lease.key) is None  # released for a standby
    finally:
        bridge.stop()


def test_expired_inbox_ids_leave_the_index_without_a_list_call(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    live = new_inbox(redis_client)
    redis_client.zadd(KEYS.inboxes, {"expired0000000000000": 1})  # expired long ago
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_HEARTBEAT_INTERVAL="0.5")
    with running_bridge(settings, redis_client):
        wait_until(
            lambda: redis_client.zscore(KEYS.inboxes, "expired0000000000000") is None,
            10,
            "the expired id to leave the index",
        )
    assert redis_client.zscore(KEYS.inboxes, live) is not None
