"""The ``/v1`` endpoints other than the long-polls (:mod:`.waits`) and the event stream
(:mod:`.sse`): inboxes, their tokens and webhook secrets, mails, TOTP.

Every endpoint authenticates, counts against the caller's rate limit, then checks that the
caller may touch the inbox (an inbox token only its own; any other inbox is ``404``).
"""

from __future__ import annotations

from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.http.auth import Principal, authenticate, authorize_inbox, require_admin
from otpbridge.bridge.http.errors import ApiError, invalid
from otpbridge.bridge.http.params import (
    json_body,
    optional_str,
    sender_list,
    ttl_value,
    webhook_url_value,
)
from otpbridge.bridge.http.sse import inbox_events
from otpbridge.bridge.http.state import ApiState, get_state
from otpbridge.bridge.http.waits import wait_link, wait_otp
from otpbridge.bridge.sdk.models import Inbox
from otpbridge.bridge.sdk.results import email_result, inbox_result
from otpbridge.bridge.sdk.verdicts import MAX_VERDICTS, verdict_result
from otpbridge.bridge.totp import totp

__all__ = ["api_routes"]

log = structlog.get_logger("otpbridge.http")
_NO_STORE = {"Cache-Control": "no-store"}
#: How long a deleted inbox's token still answers 404 (then 401: unknown token).
_DELETED_TOKEN_S = 3600.0


async def _admit(request: Request) -> tuple[ApiState, Principal]:
    state = get_state(request)
    principal = await authenticate(request)
    await state.limiter.check(principal.key)
    return state, principal


async def _own_inbox(request: Request) -> tuple[ApiState, Principal, Inbox]:
    state, principal = await _admit(request)
    inbox_id = request.path_params["inbox_id"]
    authorize_inbox(principal, inbox_id)
    inbox = await state.client.inboxes.get(inbox_id)  # InboxNotFoundError → 404
    return state, principal, inbox


def _expires_ms(inbox: Inbox) -> int:
    return int(inbox.expires_at.timestamp() * 1000)


async def create_inbox(request: Request) -> Response:
    state, principal = await _admit(request)
    require_admin(principal)
    body = await json_body(request, required=False)
    unknown = sorted(set(body) - {"ttl", "allowed_senders", "label", "webhook_url"})
    if unknown:
        raise invalid(unknown[0], "unknown field")
    ttl = ttl_value(body)
    senders = sender_list(body)
    label = optional_str(body, "label", 200)
    webhook_url = webhook_url_value(body)
    try:
        inbox = await state.client.inboxes.create(ttl, senders, label, webhook_url=webhook_url)
    except ValueError as exc:  # params checked every value already; kept as a safety net
        raise invalid("body", str(exc)) from None
    except ConfigError as exc:  # no address template: the operator's to fix, not the caller's
        raise ApiError(503, "not_configured", str(exc)) from None
    out: dict[str, Any] = inbox_result(inbox)
    out["token"] = await state.tokens.issue(inbox.id, _expires_ms(inbox))
    if inbox.webhook_secret:
        out["webhook_secret"] = inbox.webhook_secret
    log.info("http_inbox_created", inbox_id=inbox.id, ttl_s=ttl, webhook=bool(webhook_url))
    return JSONResponse(
        out, status_code=201, headers={**_NO_STORE, "Location": f"/v1/inboxes/{inbox.id}"}
    )


async def list_inboxes(request: Request) -> Response:
    state, principal = await _admit(request)
    require_admin(principal)
    inboxes = await state.client.inboxes.list()
    return JSONResponse({"inboxes": [inbox_result(i) for i in inboxes]}, headers=_NO_STORE)


def _summary(email: dict[str, Any]) -> dict[str, Any]:
    """A mail in the inbox view: ``kind`` is ``null`` until the worker has extracted it."""
    extraction = email["extraction"]
    return {
        "message": email["message"],
        "kind": extraction.get("kind") if extraction is not None else None,
        "reasons": email["reasons"],
        "handed_out": email["handed_out"],
    }


async def get_inbox(request: Request) -> Response:
    """The inbox and, per mail, what the extractor made of it and why (no bodies: ``/messages``
    has them). Reading it consumes nothing."""
    state, _, inbox = await _own_inbox(request)
    emails = await state.client.inboxes.list_emails(inbox.id)
    out = inbox_result(inbox)
    out["messages"] = [_summary(email_result(e)) for e in emails]
    return JSONResponse(out, headers=_NO_STORE)


