"""``GET /v1/inboxes/{id}/events``: the inbox's stream (DESIGN.md §3) as Server-Sent Events.

Each stream entry becomes one event: ``id`` = the stream id (a reconnecting client sends it
back as ``Last-Event-ID`` and continues after it), ``event`` = the type (``received``,
``extracted``, ``failed``, ``dropped``), ``data`` = JSON. The stream is for watching, the waits
are for taking: ``extracted`` events carry the kind, confidence and the extractor's reasons but
never the code or the link (which only a wait hands out, once). A comment line goes out at least
every ``OTPBRIDGE_HTTP_SSE_HEARTBEAT`` so proxies keep the connection; the stream ends after
``OTPBRIDGE_HTTP_SSE_MAX``, when the inbox goes away (``event: deleted``), when the client
disconnects, or when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from otpbridge.bridge.http.auth import authenticate, authorize_inbox
from otpbridge.bridge.http.errors import ApiError, invalid
from otpbridge.bridge.http.state import MAX_EVENT_STREAMS, ApiState, get_state
from otpbridge.bridge.sdk.models import ms_to_datetime
from otpbridge.bridge.sdk.results import extraction_reasons, iso_time
from otpbridge.bridge.sdk.wire import BLOCK_S, as_str
from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_RECEIVED, decode_fields

__all__ = ["event_data", "inbox_events"]

_STREAM_ID = re.compile(r"\A\d{1,20}-\d{1,20}\Z")
#: ``code <value> chosen|rejected``: the extractor's reason lines name the code they are about.
_CODE_WORD = re.compile(r"\A(code )\S+")
_READ_COUNT: Final = 100
#: Mails whose seen_at one stream remembers (an inbox stream holds ~1,000 events).
_SEEN_LIMIT: Final = 2000
#: ``received``/``failed``/``dropped`` fields passed on as they are (no body, no code in them).
_PLAIN: Final = (
    "message_key",
    "from",
    "from_address",
    "subject",
    "sender_auth",
    "sender_allowed",
    "refused",
    "error",
    "reason",
    "kind",
    "link_kind",
)
_TIMES: Final = ("received_at", "routed_at", "seen_at", "extracted_at", "expires_at")


def _masked_reasons(result: dict[str, Any], fields: dict[str, str]) -> list[str]:
    """The extractor's reasons with every code value in them masked: ``code *** chosen (…)``.
    Watching the stream must not hand out what only a wait may."""
    values = {fields.get("code", ""), fields.get("code_display", "")}
    values |= {
        str(c.get("value", "")) for c in result.get("candidates") or () if isinstance(c, dict)
    }
    # Longest first (a display form contains the code); values this short are no codes.
    known = sorted((v for v in values if len(v) >= 3), key=len, reverse=True)
    out = []
    for reason in extraction_reasons(result):
        masked = _CODE_WORD.sub(r"\1***", reason)
        for value in known:
            masked = masked.replace(value, "***")
        out.append(masked)
    return out


def _ms(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def event_data(entry_id: str, fields: dict[str, str], seen_ms: int | None = None) -> dict[str, Any]:
    """The JSON of one event: strings kept, times as ISO-8601, never a code or a link.
    ``seen_ms``: when the bridge saw the mail (its ``received`` event), for ``latency_ms``."""
    out: dict[str, Any] = {"id": entry_id, "type": fields.get("type", "")}
    for name in _PLAIN:
        if fields.get(name):
            out[name] = fields[name]
    for name in _TIMES:
        when = ms_to_datetime(_ms(fields.get(name)))
        if when is not None:
            out[name] = iso_time(when)
    if out["type"] == EVENT_EXTRACTED:
        out["has_code"] = bool(fields.get("code"))
        out["has_link"] = bool(fields.get("link"))
        try:
            out["confidence"] = float(fields.get("confidence") or 0)
        except ValueError:
            out["confidence"] = 0.0
        done = _ms(fields.get("extracted_at"))
        try:
            result = json.loads(fields.get("result") or "{}")
        except ValueError:
            result = {}
        out["reasons"] = _masked_reasons(result, fields)
        if result.get("error"):
            out["error"] = result["error"]
        if seen_ms is not None and done is not None:
            out["latency_ms"] = done - seen_ms
    return out


def _frame(entry_id: str, fields: dict[str, str], seen: dict[str, int]) -> str:
    """One SSE frame; ``seen`` remembers each mail's ``seen_at`` from its ``received`` event."""
    key = fields.get("message_key", "")
    at = _ms(fields.get("seen_at")) if fields.get("type") == EVENT_RECEIVED else None
    if at is not None and len(seen) < _SEEN_LIMIT:
        seen[key] = at
    payload = event_data(entry_id, fields, seen.get(key))
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {entry_id}\nevent: {fields.get('type') or 'message'}\ndata: {data}\n\n"


