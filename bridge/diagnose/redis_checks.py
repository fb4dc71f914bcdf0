"""Redis and worker checks of ``otpbridge doctor``."""

from __future__ import annotations

import time
from typing import Any, Final

import redis
from rq import Queue, Worker

from otpbridge.bridge.diagnose.result import Check, fail, ok, warn
from otpbridge.bridge.errors import ConfigError, WatcherDownError
from otpbridge.bridge.sdk.records import check_watchers, render_address, watch_key_parts
from otpbridge.worker.keys import Keys
from otpbridge.worker.redis_conn import sync_client
from otpbridge.worker.settings import QUEUE_NAME

__all__ = ["AGENT_HEARTBEAT_MAX_AGE_S", "check_agent", "check_redis"]

#: What the SDK's waits accept by default (``watcher_max_age``) before raising WatcherDownError.
AGENT_HEARTBEAT_MAX_AGE_S: Final = 60.0


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


def _unreachable(shown_url: str, exc: Exception) -> Check:
    return fail(
        "reachable",
        f"{shown_url}: {exc}",
        "check OTPBRIDGE_REDIS_URL (host, port, password, rediss:// for TLS)",
    )


def _heartbeat_check(client: redis.Redis, keys: Keys) -> Check:
    watches = sorted(
        w.decode() if isinstance(w, bytes) else str(w) for w in client.smembers(keys.mailboxes)
    )
    with client.pipeline(transaction=False) as pipe:
        for watch in watches:
            pipe.hget(keys.heartbeat(*watch_key_parts(watch)), "ts_ms")
        beats = pipe.execute()
    heartbeats = {w: int(b) if b else None for w, b in zip(watches, beats, strict=True)}
    now = int(time.time() * 1000)
    try:
        check_watchers(heartbeats, now, AGENT_HEARTBEAT_MAX_AGE_S)
    except WatcherDownError as exc:
        return fail(
            "bridge heartbeat",
            str(exc),
            "start `otpbridge bridge` (or fix it: `otpbridge status`, its logs) against this "
            "Redis and OTPBRIDGE_PREFIX",
        )
    fresh = [
        w
        for w, ts in heartbeats.items()
        if ts is not None and now - ts <= AGENT_HEARTBEAT_MAX_AGE_S * 1000
    ]
    return ok("bridge heartbeat", f"fresh: {', '.join(fresh)}")


def _template_check(client: redis.Redis, keys: Keys, configured: str | None) -> Check:
    raw = client.get(keys.address_template)
    published = raw.decode() if isinstance(raw, bytes) else raw
    if configured:
        try:
            render_address(configured, "x")
        except ConfigError as exc:
            return fail("address template", str(exc), "fix OTPBRIDGE_ADDRESS")
        if published and published != configured:
            return warn(
                "address template",
                f"OTPBRIDGE_ADDRESS={configured!r} differs from the bridge's {published!r}: "
                "inboxes get addresses the bridge does not route",
                "unset OTPBRIDGE_ADDRESS on the agent (the bridge's template is used)",
            )
        return ok("address template", f"{configured} (OTPBRIDGE_ADDRESS)")
    if not published:
        return fail(
            "address template",
            "no bridge has published its address template, and OTPBRIDGE_ADDRESS is not set: "
            "inboxes cannot be created",
            "start `otpbridge bridge` (it publishes OTPBRIDGE_ADDRESS), or set OTPBRIDGE_ADDRESS",
        )
    try:
        render_address(published, "x")
    except ConfigError as exc:
        return fail("address template", f"published by the bridge: {exc}", "fix the bridge's")
    return ok("address template", f"{published} (published by the bridge)")


def check_agent(url: str, shown_url: str, prefix: str, configured: str | None) -> list[Check]:
    """What an agent needs and nothing else (``doctor --agent``): Redis answers, a bridge
    heartbeat is fresh enough for the SDK's waits, an address template to create inboxes with.
    ``configured``: the agent's own ``OTPBRIDGE_ADDRESS``, if any."""
    client = sync_client(url, socket_timeout=5, socket_connect_timeout=5)
    keys = Keys(prefix)
    try:
        try:
            client.ping()
        except redis.RedisError as exc:
            return [_unreachable(shown_url, exc)]
        try:
            return [
                ok("reachable", shown_url),
                _heartbeat_check(client, keys),
                _template_check(client, keys, configured),
            ]
        except redis.RedisError as exc:
            return [_unreachable(shown_url, exc)]
    finally:
        client.close()
