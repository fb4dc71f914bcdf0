"""otpbridge doctor against the test Dovecot: OK when configured right, the fix when not."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis
from rq import Queue, Worker

from otpbridge.bridge.cli.doctor_cmd import diagnose
from otpbridge.bridge.diagnose.result import Check
from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.embedded.smtp_front import LmtpDelivery, SmtpFront
from otpbridge.worker.settings import QUEUE_NAME

_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


@pytest.fixture
def rq_worker(redis_url: str) -> Iterator[None]:
    """A registered RQ worker, as `otpbridge worker` leaves in Redis while it runs."""
    conn = redis.Redis.from_url(redis_url)
    worker = Worker([Queue(QUEUE_NAME, connection=conn)], connection=conn)
    worker.register_birth()  # type: ignore[no-untyped-call]
    yield
    worker.register_death()  # type: ignore[no-untyped-call]
    conn.close()


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, dovecot: DovecotServer, redis_url: str
) -> pytest.MonkeyPatch:
    for name in ("OTPBRIDGE_IMAP_PASSWORD", "OTPBRIDGE_IMAP_PASSWORD_FILE", "OTPBRIDGE_FOLDERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTPBRIDGE_REDIS_URL", redis_url)
    monkeypatch.setenv("OTPBRIDGE_ADDRESS", "catchall+{id}@corp.test")
    monkeypatch.setenv("OTPBRIDGE_IMAP_URL", dovecot.imaps_url)
    monkeypatch.setenv("OTPBRIDGE_TLS_CA_FILE", str(dovecot.ca_file))
    return monkeypatch


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


@pytest.mark.usefixtures("rq_worker")
def test_doctor_reports_ok_against_the_test_dovecot(env: pytest.MonkeyPatch) -> None:
    checks = diagnose(None, send_test=False, smtp=None)
    got = _by_name(checks)
    for name in ("DNS", "TCP", "TLS", "login", "IDLE", "MOVE", "folder INBOX", "reachable"):
        assert got[name].status == "ok", got[name]
    assert got["eviction"].status == "ok"
    assert got["workers"].status == "ok"
    assert got["persistence"].status == "warn"  # the session Redis runs without AOF
    assert "appendonly yes" in got["persistence"].fix
    assert not [c for c in checks if c.status == "fail"]


def test_doctor_names_the_fix_for_a_wrong_password(
    env: pytest.MonkeyPatch, dovecot: DovecotServer
) -> None:
    env.setenv("OTPBRIDGE_IMAP_URL", dovecot.imaps_url.replace(":password@", ":wrong@"))
    login = _by_name(diagnose(None, send_test=False, smtp=None))["login"]
    assert login.status == "fail"
    assert "OTPBRIDGE_IMAP_PASSWORD" in login.fix


def test_doctor_names_the_fix_for_an_untrusted_certificate(env: pytest.MonkeyPatch) -> None:
    env.delenv("OTPBRIDGE_TLS_CA_FILE")
    checks = _by_name(diagnose(None, send_test=False, smtp=None))
    assert checks["TLS"].status == "fail"
    assert "OTPBRIDGE_TLS_CA_FILE" in checks["TLS"].fix
    assert "login" not in checks  # stops at the failing layer


def test_doctor_names_a_missing_folder_and_no_workers(env: pytest.MonkeyPatch) -> None:
    env.setenv("OTPBRIDGE_FOLDERS", "INBOX,Nope")
    checks = _by_name(diagnose(None, send_test=False, smtp=None))
    assert checks["folder Nope"].status == "fail"
    assert "Junk" in checks["folder Nope"].fix
    assert checks["workers"].status == "fail"
    assert "otpbridge worker" in checks["workers"].fix


def test_doctor_send_test_proves_plus_addressing(
    env: pytest.MonkeyPatch, dovecot: DovecotServer
) -> None:
    # Dovecot takes mail over LMTP only; the demo's SMTP front door bridges the two.
    with SmtpFront(LmtpDelivery("127.0.0.1", dovecot.lmtp_port)) as front:
        checks = _by_name(diagnose(None, send_test=True, smtp=f"127.0.0.1:{front.port}"))
    assert checks["plus-addressing"].status == "ok", checks["plus-addressing"]


def test_doctor_send_test_with_a_portless_smtp_says_so(env: pytest.MonkeyPatch) -> None:
    checks = _by_name(diagnose(None, send_test=True, smtp="127.0.0.1:smtp"))
    assert checks["plus-addressing"].status == "fail"
    assert "numeric port" in checks["plus-addressing"].detail


def test_doctor_cli_json_and_exit_code(env: pytest.MonkeyPatch, dovecot: DovecotServer) -> None:
    env.setenv("OTPBRIDGE_IMAP_URL", dovecot.imaps_url.replace(":password@", ":wrong@"))
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "doctor", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert any(r["name"] == "login" and r["status"] == "fail" for r in rows)
    assert "wrong" not in proc.stdout
