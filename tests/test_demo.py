"""The one-command demo, metrics during an end-to-end run, status, and /readyz vs Dovecot."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from otpbridge.bridge.cli.status_cmd import collect_status
from otpbridge.bridge.demo.sample import SAMPLE_SENDER, new_code, otp_mail
from otpbridge.bridge.demo.stack import DemoStack, start_stack
from otpbridge.bridge.embedded import DovecotServer, free_port
from otpbridge.bridge.sdk import Client
from otpbridge.worker.settings import QUEUE_NAME

pytestmark = pytest.mark.slow

_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


def _http(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
    except OSError as err:
        return 0, str(err)


def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def _demo_env(imap: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    return env | {"OTPBRIDGE_DEMO_IMAP": imap, "COLUMNS": "200"}


@pytest.mark.parametrize("imap", ["pymap", "dovecot"])
def test_demo_once_shows_the_code_arriving(imap: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "demo", "--once"],
        env=_demo_env(imap),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"IMAP ({imap})" in out
    assert "agent received code" in out
    assert "Traceback" not in out
    assert "every process it started is gone" in out


def test_demo_keeps_running_until_sigterm_and_cleans_up() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CLI, "demo"],
        env=_demo_env("pymap"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        seen.append(line)
        if "Ctrl-C stops" in line or not line:
            break
    workdirs = [w for w in "".join(seen).split() if "otpbridge-demo-" in w]
    proc.terminate()
    rest, _ = proc.communicate(timeout=30)
    out = "".join(seen) + rest
    assert proc.returncode == 0, out
    assert "send your own mail" in out
    assert "Traceback" not in out
    assert "every process it started is gone" in out
    for path in workdirs:
        assert not Path(path).exists()


@pytest.fixture(scope="module")
def pymap_stack() -> Iterator[DemoStack]:
    stack = start_stack("pymap")
    yield stack
    stack.stop()


def test_metrics_during_an_end_to_end_run_show_the_routed_mail(pymap_stack: DemoStack) -> None:
    client = Client.from_url(pymap_stack.redis_url, address=pymap_stack.address)
    try:
        inbox = client.inboxes.create(ttl=600)
        code = new_code()
        with smtplib.SMTP("127.0.0.1", pymap_stack.smtp_port, timeout=10) as smtp:
            smtp.sendmail(SAMPLE_SENDER, [inbox.email], otp_mail(inbox.email, code))
        otp = client.messages.wait_for_otp(inbox_id=inbox.id, timeout=30)
    finally:
        client.close()
    assert otp is not None
    assert otp.code == code
    status, body = _http(pymap_stack.bridge_metrics_port, "/metrics")
    assert status == 200
    routed = [
        line
        for line in body.splitlines()
        if line.startswith("otpbridge_messages_routed_total{") and 'INBOX"}' in line
    ]
    assert routed, body
    assert float(routed[0].rsplit(" ", 1)[1]) >= 1
    assert _http(pymap_stack.bridge_metrics_port, "/readyz")[0] == 200
    _, worker_body = _http(pymap_stack.worker_metrics_port, "/metrics")
    assert "otpbridge_queue_depth" in worker_body

    conn = redis.Redis.from_url(pymap_stack.redis_url)
    try:
        report = collect_status(conn, pymap_stack.keys, QUEUE_NAME)
    finally:
        conn.close()
    (mailbox,) = report["mailboxes"]
    assert mailbox["status"] == "ok"
    assert mailbox["fresh"]
    assert report["queue"]["workers"] >= 1
    assert report["inboxes_live"] >= 1
    assert report["latency"]["n"] >= 1


def test_readyz_follows_dovecot_down_and_up(own_dovecot: DovecotServer, redis_url: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env |= {
        "OTPBRIDGE_REDIS_URL": redis_url,
        "OTPBRIDGE_IMAP_URL": own_dovecot.imaps_url,
        "OTPBRIDGE_TLS_CA_FILE": str(own_dovecot.ca_file),
        "OTPBRIDGE_ADDRESS": "catchall+{id}@corp.test",
        "OTPBRIDGE_METRICS_PORT": str(port),
        "OTPBRIDGE_RECONNECT_MAX": "1",
    }
    bridge = subprocess.Popen(
        [sys.executable, "-c", _CLI, "bridge"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _until(lambda: _http(port, "/readyz")[0] == 200, 30, "ready")
        assert _http(port, "/healthz")[0] == 200
        own_dovecot.stop()
        _until(lambda: _http(port, "/readyz")[0] == 503, 40, "unready after Dovecot stopped")
        assert _http(port, "/healthz")[0] == 200
        own_dovecot.start()
        _until(lambda: _http(port, "/readyz")[0] == 200, 40, "ready after Dovecot restarted")
    finally:
        bridge.terminate()
        bridge.wait(20)
