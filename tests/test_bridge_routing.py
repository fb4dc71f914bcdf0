"""The watcher in a thread against the shared Dovecot: routing, publication, mailbox actions."""

from __future__ import annotations

import time
from collections.abc import Iterator

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
    unrouted,
    wait_until,
)
from rq import Queue

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.worker.keys import job_id


@pytest.fixture
def imap(dovecot: DovecotServer) -> Iterator[imapclient.IMAPClient]:
    """A second, human-like client on the same mailbox."""
    client = imapclient.IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10)
    client.login(dovecot.user, dovecot.password)
    yield client
    client.logout()


def _uid_of(client: imapclient.IMAPClient, folder: str, message_id: str) -> int | None:
    client.select_folder(folder, readonly=True)
    found = client.search(["HEADER", "Message-ID", message_id])
    return int(found[0]) if found else None


def _message_id(raw: bytes) -> str:
    line = next(x for x in raw.split(b"\r\n") if x.startswith(b"Message-ID:"))
    return line.split(b":", 1)[1].strip().decode()


def test_delivered_mail_is_routed_within_two_seconds(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    inbox = new_inbox(redis_client, ttl_s=900)
    with running_bridge(settings, redis_client):
        assert redis_client.get(KEYS.address_template) == b"catchall+{id}@corp.test"
        raw = mail(address(inbox), subject="Sign-in code")
        t0 = time.monotonic()
        dovecot.deliver(address(inbox), raw)
        wait_until(lambda: events(redis_client, inbox), 2.0, "the received event")
        latency = time.monotonic() - t0
    (event,) = events(redis_client, inbox)
    assert latency < 2.0
    assert event["type"] == "received"
    assert event["subject"] == "Sign-in code"
    assert event["from"] == "Example <noreply@ext.test>"
    assert int(event["seen_at"]) <= int(event["routed_at"])
    assert int(event["received_at"]) > 0
    mk = event["message_key"]
    stored = redis_client.get(KEYS.message(inbox, mk))
    assert stored is not None
    assert b"Your code is 482913." in stored
    assert redis_client.zscore(KEYS.messages(inbox), mk) == int(event["routed_at"])
    # TTLs follow the inbox; the job is queued under its deterministic id.
    for key in (KEYS.events(inbox), KEYS.message(inbox, mk), KEYS.messages(inbox)):
        assert 800 < redis_client.ttl(key) <= 900
    queue = Queue("otpbridge", connection=redis_client)
    assert job_id(inbox, mk) in queue.job_ids
    uidvalidity, uid = (int(x) for x in mk.split("-")[1:])
    cursor = redis_client.hgetall(KEYS.cursor(settings.mailboxes[0].name, "INBOX"))
    assert cursor == {b"uidvalidity": str(uidvalidity).encode(), b"last_uid": str(uid).encode()}


def test_fast_check_beats_the_idle_delay_while_an_agent_waits(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FAST_CHECK_MS="20")
    inbox = new_inbox(redis_client)
    with running_bridge(settings, redis_client):
        latencies = []
        redis_client.zadd(KEYS.waiting(), {inbox: int(time.time() * 1000) + 60_000})
        time.sleep(0.3)  # the watcher leaves IDLE within one tick (0.25 s)
        for n in range(3):
            t0 = time.monotonic()
            dovecot.deliver(address(inbox), mail(address(inbox)))
            wait_until(lambda n=n: len(events(redis_client, inbox)) > n, 2.0, "routing", 0.002)
            latencies.append(time.monotonic() - t0)
        redis_client.zrem(KEYS.waiting(), inbox)
        # Nobody waits any more: back to IDLE, still routed.
        time.sleep(0.3)
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 4, 2.5, "routing after IDLE")
    # Dovecot's IDLE notification alone takes >= 500 ms.
    assert max(latencies) < 0.4, latencies


