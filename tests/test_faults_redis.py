"""Redis refusing writes: full (``maxmemory`` + ``noeviction``: OOM) and ``MISCONF`` (the last
RDB save failed with ``stop-writes-on-bgsave-error yes``). The bridge and the worker must back
off while it lasts, lose and repeat nothing, and carry on once the operator fixes Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from bridge_support import address, mail, new_inbox, settings_for, wait_until
from fault_support import Tally
from pipeline_helpers import WorkerProcess

from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.bridge.imap import Bridge

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    # CONFIG SET dir is "protected" unless allowed (MISCONF is provoked through it).
    server = RedisServer(tmp_path / "redis", extra_args=["--enable-protected-configs", "local"])
    server.start()
    yield server
    server.cleanup()


def _refusing_writes_then_fixed(
    server: RedisServer,
    dovecot: DovecotServer,
    break_redis: object,
    fix_redis: object,
    error: str,
) -> None:
    assert callable(break_redis)
    assert callable(fix_redis)
    client = redis.Redis.from_url(server.url)
    inboxes = [new_inbox(client) for _ in range(3)]
    settings = settings_for(server.url, dovecot, OTPBRIDGE_FAST_CHECK_MS="0")
    bridge = Bridge(settings, client)
    bridge.start()
    worker = WorkerProcess(server.url)
    try:
        wait_until(
            lambda: client.exists(f"otpb:cursor:{settings.mailboxes[0].name}:INBOX"), 10, "bridge"
        )
        for inbox in inboxes:
            dovecot.deliver(address(inbox), mail(address(inbox), body="Your code is 482913."))
        wait_until(lambda: Tally.of(client, inboxes).extracted_total() == 3, 15, "first mails")
        break_redis(client)
        with pytest.raises(redis.ResponseError, match=error):
            client.set("probe", "x")
        for inbox in inboxes:
            for _ in range(2):
                dovecot.deliver(address(inbox), mail(address(inbox), body="Your code is 771204."))
        time.sleep(4)  # the bridge and the worker run into the refusal meanwhile
        assert Tally.of(client, inboxes).extracted_total() == 3
        fix_redis(client)
        wait_until(
            lambda: Tally.of(client, inboxes).extracted_total() == 9, 30, "the held-back mail"
        )
        time.sleep(1)
        tally = Tally.of(client, inboxes)
        assert worker.proc.poll() is None, worker.log()[-2000:]
    finally:
        worker.stop()
        bridge.stop()
        client.close()
    assert tally.repeated() == []
    assert len(tally.received) == 9
    assert len(tally.extracted) == 9


def test_redis_full_pauses_ingest_and_resumes(
    server: RedisServer, own_dovecot: DovecotServer
) -> None:
    def fill(client: redis.Redis) -> None:
        for i in range(64):
            client.set(f"filler:{i}", b"x" * 16 * 1024)
        used = int(client.info("memory")["used_memory"])
        # Full, with a margin: writes are refused whatever the client buffers do meanwhile.
        client.config_set("maxmemory", used - 512 * 1024)

    def free(client: redis.Redis) -> None:
        client.config_set("maxmemory", 0)

    _refusing_writes_then_fixed(server, own_dovecot, fill, free, "maxmemory")


def test_redis_misconf_pauses_ingest_and_resumes(
    server: RedisServer, own_dovecot: DovecotServer, tmp_path: Path
) -> None:
    doomed = tmp_path / "doomed"

    def break_saving(client: redis.Redis) -> None:
        doomed.mkdir()
        client.config_set("save", "3600 1")
        client.config_set("stop-writes-on-bgsave-error", "yes")
        client.config_set("dir", str(doomed))
        doomed.rmdir()  # root can write anywhere; a directory that is gone stops even root
        client.bgsave()
        wait_until(
            lambda: client.info("persistence")["rdb_last_bgsave_status"] == "err", 10, "MISCONF"
        )

    def fix_saving(client: redis.Redis) -> None:
        client.config_set("dir", str(server.directory))
        client.bgsave()
        wait_until(
            lambda: client.info("persistence")["rdb_last_bgsave_status"] == "ok", 10, "a save"
        )

    _refusing_writes_then_fixed(server, own_dovecot, break_saving, fix_saving, "RDB")
