"""Every error of the HTTP API as one JSON shape, ``{"error": <name>, "detail": <sentence>}``
(``field`` too when a request value is wrong), and the SDK's errors mapped onto statuses.

``error`` is a stable machine name a client branches on; ``detail`` is for people and never
carries a token, a code or mail content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis
import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from otpbridge.bridge.errors import (
    BridgeError,
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
    WatcherDownError,
)

__all__ = [
    "EXCEPTION_HANDLERS",
    "ApiError",
    "error_response",
    "invalid",
    "not_found",
]

log = structlog.get_logger("otpbridge.http")

_HTTP_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}


class ApiError(Exception):
    """Raised anywhere below a route; the handler answers it as JSON."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.field = field
        self.headers = dict(headers or {})


def error_response(
    status: int,
    error: str,
    detail: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "detail": detail}
    if field is not None:
        body["field"] = field
    out = JSONResponse(body, status_code=status, headers=dict(headers or {}))
    out.headers["Cache-Control"] = "no-store"
    return out


def invalid(field: str, detail: str) -> ApiError:
    """422 naming the request field (body key or query parameter) that is wrong."""
    return ApiError(422, "invalid_request", f"{field}: {detail}", field=field)


def not_found(what: str = "inbox") -> ApiError:
    """The same answer for "no such inbox" and "not yours": a token reveals nothing about
    inboxes it does not hold."""
    return ApiError(404, f"{what}_not_found", f"no such {what}")


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.error, exc.detail, field=exc.field, headers=exc.headers)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    name = _HTTP_NAMES.get(exc.status_code, "error")
    return error_response(exc.status_code, name, str(exc.detail), headers=exc.headers)


async def _sdk_error(_request: Request, exc: Exception) -> Response:
    if isinstance(exc, InboxNotFoundError):
        return error_response(404, "inbox_not_found", "no such inbox")
    if isinstance(exc, WatcherDownError):
        # No bridge heartbeat: no mail can arrive, so a 204 would be a silent lie.
        return error_response(503, "bridge_down", str(exc), headers={"Retry-After": "30"})
    if isinstance(exc, ExtractionFailedError):
        return error_response(502, "extraction_failed", str(exc))
    if isinstance(exc, PipelineError):
        return error_response(503, "pipeline_error", str(exc), headers={"Retry-After": "30"})
    log.warning("http_bridge_error", error=type(exc).__name__)
    return error_response(500, "internal", "the server could not answer; see its log")


async def _redis_error(_request: Request, exc: Exception) -> Response:
    log.warning("http_redis_unavailable", error=type(exc).__name__)
    return error_response(
        503, "redis_unavailable", "the server cannot reach Redis", headers={"Retry-After": "5"}
    )


async def _unexpected(_request: Request, exc: Exception) -> Response:
    log.error("http_internal_error", error=type(exc).__name__, exc_info=exc)
    return error_response(500, "internal", "the server could not answer; see its log")


#: For ``Starlette(exception_handlers=...)``.
EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    BridgeError: _sdk_error,
    redis.RedisError: _redis_error,
    Exception: _unexpected,
}
