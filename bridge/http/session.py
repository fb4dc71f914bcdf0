"""The ``/ui`` login session: a cookie value signed with a key derived from the admin token.

``v1.<expiry ms>.<nonce>.<HMAC-SHA256>``: nothing is stored server-side; the expiry is inside
the signed part, the comparison is constant-time, and rotating the admin token ends every
session at once (the key changes). Pure: no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Final

__all__ = ["SESSION_COOKIE", "issue_session", "verify_session"]

#: The cookie the UI's login form sets (HttpOnly, SameSite=Strict) and :mod:`.auth` accepts.
SESSION_COOKIE: Final = "otpbridge_session"
_VERSION: Final = "v1"


def _key(admin_token: str) -> bytes:
    # Domain-separated: the cookie key is not the bearer token itself.
    return hashlib.sha256(b"otpbridge-ui-session\x00" + admin_token.encode()).digest()


def _mac(admin_token: str, payload: str) -> str:
    digest = hmac.new(_key(admin_token), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_session(admin_token: str, ttl_s: float, *, now: float | None = None) -> str:
    """A cookie value valid for ``ttl_s`` seconds."""
    expiry_ms = int(((time.time() if now is None else now) + ttl_s) * 1000)
    payload = f"{_VERSION}.{expiry_ms}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_mac(admin_token, payload)}"


def verify_session(value: str, admin_token: str, *, now: float | None = None) -> bool:
    """Whether ``value`` was issued with this admin token and has not expired."""
    payload, dot, mac = value.rpartition(".")
    if not dot or len(value) > 256:
        return False
    if not hmac.compare_digest(mac.encode(), _mac(admin_token, payload).encode()):
        return False
    version, _, rest = payload.partition(".")
    expiry, _, _nonce = rest.partition(".")
    if version != _VERSION or not expiry.isdigit():
        return False
    return int(expiry) > int((time.time() if now is None else now) * 1000)
