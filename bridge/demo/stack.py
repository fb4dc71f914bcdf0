"""The demo's private mail stack: Redis, an IMAP server, an SMTP front, the bridge and a worker.

Everything binds to loopback on free ports inside one temporary directory and is stopped by
:meth:`DemoStack.stop`, children by their own pid/process group (never by name). The IMAP
server is Dovecot when installed, else pymap's in-memory backend, so the demo needs only Python.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import redis

from otpbridge.bridge.embedded.dovecot import DovecotServer, find_dovecot
from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.embedded.process import terminate
from otpbridge.bridge.embedded.pymap_server import PymapServer, pymap_available
from otpbridge.bridge.embedded.redis_server import RedisServer, find_redis_server
from otpbridge.bridge.embedded.smtp_front import (
    Delivery,
    ImapAppendDelivery,
    LmtpDelivery,
    SmtpFront,
)
from otpbridge.bridge.errors import BridgeError
from otpbridge.worker.keys import Keys

__all__ = [
    "ADDRESS_TEMPLATE",
    "DemoError",
    "DemoStack",
    "ImapKind",
    "SentLog",
    "choose_imap",
    "start_stack",
]

ImapKind = Literal["dovecot", "pymap"]

#: ``.test`` is reserved (RFC 2606): these addresses can never leak to a real domain.
ADDRESS_TEMPLATE = "agents+{id}@corp.test"

# Runs the CLI with this interpreter, so it works from a venv whose bin/ is not on PATH.
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


class DemoError(BridgeError):
    """The demo stack could not start or a part of it died; the message says which."""


class SentLog:
    """When the demo's SMTP front took each mail, per recipient (wall clock, ms): the demo
    shows latency from the SMTP send, not from IMAP INTERNALDATE (whole seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: dict[str, deque[int]] = {}

    def record(self, rcpt: str) -> None:
        with self._lock:
            self._sent.setdefault(rcpt.lower(), deque(maxlen=100)).append(int(time.time() * 1000))

    def take(self, rcpt: str) -> int | None:
        """The oldest send to ``rcpt`` not yet taken (mail arrives in the order it was sent)."""
        with self._lock:
            queue = self._sent.get(rcpt.lower())
            return queue.popleft() if queue else None


class _TimedDelivery:
    """The IMAP server's delivery, noting when the SMTP front handed each mail over."""

    def __init__(self, inner: Delivery, sent: SentLog) -> None:
        self._inner, self._sent = inner, sent

    def deliver(self, mail_from: str, rcpt: str, data: bytes) -> None:
        self._sent.record(rcpt)
        self._inner.deliver(mail_from, rcpt, data)

    def close(self) -> None:
        self._inner.close()


def choose_imap(requested: str) -> ImapKind:
    """``auto`` prefers Dovecot (the real thing) and falls back to pymap."""
    if requested == "dovecot" or (requested == "auto" and find_dovecot()):
        if not find_dovecot():
            raise DemoError("Dovecot is not installed; use --imap pymap (needs '.[demo]')")
        return "dovecot"
    if requested in ("pymap", "auto"):
        if not pymap_available():
            raise DemoError(
                "no IMAP server: install Dovecot, or the demo extras: pip install 'otpbridge[demo]'"
            )
        return "pymap"
    raise DemoError(f"unknown IMAP server {requested!r}: use auto, dovecot or pymap")


@dataclass
class _Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float) -> None:
        terminate(self.proc, timeout)
        # Its own session: anything it forked (RQ work horses) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


