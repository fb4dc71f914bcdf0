"""``otpbridge serve``'s app under uvicorn in a thread on a free loopback port: the browser,
Node and UI tests talk to it over real HTTP."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.http.app import create_app
from otpbridge.bridge.http.settings import load_serve_settings

__all__ = ["Serve", "running_serve"]


@dataclass(frozen=True)
class Serve:
    url: str
    admin_token: str


@contextmanager
def running_serve(redis_url: str, **env: str) -> Iterator[Serve]:
    token = secrets.token_urlsafe(32)
    port = free_port()
    settings = load_serve_settings(
        {"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_API_TOKEN": token, **env}
    )
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("serve did not start")
        time.sleep(0.02)
    try:
        assert httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
        yield Serve(url, token)
    finally:
        server.should_exit = True
        thread.join(10)
