"""An ``otpbridge`` command as a subprocess, for the tests that need a real process (signals,
crashes, two instances): a clean ``OTPBRIDGE_*`` environment and a log file to assert on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class CliProcess:
    """``argv`` runs with the caller's environment minus every ``OTPBRIDGE_*`` variable, plus
    ``env``; stdout and stderr go to ``log_path``."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
        full_env.update(env)
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(
            argv,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own process group: a stop that times out can kill its children too, so a
            # stuck worker pool never outlives its test and takes jobs from the next one.
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the crash case (no goodbye, no lease release)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._log.close()
