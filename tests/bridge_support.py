"""Helpers for the bridge tests: settings for the test servers, inboxes, mails, waits, runners."""

from __future__ import annotations

import contextlib
import secrets
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import redis
from cli_process import CliProcess

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.imap import Bridge
from otpbridge.bridge.settings import BridgeSettings, load_settings
from otpbridge.worker.keys import Keys

KEYS = Keys()
TEMPLATE = "catchall+{id}@corp.test"
OTPBRIDGE = str(Path(sys.executable).parent / "otpbridge")


def new_inbox(client: redis.Redis, ttl_s: int = 600) -> str:
    """An inbox as the SDK makes it (hash + index); returns its id."""
    inbox_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20))
    expires = int(time.time() * 1000) + ttl_s * 1000
    client.hset(
        KEYS.inbox(inbox_id),
        mapping={
            "address": TEMPLATE.format(id=inbox_id),
            "created_at": int(time.time() * 1000),
            "expires_at": expires,
            "allowed_senders": "[]",
            "label": "test",
        },
    )
    client.expire(KEYS.inbox(inbox_id), ttl_s)
    client.zadd(KEYS.inboxes, {inbox_id: expires})
    return inbox_id


def address(inbox_id: str) -> str:
    return TEMPLATE.format(id=inbox_id)


def mail(
    to: str, subject: str = "Your code", body: str = "Your code is 482913.", **headers: str
) -> bytes:
    extra = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    return (
        f"From: Example <noreply@ext.test>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4()}@ext.test>\r\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def env_for(redis_url: str, dovecot: DovecotServer, **extra: str) -> dict[str, str]:
    assert dovecot.ca_file is not None
    env = {
        "OTPBRIDGE_REDIS_URL": redis_url,
        "OTPBRIDGE_IMAP_URL": dovecot.imap_url,
        "OTPBRIDGE_ADDRESS": TEMPLATE,
        "OTPBRIDGE_TLS_CA_FILE": str(dovecot.ca_file),
        "OTPBRIDGE_RECONNECT_MAX": "1",
    }
    env.update(extra)
    return env


def settings_for(redis_url: str, dovecot: DovecotServer, **extra: str) -> BridgeSettings:
    return load_settings(env_for(redis_url, dovecot, **extra))


def wait_until(cond: Callable[[], Any], timeout: float, what: str, step: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def events(client: redis.Redis, inbox_id: str) -> list[dict[str, str]]:
    return [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _, fields in client.xrange(KEYS.events(inbox_id))
    ]


def unrouted(client: redis.Redis) -> list[dict[str, str]]:
    return [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _, fields in client.xrange(KEYS.unrouted)
    ]


def heartbeat(
    client: redis.Redis, settings: BridgeSettings, folder: str = "INBOX"
) -> dict[str, str]:
    raw = client.hgetall(KEYS.heartbeat(settings.mailboxes[0].name, folder))
    return {k.decode(): v.decode() for k, v in raw.items()}


def wait_connected(client: redis.Redis, settings: BridgeSettings, timeout: float = 10) -> None:
    wait_until(
        lambda: heartbeat(client, settings).get("status") == "ok",
        timeout,
        "the bridge to connect",
    )


@contextlib.contextmanager
def running_bridge(settings: BridgeSettings, client: redis.Redis) -> Iterator[Bridge]:
    """The bridge in this process (threads); connected when the block starts."""
    bridge = Bridge(settings, client)
    bridge.start()
    try:
        wait_connected(client, settings)
        yield bridge
    finally:
        bridge.stop()


class BridgeProcess(CliProcess):
    """``otpbridge bridge`` as a subprocess; its log lines are kept for assertions."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        super().__init__([OTPBRIDGE, "bridge", *args], env, log_path)

    def terminate(self, timeout: float = 15) -> int:
        """SIGTERM and the exit status; a bridge still running after ``timeout`` fails the test."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log.close()
