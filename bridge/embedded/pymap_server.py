"""A private pymap IMAP server (in-memory ``dict`` backend): the demo's IMAP when there is no
Dovecot. Pure Python, no root; its mail is gone when it stops.
"""

from __future__ import annotations

import sys
from pathlib import Path

from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.embedded.process import ServerProcess

__all__ = ["PymapServer", "pymap_available"]

# Runs pymap's console entry point with our interpreter, so a venv without its bin/ on PATH works.
_LAUNCH = "import sys; from pymap.main import main; sys.exit(main())"


def pymap_available() -> bool:
    try:
        import pymap  # noqa: F401, PLC0415 - optional dependency probe
    except ImportError:
        return False
    return True


class PymapServer(ServerProcess):
    """Start with :meth:`start`, stop with :meth:`stop`. One user, ``catchall``/``password``."""

    user = "catchall"
    password = "password"  # noqa: S105 - throw-away demo credential

    def __init__(self, directory: Path | None = None, *, port: int | None = None) -> None:
        super().__init__(directory, "otpb-pymap-")
        self.imap_port = port or free_port()

    def start(self, timeout: float = 20.0) -> PymapServer:
        if not pymap_available():
            raise FileNotFoundError("pymap is not installed (pip install 'otpbridge[demo]')")
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
        self._launch(args, self.imap_port, timeout, log=self.directory / "pymap.log")
        return self

    @property
    def imap_url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.imap_port}/INBOX"
