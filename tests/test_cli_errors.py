"""Bad input to the agent-facing and operator commands: one line on stderr, a non-zero exit,
never a traceback. The commands run in-process through ``bridge.cli.main``, except ``worker``,
which configures the process's logging."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis

from otpbridge.bridge.cli import main
from otpbridge.bridge.embedded import free_port
from otpbridge.bridge.sdk import Client

ADDRESS = "agents+{id}@corp.example"
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"
UNKNOWN_ID = "a" * 20


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTPBRIDGE_REDIS_URL", "OTPBRIDGE_REDIS_URL_FILE", "OTPBRIDGE_METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTPBRIDGE_ADDRESS", ADDRESS)


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    "argv", [["inbox", "list"], ["inbox", "create"], ["wait", UNKNOWN_ID], ["status"]]
)
@pytest.mark.parametrize(
    ("url", "says"),
    [
        (None, "OTPBRIDGE_REDIS_URL is not set"),
        ("localhost:6380", "must start with redis://"),
        ("redis://127.0.0.1:notaport/0", "notaport"),
    ],
)
def test_missing_or_malformed_redis_url(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    url: str | None,
    says: str,
) -> None:
    if url is not None:
        monkeypatch.setenv("OTPBRIDGE_REDIS_URL", url)
    assert main(argv) == 2
    assert says in _one_line_error(capsys)


@pytest.mark.parametrize(
    "argv",
    [["inbox", "list"], ["inbox", "create"], ["wait", UNKNOWN_ID, "--timeout", "0"], ["status"]],
)
def test_redis_down(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setenv("OTPBRIDGE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    assert main(argv) != 0
    assert "Redis" in _one_line_error(capsys)


def _worker(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``otpbridge worker --burst`` in its own process: it configures logging for the process,
    which must not leak into the tests that follow."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    return subprocess.run(
        [sys.executable, "-c", _CLI, "worker", "--burst"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr


def test_worker_with_redis_down() -> None:
    proc = _worker({"OTPBRIDGE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    assert proc.returncode == 1
    assert "unreachable" in _one_line(proc.stderr)


def test_worker_metrics_port_taken_or_out_of_range(redis_url: str, listening_port: int) -> None:
    taken = _worker(
        {"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_METRICS_PORT": str(listening_port)}
    )
    assert taken.returncode == 2
    assert "metrics port" in _one_line(taken.stderr)
    too_big = _worker({"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_METRICS_PORT": "99999"})
    assert too_big.returncode == 2
    assert "65535" in _one_line(too_big.stderr)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["inbox", "delete", UNKNOWN_ID], "no inbox"),
        (["inbox", "delete", "not-an-id"], "not an inbox id"),
        (["wait", UNKNOWN_ID, "--timeout", "1"], "does not exist"),
        (["wait", "not-an-id"], "not an inbox id"),
        (["inbox", "create", "--ttl", "inf"], "ttl must be"),
        (["inbox", "create", "--ttl", "nan"], "ttl must be"),
        (["inbox", "create", "--ttl", "1e300"], "ttl must be"),
        (["inbox", "create", "--ttl", "-5"], "ttl must be"),
    ],
)
def test_bad_arguments(
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    says: str,
) -> None:
    monkeypatch.setenv("OTPBRIDGE_REDIS_URL", redis_url)
    assert main(argv) in (1, 2)
    assert says in _one_line_error(capsys)


def test_infinite_wait_timeout_is_refused(redis_url: str, redis_client: redis.Redis) -> None:
    with Client.from_url(redis_url, address=ADDRESS, require_watcher=False) as client:
        inbox = client.inboxes.create(ttl=60)
        with pytest.raises(ValueError, match="finite"):
            client.messages.wait_for_otp(inbox.id, timeout=float("inf"))
    assert redis_client.zcard(client.keys.waiting()) == 0
