"""Worker settings, read once from ``OTPBRIDGE_*`` environment variables at the entry point."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import redis

from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.redis_conn import SCHEMES, check_url, is_sentinel_url, sentinel_url_from_env
from otpbridge.worker.webhook.settings import WebhookSettings

__all__ = [
    "ABANDON_GRACE_S",
    "FAILURE_TTL_S",
    "JOB_TIMEOUT_S",
    "MAINTENANCE_INTERVAL_S",
    "QUEUE_NAME",
    "RESULT_TTL_S",
    "RETRY_INTERVALS_S",
    "OcrMode",
    "WorkerClass",
    "WorkerQueues",
    "WorkerSettings",
    "check_redis_url",
    "read_redis_url",
    "redact_url",
]

#: The RQ queue every extraction job goes to (DESIGN.md §2).
QUEUE_NAME: Final = "otpbridge"
#: Extraction of one mail takes milliseconds; 30 s means something is stuck.
JOB_TIMEOUT_S: Final = 30
#: Three retries after the first attempt: a code is worth little after a minute.
RETRY_INTERVALS_S: Final = (1, 3, 10)
#: The job's return value is an event id; nobody reads it after a minute.
RESULT_TTL_S: Final = 60
#: Failed jobs keep their traceback for diagnosis, but not the default year.
FAILURE_TTL_S: Final = 24 * 3600
#: How often a worker looks for jobs of dead workers (RQ default: 10 minutes).
MAINTENANCE_INTERVAL_S: Final = 10
#: A started job counts as abandoned this long after its timeout (RQ's fixed margin: 60 s).
ABANDON_GRACE_S: Final = 15

WorkerClass = Literal["simple", "fork"]
#: Which queues a worker takes jobs from: both (extraction first), or one of them.
WorkerQueues = Literal["all", "extraction", "webhooks"]
#: ``OTPBRIDGE_OCR``: ``auto`` reads codes shown as images when the ``ocr`` extra and
#: tesseract are installed (:mod:`worker.ocr`), ``off`` never does.
OcrMode = Literal["auto", "off"]

_QUERY_PASSWORD = re.compile(r"(password=)[^&]*")
_AUTHORITY_END = re.compile(r"[/?#]")


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for logs and reprs.

    The user information ends at the *last* ``@`` before the host: a raw ``@`` in a password
    (``redis://:p@ss@host``) must not leave its tail showing. When a raw ``/`` cuts the
    authority short before any ``@`` (``redis://:pa/ss@host``), everything up to the last ``@``
    before the query is hidden instead.
    """
    start = url.find("://") + 3
    if start >= 3:
        stop = _AUTHORITY_END.search(url, start)
        authority_end = len(url) if stop is None else stop.start()
        at = url.rfind("@", start, authority_end)
        if at < 0 and ":" in url[start:authority_end]:
            query = url.find("?", start)
            at = url.rfind("@", start, len(url) if query < 0 else query)
        if at >= 0:
            user, colon, _ = url[start:at].partition(":")
            if colon or at >= authority_end:
                url = f"{url[:start]}{user.partition('/')[0]}:***{url[at:]}"
    return _QUERY_PASSWORD.sub(r"\1***", url)


def check_redis_url(url: str, source: str = "OTPBRIDGE_REDIS_URL") -> str:
    """``url`` if redis-py can parse it (nothing connects), else a :class:`WorkerConfigError`.

    Parsing here turns a typo into one line at start-up instead of a traceback from the first
    command that touches Redis.
    """
    if not url.startswith(SCHEMES):
        raise WorkerConfigError(
            f"{source} must start with redis://, rediss://, unix:// or redis+sentinel://"
        )
    try:
        check_url(url)
        pool = None if is_sentinel_url(url) else redis.ConnectionPool.from_url(url)
    except ValueError as exc:
        raise WorkerConfigError(f"{source}={redact_url(url)!r}: {exc}") from None
    for name, value in (pool.connection_kwargs if pool is not None else {}).items():
        # ?socket_timeout=nan parses; the first connect would raise out of settimeout.
        if isinstance(value, float) and not (math.isfinite(value) and 0 <= value <= 1e9):
            raise WorkerConfigError(
                f"{source}={redact_url(url)!r}: {name}={value!r} is not a number of seconds"
            )
    return url


