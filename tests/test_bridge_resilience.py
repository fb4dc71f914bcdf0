"""The watcher against a Dovecot that goes away, dies, changes UIDVALIDITY or rejects us."""

from __future__ import annotations

import signal
import time

import redis
from bridge_support import (
    address,
    events,
    heartbeat,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    wait_connected,
    wait_until,
)

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.imap import Bridge
from otpbridge.worker import metrics


def _reconnects(settings_name: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "otpbridge_imap_reconnects_total", {"mailbox": f"{settings_name}:INBOX"}
    )
    return value or 0.0


def test_dovecot_stopped_and_started_while_idling_loses_nothing(
    own_dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, own_dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    with running_bridge(settings, redis_client):
        # Delivered and the server stopped before the IDLE notification (500 ms) went out.
        own_dovecot.deliver(address(inbox), mail(address(inbox)))
        own_dovecot.stop()
        wait_until(lambda: heartbeat(redis_client, settings).get("status") != "ok", 15, "the drop")
        own_dovecot.start()
        wait_connected(redis_client, settings, timeout=10)
        own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 5, "both mails")
        time.sleep(0.3)
    assert len(events(redis_client, inbox)) == 2
    keys = [e["message_key"] for e in events(redis_client, inbox)]
    assert len(set(keys)) == 2


def test_killed_imap_process_is_noticed_and_replaced(
    own_dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(
        redis_url, own_dovecot, OTPBRIDGE_FAST_CHECK_MS="0", OTPBRIDGE_IMAP_READ_TIMEOUT="5"
    )
    name = settings.mailboxes[0].name
    with running_bridge(settings, redis_client):
        before = _reconnects(name)
        (old_pid,) = own_dovecot.imap_pids()
        t0 = time.monotonic()
        # SIGKILL: no BYE; imapclient's idle_check swallows the EOF and returns [] at once.
        assert own_dovecot.kill_imap_sessions(signal.SIGKILL) == 1
        wait_until(
            lambda: [p for p in own_dovecot.imap_pids() if p != old_pid], 5, "a new IMAP session"
        )
        elapsed = time.monotonic() - t0
        assert _reconnects(name) == before + 1
        own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: events(redis_client, inbox), 3, "routing after the reconnect")
    assert elapsed < settings.read_timeout_s


def test_uidvalidity_change_replays_no_old_mail(
    own_dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, own_dovecot)
    with running_bridge(settings, redis_client):
        for _ in range(2):
            own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 3, "two mails")
    old = redis_client.hgetall(f"otpb:cursor:{settings.mailboxes[0].name}:INBOX")
    own_dovecot.set_uidvalidity(int(old[b"uidvalidity"]) + 1000)
    with running_bridge(settings, redis_client):
        new = redis_client.hgetall(f"otpb:cursor:{settings.mailboxes[0].name}:INBOX")
        assert int(new[b"uidvalidity"]) == int(old[b"uidvalidity"]) + 1000
        assert int(new[b"last_uid"]) == 2  # the folder's end, not a replay from 0
        own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 3, 3, "the new mail")
        time.sleep(0.3)
    received = events(redis_client, inbox)
    assert len(received) == 3
    assert received[2]["message_key"].split("-")[1] == str(int(old[b"uidvalidity"]) + 1000)


def test_wrong_password_is_an_auth_failure_without_a_retry_loop(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    url = dovecot.imap_url.replace(":password@", ":wrong@")
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_IMAP_URL=url)
    name = f"{settings.mailboxes[0].name}:INBOX"
    before = metrics.REGISTRY.get_sample_value(
        "otpbridge_imap_auth_failures_total", {"mailbox": name}
    )
    bridge = Bridge(settings, redis_client)
    bridge.start()
    try:
        wait_until(
            lambda: heartbeat(redis_client, settings).get("status") == "auth_failed",
            10,
            "auth_failed in the heartbeat",
        )
        beat = heartbeat(redis_client, settings)
        assert "login rejected" in beat["error"]
        assert "wrong" not in beat["error"]
        time.sleep(3)  # a tight loop would have retried many times by now
        after = metrics.REGISTRY.get_sample_value(
            "otpbridge_imap_auth_failures_total", {"mailbox": name}
        )
        assert (after or 0) - (before or 0) == 1
        assert bridge.ready()[0] is False
        assert "auth_failed" in bridge.ready()[1]
    finally:
        bridge.stop()


def test_tls_verifies_with_the_ca_file_and_fails_without(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    # Implicit TLS (imaps://) and STARTTLS (imap:// to a server that offers it) with the CA.
    for url in (dovecot.imaps_url, dovecot.imap_url):
        settings = settings_for(redis_url, dovecot, OTPBRIDGE_IMAP_URL=url)
        with running_bridge(settings, redis_client):
            assert heartbeat(redis_client, settings)["status"] == "ok"
        redis_client.flushall()
    env_without_ca = {"OTPBRIDGE_IMAP_URL": dovecot.imaps_url, "OTPBRIDGE_TLS_CA_FILE": ""}
    settings = settings_for(redis_url, dovecot, **env_without_ca)
    bridge = Bridge(settings, redis_client)
    bridge.start()
    try:
        wait_until(
            lambda: heartbeat(redis_client, settings).get("status") == "error", 10, "TLS error"
        )
        error = heartbeat(redis_client, settings)["error"]
        assert "certificate" in error
        assert "OTPBRIDGE_TLS_CA_FILE" in error
    finally:
        bridge.stop()
