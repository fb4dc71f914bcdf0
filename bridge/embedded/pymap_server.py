"""A private pymap IMAP server (in-memory ``dict`` backend): the demo's IMAP when there is no
Dovecot. Pure Python, no root; its mail is gone when it stops.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bridge.embedded.ports import free_port, wait_for_port

__all__ = ["PymapServer", "pymap_available"]

# Runs pymap's console entry point with our interpreter, so a venv without its bin/ on PATH works.
_LAUNCH = "import sys; from pymap.main import main; sys.exit(main())"


def pymap_available() -> bool:
    try:
        import pymap  # noqa: F401, PLC0415 - optional dependency probe
    except ImportError:
        return False
    return True


class PymapServer:
    """Start with :meth:`start`, stop with :meth:`stop`. One user, ``catchall``/``password``."""

    user = "catchall"
    password = "password"  # noqa: S105 - throw-away demo credential

    def __init__(self, directory: Path | None = None, *, port: int | None = None) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="otpb-pymap-"))
        self.imap_port = port or free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> PymapServer:
        if not pymap_available():
            raise FileNotFoundError("pymap is not installed (pip install 'otpbridge[demo]')")
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [
            sys.executable,
            "-c",
            _LAUNCH,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.imap_port),
            "--no-tls",
            "dict",
            "--demo-user",
            self.user,
            "--demo-password",
            self.password,
        ]
        with (self.directory / "pymap.log").open("wb") as log:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(self.imap_port, timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> PymapServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    @property
    def imap_url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.imap_port}/INBOX"