def read_redis_url(env: Mapping[str, str]) -> str:
    """``OTPBRIDGE_REDIS_URL``, else the contents of the file ``OTPBRIDGE_REDIS_URL_FILE`` names
    (Kubernetes secrets), checked by :func:`check_redis_url`."""
    url = env.get("OTPBRIDGE_REDIS_URL", "").strip()
    url_file = env.get("OTPBRIDGE_REDIS_URL_FILE", "").strip()
    if not url and url_file:
        try:
            with open(url_file, encoding="utf-8") as fh:
                url = fh.read().strip()
        except OSError as exc:
            raise WorkerConfigError(
                f"OTPBRIDGE_REDIS_URL_FILE={url_file!r}: {exc.strerror}"
            ) from None
    if not url:
        try:
            url = sentinel_url_from_env(env) or ""
        except ValueError as exc:
            raise WorkerConfigError(str(exc)) from None
    if not url:
        raise WorkerConfigError("OTPBRIDGE_REDIS_URL is not set (e.g. redis://127.0.0.1:6380/0)")
    return check_redis_url(url)


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int = 0, maximum: int = 10**9
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise WorkerConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise WorkerConfigError(f"{name}={value} must be >= {minimum}")
    if value > maximum:  # also keeps timedelta and socket timeouts from overflowing
        raise WorkerConfigError(f"{name}={value} must be <= {maximum}")
    return value


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """Everything ``otpbridge worker`` needs; build with :meth:`from_env`."""

    redis_url: str = field(repr=False)
    prefix: str = "otpb"
    queue_name: str = QUEUE_NAME
    result_ttl_s: int = RESULT_TTL_S
    abandon_grace_s: int = ABANDON_GRACE_S
    maintenance_interval_s: int = MAINTENANCE_INTERVAL_S
    worker_class: WorkerClass = "simple"
    metrics_port: int | None = None
    queues: WorkerQueues = "all"
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    #: Read codes shown as images (``otpbridge[ocr]``): ``auto`` when installed, or ``off``.
    ocr: OcrMode = "auto"

    @property
    def redis_url_redacted(self) -> str:
        return redact_url(self.redis_url)

    def __repr__(self) -> str:
        return (
            f"WorkerSettings(redis_url={self.redis_url_redacted!r}, prefix={self.prefix!r}, "
            f"queue_name={self.queue_name!r}, worker_class={self.worker_class!r}, "
            f"metrics_port={self.metrics_port!r}, queues={self.queues!r}, ocr={self.ocr!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        """Read ``OTPBRIDGE_REDIS_URL`` (or ``OTPBRIDGE_REDIS_URL_FILE``), ``OTPBRIDGE_PREFIX``,
        ``OTPBRIDGE_WORKER_CLASS`` (simple|fork), ``OTPBRIDGE_METRICS_PORT``,
        ``OTPBRIDGE_ABANDON_GRACE`` and ``OTPBRIDGE_MAINTENANCE_INTERVAL`` (seconds),
        ``OTPBRIDGE_WORKER_QUEUES`` (all|extraction|webhooks), ``OTPBRIDGE_OCR`` (auto|off)
        and the webhook settings (:meth:`WebhookSettings.from_env`)."""
        env = os.environ if env is None else env
        url = read_redis_url(env)
        prefix = env.get("OTPBRIDGE_PREFIX", "").strip() or "otpb"
        worker_class = env.get("OTPBRIDGE_WORKER_CLASS", "").strip() or "simple"
        if worker_class not in ("simple", "fork"):
            raise WorkerConfigError(
                f"OTPBRIDGE_WORKER_CLASS={worker_class!r}: use 'simple' or 'fork'"
            )
        port = _int(env, "OTPBRIDGE_METRICS_PORT", 0, maximum=65535)
        queues = env.get("OTPBRIDGE_WORKER_QUEUES", "").strip() or "all"
        if queues not in ("all", "extraction", "webhooks"):
            raise WorkerConfigError(
                f"OTPBRIDGE_WORKER_QUEUES={queues!r}: use 'all', 'extraction' or 'webhooks'"
            )
        ocr = env.get("OTPBRIDGE_OCR", "").strip().lower() or "auto"
        if ocr not in ("auto", "off"):
            raise WorkerConfigError(f"OTPBRIDGE_OCR={ocr!r}: use 'auto' or 'off'")
        return cls(
            redis_url=url,
            prefix=prefix,
            abandon_grace_s=_int(env, "OTPBRIDGE_ABANDON_GRACE", ABANDON_GRACE_S, minimum=1),
            maintenance_interval_s=_int(
                env, "OTPBRIDGE_MAINTENANCE_INTERVAL", MAINTENANCE_INTERVAL_S, minimum=1
            ),
            worker_class="fork" if worker_class == "fork" else "simple",
            metrics_port=port or None,
            queues="extraction"
            if queues == "extraction"
            else "webhooks"
            if queues == "webhooks"
            else "all",
            webhooks=WebhookSettings.from_env(env),
            ocr="off" if ocr == "off" else "auto",
        )