@dataclass
class DemoStack:
    """A running stack. ``redis_url``, ``smtp_port`` and the metrics ports are what users need."""

    workdir: Path
    imap_kind: ImapKind
    redis_server: RedisServer
    imap: DovecotServer | PymapServer
    front: SmtpFront
    prefix: str = "otpb"
    address: str = ADDRESS_TEMPLATE
    bridge_metrics_port: int = 0
    worker_metrics_port: int = 0
    sent: SentLog = field(default_factory=SentLog)
    children: list[_Child] = field(default_factory=list)
    _own_workdir: bool = True

    @property
    def redis_url(self) -> str:
        return self.redis_server.url

    @property
    def smtp_port(self) -> int:
        return self.front.port

    @property
    def keys(self) -> Keys:
        return Keys(self.prefix)

    @property
    def imap_url(self) -> str:
        """The bridge's IMAP URL; its password is the demo's throwaway one (loopback only)."""
        return self.imap.imap_url

    def child_env(self, metrics_port: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
        env.update(
            {
                "OTPBRIDGE_REDIS_URL": self.redis_url,
                "OTPBRIDGE_IMAP_URL": self.imap.imap_url,
                "OTPBRIDGE_ADDRESS": self.address,
                "OTPBRIDGE_PREFIX": self.prefix,
                "OTPBRIDGE_FOLDERS": "INBOX",
                "OTPBRIDGE_METRICS_PORT": str(metrics_port),
                "OTPBRIDGE_LOG_LEVEL": "INFO",
            }
        )
        return env

    def spawn(self, name: str, args: list[str], metrics_port: int) -> None:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", _CLI, *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.child_env(metrics_port),
                start_new_session=True,
            )
        self.children.append(_Child(name, proc, log))

    def check_children(self) -> None:
        """Raise :class:`DemoError` with the log tail of a bridge/worker that exited."""
        for child in self.children:
            code = child.proc.poll()
            if code is not None:
                raise DemoError(
                    f"otpbridge {child.name} exited with status {code}; last log lines:\n"
                    f"{child.tail()}"
                )

    def wait_bridge_ready(self, timeout: float = 30.0) -> None:
        """Until a watcher reports ``ok`` and has its checkpoint: mail sent after this routes."""
        client = redis.Redis.from_url(self.redis_url, socket_timeout=5, decode_responses=True)
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.check_children()
                if self._watcher_ok(client):
                    return
                if time.monotonic() > deadline:
                    raise DemoError(
                        f"the bridge did not connect to IMAP within {timeout:g}s; "
                        f"see {self.workdir / 'bridge.log'}"
                    )
                time.sleep(0.05)
        finally:
            client.close()

    def _watcher_ok(self, client: redis.Redis) -> bool:
        for name in client.smembers(self.keys.mailboxes):
            mailbox, _, folder = str(name).rpartition(":")
            status = client.hget(self.keys.heartbeat(mailbox, folder), "status")
            if status == "ok" and client.exists(self.keys.cursor(mailbox, folder)):
                return True
        return False

    def stop(self) -> None:
        """Stop everything this stack started, newest first. Safe to call twice."""
        for child in reversed(self.children):
            child.stop(timeout=10)
        self.children.clear()
        self.front.stop()
        self.imap.cleanup()
        self.redis_server.cleanup()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _imap_server(kind: ImapKind, workdir: Path) -> tuple[DovecotServer | PymapServer, Delivery]:
    if kind == "dovecot":
        dovecot = DovecotServer(workdir / "dovecot", tls=False).start()
        return dovecot, LmtpDelivery("127.0.0.1", dovecot.lmtp_port)
    pymap = PymapServer(workdir / "pymap").start()
    return pymap, ImapAppendDelivery("127.0.0.1", pymap.imap_port, pymap.user, pymap.password)


def start_stack(imap: str = "auto", on_step: Callable[[str], None] | None = None) -> DemoStack:
    """Start the whole stack or nothing: on failure everything already started is stopped."""
    step = on_step or (lambda _msg: None)
    kind = choose_imap(imap)
    if find_redis_server() is None:
        raise DemoError(
            "no redis-server: install Redis, or the demo extras: pip install 'otpbridge[demo]'"
        )
    workdir = Path(tempfile.mkdtemp(prefix="otpbridge-demo-"))
    started: list[Callable[[], None]] = [lambda: shutil.rmtree(workdir, ignore_errors=True)]
    try:
        redis_server = RedisServer(workdir / "redis").start()
        started.append(redis_server.cleanup)
        step(f"Redis {redis_server.executable} on 127.0.0.1:{redis_server.port}")
        server, delivery = _imap_server(kind, workdir)
        started.append(server.cleanup)
        step(f"IMAP ({kind}) on 127.0.0.1:{server.imap_port}")
        sent = SentLog()
        front = SmtpFront(_TimedDelivery(delivery, sent)).start()
        started.append(front.stop)
        step(f"SMTP front door on 127.0.0.1:{front.port}")
    except (OSError, RuntimeError, TimeoutError) as exc:
        for undo in reversed(started):
            undo()
        raise DemoError(f"could not start the demo servers: {exc}") from exc
    stack = DemoStack(
        workdir=workdir,
        imap_kind=kind,
        redis_server=redis_server,
        imap=server,
        front=front,
        bridge_metrics_port=free_port(),
        worker_metrics_port=free_port(),
        sent=sent,
    )
    try:
        stack.spawn("bridge", ["bridge"], stack.bridge_metrics_port)
        stack.spawn("worker", ["worker"], stack.worker_metrics_port)
        stack.wait_bridge_ready()
    except BaseException:
        stack.stop()
        raise
    step(f"bridge watching INBOX (metrics :{stack.bridge_metrics_port}), worker running")
    return stack