def test_plus_address_only_in_delivered_to(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    with running_bridge(settings_for(redis_url, dovecot), redis_client):
        # BCC-style: the headers name nobody, only the envelope (Delivered-To) has the tag.
        dovecot.deliver(address(inbox), mail("undisclosed-recipients:;"))
        wait_until(lambda: events(redis_client, inbox), 3.0, "routing by Delivered-To")
    assert unrouted(redis_client) == []


def test_cc_with_mixed_case_tag_routes(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    with running_bridge(settings_for(redis_url, dovecot), redis_client):
        shouted = f"CatchAll+{inbox.upper()}@Corp.Test"
        dovecot.deliver("catchall@corp.test", mail("someone@ext.test", Cc=shouted))
        wait_until(lambda: events(redis_client, inbox), 3.0, "routing by Cc")


def test_unknown_tag_no_tag_and_two_tags_go_to_unrouted(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    one, two = new_inbox(redis_client), new_inbox(redis_client)
    unknown = "zzzzzzzzzzzzzzzzzzzz"
    settings = settings_for(redis_url, dovecot)
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(unknown), mail(address(unknown), body="secret body 111222"))
        dovecot.deliver("catchall@corp.test", mail("catchall@corp.test"))
        dovecot.deliver(address(one), mail(address(one), Cc=address(two)))
        wait_until(lambda: len(unrouted(redis_client)) == 3, 4.0, "three unrouted entries")
    reasons = [e["reason"] for e in unrouted(redis_client)]
    assert reasons == ["inbox_not_found", "no_recipient_match", "ambiguous"]
    entry = unrouted(redis_client)[0]
    assert set(entry) == {
        "mailbox",
        "folder",
        "uidvalidity",
        "uid",
        "message_id",
        "reason",
        "seen_at",
    }
    assert entry["mailbox"] == settings.mailboxes[0].name
    assert entry["folder"] == "INBOX"
    assert events(redis_client, one) == []
    assert events(redis_client, two) == []
    assert not redis_client.exists(KEYS.events(unknown))
    assert redis_client.ttl(KEYS.unrouted) > 0
    # The checkpoint moved past all three: a restart does not look at them again.
    cursor = redis_client.hgetall(KEYS.cursor(settings.mailboxes[0].name, "INBOX"))
    assert int(cursor[b"last_uid"]) == int(unrouted(redis_client)[-1]["uid"])


def test_keep_mode_leaves_seen_untouched(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    imap: imapclient.IMAPClient,
) -> None:
    inbox = new_inbox(redis_client)
    raw_unread, raw_read = mail(address(inbox)), mail(address(inbox))
    with running_bridge(settings_for(redis_url, dovecot), redis_client):
        dovecot.deliver(address(inbox), raw_unread)
        wait_until(lambda: len(events(redis_client, inbox)) == 1, 3.0, "first mail")
        read_uid = None
        dovecot.deliver(address(inbox), raw_read)
        read_uid = wait_until(lambda: _uid_of(imap, "INBOX", _message_id(raw_read)), 3, "uid")
        imap.select_folder("INBOX")
        imap.add_flags([read_uid], [b"\\Seen"])  # a human read this one
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 3.0, "second mail")
    unread_uid = _uid_of(imap, "INBOX", _message_id(raw_unread))
    flags = imap.get_flags([unread_uid, read_uid])
    assert b"\\Seen" not in flags[unread_uid]
    assert b"\\Seen" in flags[read_uid]


def test_move_mode_moves_routed_mail_only(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    imap: imapclient.IMAPClient,
) -> None:
    inbox = new_inbox(redis_client)
    routed, stray = mail(address(inbox)), mail("catchall@corp.test")
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_AFTER_ROUTE="move:Processed")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), routed)
        dovecot.deliver("catchall@corp.test", stray)
        wait_until(lambda: events(redis_client, inbox) and unrouted(redis_client), 3.0, "both")
        wait_until(
            lambda: _uid_of(imap, "Processed", _message_id(routed)), 3.0, "the mail in Processed"
        )
    assert _uid_of(imap, "INBOX", _message_id(routed)) is None
    assert _uid_of(imap, "INBOX", _message_id(stray)) is not None
    imap.select_folder("Processed", readonly=True)
    uid = _uid_of(imap, "Processed", _message_id(routed))
    assert b"\\Seen" not in imap.get_flags([uid])[uid]


def test_move_mode_moves_a_whole_catch_up_with_one_command(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    imap: imapclient.IMAPClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_AFTER_ROUTE="move:Processed")
    with running_bridge(settings, redis_client):
        pass  # sets the checkpoint; the mail below arrives while the bridge is down
    routed = [mail(address(inbox), subject=f"n{n}") for n in range(3)]
    stray = mail("catchall@corp.test")
    for raw in (routed[0], stray, routed[1], routed[2]):
        dovecot.deliver(address(inbox) if raw is not stray else "catchall@corp.test", raw)
    moves: list[list[int]] = []
    real_move = imapclient.IMAPClient.move

    def spy(self: imapclient.IMAPClient, messages: list[int], folder: str) -> object:
        moves.append(list(messages))
        return real_move(self, messages, folder)

    monkeypatch.setattr(imapclient.IMAPClient, "move", spy)
    with running_bridge(settings, redis_client):
        wait_until(lambda: len(events(redis_client, inbox)) == 3, 4.0, "three events")
        wait_until(lambda: moves, 3.0, "the move")
    assert [len(m) for m in moves] == [3]
    for raw in routed:
        assert _uid_of(imap, "INBOX", _message_id(raw)) is None
        assert _uid_of(imap, "Processed", _message_id(raw)) is not None
    assert _uid_of(imap, "INBOX", _message_id(stray)) is not None


