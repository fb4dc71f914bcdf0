"""``create_app(settings)``: the ``serve`` ASGI app.

``/v1/…`` (the API, :mod:`.api`), ``/openapi.json`` (:mod:`.openapi`), ``/ui`` (the timeline page,
:mod:`.ui`) and ``/mcp`` (MCP over streamable HTTP, :mod:`otpbridge.bridge.mcp.http`). The
lifespan opens ONE :class:`~otpbridge.AsyncClient` for every request and closes it at the end.
Health and metrics are not here: they live on the metrics port (see ``serve_cmd``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from otpbridge.bridge.http import ui
from otpbridge.bridge.http.api import api_routes
from otpbridge.bridge.http.errors import EXCEPTION_HANDLERS
from otpbridge.bridge.http.metrics import RequestLog
from otpbridge.bridge.http.openapi import openapi_document
from otpbridge.bridge.http.settings import ServeSettings
from otpbridge.bridge.http.state import ApiState, open_state
from otpbridge.bridge.mcp.http import mount_app as mount_mcp

__all__ = ["create_app"]


def create_app(settings: ServeSettings) -> Starlette:
    state: ApiState = open_state(settings)
    document = openapi_document(settings.public_url)
    mcp_app = mount_mcp(state)

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.loop = asyncio.get_running_loop()
        try:
            # A mounted app's lifespan is not run by Starlette: the MCP session manager's is
            # entered here.
            async with mcp_app.router.lifespan_context(mcp_app):
                yield
        finally:
            await state.close()

    routes: list[BaseRoute] = [
        *api_routes(),
        Route("/openapi.json", openapi, methods=["GET"]),
        *ui.routes(),
        Mount("/mcp", app=mcp_app),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestLog)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.otpb = state
    return app
