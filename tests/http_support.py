"""``serve``'s app on a real uvicorn in a background thread, on a free loopback port, for tests
that talk HTTP to it (SSE and disconnects need a real server: httpx's ASGI transport buffers
whole responses)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from otpbridge.bridge.http.app import create_app
from otpbridge.bridge.http.settings import ServeSettings, load_serve_settings

ADMIN = "test-admin-token-0123456789"
ADDRESS = "agents+{id}@corp.example"


def serve_settings(redis_url: str, **env: str) -> ServeSettings:
    return load_serve_settings(
        {
            "OTPBRIDGE_REDIS_URL": redis_url,
            "OTPBRIDGE_API_TOKEN": ADMIN,
            "OTPBRIDGE_ADDRESS": ADDRESS,
            **env,
        }
    )


class ServerThread:
    def __init__(self, app: Any) -> None:
        self.app = app
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name="uvicorn-test", daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.server.serve()

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        sock = self.server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@contextmanager
def running(settings: ServeSettings) -> Iterator[ServerThread]:
    server = ServerThread(create_app(settings)).start()
    try:
        yield server
    finally:
        server.stop()


def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
