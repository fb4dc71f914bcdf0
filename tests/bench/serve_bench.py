"""``otpbridge serve`` under many long-polls: mail-to-HTTP-answer latency, connections, CPU.

    .venv/bin/python tests/bench/serve_bench.py             # N = 200 long-polls
    .venv/bin/python tests/bench/serve_bench.py --waits 50 --rounds 10

A private redis-server, one real ``otpbridge worker`` and one real ``otpbridge serve`` process.
Mail goes in as the bridge stores it (``pipeline_helpers.Ingest``). Two measurements:

* baseline: ONE long-poll at a time (``GET …/otp?timeout=30`` with the inbox's token), its mail
  ingested ~100 ms after the request went out, ``--rounds`` times;
* ``--waits`` long-polls at once (one inbox and token each, one ``httpx.AsyncClient``); once all
  have joined (the ``waiting`` set), one mail per inbox at ``--rate``/s in random order.

Latency is from just before the mail's ingest transaction to the HTTP answer in this process.
Also printed: the most Redis connections ``serve`` held (CLIENT LIST, every 20 ms, by the
process's local ports) and its CPU seconds per long-poll. The last stdout line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # pipeline_helpers

from harness import cpu_seconds, percentiles, print_json, print_table, wait_until
from pipeline_helpers import Ingest, WorkerProcess, code_mail

from otpbridge.bridge.embedded import RedisServer

ADMIN = "bench-admin-token-0123456789"
_CLI = Path(sys.executable).parent / "otpbridge"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_connections(r: redis.Redis, pid: int) -> int:
    """Connections of process ``pid`` to Redis: its sockets' local ports against CLIENT LIST."""
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        local = line.split()[1]
        ports.add(int(local.split(":")[1], 16))
    count = 0
    for client in r.client_list():
        addr = str(client.get("addr", ""))
        if addr.startswith("127.0.0.1:") and int(addr.rsplit(":", 1)[1]) in ports:
            count += 1
    return count


class Peak(threading.Thread):
    def __init__(self, r: redis.Redis, pid: int) -> None:
        super().__init__(daemon=True)
        self.r, self.pid, self.peak, self.done = r, pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _serve_connections(self.r, self.pid))
            time.sleep(0.02)


async def _create(http: httpx.AsyncClient, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        r = await http.post(
            "/v1/inboxes", json={"ttl": 600}, headers={"Authorization": f"Bearer {ADMIN}"}
        )
        r.raise_for_status()
        out.append(r.json())
    return out


async def _poll(http: httpx.AsyncClient, inbox: dict[str, Any], got: dict[str, float]) -> None:
    r = await http.get(
        f"/v1/inboxes/{inbox['id']}/otp",
        params={"timeout": 60},
        headers={"Authorization": f"Bearer {inbox['token']}"},
    )
    got[inbox["id"]] = time.perf_counter()
    assert r.status_code == 200, r.text


async def _run(
    url: str, r: redis.Redis, ingest: Ingest, waits: int, rounds: int, rate: float
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=waits + 10, max_keepalive_connections=waits + 10)
    async with httpx.AsyncClient(base_url=url, timeout=90, limits=limits) as http:
        base: list[float] = []
        for inbox in await _create(http, rounds):
            got: dict[str, float] = {}
            task = asyncio.create_task(_poll(http, inbox, got))
            await asyncio.sleep(0.1)
            t0 = time.perf_counter()
            await asyncio.to_thread(
                ingest.deliver, inbox["id"], code_mail(inbox["email"], "482913")
            )
            await task
            base.append((got[inbox["id"]] - t0) * 1000)
        inboxes = await _create(http, waits)
        got = {}
        tasks = [asyncio.create_task(_poll(http, i, got)) for i in inboxes]
        deadline = time.monotonic() + 60
        while r.zcard("otpb:waiting") < waits:
            assert time.monotonic() < deadline, "the long-polls did not all join"
            await asyncio.sleep(0.05)
        sent: dict[str, float] = {}
        order = list(inboxes)
        random.shuffle(order)
        for inbox in order:
            sent[inbox["id"]] = time.perf_counter()
            await asyncio.to_thread(
                ingest.deliver, inbox["id"], code_mail(inbox["email"], "135790")
            )
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
        many = [(got[k] - sent[k]) * 1000 for k in sent]
    return {"baseline_ms": percentiles(base), "concurrent_ms": percentiles(many)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waits", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"serve-bench-{os.getpid()}"
    server = RedisServer(tmp).start()
    worker = WorkerProcess(server.url)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env.update(
        OTPBRIDGE_REDIS_URL=server.url,
        OTPBRIDGE_API_TOKEN=ADMIN,
        OTPBRIDGE_ADDRESS="agents+{id}@corp.test",
        OTPBRIDGE_HTTP_PORT=str(port),
        OTPBRIDGE_LOG_LEVEL="WARNING",
        OTPBRIDGE_HTTP_RATE_LIMIT="0",
    )
    serve = subprocess.Popen([str(_CLI), "serve"], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    r = redis.Redis.from_url(server.url)
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(up, 30, "serve")
        ingest = Ingest(r)
        peak = Peak(r, serve.pid)
        peak.start()
        cpu0 = cpu_seconds(serve.pid)
        result = asyncio.run(_run(url, r, ingest, args.waits, args.rounds, args.rate))
        cpu = cpu_seconds(serve.pid) - cpu0
        peak.done.set()
        peak.join()
        result.update(
            waits=args.waits,
            rate=args.rate,
            serve_redis_connections_peak=peak.peak,
            serve_cpu_ms_per_poll=round(cpu * 1000 / (args.waits + args.rounds), 2),
        )
        rows = [
            ["1 long-poll at a time", *result["baseline_ms"].values()],
            [f"{args.waits} at once, {args.rate:g} mails/s", *result["concurrent_ms"].values()],
        ]
        print_table("serve: mail → HTTP 200 (ms)", ["case", "n", "p50", "p95", "p99"], rows)
        cpu_ms = result["serve_cpu_ms_per_poll"]
        print(f"serve held at most {peak.peak} Redis connections; CPU {cpu_ms} ms per long-poll")
        print_json(result)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
        worker.stop()
        r.close()
        server.cleanup()


if __name__ == "__main__":
    main()
