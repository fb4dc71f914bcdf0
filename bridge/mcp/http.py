"""The MCP tools over streamable HTTP, mounted by ``serve`` at ``/mcp``.

The same server as on stdio, on ``serve``'s shared :class:`~otpbridge.AsyncClient` (in process,
no Redis URL leaves the server) and restricted per call to what the caller's bearer token may
touch: the admin token everything, an inbox token its own inbox alone — another inbox "does
not exist", as in the HTTP API, and it cannot create inboxes.

How the caller is known: every request passes :class:`_Authenticated` first, which calls the
API's own :func:`~bridge.http.auth.authenticate` and puts the :class:`Principal` into the ASGI
scope under :data:`PRINCIPAL_SCOPE_KEY`; a tool reads it back from the HTTP request its call
came in (``ctx.request_context.request``), so each call is checked against the token that sent
it. Only the ``Authorization: Bearer`` header counts here: the ``/ui`` session cookie would let
a page in the operator's browser drive the tools. The session manager runs stateless (any
replica answers any call; no server-side session to pin or hijack).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Sequence
from typing import Any, Final, TypeVar

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from otpbridge.bridge.http.auth import Principal, authenticate
from otpbridge.bridge.http.errors import ApiError, error_response
from otpbridge.bridge.http.state import ApiState
from otpbridge.bridge.mcp.backend import Backend, BackendError, NothingArrived
from otpbridge.bridge.mcp.backend_redis import RedisBackend
from otpbridge.bridge.mcp.server import build_server
from otpbridge.bridge.sdk.models import LinkKindFilter
from otpbridge.bridge.sdk.records import missing_inbox

__all__ = ["PRINCIPAL_SCOPE_KEY", "ScopedBackend", "mount_app"]

#: Where :class:`_Authenticated` leaves the caller's :class:`Principal` in the ASGI scope.
PRINCIPAL_SCOPE_KEY: Final = "otpbridge.principal"
_T = TypeVar("_T")


class ScopedBackend:
    """``inner`` as far as ``principal`` may reach; waits end early when serve stops."""

    def __init__(self, inner: Backend, principal: Principal, closing: asyncio.Event) -> None:
        self._inner = inner
        self._principal = principal
        self._closing = closing

    def _own(self, inbox_id: str) -> None:
        if not self._principal.admin and self._principal.inbox_id != inbox_id:
            # InboxNotFoundError in the words of an inbox that is not there: a token tells its
            # holder nothing about inboxes it does not hold.
            raise missing_inbox(inbox_id)

    async def _until_closing(self, wait: Awaitable[_T]) -> _T:
        waiter = asyncio.ensure_future(wait)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({waiter, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiter, closing):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        if waiter.done() and not waiter.cancelled():
            return waiter.result()
        raise BackendError("otpbridge serve is restarting: call the tool again")

    async def create_inbox(
        self, ttl: float, allowed_senders: Sequence[str] | None, label: str | None
    ) -> dict[str, Any]:
        if not self._principal.admin:
            raise BackendError(
                "this token belongs to one inbox: creating inboxes needs the admin token"
            )
        return await self._inner.create_inbox(ttl, allowed_senders, label)

    async def wait_for_otp(self, inbox_id: str, timeout: float) -> dict[str, Any] | NothingArrived:
        self._own(inbox_id)
        return await self._until_closing(self._inner.wait_for_otp(inbox_id, timeout))

    async def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter, timeout: float
    ) -> dict[str, Any] | NothingArrived:
        self._own(inbox_id)
        return await self._until_closing(self._inner.wait_for_link(inbox_id, kind, timeout))

    async def list_emails(self, inbox_id: str) -> list[dict[str, Any]]:
        self._own(inbox_id)
        return await self._inner.list_emails(inbox_id)

    async def delete_inbox(self, inbox_id: str) -> None:
        self._own(inbox_id)
        await self._inner.delete_inbox(inbox_id)

    async def aclose(self) -> None:
        """The inner backend belongs to the mount, not to one call."""


class _Authenticated:
    """ASGI middleware: a bearer token checked by the API's own auth, or the API's JSON 401."""

    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        scheme, _, token = conn.headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError(
                    401,
                    "unauthorized",
                    "MCP needs Authorization: Bearer <admin or inbox token>",
                    headers={"WWW-Authenticate": 'Bearer realm="otpbridge"'},
                )
            principal = await authenticate(conn)
            await self.state.limiter.check(principal.key)
        except ApiError as exc:
            response = error_response(exc.status, exc.error, exc.detail, headers=exc.headers)
            await response(scope, receive, send)
            return
        scope[PRINCIPAL_SCOPE_KEY] = principal
        await self.app(scope, receive, send)


def _principal(ctx: Context) -> Principal:
    request = ctx.request_context.request
    scope = getattr(request, "scope", None) or {}
    principal = scope.get(PRINCIPAL_SCOPE_KEY)
    if not isinstance(principal, Principal):  # not through _Authenticated: refuse, never guess
        raise ToolError("not authenticated: call /mcp with Authorization: Bearer <token>")
    return principal


def mount_app(state: ApiState) -> Starlette:
    """The ASGI app ``serve`` mounts at ``/mcp`` (clients use ``…/mcp/``). Its lifespan runs the
    MCP session manager: the mounting app must enter ``app.router.lifespan_context(app)``."""
    from otpbridge.bridge.cli import version  # noqa: PLC0415 - the version string only

    backend = RedisBackend(state.client, owned=False)

    def backend_for(ctx: Context) -> Backend:
        return ScopedBackend(backend, _principal(ctx), state.closing)

    server = build_server(backend_for, version=version())
    app = server.streamable_http_app(
        streamable_http_path="/",
        stateless_http=True,
        # Host/Origin checks guard cookie-authenticated local servers against DNS rebinding;
        # this one takes bearer headers only (which a rebinding page cannot send), and serve
        # runs behind ingresses whose host names it cannot know.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    app.add_middleware(_Authenticated, state=state)
    # authenticate() reads the state off the app in the scope: this one, below the mount.
    app.state.otpb = state
    state.extras["mcp_server"] = server
    return app
