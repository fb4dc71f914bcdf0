"""Redis and worker checks of ``otpbridge doctor``."""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue, Worker

from otpbridge.bridge.diagnose.result import Check, fail, ok, warn
from otpbridge.worker.redis_conn import sync_client
from otpbridge.worker.settings import QUEUE_NAME

__all__ = ["check_redis"]


def _config(client: redis.Redis, name: str) -> str | None:
    try:
        reply: Any = client.config_get(name)
    except redis.ResponseError:
        return None  # managed Redis often disables CONFIG
    value = reply.get(name) if isinstance(reply, dict) else None
    return value.decode() if isinstance(value, bytes) else value


def check_redis(url: str, shown_url: str) -> list[Check]:
    client = sync_client(url, socket_timeout=5, socket_connect_timeout=5)
    try:
        try:
            client.ping()
        except redis.RedisError as exc:
            return [
                fail(
                    "reachable",
                    f"{shown_url}: {exc}",
                    "check OTPBRIDGE_REDIS_URL (host, port, password, rediss:// for TLS)",
                )
            ]
        checks = [ok("reachable", shown_url)]
        aof = _config(client, "appendonly")
        if aof is None:
            checks.append(warn("persistence", "CONFIG GET is disabled; cannot verify", ""))
        elif aof == "yes":
            checks.append(ok("persistence", "appendonly yes"))
        else:
            checks.append(
                warn(
                    "persistence",
                    "appendonly no: a restart loses queued jobs, events and checkpoints",
                    "set appendonly yes (appendfsync everysec)",
                )
            )
        policy = _config(client, "maxmemory-policy")
        if policy is None:
            checks.append(warn("eviction", "CONFIG GET is disabled; cannot verify", ""))
        elif policy == "noeviction":
            checks.append(ok("eviction", "maxmemory-policy noeviction"))
        else:
            checks.append(
                fail(
                    "eviction",
                    f"maxmemory-policy {policy}: Redis may silently drop inboxes, events and jobs",
                    "set maxmemory-policy noeviction",
                )
            )
        workers = Worker.all(queue=Queue(QUEUE_NAME, connection=client))
        if workers:
            checks.append(ok("workers", f"{len(workers)} registered on queue {QUEUE_NAME}"))
        else:
            checks.append(
                fail(
                    "workers",
                    f"no RQ worker listens on queue {QUEUE_NAME}: mail is routed but never read",
                    "start `otpbridge worker` with the same OTPBRIDGE_REDIS_URL",
                )
            )
        return checks
    finally:
        client.close()
