"""The delivery job: POST one event to its inbox's webhook, signed, to a checked address.

Each attempt reads the inbox (URL, secrets) and the event from Redis, so a rotated secret signs
the next retry and a deleted inbox gets nothing more. Signing follows Standard Webhooks
(``standardwebhooks``): ``webhook-id`` (the same on every retry of one event),
``webhook-timestamp`` (this attempt) and ``webhook-signature`` (``v1,<base64>``; during the
overlap after a rotation one signature per secret, space-separated).

Against SSRF (see :mod:`.target`) the host is resolved here, every address it resolves to is
checked, and the request goes to the checked address itself: the URL's host is replaced by
the address, the ``Host`` header and the TLS SNI/certificate check keep the name. A DNS answer
that changes between check and connect (rebinding) therefore changes nothing. No proxy from
the environment is used (it would connect instead of us), redirects are not followed, and one
HTTP client serves one attempt (no connection of one name is reused for another).

Outcomes: 2xx delivered; 408, 429, 5xx and network errors raise, so RQ retries with the
configured pauses and, after the last, :func:`on_delivery_failure` logs ``webhook_gave_up``;
any other status is the receiver's final answer (``webhook_rejected``, no retry); a refused
address is not retried either (``webhook_refused``). Logs carry ids, host and status only —
never the URL's path or query, the payload or a secret.
"""

from __future__ import annotations

import functools
import json
import socket
import ssl
import time
from datetime import UTC, datetime
from ipaddress import ip_address
from types import TracebackType
from typing import Final

import certifi
import httpx
import redis
import structlog
from prometheus_client import Counter
from rq import get_current_job
from rq.job import Job
from standardwebhooks import Webhook

from otpbridge.worker.errors import WorkerError
from otpbridge.worker.metrics import REGISTRY
from otpbridge.worker.webhook.payload import build_payload
from otpbridge.worker.webhook.queue import webhook_context
from otpbridge.worker.webhook.settings import WebhookSettings
from otpbridge.worker.webhook.target import IPAddress, WebhookTarget, parse_target

__all__ = [
    "WEBHOOK_DELIVERIES",
    "WebhookDeliveryError",
    "deliver",
    "deliver_job",
    "on_delivery_failure",
    "resolve",
]

USER_AGENT: Final = "otpbridge-webhooks/1"

WEBHOOK_DELIVERIES = Counter(
    "otpbridge_webhook_deliveries",
    "Webhook delivery attempts by outcome: delivered, retry (a retry is scheduled), gave_up "
    "(the last retry failed), rejected (a final 4xx/3xx), refused (non-public target), "
    "dropped (inbox, webhook or event gone).",
    ["outcome"],
    registry=REGISTRY,
)

log = structlog.get_logger()


class WebhookDeliveryError(WorkerError):
    """An attempt failed in a way worth retrying (network, 408, 429, 5xx, DNS)."""


def resolve(target: WebhookTarget) -> list[IPAddress]:
    """The addresses to check and use: the literal, or what the resolver answers now."""
    if target.literal is not None:
        return [target.literal]
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookDeliveryError(f"cannot resolve {target.host}: {exc}") from None
    seen: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in seen:
            seen.append(ip)
    if not seen:
        raise WebhookDeliveryError(f"{target.host} resolves to no address")
    return seen


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process (certifi's CAs, as httpx's default): building it
    costs ~100 ms of CPU, more than the rest of a delivery."""
    return ssl.create_default_context(cafile=certifi.where())


def _signature(secrets: list[str], msg_id: str, at: datetime, body: bytes) -> str:
    return " ".join(Webhook(secret).sign(msg_id, at, body) for secret in secrets)


def _pinned(
    target: WebhookTarget, ip: IPAddress
) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL with the checked address as host, the Host header and the TLS name."""
    url = httpx.URL(target.url).copy_with(host=str(ip))
    if target.literal is not None:
        return url, {}, {}
    default = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default else f"{target.host}:{target.port}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return url, {"Host": host}, extensions


def _check(settings: WebhookSettings, url: str) -> tuple[WebhookTarget, list[IPAddress]] | str:
    """The target and its checked addresses, or why it is refused (not worth a retry)."""
    try:
        target = parse_target(url)
    except ValueError as exc:  # stored around the SDK's check
        return str(exc)
    addresses = resolve(target)
    refusal = settings.allow_private.refusal(addresses)
    return (target, addresses) if refusal is None else f"{target.host}: {refusal}"


