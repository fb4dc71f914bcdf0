"""Honest operator signals (issue 13 item 5): ``_FILE`` for every URL, logs that are JSON at
DEBUG, latency from the bridge's own clock, ``doctor --agent``, and a demo that prints what
an operator needs and the mail no inbox takes."""

from __future__ import annotations

import json
import os
import re
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from bridge_support import (
    KEYS,
    OTPBRIDGE,
    BridgeProcess,
    address,
    env_for,
    events,
    mail,
    new_inbox,
    wait_until,
)
from pipeline_helpers import WorkerProcess, code_mail

from otpbridge.bridge.cli.status_cmd import collect_status
from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import load_settings
from otpbridge.worker.settings import QUEUE_NAME

_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


def test_imap_url_comes_from_a_file_as_the_readme_says(tmp_path: Path) -> None:
    secret = tmp_path / "imap-url"
    secret.write_text("imaps://agents%40corp.example:s3cret@imap.corp.example/INBOX\n")
    env = {
        "OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example",
        "OTPBRIDGE_IMAP_URL_FILE": str(secret),
    }
    (mb,) = load_settings(env).mailboxes
    assert (mb.host, mb.username, mb.folders) == (
        "imap.corp.example",
        "agents@corp.example",
        ("INBOX",),
    )
    assert mb.password is not None
    assert mb.password.reveal() == "s3cret"
    # The variable itself wins over the file, as with OTPBRIDGE_REDIS_URL.
    env["OTPBRIDGE_IMAP_URL"] = "imaps://other@imap.other.example/INBOX"
    env["OTPBRIDGE_IMAP_PASSWORD"] = "x"
    assert load_settings(env).mailboxes[0].host == "imap.other.example"
    del env["OTPBRIDGE_IMAP_URL"]
    env["OTPBRIDGE_IMAP_URL_FILE"] = str(tmp_path / "missing")
    with pytest.raises(ConfigError, match="OTPBRIDGE_IMAP_URL_FILE"):
        load_settings(env)


def _json_lines(text: str, who: str) -> list[dict[str, object]]:
    parsed = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"{who} log line {n} is not JSON: {line!r}")
    return parsed


