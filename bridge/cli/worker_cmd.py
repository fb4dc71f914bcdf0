"""``otpbridge worker [-n N] [--burst]``: run RQ extraction workers."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import redis
from rq import Queue

from otpbridge.bridge.logs import configure_logging
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.metrics import MetricsServer, start_http_server, watch_queue_depth
from otpbridge.worker.redis_conn import is_sentinel_url, sync_client
from otpbridge.worker.runner import run_workers
from otpbridge.worker.settings import WorkerSettings

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("worker", help="run RQ extraction workers (mail → code/link events)")
    p.add_argument("-n", "--workers", type=int, default=1, metavar="N", help="worker processes")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument(
        "--log-level",
        default=os.environ.get("OTPBRIDGE_LOG_LEVEL", "INFO"),
        help="default: OTPBRIDGE_LOG_LEVEL or INFO",
    )
    p.set_defaults(func=run)


def _metrics(settings: WorkerSettings, count: int) -> MetricsServer | None:
    if settings.metrics_port is None:
        return None
    probe = sync_client(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    queue_key = Queue(settings.queue_name, connection=probe).key

    def ready() -> tuple[bool, str]:
        try:
            probe.ping()
        except redis.RedisError as exc:
            return False, f"redis unreachable: {type(exc).__name__}"
        return True, "ready"

    watch_queue_depth(lambda: int(probe.llen(queue_key)))
    if count > 1:
        # Children count jobs in their own memory; only the queue depth and health are served.
        print(
            "otpbridge worker: with -n > 1 per-job metrics stay in the children; "
            "run one worker per pod/container for full metrics",
            file=sys.stderr,
        )
    return start_http_server(settings.metrics_port, ready)


def run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level)
    if args.workers < 1:
        print("otpbridge worker: -n must be at least 1", file=sys.stderr)
        return 2
    try:
        settings = WorkerSettings.from_env()
    except WorkerConfigError as exc:
        print(f"otpbridge worker: {exc}", file=sys.stderr)
        return 2
    if settings.worker_class == "fork" and is_sentinel_url(settings.redis_url):
        # RQ's work horse rebuilds a plain redis.Redis from the pool's arguments.
        print(
            "otpbridge worker: OTPBRIDGE_WORKER_CLASS=fork cannot use Redis Sentinel; use simple",
            file=sys.stderr,
        )
        return 2
    try:
        server = _metrics(settings, args.workers)
    except OSError as exc:
        print(
            f"otpbridge worker: metrics port {settings.metrics_port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    try:
        return run_workers(settings, count=args.workers, burst=args.burst)
    except redis.RedisError as exc:
        print(
            f"otpbridge worker: Redis at {settings.redis_url_redacted} unreachable: {exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        if server is not None:
            server.close()