def deliver(client: redis.Redis, inbox_id: str, message_key: str) -> str:
    """One attempt; returns the outcome (``delivered``, ``rejected``, ``refused``,
    ``dropped``) or raises :class:`WebhookDeliveryError` for a retry."""
    ctx = webhook_context()
    keys, settings = ctx.keys, ctx.settings
    with client.pipeline(transaction=False) as pipe:
        pipe.hmget(
            keys.inbox(inbox_id),
            ["webhook_url", "webhook_secret", "webhook_secret_prev", "webhook_secret_prev_until"],
        )
        pipe.xrange(keys.events(inbox_id))
        (url, secret, prev, prev_until), entries = pipe.execute()
    now = time.time()
    delivery = build_payload(inbox_id, message_key, entries or [], int(now * 1000))
    if not url or not secret or delivery is None:
        WEBHOOK_DELIVERIES.labels(outcome="dropped").inc()
        log.info(
            "webhook_dropped",
            inbox_id=inbox_id,
            message_key=message_key,
            reason="event gone" if url else "inbox or webhook gone",
        )
        return "dropped"
    checked = _check(settings, _text(url))
    if isinstance(checked, str):
        WEBHOOK_DELIVERIES.labels(outcome="refused").inc()
        log.warning("webhook_refused", inbox_id=inbox_id, message_key=message_key, reason=checked)
        return "refused"
    target, addresses = checked
    secrets = [_text(secret)]
    if prev and int(_text(prev_until) or 0) > now * 1000:
        secrets.append(_text(prev))
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    # To the addresses checked just above: no second lookup that a rebinding DNS could answer.
    msg_id = f"evt_{inbox_id}_{delivery.event_id}"
    status, took_ms = _post(settings.timeout_s, target, addresses, msg_id, body, secrets)
    fields = {"inbox_id": inbox_id, "message_key": message_key, "host": target.host}
    if 200 <= status < 300:
        WEBHOOK_DELIVERIES.labels(outcome="delivered").inc()
        log.info("webhook_delivered", **fields, status=status, ms=took_ms)
        return "delivered"
    if status in (408, 429) or status >= 500:
        raise WebhookDeliveryError(f"{target.host} answered {status}")
    WEBHOOK_DELIVERIES.labels(outcome="rejected").inc()
    log.warning("webhook_rejected", **fields, status=status, ms=took_ms)
    return "rejected"


def _post(
    timeout_s: float,
    target: WebhookTarget,
    addresses: list[IPAddress],
    msg_id: str,
    body: bytes,
    secrets: list[str],
) -> tuple[int, int]:
    """POST ``body`` signed with each of ``secrets`` to the first of ``addresses`` that takes
    the connection (as browsers do with a name's several records); the status and
    milliseconds. The response body is never read."""
    at = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": _signature(secrets, msg_id, at, body),
    }
    started = time.perf_counter()
    failure = "no address"
    for ip in addresses:
        url, host_header, extensions = _pinned(target, ip)
        try:
            with (
                httpx.Client(
                    timeout=timeout_s, verify=_tls(), trust_env=False, follow_redirects=False
                ) as http,
                http.stream(
                    "POST", url, content=body, headers=headers | host_header, extensions=extensions
                ) as resp,
            ):
                return resp.status_code, int((time.perf_counter() - started) * 1000)
        except httpx.ConnectError:
            failure = "ConnectError"  # refused or unreachable: the next address may take it
        except httpx.HTTPError as exc:
            raise WebhookDeliveryError(f"{target.host}: {type(exc).__name__}") from None
    raise WebhookDeliveryError(f"{target.host}: {failure}")


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def deliver_job(inbox_id: str, message_key: str) -> str:
    """RQ entry point (queued by dotted path from :mod:`.queue`)."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("webhook deliveries run inside an RQ worker")
    return deliver(job.connection, inbox_id, message_key)


def on_delivery_failure(
    job: Job,
    connection: redis.Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback: count a scheduled retry, or log and count giving up."""
    del connection, traceback
    inbox_id, message_key = (str(a) for a in job.args[:2])
    if isinstance(exc_value, WorkerError):
        reason = str(exc_value)
    else:  # a type name only: other messages may quote what they were handed
        reason = exc_type.__name__ if exc_type is not None else "unknown"
    if job.should_retry:
        WEBHOOK_DELIVERIES.labels(outcome="retry").inc()
        log.warning(
            "webhook_retry",
            inbox_id=inbox_id,
            message_key=message_key,
            reason=reason,
            retries_left=job.retries_left,
        )
        return
    WEBHOOK_DELIVERIES.labels(outcome="gave_up").inc()
    log.error("webhook_gave_up", inbox_id=inbox_id, message_key=message_key, reason=reason)
