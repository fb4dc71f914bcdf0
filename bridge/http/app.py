"""``create_app(settings)``: the ``serve`` ASGI app.

``/v1/…`` (the API, :mod:`.api`), ``/openapi.json`` (:mod:`.openapi`), ``/ui`` (the timeline page,
:mod:`.ui`) and ``/mcp`` (MCP over streamable HTTP, :mod:`otpbridge.bridge.mcp.http`). The
lifespan opens ONE :class:`~otpbridge.AsyncClient` for every request and closes it at the end.
Health and metrics are not here: they live on the metrics port (see ``serve_cmd``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from otpbridge.bridge.http.api import api_routes
from otpbridge.bridge.http.errors import EXCEPTION_HANDLERS
from otpbridge.bridge.http.metrics import RequestLog
from otpbridge.bridge.http.openapi import openapi_document
from otpbridge.bridge.http.settings import ServeSettings
from otpbridge.bridge.http.state import ApiState, open_state

__all__ = ["create_app"]


def _part(name: str) -> Any:
    """TEMPORARY while helpers C and D write them: the UI and MCP modules, if present."""
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def create_app(settings: ServeSettings) -> Starlette:
    state: ApiState = open_state(settings)
    document = openapi_document(settings.public_url)
    ui = _part("otpbridge.bridge.http.ui")
    mcp_http = _part("otpbridge.bridge.mcp.http")
    mcp_app = mcp_http.mount_app(state) if mcp_http is not None else None

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.loop = asyncio.get_running_loop()
        try:
            # The MCP app's own lifespan (its session manager), when it has one.
            router = getattr(mcp_app, "router", None)
            context = getattr(router, "lifespan_context", None)
            async with context(mcp_app) if context else contextlib.nullcontext():
                yield
        finally:
            await state.close()

    routes: list[BaseRoute] = [
        *api_routes(),
        Route("/openapi.json", openapi, methods=["GET"]),
        *(ui.routes() if ui is not None else []),
        *([Mount("/mcp", app=mcp_app)] if mcp_app is not None else []),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestLog)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.otpb = state
    return app
