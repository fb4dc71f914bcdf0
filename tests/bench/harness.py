"""Shared plumbing for the benchmarks in this directory (not collected by pytest).

A benchmark builds a :class:`Stack` (private redis-server + Dovecot on loopback, via
``bridge.embedded``), starts ``otpbridge bridge`` / ``otpbridge worker`` as real processes with
the environment a user would give them, delivers mail over LMTP, and prints a table followed by
exactly one JSON line (the machine-readable result, always the last line of stdout).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, make_msgid
from pathlib import Path
from types import TracebackType
from typing import Any

import redis

from otpbridge.bridge.embedded import DovecotServer, RedisServer
from otpbridge.bridge.embedded.proctable import process_table
from otpbridge.worker.keys import Keys

__all__ = [
    "ADDRESS_TEMPLATE",
    "Deliverer",
    "Proc",
    "Stack",
    "cpu_seconds",
    "otp_mail",
    "percentiles",
    "print_json",
    "print_table",
    "rss_bytes",
    "wait_until",
]

ADDRESS_TEMPLATE = "agents+{id}@corp.test"
_CLI = Path(sys.executable).parent / "otpbridge"


def wait_until(cond: Callable[[], bool], timeout: float, what: str, step: float = 0.02) -> None:
    """Poll ``cond`` until true; ``TimeoutError`` naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(step)


# -- statistics / output ------------------------------------------------------------------------
def percentiles(values: Sequence[float], qs: Iterable[int] = (50, 95, 99)) -> dict[str, float]:
    """Nearest-rank percentiles (``p50``…) plus ``n``; NaN when there are no values."""
    data = sorted(values)
    out: dict[str, float] = {"n": float(len(data))}
    for q in qs:
        if not data:
            out[f"p{q}"] = math.nan
            continue
        rank = max(1, math.ceil(q / 100 * len(data)))
        out[f"p{q}"] = data[rank - 1]
    return out


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    sys.stdout.flush()


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def print_json(result: dict[str, Any]) -> None:
    """The last line of every benchmark: one JSON object (NaN → null)."""
    print(json.dumps(_clean(result), sort_keys=True))
    sys.stdout.flush()


