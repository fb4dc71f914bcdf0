"""``otpbridge bridge`` as a process: restarts, SIGTERM, two instances, bad configuration."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import redis
from bridge_support import (
    KEYS,
    OTPBRIDGE,
    BridgeProcess,
    address,
    env_for,
    events,
    heartbeat,
    mail,
    new_inbox,
    settings_for,
    wait_until,
)
from rq import Queue

from otpbridge.bridge.embedded import DovecotServer


def _log_events(text: str) -> list[dict[str, object]]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_mail_sent_while_stopped_is_routed_once_and_a_restart_routes_nothing(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    env = env_for(redis_url, dovecot, OTPBRIDGE_HEARTBEAT_INTERVAL="1")
    settings = settings_for(redis_url, dovecot)
    lease_key = KEYS.lease(settings.mailboxes[0].name, "INBOX")
    inbox = new_inbox(redis_client)

    def run_once() -> BridgeProcess:
        proc = BridgeProcess(env, tmp_path / "bridge.log")
        wait_until(
            lambda: (
                heartbeat(redis_client, settings).get("leader", "").split("-")[-2:-1]
                == [str(proc.pid)]
                and heartbeat(redis_client, settings).get("status") == "ok"
            ),
            10,
            "the bridge to lead and connect",
        )
        return proc

    first = run_once()  # creates the checkpoint at the folder's end
    assert first.terminate() == 0
    assert not redis_client.exists(lease_key)  # released on SIGTERM, not left to expire
    for n in range(3):
        dovecot.deliver(address(inbox), mail(address(inbox), subject=f"while stopped {n}"))

    second = run_once()
    wait_until(lambda: len(events(redis_client, inbox)) == 3, 5, "the three mails")
    assert second.terminate() == 0

    third = run_once()
    # Everything before this mail was already ingested; only it may appear.
    dovecot.deliver(address(inbox), mail(address(inbox), subject="after restart"))
    wait_until(lambda: len(events(redis_client, inbox)) == 4, 3, "the fourth mail")
    assert third.terminate() == 0

    received = events(redis_client, inbox)
    assert [e["subject"] for e in received] == [
        "while stopped 0",
        "while stopped 1",
        "while stopped 2",
        "after restart",
    ]
    assert len({e["message_key"] for e in received}) == 4
    # The three that arrived together share one job; the last one has its own.
    assert len(Queue("otpbridge", connection=redis_client).job_ids) == 2
    logged = _log_events((tmp_path / "bridge.log").read_text())
    names = [e["event"] for e in logged]
    assert names.count("bridge_started") == 3
    assert names.count("lease_released") == 3
    assert names.count("message_routed") == 4
    # Logs carry ids, never the mail's subject or its code.
    text = (tmp_path / "bridge.log").read_text()
    assert "while stopped" not in text
    assert "482913" not in text


def test_two_bridges_one_leader_and_failover(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    env = env_for(redis_url, dovecot, OTPBRIDGE_LEASE_TTL="3", OTPBRIDGE_HEARTBEAT_INTERVAL="1")
    settings = settings_for(redis_url, dovecot)
    inbox = new_inbox(redis_client)
    one = BridgeProcess(env, tmp_path / "one.log")
    wait_until(lambda: heartbeat(redis_client, settings).get("status") == "ok", 10, "leader")
    two = BridgeProcess(env, tmp_path / "two.log")
    try:
        wait_until(lambda: "lease_standby" in two.log(), 10, "the second to stand by")
        leader = heartbeat(redis_client, settings)["leader"]
        assert f"-{one.pid}-" in leader
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 1, 3, "routing by the leader")
        assert "message_routed" not in two.log()

        one.kill()  # SIGKILL: no release; the lease must expire
        dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(
            lambda: f"-{two.pid}-" in heartbeat(redis_client, settings).get("leader", ""),
            30,
            "the standby to take over",
        )
        wait_until(lambda: len(events(redis_client, inbox)) == 2, 5, "routing by the new leader")
        assert "message_routed" in two.log()
    finally:
        one.kill()
        assert two.terminate() == 0
    assert len(events(redis_client, inbox)) == 2


def test_bad_configuration_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    proc = subprocess.run(
        [OTPBRIDGE, "bridge"],
        env={"PATH": "/usr/bin:/bin", "OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:1/0"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2
    assert "OTPBRIDGE_ADDRESS is not set" in proc.stderr
    assert "Traceback" not in proc.stderr
