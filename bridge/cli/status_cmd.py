"""``otpbridge status [--json]``: what the operator asks first — is mail flowing, and how fast."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

import redis
from rich.console import Console
from rich.table import Table
from rq import Queue, Worker
from rq.registry import FailedJobRegistry

from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.keys import Keys
from otpbridge.worker.redis_conn import sync_client
from otpbridge.worker.settings import WorkerSettings

__all__ = ["collect_status", "register"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "status", help="mailboxes, last IMAP activity, queue depth, live inboxes, latency"
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    p.set_defaults(func=run)


def _s(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _int(value: Any) -> int:
    try:
        return int(_s(value) or 0)
    except ValueError:
        return 0


def _percentile(sorted_ms: list[float], q: float) -> float:
    if len(sorted_ms) == 1:
        return sorted_ms[0]
    return statistics.quantiles(sorted_ms, n=100, method="inclusive")[int(q) - 1]


def _watches(client: redis.Redis, keys: Keys, now_ms: int) -> list[dict[str, Any]]:
    rows = []
    for raw in sorted(_s(m) for m in client.smembers(keys.mailboxes)):
        mailbox, _, folder = raw.rpartition(":")
        beat = {_s(k): _s(v) for k, v in client.hgetall(keys.heartbeat(mailbox, folder)).items()}
        lease = _s(client.get(keys.lease(mailbox, folder)))
        ts = _int(beat.get("ts_ms"))
        interval = float(beat.get("interval_s") or 15)
        age = (now_ms - ts) / 1000 if ts else None
        fresh = age is not None and age <= 3 * interval
        rows.append(
            {
                "mailbox": mailbox,
                "folder": folder,
                "status": beat.get("status") or "down",
                "fresh": fresh,
                "leader": beat.get("leader") or lease or None,
                "last_activity_s_ago": round(age, 1) if age is not None else None,
                "last_mail_s_ago": (
                    round((now_ms - _int(beat["last_mail_ms"])) / 1000, 1)
                    if _int(beat.get("last_mail_ms"))
                    else None
                ),
                "error": beat.get("error") or None,
            }
        )
    return rows


def collect_status(client: redis.Redis, keys: Keys, queue_name: str) -> dict[str, Any]:
    """Everything ``status`` shows, as plain data (also what ``--json`` prints)."""
    now_ms = int(time.time() * 1000)
    queue = Queue(queue_name, connection=client)
    # Samples the workers keep: the bridge's seen_at → the extracted event's extracted_at,
    # both on the bridge hosts' clocks (never IMAP INTERNALDATE, whole seconds).
    latencies = sorted(float(_s(v)) for v in client.lrange(keys.latency, 0, -1) if _s(v))
    latency: dict[str, Any] = {"n": len(latencies), "from": "seen_at", "to": "extracted_at"}
    if latencies:
        latency |= {
            "p50_ms": round(_percentile(latencies, 50), 1),
            "p95_ms": round(_percentile(latencies, 95), 1),
            "max_ms": round(latencies[-1], 1),
        }
    return {
        "mailboxes": _watches(client, keys, now_ms),
        "queue": {
            "name": queue_name,
            "depth": int(client.llen(queue.key)),
            "failed": FailedJobRegistry(queue=queue).count,
            "workers": len(Worker.all(queue=queue)),
        },
        "inboxes_live": int(client.zcount(keys.inboxes, now_ms, "+inf")),
        "unrouted": int(client.xlen(keys.unrouted)) if client.exists(keys.unrouted) else 0,
        "quarantined": int(client.xlen(keys.quarantine)),
        "latency": latency,
    }


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


def _render(status: dict[str, Any], console: Console) -> None:
    boxes = Table(title="mailboxes", title_justify="left")
    for col in ("mailbox", "folder", "status", "last IMAP activity", "last mail", "leader"):
        boxes.add_column(col)
    for row in status["mailboxes"]:
        state = row["status"] if row["fresh"] else f"{row['status']} (stale)"
        color = "green" if row["fresh"] and row["status"] == "ok" else "red"
        if row["error"]:
            state += f": {row['error']}"
        boxes.add_row(
            row["mailbox"],
            row["folder"],
            f"[{color}]{state}[/]",
            _ago(row["last_activity_s_ago"]),
            _ago(row["last_mail_s_ago"]),
            row["leader"] or "-",
        )
    if not status["mailboxes"]:
        boxes.add_row("[red]no bridge has ever run against this Redis[/]", "", "", "", "", "")
    console.print(boxes)
    q, lat = status["queue"], status["latency"]
    summary = Table(show_header=False, title="pipeline", title_justify="left")
    summary.add_column(style="bold")
    summary.add_column()
    workers = f"[red]{q['workers']}[/]" if q["workers"] == 0 else str(q["workers"])
    summary.add_row("queue", f"{q['name']}: {q['depth']} waiting, {q['failed']} failed")
    summary.add_row("workers", workers)
    summary.add_row("live inboxes", str(status["inboxes_live"]))
    summary.add_row("unrouted mail", str(status["unrouted"]))
    quarantined = status["quarantined"]
    summary.add_row(
        "quarantined mail", f"[red]{quarantined}[/]" if quarantined else str(quarantined)
    )
    if lat["n"]:
        summary.add_row(
            "mail→event latency",
            f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms, "
            f"max {lat['max_ms']:.0f} ms (last {lat['n']}; from the bridge seeing the mail)",
        )
    else:
        summary.add_row("mail→event latency", "no mail yet")
    console.print(summary)


def run(args: argparse.Namespace) -> int:
    try:
        settings = WorkerSettings.from_env()
    except WorkerConfigError as exc:
        print(f"otpbridge status: {exc}", file=sys.stderr)
        return 2
    client = sync_client(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        status = collect_status(client, Keys(settings.prefix), settings.queue_name)
    except redis.RedisError as exc:
        print(
            f"otpbridge status: Redis at {settings.redis_url_redacted} unreachable: {exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        client.close()
    if args.json:
        print(json.dumps(status, sort_keys=True))
    else:
        _render(status, Console(highlight=False))
    healthy = any(m["fresh"] and m["status"] == "ok" for m in status["mailboxes"])
    return 0 if healthy else 1