async def delete_inbox(request: Request) -> Response:
    """``204``; afterwards the inbox is ``404`` for everyone. Its token opens nothing but that
    ``404`` for an hour (or until the inbox would have expired, if sooner), then it is gone."""
    state, principal = await _admit(request)
    inbox_id = request.path_params["inbox_id"]
    authorize_inbox(principal, inbox_id)
    if not await state.client.inboxes.delete(inbox_id):
        raise ApiError(404, "inbox_not_found", "no such inbox")
    await state.tokens.retire(inbox_id, _DELETED_TOKEN_S)
    log.info("http_inbox_deleted", inbox_id=inbox_id)
    return Response(status_code=204)


async def list_messages(request: Request) -> Response:
    state, _, inbox = await _own_inbox(request)
    emails = await state.client.inboxes.list_emails(inbox.id)
    return JSONResponse({"messages": [email_result(e) for e in emails]}, headers=_NO_STORE)


async def list_verdicts(request: Request) -> Response:
    """What became of the inbox's latest mails and why (``?limit=``, default 10): the answer
    to a wait's ``204``. Every code that was handed out is masked (the server's waits all
    share one client, so "someone else" cannot be told apart); no link is ever included."""
    state, _, inbox = await _own_inbox(request)
    raw = request.query_params.get("limit", "10")
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_VERDICTS:
        raise invalid("limit", f"an integer from 1 to {MAX_VERDICTS}")
    verdicts = await state.client.messages.last_verdicts(inbox.id, limit, viewer="")
    return JSONResponse({"verdicts": [verdict_result(v) for v in verdicts]}, headers=_NO_STORE)


async def rotate_token(request: Request) -> Response:
    """A new inbox token (admin or the current inbox token); the old one stops at once."""
    state, _, inbox = await _own_inbox(request)
    token = await state.tokens.issue(inbox.id, _expires_ms(inbox))
    log.info("http_token_rotated", inbox_id=inbox.id)
    return JSONResponse({"token": token}, headers=_NO_STORE)


async def rotate_webhook_secret(request: Request) -> Response:
    state, _, inbox = await _own_inbox(request)
    try:
        secret = await state.client.inboxes.rotate_webhook_secret(inbox.id)
    except ValueError as exc:
        raise ApiError(409, "no_webhook", str(exc)) from None
    log.info("http_webhook_secret_rotated", inbox_id=inbox.id)
    return JSONResponse({"webhook_secret": secret}, headers=_NO_STORE)


async def totp_code(request: Request) -> Response:
    """``GET ?secret=`` or ``POST {"secret": …}`` (the body keeps the secret out of proxy logs)."""
    await _admit(request)
    if request.method == "POST":
        body = await json_body(request)
        secret = body.get("secret")
    else:
        secret = request.query_params.get("secret")
    if not isinstance(secret, str) or not secret.strip() or len(secret) > 2000:
        raise invalid("secret", "a base32 secret or an otpauth://totp/… URI is required")
    try:
        code = totp(secret)
    except ConfigError as exc:
        raise invalid("secret", str(exc)) from None
    return JSONResponse({"code": code}, headers=_NO_STORE)


def api_routes() -> list[Route]:
    """The ``/v1`` routes (paths include the ``/v1`` prefix)."""
    inbox = "/v1/inboxes/{inbox_id}"
    return [
        Route("/v1/inboxes", create_inbox, methods=["POST"]),
        Route("/v1/inboxes", list_inboxes, methods=["GET"]),
        Route(inbox, get_inbox, methods=["GET"]),
        Route(inbox, delete_inbox, methods=["DELETE"]),
        Route(f"{inbox}/messages", list_messages, methods=["GET"]),
        Route(f"{inbox}/verdicts", list_verdicts, methods=["GET"]),
        Route(f"{inbox}/otp", wait_otp, methods=["GET"]),
        Route(f"{inbox}/link", wait_link, methods=["GET"]),
        Route(f"{inbox}/events", inbox_events, methods=["GET"]),
        Route(f"{inbox}/token", rotate_token, methods=["POST"]),
        Route(f"{inbox}/webhook-secret", rotate_webhook_secret, methods=["POST"]),
        Route("/v1/totp", totp_code, methods=["GET", "POST"]),
    ]
