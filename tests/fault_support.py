"""Support for the fault tests: a TCP proxy that can black-hole a link, a Sentinel deployment
(primary, replica, three sentinels) on loopback, fast LMTP delivery, and pipeline checks."""

from __future__ import annotations

import contextlib
import itertools
import select
import smtplib
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import redis

from otpbridge.bridge.embedded import RedisServer, SentinelServer
from otpbridge.worker.keys import Keys

KEYS = Keys()


class BlackHoleProxy:
    """Forwards 127.0.0.1:``port`` to 127.0.0.1:``upstream`` until :meth:`black_hole`.

    A black hole is a half-open link as a NAT or firewall that forgot the flow makes it: every
    connection open at that moment, and every one accepted while it lasts, keeps its socket but
    never carries another byte (what arrives is dropped, nothing is closed). After
    :meth:`restore` new connections work again; the dead ones stay dead.
    """

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._ids = itertools.count()
        self._dead_below = 0
        self._holing = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def black_hole(self) -> None:
        with self._lock:
            self._holing = True
            self._dead_below = next(self._ids)

    def restore(self) -> None:
        with self._lock:
            self._holing = False

    def _alive(self, conn_id: int, born_in_hole: bool) -> bool:
        with self._lock:
            return not born_in_hole and conn_id >= self._dead_below

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            with self._lock:
                conn_id, born_in_hole = next(self._ids), self._holing
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
            except OSError:
                client.close()
                continue
            self._sockets += [client, server]
            threading.Thread(
                target=self._pump,
                args=(client, server, conn_id, born_in_hole),
                name="proxy-pump",
                daemon=True,
            ).start()

    def _pump(self, a: socket.socket, b: socket.socket, conn_id: int, born_in_hole: bool) -> None:
        peer = {a: b, b: a}
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([a, b], [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self._alive(conn_id, born_in_hole):
                        peer[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()


@dataclass
class SentinelDeployment:
    """One primary, one replica (asynchronous replication) and three sentinels (quorum 2)."""

    workdir: Path
    service: str = "otpb"
    primary: RedisServer = field(init=False)
    replica: RedisServer = field(init=False)
    sentinels: list[SentinelServer] = field(init=False, default_factory=list)

    def start(self) -> SentinelDeployment:
        self.primary = RedisServer(self.workdir / "primary", appendonly=True).start()
        self.replica = RedisServer(
            self.workdir / "replica", appendonly=True, replica_of=self.primary.port
        ).start()
        for i in range(3):
            sentinel = SentinelServer(
                self.workdir / f"sentinel{i}", primary_port=self.primary.port, service=self.service
            )
            self.sentinels.append(sentinel.start())
        self._wait_ready()
        return self

    @property
    def url(self) -> str:
        hosts = ",".join(s.address for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{self.service}"

    def _sentinel_client(self, index: int = 0) -> redis.Redis:
        return redis.Redis(port=self.sentinels[index].port, decode_responses=True)

    def primary_port(self) -> int:
        """The primary's port as the first sentinel sees it."""
        with self._sentinel_client() as client:
            _, port = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.service)
        return int(port)

    def _wait_ready(self, timeout: float = 30.0) -> None:
        """Every sentinel knows the replica (in sync) and the two other sentinels."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self._sentinel_ready(i) for i in range(len(self.sentinels))):
                return
            time.sleep(0.1)
        raise AssertionError("the sentinels did not discover the replica and each other")

    def _sentinel_ready(self, index: int) -> bool:
        with self._sentinel_client(index) as client:
            info = client.sentinel_master(self.service)
            replicas = client.sentinel_slaves(self.service)
        linked = [r for r in replicas if r.get("master-link-status") == "ok"]
        return int(info.get("num-other-sentinels", 0)) >= 2 and len(linked) >= 1

    def failover(self, timeout: float = 30.0) -> int:
        """``SENTINEL FAILOVER``; returns the new primary's port once every sentinel names it
        and the old primary has been turned into its replica.

        Until then the old primary still takes writes from the clients connected to it (they
        ask Sentinel only when they open a connection): writes that are lost when it resyncs
        from the new one, as after a network partition.
        """
        old = self.primary_port()
        with self._sentinel_client() as client:
            client.execute_command("SENTINEL", "FAILOVER", self.service)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ports = set()
            for i in range(len(self.sentinels)):
                with self._sentinel_client(i) as client:
                    _, port = client.execute_command(
                        "SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.service
                    )
                ports.add(int(port))
            if len(ports) == 1 and old not in ports and self._role(old) == "slave":
                return ports.pop()
            time.sleep(0.05)
        raise AssertionError("the failover did not complete")

    def _role(self, port: int) -> str:
        with redis.Redis(port=port, decode_responses=True) as client:
            return str(client.info("replication")["role"])

    def cleanup(self) -> None:
        for server in [*self.sentinels, self.replica, self.primary]:
            server.cleanup()


class Lmtp:
    """One LMTP session for many mails (``DovecotServer.deliver`` opens one per mail)."""

    def __init__(self, port: int) -> None:
        self._lmtp = smtplib.LMTP("127.0.0.1", port, timeout=30)

    def send(self, rcpt: str, raw: bytes) -> None:
        self._lmtp.sendmail("sender@ext.test", [rcpt], raw)

    def close(self) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self._lmtp.quit()


def stream(client: redis.Redis, inbox_id: str) -> list[dict[str, str]]:
    return [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _, fields in client.xrange(KEYS.events(inbox_id))
    ]


@dataclass
class Tally:
    """What the inboxes' streams say about the pipeline's promises."""

    received: Counter[str] = field(default_factory=Counter)  # message_key -> received events
    extracted: Counter[str] = field(default_factory=Counter)  # message_key -> extracted events
    codes: dict[str, list[str]] = field(default_factory=dict)  # inbox -> extracted codes

    @classmethod
    def of(cls, client: redis.Redis, inbox_ids: Iterable[str]) -> Tally:
        tally = cls()
        for inbox_id in inbox_ids:
            tally.codes[inbox_id] = []
            for event in stream(client, inbox_id):
                if event["type"] == "received":
                    tally.received[event["message_key"]] += 1
                elif event["type"] == "extracted":
                    tally.extracted[event["message_key"]] += 1
                    tally.codes[inbox_id].append(event["code"])
        return tally

    def repeated(self) -> list[str]:
        """Message keys with two ``received`` or two ``extracted`` events."""
        return [k for c in (self.received, self.extracted) for k, n in c.items() if n > 1]

    def extracted_total(self) -> int:
        return sum(self.extracted.values())


def wait_for(cond: object, timeout: float, what: str, step: float = 0.1) -> None:
    """Like ``bridge_support.wait_until`` with a coarser step (these checks scan many keys)."""
    assert callable(cond)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
