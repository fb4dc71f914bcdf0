"""Child server processes of the embedded servers: start in their own session, stop by pid."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Self

from otpbridge.bridge.embedded.ports import wait_for_port

__all__ = ["ServerProcess", "terminate"]


def terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


class ServerProcess(ABC):
    """One server process on a loopback port, in a private directory (a temporary one, removed
    by :meth:`cleanup`, unless the caller names its own). Subclasses define :meth:`start`."""

    def __init__(self, directory: Path | None, temp_prefix: str) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix=temp_prefix))
        self._proc: subprocess.Popen[bytes] | None = None

    @abstractmethod
    def start(self, timeout: float = 10.0) -> Self:
        """Launch (with :meth:`_launch`) and return ``self`` once the port accepts."""

    def _launch(self, args: list[str], port: int, timeout: float, log: Path | None) -> None:
        """Run ``args`` in a new session (a Ctrl-C in the terminal is not theirs) and wait until
        ``port`` accepts; on a timeout the process is stopped and the error re-raised."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(log.open("wb")) if log is not None else None
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT if out is not None else None,
                start_new_session=True,
            )
        try:
            wait_for_port(port, timeout)
        except TimeoutError:
            self.stop()
            raise

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            terminate(proc, timeout)

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
