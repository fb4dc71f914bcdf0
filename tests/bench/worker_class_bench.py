"""Enqueue → extracted-event latency of ``otpbridge worker`` per RQ worker class.

    .venv/bin/python tests/bench/worker_class_bench.py [-n 200] [--gap 0.05]

For each class (``simple``: SimpleWorker, job in the worker process; ``fork``: Worker, one
forked work horse per job) it starts one ``otpbridge worker`` on a private redis-server, ingests
mail through the bridge's own Ingestor (the same MULTI the bridge runs) and times from just
before that transaction to the ``extracted`` event arriving at an XREAD BLOCK reader: the
worker's whole share of the mail→agent path (dequeue, start, extraction, publish).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline_helpers import Ingest, WorkerProcess, code_mail

from otpbridge.bridge.embedded import RedisServer
from otpbridge.bridge.sdk import Client
from otpbridge.worker.events import decode_fields

ADDRESS = "agents+{id}@corp.example"


def _measure(url: str, worker_class: str, count: int, gap: float) -> list[float]:
    r = redis.Redis.from_url(url)
    r.flushall()
    sdk = Client.from_url(url, address=ADDRESS)
    inbox = sdk.inboxes.create(ttl=3600)
    ingest = Ingest(r)
    proc = WorkerProcess(url, env={"OTPBRIDGE_WORKER_CLASS": worker_class})
    stream = sdk.keys.events(inbox.id)
    last = "0-0"
    samples: list[float] = []
    try:
        # Warm-up: imports, first connection, scheduler start.
        for _ in range(3):
            ingest.deliver(inbox.id, code_mail(inbox.email, "482913"))
        for i in range(count + 3):
            if i >= 3:
                time.sleep(gap)
                t0 = time.perf_counter()
                ingest.deliver(inbox.id, code_mail(inbox.email, f"{100000 + i}"))
            while True:
                reply = r.xread({stream: last}, block=5000)
                assert reply, "no event within 5 s"
                done = False
                for entry_id, fields in reply[0][1]:
                    last = entry_id
                    if decode_fields(fields)["type"] == "extracted":
                        done = True
                if done:
                    break
            if i >= 3:
                samples.append((time.perf_counter() - t0) * 1000)
    finally:
        proc.stop()
        sdk.close()
        r.close()
    return samples


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between mails")
    args = parser.parse_args()
    server = RedisServer().start()
    results = {}
    try:
        for worker_class in ("simple", "fork"):
            samples = _measure(server.url, worker_class, args.n, args.gap)
            results[worker_class] = {
                "median_ms": round(statistics.median(samples), 2),
                "p99_ms": round(_pct(samples, 0.99), 2),
                "max_ms": round(max(samples), 2),
                "n": len(samples),
            }
    finally:
        server.cleanup()
    print(f"{'class':8} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} {'n':>5}")
    for name, row in results.items():
        print(
            f"{name:8} {row['median_ms']:>10} {row['p99_ms']:>8} {row['max_ms']:>8} {row['n']:>5}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
