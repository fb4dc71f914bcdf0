"""Sustained throughput (issue 6 §2): mail delivered flat out, through to ``extracted`` events.

    .venv/bin/python tests/bench/throughput_bench.py                 # 60 s, 2 workers
    .venv/bin/python tests/bench/throughput_bench.py --rate 300      # offered load capped
    .venv/bin/python tests/bench/throughput_bench.py --quick         # CI smoke test

``--senders`` LMTP connections deliver as fast as Dovecot accepts (or at ``--rate`` msg/s) for
``--duration`` seconds to ``--inboxes`` live inboxes; then the benchmark waits until every mail
has its ``extracted`` (or ``failed``) event. Throughput = extracted events ÷ (last event −
first delivery); latency per mail = its ``extracted_at`` − the moment its LMTP call returned;
lost = delivered − published. Also CPU seconds and peak RSS of the bridge and the workers.

``seen_to_extracted_ms`` is the span ``otpbridge status`` reports (the ``received`` event's
``seen_at``, the bridge's clock, → ``extracted_at``), over the same last mails status keeps; the
run ends with status's own figures beside it (``status_latency_ms``) and their difference.
"""

from __future__ import annotations

import argparse
import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from harness import (
    ADDRESS_TEMPLATE,
    Deliverer,
    Stack,
    cpu_seconds,
    otp_mail,
    percentiles,
    print_json,
    print_table,
    rss_bytes,
    wait_until,
)

from otpbridge.bridge.cli.status_cmd import collect_status
from otpbridge.bridge.embedded.dovecot import MAIL_FORMATS
from otpbridge.worker.events import decode_fields
from otpbridge.worker.jobs import LATENCY_SAMPLES
from otpbridge.worker.settings import QUEUE_NAME


@dataclass
class Load:
    """Shared state of the sender threads."""

    addresses: list[str]
    end_at: float
    rate: float
    start: float
    sent: dict[str, float] = field(default_factory=dict)  # subject tag → wall time delivered
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: int = 0
    seq: int = 0

    def next_slot(self) -> tuple[int, float]:
        """The next message number and when to send it (paced if ``rate`` > 0)."""
        with self.lock:
            n = self.seq
            self.seq += 1
        if self.rate <= 0:
            return n, 0.0
        return n, self.start + n / self.rate


def sender(load: Load, deliverer: Deliverer) -> None:
    while True:
        n, at = load.next_slot()
        now = time.monotonic()
        if now >= load.end_at:
            return
        if at > now:
            time.sleep(at - now)
        address = load.addresses[n % len(load.addresses)]
        tag = f"m{n}"
        data = otp_mail(address, f"{100000 + n % 900000}").replace(
            b"Subject: Your Bench App verification code", f"Subject: Bench {tag} code".encode()
        )
        try:
            deliverer.deliver(address, data)
        except Exception:
            with load.lock:
                load.errors += 1
            continue
        wall = time.time()
        with load.lock:
            load.sent[tag] = wall


@dataclass
class Outcome:
    """Per subject tag: when the bridge routed it and the worker extracted it (wall s)."""

    routed: dict[str, float] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # mail → its catch-up (seen_at, ms)
    extracted: dict[str, float] = field(default_factory=dict)
    failed: int = 0
    received: int = 0


def collect(stack: Stack, inbox_ids: list[str]) -> Outcome:
    out = Outcome()
    for inbox_id in inbox_ids:
        entries = cast(
            "list[tuple[bytes, dict[bytes, bytes]]]",
            stack.redis.xrange(stack.keys.events(inbox_id)),
        )
        tags: dict[str, str] = {}
        for _, raw in entries:
            ev = decode_fields(raw)
            kind, mk = ev.get("type"), ev.get("message_key", "")
            if kind == "received":
                out.received += 1
                parts = ev.get("subject", "").split()
                tags[mk] = parts[1] if len(parts) > 1 else ""
                out.routed[tags[mk]] = float(ev.get("routed_at", "0")) / 1000
                out.seen[tags[mk]] = ev.get("seen_at", "")
            elif kind == "extracted" and mk in tags:
                out.extracted[tags[mk]] = float(ev.get("extracted_at", "0")) / 1000
            elif kind == "failed":
                out.failed += 1
    return out


