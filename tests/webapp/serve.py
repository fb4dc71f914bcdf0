"""``otpbridge serve`` for the browser, Node and UI tests, over real HTTP on a free loopback
port: its app under uvicorn in a thread (:func:`running_serve`), or the command as its own
process (:func:`serve_process`), the way an operator runs it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.http.app import create_app
from otpbridge.bridge.http.settings import load_serve_settings

__all__ = ["Serve", "running_serve", "serve_process"]


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


_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


@contextmanager
def serve_process(redis_url: str, log_path: Path, **env: str) -> Iterator[Serve]:
    """``otpbridge serve`` as its own process, as an operator starts it; SIGTERM at the end."""
    token = secrets.token_urlsafe(32)
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    full_env.update(
        {
            "OTPBRIDGE_REDIS_URL": redis_url,
            "OTPBRIDGE_API_TOKEN": token,
            "OTPBRIDGE_HTTP_HOST": "127.0.0.1",
            "OTPBRIDGE_HTTP_PORT": str(port),
            **env,
        }
    )
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CLI, "serve"],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"otpbridge serve exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"otpbridge serve did not answer: {log_path.read_text()}")
            time.sleep(0.05)
        yield Serve(url, token)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
