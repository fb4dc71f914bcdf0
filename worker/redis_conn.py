"""redis-py clients from ``OTPBRIDGE_REDIS_URL``: plain, TLS, unix socket or Redis Sentinel.

Every process (bridge, worker, status, doctor, the SDK) builds its clients here, so a URL
means the same thing everywhere. Besides what redis-py's ``from_url`` takes (``redis://``,
``rediss://``, ``unix://``), a Sentinel deployment is named by::

    redis+sentinel://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT...]/SERVICE[/DB][?sentinel_password=P]
    rediss+sentinel://...        (TLS to the sentinels and to the primary; ?ssl_ca_certs=FILE)

``USER``/``PASSWORD`` authenticate at the primary (percent-encoded); ``sentinel_password`` at the
sentinels, if they require one. A port left out is 26379. The clients always talk to the
primary (``Sentinel.master_for``): the bridge, the workers and the SDK all write, and a lease
must be read where it is written. After a failover the next command finds the new primary; a
command cut off by it fails with a ``redis.ConnectionError``, which every caller already
treats as "retry".

``OTPBRIDGE_REDIS_SENTINELS=host:port,host:port`` with ``OTPBRIDGE_REDIS_SENTINEL_SERVICE``
(:func:`sentinel_url_from_env`) is the same without a URL, for deployments without passwords.

Redis Cluster is out of scope: RQ keeps its queue, registries and jobs under keys that share
no hash tag, so it does not run on a cluster (all of otpbridge's own keys of one inbox do
share ``{<id>}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

import redis
import redis.asyncio as aredis
import redis.asyncio.sentinel as asentinel
import redis.sentinel

__all__ = [
    "SCHEMES",
    "SENTINEL_SCHEMES",
    "SentinelUrl",
    "async_client",
    "check_url",
    "is_sentinel_url",
    "parse_sentinel_url",
    "sentinel_url_from_env",
    "sync_client",
]

SENTINEL_SCHEMES: Final = ("redis+sentinel://", "rediss+sentinel://")
PLAIN_SCHEMES: Final = ("redis://", "rediss://", "unix://")
SCHEMES: Final = (*PLAIN_SCHEMES, *SENTINEL_SCHEMES)
DEFAULT_SENTINEL_PORT: Final = 26379
_QUERY_OPTIONS: Final = ("sentinel_password", "ssl_ca_certs")


@dataclass(frozen=True, slots=True)
class SentinelUrl:
    """A parsed ``redis+sentinel://`` URL."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_password: str | None = None
    ssl: bool = False
    ssl_ca_certs: str | None = None

    def primary_options(self) -> dict[str, Any]:
        """Connection options of the primary (redis-py keyword arguments)."""
        options: dict[str, Any] = {"db": self.db}
        if self.username:
            options["username"] = self.username
        if self.password:
            options["password"] = self.password
        options.update(self._tls())
        return options

    def sentinel_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Connection options of the sentinels: the socket options of ``options`` (timeouts,
        keepalive), TLS and the sentinel password."""
        chosen = {k: v for k, v in options.items() if k.startswith("socket_")}
        if self.sentinel_password:
            chosen["password"] = self.sentinel_password
        chosen.update(self._tls())
        return chosen

    def _tls(self) -> dict[str, Any]:
        if not self.ssl:
            return {}
        tls: dict[str, Any] = {"ssl": True}
        if self.ssl_ca_certs:
            tls["ssl_ca_certs"] = self.ssl_ca_certs
        return tls


def is_sentinel_url(url: str) -> bool:
    return url.startswith(SENTINEL_SCHEMES)


def _host_port(part: str) -> tuple[str, int]:
    if part.startswith("["):  # [::1]:26379
        host, _, rest = part[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = part.rpartition(":") if ":" in part else (part, "", "")
    if not host:
        raise ValueError(f"sentinel {part!r} has no host")
    if not port_text:
        return host, DEFAULT_SENTINEL_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"sentinel {part!r} has no valid port")
    return host, int(port_text)


def parse_sentinel_url(url: str) -> SentinelUrl:
    """Parse a ``redis+sentinel://`` / ``rediss+sentinel://`` URL; ``ValueError`` says why not."""
    if not is_sentinel_url(url):
        raise ValueError("a Sentinel URL starts with redis+sentinel:// or rediss+sentinel://")
    # urlsplit cannot take "h1:p1,h2:p2" as a netloc port; split by hand.
    parts = urlsplit(url)
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    sentinels = tuple(_host_port(h.strip()) for h in hosts.split(",") if h.strip())
    if not sentinels:
        raise ValueError("names no sentinel (redis+sentinel://HOST:PORT,HOST:PORT/SERVICE)")
    path = [p for p in parts.path.split("/") if p]
    if not path or len(path) > 2:
        raise ValueError("the path must be /SERVICE or /SERVICE/DB (the name Sentinel monitors)")
    db = 0
    if len(path) == 2:
        if not path[1].isdigit():
            raise ValueError(f"database {path[1]!r} is not a number")
        db = int(path[1])
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - set(_QUERY_OPTIONS))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)}; known: {_QUERY_OPTIONS}")
    return SentinelUrl(
        sentinels=sentinels,
        service=unquote(path[0]),
        db=db,
        username=unquote(username) or None,
        password=unquote(password) or None,
        sentinel_password=query.get("sentinel_password", [None])[-1],
        ssl=url.startswith("rediss+"),
        ssl_ca_certs=query.get("ssl_ca_certs", [None])[-1],
    )


