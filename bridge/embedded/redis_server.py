"""A private ``redis-server`` on a free loopback port; also a replica of one, or a Sentinel."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from pathlib import Path

from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.embedded.process import ServerProcess
from otpbridge.bridge.embedded.redis_binary import (  # PATH, else bundled
    INSTALL_HINT,
    find_redis_server,
)

__all__ = ["RedisServer", "SentinelServer", "find_redis_server"]


class RedisServer(ServerProcess):
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` points at it."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        port: int | None = None,
        appendonly: bool = False,
        executable: str | None = None,
        replica_of: int | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        super().__init__(directory, "otpb-redis-")
        self.port = port or free_port()
        self.appendonly = appendonly
        #: The loopback port of the primary this server replicates (``--replicaof``).
        self.replica_of = replica_of
        #: More ``--option value`` pairs, after (and so overriding) the defaults.
        self.extra_args = list(extra_args)
        exe = executable or find_redis_server()
        if exe is None:
            raise FileNotFoundError(f"no redis-server: {INSTALL_HINT}")
        self.executable = exe

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        args = [
            self.executable,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--dir",
            str(self.directory),
            "--logfile",
            str(self.directory / "redis.log"),
            "--maxmemory-policy",
            "noeviction",
            # A stream node is preallocated to this size: an inbox with one mail holds ~1.7 KB
            # of events instead of ~4.7 KB, at no measurable CPU cost.
            "--stream-node-max-bytes",
            "1024",
        ]
        if self.replica_of is not None:
            args += ["--replicaof", "127.0.0.1", str(self.replica_of)]
        args += self.extra_args
        self._launch(args, self.port, timeout, log=None)
        return self

    def kill(self) -> None:
        """SIGKILL: the crash case (no AOF rewrite, no goodbye)."""
        if self._proc is not None and self._proc.poll() is None:
            os.kill(self._proc.pid, signal.SIGKILL)
            self._proc.wait(5)
        self._proc = None


class SentinelServer(ServerProcess):
    """``redis-server --sentinel`` monitoring the primary on ``primary_port`` as ``service``.

    Tuned for tests: a primary is down after ``down_after_ms`` of silence, and a failover may
    be retried after ``failover_timeout_ms``. The sentinel rewrites its config file (what it
    learnt about replicas and other sentinels), so each one has its own directory.
    """

    def __init__(
        self,
        directory: Path | None = None,
        *,
        primary_port: int,
        service: str = "otpb",
        quorum: int = 2,
        down_after_ms: int = 1000,
        failover_timeout_ms: int = 4000,
        port: int | None = None,
        executable: str | None = None,
    ) -> None:
        super().__init__(directory, "otpb-sentinel-")
        self.port = port or free_port()
        self.primary_port = primary_port
        self.service = service
        self.quorum = quorum
        self.down_after_ms = down_after_ms
        self.failover_timeout_ms = failover_timeout_ms
        exe = executable or find_redis_server()
        if exe is None:
            raise FileNotFoundError(f"no redis-server: {INSTALL_HINT}")
        self.executable = exe

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> SentinelServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "sentinel.conf"
        service = self.service
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\ndir {self.directory}\n"
            f"logfile {self.directory / 'sentinel.log'}\n"
            f"sentinel monitor {service} 127.0.0.1 {self.primary_port} {self.quorum}\n"
            f"sentinel down-after-milliseconds {service} {self.down_after_ms}\n"
            f"sentinel failover-timeout {service} {self.failover_timeout_ms}\n"
            f"sentinel parallel-syncs {service} 1\n"
        )
        self._launch([self.executable, str(config), "--sentinel"], self.port, timeout, log=None)
        return self
