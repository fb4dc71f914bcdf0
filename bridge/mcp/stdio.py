"""``otpbridge mcp`` on stdio: one backend for the life of the process, chosen by the settings.

stdout carries the protocol alone; every log line and error goes to stderr.
"""

from __future__ import annotations

import anyio

from otpbridge.bridge.mcp.backend import Backend
from otpbridge.bridge.mcp.settings import McpSettings

__all__ = ["make_backend", "serve_stdio"]


def make_backend(settings: McpSettings) -> Backend:
    """The backend the settings name (imported lazily: each pulls in its own client)."""
    if settings.backend == "http":
        from otpbridge.bridge.mcp.backend_http import HttpBackend  # noqa: PLC0415

        assert settings.serve_url is not None
        assert settings.api_token is not None
        return HttpBackend(settings.serve_url, settings.api_token)
    from otpbridge.bridge.mcp.backend_redis import RedisBackend  # noqa: PLC0415

    assert settings.redis_url is not None
    return RedisBackend.from_url(settings.redis_url.reveal())


async def _serve(settings: McpSettings, version: str) -> None:
    from otpbridge.bridge.mcp.server import build_server  # noqa: PLC0415

    backend = make_backend(settings)
    try:
        await build_server(lambda _ctx: backend, version=version).run_stdio_async()
    finally:
        with anyio.CancelScope(shield=True):
            await backend.aclose()


def serve_stdio(settings: McpSettings, version: str = "") -> None:
    """Serve MCP on stdin/stdout until the client closes stdin."""
    anyio.run(_serve, settings, version)