def test_move_without_move_capability_expunges_only_that_uid(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    imap: imapclient.IMAPClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = imapclient.IMAPClient.has_capability

    def no_move(self: imapclient.IMAPClient, capability: str) -> bool:
        return False if capability.upper() == "MOVE" else bool(real(self, capability))

    monkeypatch.setattr(imapclient.IMAPClient, "has_capability", no_move)
    inbox = new_inbox(redis_client)
    # Another client flagged this one \Deleted but has not expunged it: it must survive.
    other = mail("catchall@corp.test")
    dovecot.deliver("catchall@corp.test", other)
    other_uid = wait_until(lambda: _uid_of(imap, "INBOX", _message_id(other)), 3, "other")
    imap.select_folder("INBOX")
    imap.add_flags([other_uid], [b"\\Deleted"])
    routed = mail(address(inbox))
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_AFTER_ROUTE="move:Processed")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), routed)
        wait_until(lambda: _uid_of(imap, "Processed", _message_id(routed)), 4, "copied mail")
        wait_until(lambda: _uid_of(imap, "INBOX", _message_id(routed)) is None, 3, "expunge")
    assert _uid_of(imap, "INBOX", _message_id(other)) == other_uid
    imap.select_folder("INBOX")
    imap.remove_flags([other_uid], [b"\\Deleted"])


def test_oversize_mail_gives_a_failed_event_and_no_body(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_MAX_MESSAGE_BYTES="2048")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), mail(address(inbox), body="x" * 4000))
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 3.0, "two events")
    failed, received = events(redis_client, inbox)
    assert failed["type"] == "failed"
    assert "too large" in failed["error"]
    assert not redis_client.exists(KEYS.message(inbox, failed["message_key"]))
    assert received["type"] == "received"


def test_heartbeat_lease_and_readiness(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_HEARTBEAT_INTERVAL="1")
    name = settings.mailboxes[0].name
    with running_bridge(settings, redis_client) as bridge:
        beat = heartbeat(redis_client, settings)
        assert beat["leader"] == settings.instance_id
        assert beat["interval_s"] == "1"
        assert 0 < redis_client.pttl(KEYS.heartbeat(name, "INBOX")) <= 3000
        assert redis_client.sismember(KEYS.mailboxes, f"{name}:INBOX")
        assert redis_client.get(KEYS.lease(name, "INBOX")) == settings.instance_id.encode()
        first = int(beat["ts_ms"])
        wait_until(lambda: int(heartbeat(redis_client, settings)["ts_ms"]) > first, 3, "fresh ts")
        assert bridge.ready() == (True, "ok")
    # Stopped: the lease is released at once, so a standby need not wait for it to expire.
    assert not redis_client.exists(KEYS.lease(name, "INBOX"))


def test_mail_announced_during_a_fetch_is_not_left_for_the_next_idle(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from otpbridge.bridge.imap import delivery  # noqa: PLC0415 - patched for this test only

    inbox = new_inbox(redis_client)
    real_fetch_bodies = delivery.fetch_bodies
    sent: list[bool] = []

    def fetch_while_mail_arrives(conn: imapclient.IMAPClient, uids: list[int]) -> dict[int, bytes]:
        if not sent:
            sent.append(True)
            dovecot.deliver(address(inbox), mail(address(inbox), subject="second"))
            time.sleep(0.1)  # Dovecot reports it as EXISTS with the FETCH response
        return real_fetch_bodies(conn, uids)

    monkeypatch.setattr(delivery, "fetch_bodies", fetch_while_mail_arrives)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), mail(address(inbox), subject="first"))
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 3.0, "both mails")
    assert [e["subject"] for e in events(redis_client, inbox)] == ["first", "second"]


def test_mail_saved_just_before_idle_starts_is_routed_promptly(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dovecot announces in IDLE only mail saved after IDLE began; without the verification
    # look this mail would wait for Dovecot's 30 s periodic mailbox check.
    inbox = new_inbox(redis_client)
    real_idle = imapclient.IMAPClient.idle
    sent: list[float] = []

    def idle_after_a_delivery(self: imapclient.IMAPClient) -> object:
        if not sent:
            dovecot.deliver(address(inbox), mail(address(inbox), subject="in the gap"))
            sent.append(time.monotonic())
        return real_idle(self)

    monkeypatch.setattr(imapclient.IMAPClient, "idle", idle_after_a_delivery)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    with running_bridge(settings, redis_client):
        wait_until(lambda: len(events(redis_client, inbox)) == 1, 4.0, "the mail in the gap")
    assert sent
    assert time.monotonic() - sent[0] < 4.0


def test_mail_saved_while_routing_is_picked_up_without_waiting_for_idle(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The second mail lands while the first is being written to Redis: no IMAP command is
    # running, so only a NOOP after routing (not the next IDLE) announces it promptly.
    from otpbridge.bridge.imap.ingest import Ingestor  # noqa: PLC0415 - patched for this test only

    inbox = new_inbox(redis_client)
    real_commit = Ingestor.commit
    sent: list[bool] = []

    def commit_while_mail_arrives(self: Ingestor, *args: object, **kwargs: object) -> object:
        if not sent:
            sent.append(True)
            dovecot.deliver(address(inbox), mail(address(inbox), subject="second"))
            time.sleep(0.05)
        return real_commit(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ingestor, "commit", commit_while_mail_arrives)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    with running_bridge(settings, redis_client):
        dovecot.deliver(address(inbox), mail(address(inbox), subject="first"))
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 4.0, "both mails")
    first, second = events(redis_client, inbox)
    assert (first["subject"], second["subject"]) == ("first", "second")
    # The verification look after IDLE would find it only after a second.
    assert int(second["routed_at"]) - int(first["routed_at"]) < 700