def check_url(url: str) -> None:
    """Raise ``ValueError`` unless ``url`` is a Redis URL this module can connect to (nothing
    connects here)."""
    if is_sentinel_url(url):
        parse_sentinel_url(url)
        return
    if not url.startswith(PLAIN_SCHEMES):
        raise ValueError("must start with redis://, rediss://, unix:// or redis+sentinel://")
    redis.ConnectionPool.from_url(url)


def sync_client(url: str, **options: Any) -> redis.Redis:
    """A client of ``url`` (the Sentinel primary for a Sentinel URL) with redis-py ``options``."""
    if not is_sentinel_url(url):
        return redis.Redis.from_url(url, **options)
    parsed = parse_sentinel_url(url)
    sentinel = redis.sentinel.Sentinel(
        parsed.sentinels, sentinel_kwargs=parsed.sentinel_options(options)
    )
    client: redis.Redis = sentinel.master_for(
        parsed.service, **{**parsed.primary_options(), **options}
    )
    return client


def async_client(url: str, **options: Any) -> aredis.Redis:
    """The asyncio flavour of :func:`sync_client`."""
    if not is_sentinel_url(url):
        return aredis.Redis.from_url(url, **options)
    parsed = parse_sentinel_url(url)
    sentinel = asentinel.Sentinel(
        parsed.sentinels, sentinel_kwargs=parsed.sentinel_options(options)
    )
    client: aredis.Redis = sentinel.master_for(
        parsed.service, **{**parsed.primary_options(), **options}
    )
    return client


def sentinel_url_from_env(env: Mapping[str, str]) -> str | None:
    """``OTPBRIDGE_REDIS_SENTINELS`` (``host:port,host:port``) with
    ``OTPBRIDGE_REDIS_SENTINEL_SERVICE`` as a ``redis+sentinel://`` URL, or ``None`` when
    ``OTPBRIDGE_REDIS_SENTINELS`` is unset. ``ValueError`` when the service is missing."""
    hosts = env.get("OTPBRIDGE_REDIS_SENTINELS", "").strip()
    if not hosts:
        return None
    service = env.get("OTPBRIDGE_REDIS_SENTINEL_SERVICE", "").strip()
    if not service:
        raise ValueError(
            "OTPBRIDGE_REDIS_SENTINELS is set but OTPBRIDGE_REDIS_SENTINEL_SERVICE "
            "(the primary's name in Sentinel, e.g. mymaster) is not"
        )
    joined = ",".join(h.strip() for h in hosts.split(",") if h.strip())
    return f"redis+sentinel://{joined}/{service}"