def _start(request: Request) -> str:
    """Where to begin: after ``Last-Event-ID`` (header or ``last_event_id``), else the
    stream's start (the whole timeline), or ``from=now``: only what comes next."""
    raw = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    if raw:
        if not _STREAM_ID.match(raw):
            raise invalid("Last-Event-ID", "must be an event id this stream sent")
        return raw
    where = request.query_params.get("from", "start")
    if where not in ("start", "now"):
        raise invalid("from", "must be start or now")
    return "$" if where == "now" else "0-0"


async def _stop(task: asyncio.Future[Any]) -> None:
    """Cancel ``task`` and wait for it (a cancelled XREAD drops its connection, not the pool)."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def _gone(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _events(
    request: Request, state: ApiState, inbox_id: str, start: str
) -> AsyncIterator[str]:
    settings = state.settings
    stream = state.keys.events(inbox_id)
    inbox_key = state.keys.inbox(inbox_id)
    deadline = time.monotonic() + settings.sse_max_s
    position = start
    if position == "$":
        last = await state.redis.xrevrange(stream, "+", "-", count=1)
        position = as_str(last[0][0]) if last else "0-0"
    gone = asyncio.ensure_future(_gone(request))
    closing = asyncio.ensure_future(state.closing.wait())
    last_sent = time.monotonic()
    seen: dict[str, int] = {}
    read: asyncio.Future[Any] | None = None
    try:
        yield "retry: 2000\n\n"
        while True:
            now = time.monotonic()
            if now >= deadline or closing.done():
                yield "event: end\ndata: {}\n\n"
                return
            block = min(BLOCK_S, settings.sse_heartbeat_s, deadline - now)
            read = asyncio.ensure_future(
                state.redis.xread(
                    {stream: position}, count=_READ_COUNT, block=max(1, int(block * 1000))
                )
            )
            done, _ = await asyncio.wait({read, gone, closing}, return_when=asyncio.FIRST_COMPLETED)
            if gone in done:
                await _stop(read)
                return
            if read not in done:
                await _stop(read)
                continue
            replies: Any = read.result() or []
            for _, entries in replies:
                for entry_id, raw in entries:
                    position = as_str(entry_id)
                    yield _frame(position, decode_fields(raw), seen)
                    last_sent = time.monotonic()
            if time.monotonic() - last_sent >= settings.sse_heartbeat_s:
                if not await state.redis.exists(inbox_key):
                    yield "event: deleted\ndata: {}\n\n"
                    return
                yield ": keepalive\n\n"
                last_sent = time.monotonic()
    finally:
        # A stream closed while it waits (the client gone, the server stopping) leaves its
        # XREAD running: stopped here, its failure is retrieved, not logged at exit.
        if read is not None:
            await _stop(read)
        await _stop(gone)
        await _stop(closing)


async def inbox_events(request: Request) -> Response:
    state = get_state(request)
    principal = await authenticate(request)
    await state.limiter.check(principal.key)
    inbox_id = request.path_params["inbox_id"]
    authorize_inbox(principal, inbox_id)
    await state.client.inboxes.get(inbox_id)  # 404 before the stream starts
    start = _start(request)
    if state.event_streams >= MAX_EVENT_STREAMS:
        raise ApiError(
            503,
            "too_many_streams",
            f"this server has {MAX_EVENT_STREAMS} event streams open; retry shortly",
            headers={"Retry-After": "5"},
        )
    return StreamingResponse(
        _counted(state, _events(request, state, inbox_id, start)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _counted(state: ApiState, frames: AsyncIterator[str]) -> AsyncIterator[str]:
    """Holds one of the process's stream slots while the response streams. Requests checked
    in the same instant may overshoot the limit by a few: the side pool keeps 56 spare."""
    state.event_streams += 1
    try:
        async for frame in frames:
            yield frame
    finally:
        state.event_streams -= 1
