"""Settings of ``otpbridge mcp``: which backend the tools talk to, read once at start-up.

An LLM agent should never hold the Redis URL (it reads every inbox), so the default is the HTTP
API of ``otpbridge serve`` with a bearer token. Talking to Redis directly is the option for
trusted local setups, chosen only when a Redis address is configured and no ``serve`` address
is. Neither configured is an error that names both variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import Secret
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import read_redis_url

__all__ = ["McpSettings", "load_mcp_settings"]

#: Variables that configure Redis (any one selects the Redis backend when no serve URL is set).
_REDIS_VARS = ("OTPBRIDGE_REDIS_URL", "OTPBRIDGE_REDIS_URL_FILE", "OTPBRIDGE_REDIS_SENTINELS")


@dataclass(frozen=True, slots=True)
class McpSettings:
    """``backend`` says which of the two address/credential pairs is set; secrets never show in
    a repr."""

    backend: Literal["http", "redis"]
    serve_url: str | None = None
    api_token: Secret | None = None
    redis_url: Secret | None = None


def _token(env: Mapping[str, str]) -> Secret:
    token = env.get("OTPBRIDGE_API_TOKEN", "").strip()
    path = env.get("OTPBRIDGE_API_TOKEN_FILE", "").strip()
    if not token and path:
        try:
            with open(path, encoding="utf-8") as fh:
                token = fh.read().strip()
        except OSError as exc:
            raise ConfigError(f"OTPBRIDGE_API_TOKEN_FILE={path!r}: {exc.strerror}") from None
    if not token:
        raise ConfigError(
            "OTPBRIDGE_SERVE_URL is set but no token: set OTPBRIDGE_API_TOKEN (or "
            "OTPBRIDGE_API_TOKEN_FILE) to the admin token of `otpbridge serve`"
        )
    return Secret(token)


def _serve_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"OTPBRIDGE_SERVE_URL={raw!r} is not an http(s) URL (e.g. http://127.0.0.1:8025)"
        )
    if parts.username or parts.password:
        raise ConfigError("OTPBRIDGE_SERVE_URL must not carry credentials: use OTPBRIDGE_API_TOKEN")
    return raw.rstrip("/")


def load_mcp_settings(env: Mapping[str, str] | None = None) -> McpSettings:
    """``OTPBRIDGE_SERVE_URL`` + ``OTPBRIDGE_API_TOKEN(_FILE)`` → HTTP; else a Redis address
    (``OTPBRIDGE_REDIS_URL(_FILE)`` or Sentinel) → Redis; else :class:`ConfigError`."""
    env = os.environ if env is None else env
    serve = env.get("OTPBRIDGE_SERVE_URL", "").strip()
    if serve:
        return McpSettings("http", serve_url=_serve_url(serve), api_token=_token(env))
    if any(env.get(name, "").strip() for name in _REDIS_VARS):
        try:
            return McpSettings("redis", redis_url=Secret(read_redis_url(env)))
        except WorkerConfigError as exc:
            raise ConfigError(str(exc)) from None
    raise ConfigError(
        "no backend: set OTPBRIDGE_SERVE_URL and OTPBRIDGE_API_TOKEN (the HTTP API of "
        "`otpbridge serve`, the default for agents), or OTPBRIDGE_REDIS_URL for a trusted "
        "local setup that talks to Redis directly"
    )
