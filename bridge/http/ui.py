"""``/ui``: the inbox timeline pages of ``otpbridge serve`` — what an operator opens when an agent
says "no code came".

- ``GET /ui`` lists live inboxes (newest expiry first, at most 200) with their mail counts and
  last event, the bridges' heartbeats (no bridge: no mail can arrive) and the newest mail no
  live inbox took (a mistyped address, an expired inbox).
- ``GET /ui/inboxes/{id}`` shows one inbox's timeline, one row per mail: received → extracted /
  failed / refused / pending, latency, the extractor's kind, confidence and reasons, the
  sender decision, and who was handed the code. It stays live over the API's SSE endpoint
  (``/v1/inboxes/{id}/events``, which takes the session cookie): on each event the page
  re-fetches ``/ui/inboxes/{id}/timeline``, the same server-rendered rows.
- ``GET/POST /ui/login`` takes the admin token (constant-time compare, rate-limited per client
  address) and sets the ``otpbridge_session`` cookie: HttpOnly, SameSite=Strict, Secure when the
  request came over https (directly, per ``X-Forwarded-Proto``, or ``OTPBRIDGE_PUBLIC_URL`` is
  https). ``POST /ui/logout`` clears it. SameSite=Strict is the CSRF defence of the one
  state-changing form (logout); the pages change nothing else.

Codes and link tokens are shown masked (``28••••``): the page is for diagnosis, the API hands
the admin the whole value. Every response carries a CSP that allows only its own nonce'd
``<style>``/``<script>`` and same-origin fetches, and ``Cache-Control: no-store``.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Final
from urllib.parse import parse_qs

import structlog
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from otpbridge.bridge.errors import InboxNotFoundError
from otpbridge.bridge.http.auth import Principal, authenticate
from otpbridge.bridge.http.errors import ApiError
from otpbridge.bridge.http.session import SESSION_COOKIE, issue_session, verify_session
from otpbridge.bridge.http.state import ApiState, get_state
from otpbridge.bridge.http.tokens import admin_matches
from otpbridge.bridge.http.ui_templates.pages import (
    BridgeRow,
    InboxRow,
    UnroutedRow,
    inbox_list_body,
    inbox_page_body,
    login_body,
    page,
    timeline_html,
)
from otpbridge.bridge.http.ui_templates.timeline import build_timeline
from otpbridge.bridge.sdk.models import Inbox
from otpbridge.bridge.sdk.records import parse_inbox
from otpbridge.bridge.sdk.wire import check_inbox_id
from otpbridge.worker.events import decode_fields

__all__ = ["routes"]

log = structlog.get_logger("otpbridge.http.ui")

#: Inboxes listed on ``/ui`` (the soonest-to-expire beyond this are left out, and said so).
_LIST_MAX: Final = 200
#: The newest entries of the unrouted stream shown under the list (mail no live inbox took).
_UNROUTED_SHOWN: Final = 10
#: The login form's body is one short field; anything bigger is not a login.
_FORM_MAX_BYTES: Final = 8192


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _html(
    body: str,
    *,
    title: str,
    nonce: str,
    status: int = 200,
    signed_in: bool = True,
    live: bool = False,
) -> HTMLResponse:
    out = HTMLResponse(page(title, body, nonce, signed_in=signed_in, live=live), status)
    _harden(out, nonce)
    return out


def _harden(response: Response, nonce: str = "") -> None:
    """Headers every ``/ui`` answer carries: only this response's nonce'd inline code runs,
    nothing is framed, cached or sent a referrer."""
    src = f"'nonce-{nonce}'" if nonce else "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {src}; style-src {src}; connect-src 'self'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"


def _redirect(location: str) -> RedirectResponse:
    out = RedirectResponse(location, status_code=303)
    _harden(out)
    return out


async def _principal(request: Request) -> Principal | None:
    try:
        return await authenticate(request)
    except ApiError:
        return None


async def _admin_or_answer(request: Request) -> Response | None:
    """``None`` when the caller is the admin; else the answer to send (the login form for a
    browser without a session, 403 for an inbox token)."""
    principal = await _principal(request)
    if principal is None:
        return _redirect("/ui/login")
    if not principal.admin:
        body = '<p class="error">The inbox timeline needs the admin token.</p>'
        return _html(body, title="Forbidden", nonce=secrets.token_urlsafe(16), status=403)
    return None


def _secure(request: Request, state: ApiState) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    public = (state.settings.public_url or "").lower()
    return request.url.scheme == "https" or forwarded == "https" or public.startswith("https://")


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded form, or ``None`` when the body is too big to be a login."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > _FORM_MAX_BYTES:
            return None
    fields = parse_qs(data.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items() if v}


async def ui_login(request: Request) -> Response:
    state = get_state(request)
    nonce = secrets.token_urlsafe(16)
    if request.method == "GET":
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie and verify_session(cookie, state.settings.api_token.reveal()):
            return _redirect("/ui")
        return _html(login_body(), title="Sign in", nonce=nonce, signed_in=False)
    client = request.client.host if request.client else "unknown"
    try:
        await state.limiter.check(f"ui-login:{client}")
    except ApiError as exc:
        body = login_body("Too many attempts; wait a minute and try again.")
        limited = _html(body, title="Sign in", nonce=nonce, status=exc.status, signed_in=False)
        limited.headers.update(exc.headers)
        return limited
    form = await _form(request)
    token = (form or {}).get("token", "").strip()
    admin = state.settings.api_token.reveal()
    if not token or not admin_matches(token, admin):
        log.info("ui_login", outcome="refused", client=client)
        body = login_body("That is not the admin token.")
        return _html(body, title="Sign in", nonce=nonce, status=401, signed_in=False)
    log.info("ui_login", outcome="ok", client=client)
    out = _redirect("/ui")
    ttl = state.settings.session_ttl_s
    out.set_cookie(
        SESSION_COOKIE,
        issue_session(admin, ttl),
        max_age=int(ttl),
        path="/",
        secure=_secure(request, state),
        httponly=True,
        samesite="strict",
    )
    return out


async def ui_logout(request: Request) -> Response:
    state = get_state(request)
    out = _redirect("/ui/login")
    out.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=_secure(request, state),
        httponly=True,
        samesite="strict",
    )
    return out


async def _bridges(state: ApiState) -> list[BridgeRow]:
    r, keys = state.redis, state.keys
    names = sorted(_text(n) for n in await r.smembers(keys.mailboxes))
    pipe = r.pipeline(transaction=False)
    for name in names:
        mailbox, _, folder = name.rpartition(":")
        pipe.hgetall(keys.heartbeat(mailbox, folder))
    rows = []
    for name, raw in zip(names, await pipe.execute(), strict=True):
        beat = {_text(k): _text(v) for k, v in (raw or {}).items()}
        ts = beat.get("ts_ms", "")
        rows.append(
            BridgeRow(
                name=name,
                status=beat.get("status", "unknown"),
                error=beat.get("error", "")[:200],
                ts_ms=int(ts) if ts.isdigit() else None,
            )
        )
    return rows


async def _unrouted(state: ApiState) -> list[UnroutedRow]:
    entries: Any = await state.redis.xrevrange(state.keys.unrouted, count=_UNROUTED_SHOWN)
    rows = []
    for entry_id, raw in entries or []:
        fields = decode_fields(raw or {})
        rows.append(
            UnroutedRow(
                at_ms=int(_text(entry_id).partition("-")[0]),
                reason=fields.get("reason", ""),
                message_id=fields.get("message_id", "")[:200],
            )
        )
    return rows


async def ui_index(request: Request) -> Response:
    answer = await _admin_or_answer(request)
    if answer is not None:
        return answer
    state = get_state(request)
    r, keys, now = state.redis, state.keys, _now_ms()
    ids = [
        _text(i)
        for i in await r.zrevrangebyscore(keys.inboxes, "+inf", now, start=0, num=_LIST_MAX)
    ]
    pipe = r.pipeline(transaction=False)
    for inbox_id in ids:
        pipe.hgetall(keys.inbox(inbox_id))
        pipe.zcard(keys.messages(inbox_id))
        pipe.scard(keys.published(inbox_id))
        pipe.xrevrange(keys.events(inbox_id), count=1)
    replies = await pipe.execute() if ids else []
    rows = []
    for n, inbox_id in enumerate(ids):
        raw, mails, processed, last = replies[4 * n : 4 * n + 4]
        if not raw:  # expired between the index read and the hash read
            continue
        last_type, last_ms = "", None
        if last:
            entry_id, fields = last[0]
            last_type = _text(fields.get(b"type", fields.get("type", b"")))
            last_ms = int(_text(entry_id).partition("-")[0])
        rows.append(InboxRow(parse_inbox(inbox_id, raw), mails, processed, last_type, last_ms))
    total = int(await r.zcount(keys.inboxes, now, "+inf"))
    body = inbox_list_body(rows, await _bridges(state), await _unrouted(state), now, total=total)
    return _html(body, title="Inboxes", nonce=secrets.token_urlsafe(16))


async def _inbox_data(request: Request) -> tuple[Inbox, list[Any], dict[str, str]] | None:
    state = get_state(request)
    try:
        inbox_id = check_inbox_id(request.path_params["inbox_id"])
    except InboxNotFoundError:
        return None
    r, keys = state.redis, state.keys
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(keys.inbox(inbox_id))
    pipe.xrange(keys.events(inbox_id))
    pipe.hgetall(keys.consumed(inbox_id))
    raw, entries, consumed = await pipe.execute()
    if not raw:
        return None
    decoded = {_text(k): _text(v) for k, v in (consumed or {}).items()}
    return parse_inbox(inbox_id, raw), list(entries or []), decoded


def _missing(nonce: str) -> HTMLResponse:
    body = (
        '<h1>No such inbox</h1><p class="mute">It expired, was deleted or never existed. '
        '<a href="/ui">Live inboxes</a></p>'
    )
    return _html(body, title="Not found", nonce=nonce, status=404)


async def ui_inbox(request: Request) -> Response:
    answer = await _admin_or_answer(request)
    if answer is not None:
        return answer
    nonce = secrets.token_urlsafe(16)
    data = await _inbox_data(request)
    if data is None:
        return _missing(nonce)
    inbox, entries, consumed = data
    rows = build_timeline(entries, consumed)
    body = inbox_page_body(
        inbox,
        rows,
        _now_ms(),
        events_url=f"/v1/inboxes/{inbox.id}/events?from=now",
        rows_url=f"/ui/inboxes/{inbox.id}/timeline",
    )
    return _html(body, title=f"Inbox {inbox.id}", nonce=nonce, live=True)


async def ui_timeline(request: Request) -> Response:
    """The rows alone, for the live script (no page around them)."""
    principal = await _principal(request)
    if principal is None or not principal.admin:
        out = HTMLResponse("", 401 if principal is None else 403)
        _harden(out)
        return out
    data = await _inbox_data(request)
    if data is None:
        out = HTMLResponse('<p class="mute">This inbox is gone.</p>', 404)
    else:
        _inbox_obj, entries, consumed = data
        out = HTMLResponse(timeline_html(build_timeline(entries, consumed)))
    _harden(out)
    return out


def routes() -> list[BaseRoute]:
    """The ``/ui`` routes, with full paths; ``create_app`` adds them to its route list."""
    return [
        Route("/ui", ui_index, methods=["GET"]),
        Route("/ui/login", ui_login, methods=["GET", "POST"]),
        Route("/ui/logout", ui_logout, methods=["POST"]),
        Route("/ui/inboxes/{inbox_id}", ui_inbox, methods=["GET"]),
        Route("/ui/inboxes/{inbox_id}/timeline", ui_timeline, methods=["GET"]),
    ]
