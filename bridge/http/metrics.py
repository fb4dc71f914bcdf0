"""Metrics and the one log line per request of ``serve``.

The series join the bridge's and the workers' registry (:data:`otpbridge.worker.metrics.
REGISTRY`), served with ``/healthz`` and ``/readyz`` on ``OTPBRIDGE_METRICS_PORT`` — never on the
API port, which an ingress exposes. Requests are labelled by the endpoint's name (bounded),
never by path or query: a path holds an inbox id, a query may hold a TOTP secret. For the same
reason uvicorn's access log is off and this middleware logs instead.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from otpbridge.worker.metrics import REGISTRY

__all__ = ["REQUESTS", "REQUEST_SECONDS", "WAITS", "RequestLog"]

REQUESTS = Counter(
    "otpbridge_http_requests",
    "HTTP API requests by endpoint, method and status.",
    ["endpoint", "method", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "otpbridge_http_request_seconds",
    "HTTP API request duration (long-polls and event streams included) by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0),
    registry=REGISTRY,
)
WAITS = Counter(
    "otpbridge_http_waits",
    "Long-polls by kind (otp, link) and outcome (found, timeout, client_gone).",
    ["kind", "outcome"],
    registry=REGISTRY,
)

log = structlog.get_logger("otpbridge.http")


def _endpoint_name(scope: Scope) -> str:
    endpoint: Any = scope.get("endpoint")
    if endpoint is None:
        return "unmatched"
    return str(getattr(endpoint, "__name__", type(endpoint).__name__))


class RequestLog:
    """Pure ASGI middleware (it must not buffer: long-polls and SSE stream through it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            name = _endpoint_name(scope)
            elapsed = time.perf_counter() - started
            REQUESTS.labels(name, scope["method"], str(status)).inc()
            REQUEST_SECONDS.labels(name).observe(elapsed)
            log.info(
                "http_request",
                method=scope["method"],
                endpoint=name,
                status=status,
                ms=round(elapsed * 1000, 1),
                inbox_id=scope.get("path_params", {}).get("inbox_id"),
            )