def busy_cores() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [float(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def published(stack: Stack, inbox_ids: list[str]) -> int:
    """Events so far (received + extracted/failed) across the inboxes: cheap progress probe."""
    pipe = stack.redis.pipeline(transaction=False)
    for inbox_id in inbox_ids:
        pipe.xlen(stack.keys.events(inbox_id))
    return sum(int(n) for n in pipe.execute())


def server_alone(args: argparse.Namespace) -> dict[str, float]:
    """The same delivery against a fresh Dovecot with no otpbridge running: what the mail
    server itself takes on this machine (its maildir slows down as the mailbox grows)."""
    with Stack(mail_format=args.mail_format) as stack:
        dovecot = stack.dovecot.master_pid() or 0
        cpu0 = cpu_seconds(dovecot)
        addresses = [ADDRESS_TEMPLATE.format(id=f"nobody{n:04d}") for n in range(args.inboxes)]
        now = time.monotonic()
        load = Load(addresses, end_at=now + args.duration, rate=args.rate, start=now)
        t0 = time.time()
        deliverers = [Deliverer(stack.dovecot) for _ in range(args.senders)]
        threads = [threading.Thread(target=sender, args=(load, d), daemon=True) for d in deliverers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + 60)
        elapsed = time.time() - t0
        for d in deliverers:
            d.close()
        delivered = len(load.sent)
        return {
            "delivered": delivered,
            "msg_s": delivered / max(elapsed, 1e-9),
            "dovecot_cpu_ms_per_msg": (cpu_seconds(dovecot) - cpu0) * 1000 / max(1, delivered),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of delivery")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--senders", type=int, default=2, help="parallel LMTP connections")
    parser.add_argument("--rate", type=float, default=0.0, help="msg/s cap; 0 = flat out")
    parser.add_argument(
        "--inboxes", type=int, default=2000, help="spread over this many (a few mails each)"
    )
    parser.add_argument(
        "--mail-format",
        choices=MAIL_FORMATS,
        default="sdbox",
        help="Dovecot storage of the catch-all mailbox",
    )
    parser.add_argument("--fast-check-ms", type=int, default=10)
    parser.add_argument(
        "--idle-only",
        action="store_true",
        help="no agent waits: the bridge only IDLEs (Dovecot announces new mail ≤ 500 ms late)",
    )
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy the bridge and workers into DIR"
    )
    parser.add_argument(
        "--no-server-baseline",
        action="store_true",
        help="skip the delivery-only run (Dovecot alone, no otpbridge)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny run (CI smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.inboxes, args.rate, args.drain_timeout = 2.0, 5, 20.0, 30.0

    alone = None if args.no_server_baseline else server_alone(args)
    with Stack(mail_format=args.mail_format) as stack:
        workers = stack.start_workers(args.workers)
        bridge = stack.start_bridge(args.fast_check_ms)
        client = stack.sdk()
        inbox_ids = [client.inboxes.create(ttl=3600).id for _ in range(args.inboxes)]
        addresses = [ADDRESS_TEMPLATE.format(id=i) for i in inbox_ids]
        if not args.idle_only:
            # The mail flows because agents asked for codes: some agent is always waiting, as
            # an SDK wait would record it (scored by its deadline).
            deadline_ms = int((time.time() + args.duration + args.drain_timeout + 60) * 1000)
            stack.redis.zadd(stack.keys.waiting(), {inbox_ids[0]: deadline_ms})
        watched = {
            "bridge": bridge.pid,
            "workers": workers.pid,
            "dovecot": stack.dovecot.master_pid() or 0,
            "redis-server": stack.redis_server.pid or 0,
            "benchmark (LMTP senders)": os.getpid(),
        }
        own = watched["benchmark (LMTP senders)"]

        def cpu_now() -> dict[str, float]:
            return {name: cpu_seconds(pid, tree=pid != own) for name, pid in watched.items()}

        cpu0 = cpu_now()
        machine0 = busy_cores()
        peak = {"bridge": 0, "workers": 0}

        now = time.monotonic()
        spies = [
            stack.profile(p, args.duration, args.profile)
            for p in ((bridge, workers) if args.profile else ())
        ]
        load = Load(addresses, end_at=now + args.duration, rate=args.rate, start=now)
        t_start = time.time()
        deliverers = [Deliverer(stack.dovecot) for _ in range(args.senders)]
        threads = [threading.Thread(target=sender, args=(load, d), daemon=True) for d in deliverers]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            for name, high in peak.items():
                peak[name] = max(high, rss_bytes(watched[name]))
            time.sleep(0.5)
        t_sent = time.time()
        for d in deliverers:
            d.close()
        delivered = len(load.sent)

        def drained() -> bool:
            for name, high in peak.items():
                peak[name] = max(high, rss_bytes(watched[name]))
            return published(stack, inbox_ids) >= 2 * delivered

        drain_error = ""
        try:
            wait_until(drained, args.drain_timeout, "every mail to be published", step=0.5)
        except TimeoutError as exc:
            drain_error = str(exc)
        cpu = {name: v - cpu0[name] for name, v in cpu_now().items()}
        machine1 = busy_cores()
        outcome = collect(stack, inbox_ids)
        status_latency = collect_status(stack.redis, stack.keys, QUEUE_NAME)["latency"]
        for spy in spies:
            spy.wait(30)

    done, failed = outcome.extracted, outcome.failed
    latencies = [(done[tag] - wall) * 1000 for tag, wall in load.sent.items() if tag in done]
    to_routed = [
        (outcome.routed[tag] - wall) * 1000 for tag, wall in load.sent.items() if tag in done
    ]
    routed_to_extracted = [(done[tag] - outcome.routed[tag]) * 1000 for tag in done]
    machine_busy = (machine1[0] - machine0[0]) / max(machine1[1] - machine0[1], 1.0)
    last_event = max(done.values(), default=t_sent)
    elapsed = max(last_event - t_start, 1e-9)
    # While mail was flowing: what the pipeline finished per second of delivery.
    in_window = sum(1 for at in done.values() if at <= t_sent)
    lat = percentiles(latencies, (50, 95, 99, 100))
    # The span `otpbridge status` reports, over the mails whose samples it keeps (the newest).
    seen_span = {
        tag: (done[tag] - float(outcome.seen[tag]) / 1000) * 1000
        for tag in done
        if outcome.seen.get(tag, "").isdigit()
    }
    newest = sorted(seen_span, key=lambda tag: done[tag])[-LATENCY_SAMPLES:]
    seen_lat = percentiles([seen_span[tag] for tag in newest])
    status_vs_bench = {
        q: abs(float(status_latency.get(f"{q}_ms", math.nan)) - seen_lat[q]) for q in ("p50", "p95")
    }
    catch_ups = len(set(outcome.seen.values()))
    result: dict[str, Any] = {
        "bench": "throughput",
        "duration_s": args.duration,
        "workers": args.workers,
        "senders": args.senders,
        "rate_cap": args.rate,
        "mode": "idle only" if args.idle_only else f"agents waiting, {args.fast_check_ms} ms check",
        "mail_format": args.mail_format,
        "delivered": delivered,
        "delivery_errors": load.errors,
        "offered_msg_s": delivered / max(t_sent - t_start, 1e-9),
        "received_events": outcome.received,
        "extracted": len(done),
        "failed": failed,
        "lost": delivered - len(done) - failed,
        "throughput_msg_s": len(done) / elapsed,
        "during_delivery_msg_s": in_window / max(t_sent - t_start, 1e-9),
        "drain_s": max(0.0, last_event - t_sent),
        "latency_ms": lat,
        "seen_to_extracted_ms": seen_lat,
        "status_latency_ms": status_latency,
        "status_minus_bench_ms": status_vs_bench,
        "delivered_to_routed_ms": percentiles(to_routed),
        "routed_to_extracted_ms": percentiles(routed_to_extracted),
        "catch_ups": catch_ups,
        "mail_per_catch_up": len(outcome.seen) / max(1, catch_ups),
        "machine_cpu_busy": machine_busy,
        "cpu_s": cpu,
        "cpu_ms_per_msg": {k: v * 1000 / max(1, delivered) for k, v in cpu.items()},
        "peak_rss_mb": {k: v / 2**20 for k, v in peak.items()},
        "drain_error": drain_error,
        "server_alone": alone,
    }
    print_table(
        f"Sustained throughput ({result['mode']}, Dovecot {args.mail_format}): "
        f"{args.duration:.0f} s of delivery, {args.workers} workers, "
        f"{args.senders} LMTP senders (msg/s: first delivery → last extracted event; in window: "
        "extracted while mail was being delivered; drain: last event − end of delivery)",
        [
            "delivered",
            "offered/s",
            "extracted",
            "failed",
            "lost",
            "msg/s",
            "msg/s in window",
            "drain s",
            "p50 ms",
            "p99 ms",
            "max ms",
        ],
        [
            [
                delivered,
                result["offered_msg_s"],
                len(done),
                failed,
                result["lost"],
                result["throughput_msg_s"],
                result["during_delivery_msg_s"],
                result["drain_s"],
                lat["p50"],
                lat["p99"],
                lat["p100"],
            ]
        ],
    )
    if alone is not None:
        print_table(
            "Baseline, same delivery with no otpbridge running (Dovecot alone)",
            ["delivered", "msg/s", "Dovecot CPU ms/msg", "otpbridge msg/s ÷ this"],
            [
                [
                    alone["delivered"],
                    alone["msg_s"],
                    alone["dovecot_cpu_ms_per_msg"],
                    result["throughput_msg_s"] / max(alone["msg_s"], 1e-9),
                ]
            ],
        )
    print_table(
        f"Where the time goes, ms ({catch_ups} catch-ups of "
        f"{result['mail_per_catch_up']:.1f} mails on average)",
        ["stage", "p50", "p95", "p99"],
        [
            [name, v["p50"], v["p95"], v["p99"]]
            for name, v in (
                ("LMTP returned → bridge routed", result["delivered_to_routed_ms"]),
                ("routed → worker published", result["routed_to_extracted_ms"]),
                ("bridge saw it → extracted (what status reports)", seen_lat),
            )
        ],
    )
    print_table(
        f"Process cost over the run (whole machine {machine_busy:.0%} busy)",
        ["process", "CPU s", "CPU ms/msg", "peak RSS MB"],
        [
            [
                name,
                cpu[name],
                result["cpu_ms_per_msg"][name],
                peak[name] / 2**20 if name in peak else "-",
            ]
            for name in cpu
        ],
    )
    print(
        f"otpbridge status (seen_at → extracted, last {status_latency.get('n', 0)}): "
        f"p50 {status_latency.get('p50_ms', math.nan)} ms, "
        f"p95 {status_latency.get('p95_ms', math.nan)} ms; this benchmark, same span: "
        f"p50 {seen_lat['p50']:.1f} ms, p95 {seen_lat['p95']:.1f} ms "
        f"(|Δ| p50 {status_vs_bench['p50']:.1f} ms, p95 {status_vs_bench['p95']:.1f} ms)"
    )
    print_json(result)


if __name__ == "__main__":
    main()
