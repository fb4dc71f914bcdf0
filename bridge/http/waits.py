"""The long-poll endpoints: ``GET /v1/inboxes/{id}/otp`` and ``…/link``.

Each request runs one SDK wait (consumption, idempotency and the pipeline checks are the SDK's)
and races it against two things: the client going away — the wait is cancelled, so nobody is
handed a code no one will read — and the server starting to stop (``503``, retry elsewhere).
Nothing within ``timeout`` is ``204`` with ``Otpbridge-Mails-Arrived: N``: the mails that came
into the inbox meanwhile (counted from its stream's ``received`` events in the wait window), so
"no code" can be told apart from "no mail".
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any, Final, TypeVar

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from otpbridge.bridge.http.auth import authenticate, authorize_inbox
from otpbridge.bridge.http.errors import ApiError
from otpbridge.bridge.http.metrics import WAITS
from otpbridge.bridge.http.params import (
    idempotency_key,
    link_kind,
    message_key_param,
    since_param,
    timeout_param,
)
from otpbridge.bridge.http.state import ApiState, get_state
from otpbridge.bridge.sdk.models import Link, Otp
from otpbridge.bridge.sdk.results import link_result, otp_result
from otpbridge.bridge.sdk.wire import as_str
from otpbridge.worker.events import EVENT_RECEIVED, decode_fields

__all__ = ["MAILS_ARRIVED_HEADER", "wait_link", "wait_otp"]

MAILS_ARRIVED_HEADER: Final = "Otpbridge-Mails-Arrived"
_COUNT_LIMIT: Final = 1000

log = structlog.get_logger("otpbridge.http")
_T = TypeVar("_T")


class _ClientGoneError(Exception):
    """The client closed the connection while its long-poll waited."""


async def _disconnected(request: Request) -> None:
    """Returns when the ASGI server reports ``http.disconnect`` (a GET has no body to read)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def race(request: Request, state: ApiState, wait: Awaitable[_T]) -> _T:
    """``wait``'s result, unless the client leaves (:class:`_ClientGoneError`) or the server stops
    (``503``) first; the losers are cancelled and awaited."""
    waiter = asyncio.ensure_future(wait)
    gone = asyncio.ensure_future(_disconnected(request))
    closing = asyncio.ensure_future(state.closing.wait())
    try:
        done, _ = await asyncio.wait({waiter, gone, closing}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiter, gone, closing):
            if not task.done():
                task.cancel()
        for task in (waiter, gone, closing):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if waiter in done:
        return waiter.result()
    if gone in done:
        raise _ClientGoneError
    raise ApiError(
        503, "shutting_down", "this server is stopping; ask again", headers={"Retry-After": "1"}
    )


async def _stream_tail(state: ApiState, inbox_id: str) -> str:
    """The id of the inbox stream's newest entry ("-" when empty): the wait window's start."""
    last = await state.redis.xrevrange(state.keys.events(inbox_id), "+", "-", count=1)
    return "(" + as_str(last[0][0]) if last else "-"


async def _mails_since(state: ApiState, inbox_id: str, start: str) -> int:
    key = state.keys.events(inbox_id)
    entries: Any = await state.redis.xrange(key, start, "+", count=_COUNT_LIMIT)
    types = [decode_fields(fields).get("type") for _, fields in entries or ()]
    return types.count(EVENT_RECEIVED)


async def _long_poll(request: Request, kind: str) -> Response:
    state = get_state(request)
    principal = await authenticate(request)
    await state.limiter.check(principal.key)
    inbox_id = request.path_params["inbox_id"]
    authorize_inbox(principal, inbox_id)
    settings = state.settings
    timeout = timeout_param(request, settings.wait_default_s, settings.wait_max_s)
    options: dict[str, Any] = {
        "since": since_param(request),
        "after": message_key_param(request),
        "idempotency_key": idempotency_key(request),
    }
    kind_filter = link_kind(request) if kind == "link" else "any"
    start = await _stream_tail(state, inbox_id)
    messages = state.client.messages
    wait: Awaitable[Otp | Link | None]
    if kind == "link":
        wait = messages.wait_for_link(inbox_id, kind_filter, timeout, **options)
    else:
        wait = messages.wait_for_otp(inbox_id, timeout, **options)
    try:
        found = await race(request, state, wait)
    except _ClientGoneError:
        WAITS.labels(kind, "client_gone").inc()
        log.info("http_wait_abandoned", inbox_id=inbox_id, kind=kind)
        return Response(status_code=499)  # nginx's "client closed request"; nobody reads it
    if found is None:
        WAITS.labels(kind, "timeout").inc()
        arrived = await _mails_since(state, inbox_id, start)
        return Response(
            status_code=204,
            headers={MAILS_ARRIVED_HEADER: str(arrived), "Cache-Control": "no-store"},
        )
    WAITS.labels(kind, "found").inc()
    body = otp_result(found) if isinstance(found, Otp) else link_result(found)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def wait_otp(request: Request) -> Response:
    return await _long_poll(request, "otp")


async def wait_link(request: Request) -> Response:
    return await _long_poll(request, "link")
