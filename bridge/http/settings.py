"""Settings of ``otpbridge serve``: read once from ``OTPBRIDGE_*`` at the entry point, frozen,
secrets hidden (the admin token and the Redis URL never show in a repr or a log line)."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import Secret, parse_duration
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import read_redis_url, redact_url

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MIN_API_TOKEN_LENGTH",
    "ServeSettings",
    "load_serve_settings",
]

#: Loopback by default: an operator exposes the API on purpose (a container sets 0.0.0.0 and
#: puts TLS in front, see the README).
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8025
#: An admin token shorter than this is refused at start-up: it reads every inbox.
MIN_API_TOKEN_LENGTH: Final = 16


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """Everything ``otpbridge serve`` needs. Durations are seconds."""

    redis_url: Secret
    api_token: Secret
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    prefix: str = "otpb"
    #: The address template; ``None``: the one the bridge published in Redis.
    address: str | None = None
    #: Where clients reach the API (``https://otp.corp.example``): the OpenAPI ``servers``.
    public_url: str | None = None
    #: ``/healthz``, ``/readyz`` and ``/metrics`` on this port; ``None``: not served.
    metrics_port: int | None = None
    log_level: str = "INFO"
    #: Requests per token per window (``0``: no limit); a long-poll counts once.
    rate_limit: int = 600
    rate_window_s: float = 60.0
    #: A long-poll's ``timeout`` when the request names none (below common proxy idle limits)
    #: and the most it may ask for.
    wait_default_s: float = 55.0
    wait_max_s: float = 120.0
    #: An SSE connection ends after this long (the client reconnects with Last-Event-ID), and
    #: sends a comment line at least this often so proxies keep it open.
    sse_max_s: float = 600.0
    sse_heartbeat_s: float = 15.0
    #: How long a UI session cookie stays valid.
    session_ttl_s: float = 12 * 3600.0
    #: On SIGTERM, open requests get this long before they are cut.
    shutdown_grace_s: float = 10.0
    #: Whether the SDK's waits require a live bridge heartbeat (a broken pipeline answers 503
    #: instead of a silent 204).
    require_watcher: bool = True

    @property
    def redis_url_redacted(self) -> str:
        return redact_url(self.redis_url.reveal())


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}={value} must be between {lo} and {hi}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = parse_duration(raw, name)
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ConfigError(f"{name}={raw!r} must be between {lo:g} s and {hi:g} s")
    return value


def _api_token(env: Mapping[str, str]) -> Secret:
    token = env.get("OTPBRIDGE_API_TOKEN", "").strip()
    path = env.get("OTPBRIDGE_API_TOKEN_FILE", "").strip()
    if not token and path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"OTPBRIDGE_API_TOKEN_FILE={path!r}: {exc.strerror}") from None
    if not token:
        raise ConfigError(
            "OTPBRIDGE_API_TOKEN (or OTPBRIDGE_API_TOKEN_FILE) is not set: the admin bearer "
            'token, e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    if len(token) < MIN_API_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ConfigError(
            f"OTPBRIDGE_API_TOKEN must be at least {MIN_API_TOKEN_LENGTH} characters without "
            "spaces (it reads every inbox)"
        )
    return Secret(token)


def _host(env: Mapping[str, str]) -> str:
    host = env.get("OTPBRIDGE_HTTP_HOST", "").strip() or DEFAULT_HOST
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not host.replace("-", "").replace(".", "").isalnum():
            raise ConfigError(
                f"OTPBRIDGE_HTTP_HOST={host!r} is not an IP address or host name"
            ) from None
    return host


def _public_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("OTPBRIDGE_PUBLIC_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigError(
            f"OTPBRIDGE_PUBLIC_URL={raw!r} must be an http(s) URL without a query, "
            "e.g. https://otp.corp.example"
        )
    return raw.rstrip("/")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: use 1 or 0")


def load_serve_settings(env: Mapping[str, str] | None = None) -> ServeSettings:
    """:class:`ServeSettings` from the environment; :class:`ConfigError` names the variable
    that is missing or wrong and how to fix it."""
    env = os.environ if env is None else env
    try:
        redis_url = read_redis_url(env)
    except WorkerConfigError as exc:
        raise ConfigError(str(exc)) from None
    wait_max = _seconds(env, "OTPBRIDGE_HTTP_WAIT_MAX", 120.0, 1.0, 3600.0)
    metrics_port = _int(env, "OTPBRIDGE_METRICS_PORT", 0, 0, 65535)
    return ServeSettings(
        redis_url=Secret(redis_url),
        api_token=_api_token(env),
        host=_host(env),
        port=_int(env, "OTPBRIDGE_HTTP_PORT", DEFAULT_PORT, 0, 65535),
        prefix=env.get("OTPBRIDGE_PREFIX", "").strip() or "otpb",
        address=env.get("OTPBRIDGE_ADDRESS", "").strip() or None,
        public_url=_public_url(env),
        metrics_port=metrics_port or None,
        log_level=env.get("OTPBRIDGE_LOG_LEVEL", "").strip() or "INFO",
        rate_limit=_int(env, "OTPBRIDGE_HTTP_RATE_LIMIT", 600, 0, 10**9),
        rate_window_s=_seconds(env, "OTPBRIDGE_HTTP_RATE_WINDOW", 60.0, 1.0, 86400.0),
        wait_default_s=min(wait_max, 55.0),
        wait_max_s=wait_max,
        sse_max_s=_seconds(env, "OTPBRIDGE_HTTP_SSE_MAX", 600.0, 1.0, 86400.0),
        sse_heartbeat_s=_seconds(env, "OTPBRIDGE_HTTP_SSE_HEARTBEAT", 15.0, 0.1, 3600.0),
        session_ttl_s=_seconds(env, "OTPBRIDGE_HTTP_SESSION_TTL", 12 * 3600.0, 60.0, 30 * 86400.0),
        shutdown_grace_s=_seconds(env, "OTPBRIDGE_HTTP_SHUTDOWN_GRACE", 10.0, 0.0, 3600.0),
        require_watcher=_bool(env, "OTPBRIDGE_HTTP_REQUIRE_BRIDGE", True),
    )
