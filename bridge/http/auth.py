"""Who is asking: the admin (bearer ``OTPBRIDGE_API_TOKEN`` or the ``/ui`` session cookie) or
the holder of one inbox's token.

No credential, or one that matches nothing, is ``401``. An inbox token used on another inbox is
``404``, exactly like an inbox that does not exist: a token tells its holder nothing about
inboxes it does not hold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.requests import HTTPConnection

from otpbridge.bridge.http.errors import ApiError, not_found
from otpbridge.bridge.http.session import SESSION_COOKIE, verify_session
from otpbridge.bridge.http.state import get_state
from otpbridge.bridge.http.tokens import admin_matches, token_hash

__all__ = ["Principal", "authenticate", "authorize_inbox", "require_admin"]

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="otpbridge"'}


@dataclass(frozen=True, slots=True)
class Principal:
    """``admin``: may do anything; else ``inbox_id`` is the one inbox it may touch. ``key``
    names the credential for rate limiting (never the token itself)."""

    admin: bool
    inbox_id: str | None
    key: str


def _bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


async def authenticate(conn: HTTPConnection) -> Principal:
    """The caller's :class:`Principal`, or :class:`ApiError` 401. Takes a ``Request`` or a
    WebSocket/any ``HTTPConnection`` (the MCP mount calls it too)."""
    state = get_state(conn)
    admin_token = state.settings.api_token.reveal()
    token = _bearer(conn)
    if token is None:
        cookie = conn.cookies.get(SESSION_COOKIE)
        if cookie and verify_session(cookie, admin_token):
            return Principal(True, None, "admin")
        raise ApiError(
            401, "unauthorized", "send Authorization: Bearer <token>", headers=_CHALLENGE
        )
    if admin_matches(token, admin_token):
        return Principal(True, None, "admin")
    inbox_id = await state.tokens.inbox_of(token)
    if inbox_id is None:
        raise ApiError(
            401, "unauthorized", "the token is unknown, rotated or expired", headers=_CHALLENGE
        )
    # A short digest of the hash: enough to tell tokens apart in Redis, useless as a credential.
    key = "inbox:" + hashlib.blake2s(token_hash(token).encode(), digest_size=12).hexdigest()
    return Principal(False, inbox_id, key)


def require_admin(principal: Principal) -> None:
    if not principal.admin:
        raise ApiError(403, "forbidden", "this needs the admin token (OTPBRIDGE_API_TOKEN)")


def authorize_inbox(principal: Principal, inbox_id: str) -> None:
    """The admin may touch any inbox, an inbox token only its own (else ``404``)."""
    if not principal.admin and principal.inbox_id != inbox_id:
        raise not_found()