# -- processes ----------------------------------------------------------------------------------
def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in process_table():
        children.setdefault(entry.ppid, []).append(entry.pid)
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid: int, *, tree: bool = True) -> float:
    """User+system CPU seconds of ``pid`` and its reaped children, plus (``tree``) those of its
    live descendants."""
    total = 0
    for p in _tree(pid) if tree else [pid]:
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{p}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` plus its descendants (forked RQ work horses too)."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


@dataclass
class Proc:
    """An ``otpbridge`` subprocess whose output goes to a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)


@dataclass
class Stack:
    """Private Redis + Dovecot, and the otpbridge processes started against them."""

    max_connections: int = 50
    mail_format: str = "maildir"
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="otpb-bench-")))
    keys: Keys = field(default_factory=Keys)
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.redis_server = RedisServer(self.workdir / "redis")
        self.dovecot = DovecotServer(
            self.workdir / "dovecot",
            tls=False,
            max_connections=self.max_connections,
            mail_format=self.mail_format,
        )

    def __enter__(self) -> Stack:
        self.redis_server.start()
        self.dovecot.start()
        self.redis = redis.Redis.from_url(self.redis_server.url)
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.redis.close()
        self.dovecot.cleanup()
        self.redis_server.cleanup()
        if et is None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            print(f"benchmark failed; process logs kept in {self.workdir}", file=sys.stderr)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
        env.update(
            OTPBRIDGE_REDIS_URL=self.redis_server.url,
            OTPBRIDGE_IMAP_URL=self.dovecot.imap_url,
            OTPBRIDGE_ADDRESS=ADDRESS_TEMPLATE,
        )
        env.update(extra)
        return env

    def spawn(self, name: str, args: Sequence[str], env: dict[str, str]) -> Proc:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [str(_CLI), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def _check(self, proc: Proc) -> bool:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited early:\n{proc.tail()}")
        return True

    def start_bridge(self, fast_check_ms: int, timeout: float = 30.0) -> Proc:
        """``otpbridge bridge``; returns once its heartbeat says the IMAP watch is up."""
        proc = self.spawn(
            "bridge", ["bridge"], self.env(OTPBRIDGE_FAST_CHECK_MS=str(fast_check_ms))
        )

        def ready() -> bool:
            self._check(proc)
            for member in self.redis.smembers(self.keys.mailboxes):
                name = member.decode() if isinstance(member, bytes) else str(member)
                mailbox, _, folder = name.rpartition(":")
                if self.redis.hget(self.keys.heartbeat(mailbox, folder), "status") == b"ok":
                    return True
            return False

        wait_until(ready, timeout, "the bridge heartbeat (status ok)")
        return proc

    def start_workers(self, n: int, timeout: float = 30.0) -> Proc:
        """``otpbridge worker -n N``; returns once N RQ workers are registered."""
        from rq import Worker  # noqa: PLC0415 - only the benchmarks that start workers need rq

        proc = self.spawn(f"worker{len(self.procs)}", ["worker", "-n", str(n)], self.env())
        wait_until(
            lambda: self._check(proc) and Worker.count(connection=self.redis) >= n,
            timeout,
            f"{n} registered RQ workers",
        )
        return proc

    def profile(self, proc: Proc, seconds: float, out_dir: Path) -> subprocess.Popen[bytes]:
        """Sample ``proc`` (and its children) with py-spy for ``seconds``; collapsed stacks go
        to ``out_dir/<name>.txt`` (``pip install -e '.[bench]'`` provides py-spy)."""
        out_dir.mkdir(parents=True, exist_ok=True)
        spy = Path(sys.executable).parent / "py-spy"
        return subprocess.Popen(
            [
                str(spy),
                "record",
                "--pid",
                str(proc.pid),
                "--subprocesses",
                "--nonblocking",
                *(["--gil"] if os.environ.get("BENCH_GIL") else []),
                "--format",
                "raw",
                "--rate",
                "200",
                "--duration",
                str(max(1, round(seconds))),
                "--output",
                str(out_dir / f"{proc.name}.txt"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop_procs(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.procs.clear()

    def sdk(self, **kwargs: Any) -> Any:
        """An SDK ``Client`` on this stack's Redis (imported late: the SDK is another module)."""
        from otpbridge import Client  # noqa: PLC0415

        return Client.from_url(self.redis_server.url, address=ADDRESS_TEMPLATE, **kwargs)


# -- mail ---------------------------------------------------------------------------------------
def otp_mail(rcpt: str, code: str, *, sender: str = "no-reply@bench-app.test") -> bytes:
    """A small, realistic verification mail (text + HTML) carrying ``code``."""
    boundary = "bench-boundary-" + code
    text = (
        f"Hi,\r\n\r\nYour verification code is {code}. It expires in 10 minutes.\r\n\r\n"
        "If you did not request it, ignore this mail.\r\n"
    )
    html = (
        "<html><body><p>Hi,</p><p>Your verification code is "
        f'<b style="font-size:24px">{code}</b>.</p><p>It expires in 10 minutes.</p>'
        '<p style="color:#888">If you did not request it, ignore this mail.</p></body></html>'
    )
    headers = (
        f"From: Bench App <{sender}>\r\nTo: {rcpt}\r\n"
        "Subject: Your Bench App verification code\r\n"
        f"Date: {formatdate()}\r\n"
        f"Message-ID: {make_msgid(domain='bench-app.test')}\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
    )
    body = (
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
        f"--{boundary}--\r\n"
    )
    return (headers + body).encode()


class Deliverer:
    """LMTP delivery over one kept-open connection, one RCPT per transaction (keeps the +tag)."""

    def __init__(self, dovecot: DovecotServer) -> None:
        self._port = dovecot.lmtp_port
        self._conn: smtplib.LMTP | None = None

    def deliver(self, rcpt: str, data: bytes) -> None:
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self._conn = smtplib.LMTP("127.0.0.1", self._port, timeout=30)
                self._conn.sendmail("sender@bench-app.test", [rcpt], data)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self._conn = None
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
            self._conn = None