@pytest.mark.slow
def test_bridge_and_worker_log_only_json_at_debug_and_status_latency_is_from_seen_at(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    inbox = new_inbox(redis_client)
    env = env_for(redis_url, dovecot, OTPBRIDGE_LOG_LEVEL="DEBUG")
    bridge = BridgeProcess(env, tmp_path / "bridge.log")
    worker = WorkerProcess(redis_url, env={"OTPBRIDGE_LOG_LEVEL": "DEBUG"})
    try:
        wait_until(
            lambda: (
                redis_client.hget(KEYS.heartbeat("catchall@127.0.0.1", "INBOX"), "status") == b"ok"
            ),
            15,
            "the bridge to connect",
        )
        dovecot.deliver(address(inbox), code_mail(address(inbox), "482913"))
        wait_until(
            lambda: any(e["type"] == "extracted" for e in events(redis_client, inbox)),
            20,
            "the mail routed and extracted",
        )
    finally:
        assert bridge.terminate() == 0, bridge.log()
        worker.stop()
    bridge_lines = _json_lines(bridge.log(), "bridge")
    worker_lines = _json_lines(worker.log_path.read_text(errors="replace"), "worker")
    assert any(e.get("event") == "message_routed" for e in bridge_lines)
    # stdlib loggers (rq, redis, imapclient) included: they go through the same renderer.
    assert all({"event", "level", "timestamp"} <= e.keys() for e in bridge_lines + worker_lines)
    assert any(e.get("event") == "message_extracted" for e in worker_lines)

    # status: the sample is extracted_at − seen_at (the bridge's clock), not INTERNALDATE.
    received, extracted = (
        next(e for e in events(redis_client, inbox) if e["type"] == t)
        for t in ("received", "extracted")
    )
    span = int(extracted["extracted_at"]) - int(received["seen_at"])
    latency = collect_status(redis_client, KEYS, QUEUE_NAME)["latency"]
    assert latency["n"] == 1
    assert latency["from"] == "seen_at"
    assert latency["p50_ms"] == span


def _doctor_agent(redis_url: str, **extra: str) -> tuple[int, list[dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env |= {"OTPBRIDGE_REDIS_URL": redis_url, **extra}
    proc = subprocess.run(
        [OTPBRIDGE, "doctor", "--agent", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    checks = [json.loads(line) for line in proc.stdout.splitlines() if line]
    assert checks, proc.stderr
    return proc.returncode, checks


def test_doctor_agent_checks_redis_heartbeat_and_template_only(
    redis_client: redis.Redis, redis_url: str
) -> None:
    code, checks = _doctor_agent(redis_url)
    assert code == 1
    by_name = {c["name"]: c for c in checks}
    assert list(by_name) == ["reachable", "bridge heartbeat", "address template"]
    assert by_name["reachable"]["status"] == "ok"
    assert by_name["bridge heartbeat"]["status"] == "fail"
    assert by_name["address template"]["status"] == "fail"

    redis_client.sadd(KEYS.mailboxes, "catchall@mail:INBOX")
    redis_client.hset(
        KEYS.heartbeat("catchall@mail", "INBOX"), "ts_ms", int(time.time() * 1000) - 5000
    )
    redis_client.set(KEYS.address_template, "agents+{id}@corp.test")
    code, checks = _doctor_agent(redis_url)
    assert code == 0, checks
    assert [c["status"] for c in checks] == ["ok", "ok", "ok"]
    assert all(c["scope"] == "agent" for c in checks)
    # An agent told another template than the bridge runs with makes unroutable inboxes.
    code, checks = _doctor_agent(redis_url, OTPBRIDGE_ADDRESS="x+{id}@other.test")
    assert checks[2]["status"] == "warn"
    # A stale heartbeat: what the SDK's waits would raise WatcherDownError on.
    redis_client.hset(
        KEYS.heartbeat("catchall@mail", "INBOX"), "ts_ms", int(time.time() * 1000) - 120_000
    )
    code, checks = _doctor_agent(redis_url)
    assert code == 1
    assert checks[1]["status"] == "fail"

    code, checks = _doctor_agent("redis://127.0.0.1:1/0")
    assert code == 1
    assert [c["name"] for c in checks] == ["reachable"]


@pytest.mark.slow
def test_demo_prints_imap_url_and_template_and_shows_smtp_latency_and_unrouted_mail() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env |= {"OTPBRIDGE_DEMO_IMAP": "pymap", "COLUMNS": "250"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _CLI, "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    out: list[str] = []

    def read_until(marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line)
            if marker in line:
                return
        pytest.fail(f"no {marker!r} in the demo's output:\n{''.join(out)}")

    try:
        read_until("Ctrl-C stops")
        text = "".join(out)
        smtp_port = int(re.search(r"SMTP\s+127\.0\.0\.1:(\d+)", text).group(1))  # type: ignore[union-attr]
        inbox = re.search(r"inbox\s+(\S+@corp\.test)", text).group(1)  # type: ignore[union-attr]
        assert re.search(r"IMAP\s+imap://catchall:password@127\.0\.0\.1:\d+/INBOX", text), text
        assert re.search(r"address template\s+agents\+\{id\}@corp\.test", text), text
        assert "otpbridge doctor --agent" in text
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.sendmail("me@example.test", [inbox], mail(inbox, body="Your code is 246810."))
        read_until("after the SMTP send")
        assert "after the bridge saw it" in out[-1]
        stray = "agents+nosuchinbox0000000@corp.test"
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.sendmail("me@example.test", [stray], mail(stray))
        read_until("unrouted")
        assert "no_recipient_match" in out[-1] or "inbox_not_found" in out[-1], out[-1]
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, "".join(out) + rest
    assert "Traceback" not in "".join(out) + rest
