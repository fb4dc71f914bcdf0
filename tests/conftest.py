"""Real servers for the test suite: a private redis-server and Dovecot on loopback ports.

``redis_server``/``dovecot`` are shared by the session (start-up costs ~1 s); tests that stop,
restart or break a server ask for ``own_dovecot``/``own_redis`` instead. ``redis_url`` hands every
test a flushed database, so no test sees another's keys. ``worker_proc`` is one real extraction
worker per test module, on the shared Redis.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pipeline_helpers import WorkerProcess

from otpbridge.bridge.embedded import DovecotServer, RedisServer

REPO = Path(__file__).resolve().parent.parent


def _need(binary: str) -> None:
    if shutil.which(binary) is None and not Path(f"/usr/sbin/{binary}").exists():
        pytest.fail(f"{binary} is not installed; run the README's test command, which installs it")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    _need("redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def worker_proc(redis_server: RedisServer) -> Iterator[WorkerProcess]:
    proc = WorkerProcess(redis_server.url)
    yield proc
    assert proc.stop() == 0, proc.log()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    _need("redis-server")
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    _need("dovecot")
    server = DovecotServer(tmp_path_factory.mktemp("dovecot")).start()
    yield server
    server.cleanup()


@pytest.fixture
def own_dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    _need("dovecot")
    server = DovecotServer(tmp_path_factory.mktemp("dovecot-own")).start()
    yield server
    server.cleanup()
