"""HttpBackend's handling of what serve can answer, at the transport seam (httpx.MockTransport):
a wait whose answer is lost is asked again once with the same Idempotency-Key; statuses map to
the errors the tools explain. (tests/test_mcp_http.py runs it against a real serve.)"""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from otpbridge.bridge.errors import (
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
    WatcherDownError,
)
from otpbridge.bridge.mcp.backend import BackendError, NothingArrived
from otpbridge.bridge.mcp.backend_http import HttpBackend
from otpbridge.bridge.settings import Secret

INBOX = "a" * 20
TOKEN = "admin-token-0123456789abcdef"
OTP = {"code": "123456", "code_display": "123 456", "expires_in_s": 600, "message": {"id": "m"}}


def _run(handler: Any, call: Any) -> Any:
    async def main() -> Any:
        backend = HttpBackend(
            "http://serve.test", Secret(TOKEN), transport=httpx.MockTransport(handler)
        )
        try:
            return await call(backend)
        finally:
            await backend.aclose()

    return anyio.run(main)


def test_a_lost_answer_is_asked_again_with_the_same_idempotency_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return httpx.Response(200, json=OTP)

    got = _run(handler, lambda b: b.wait_for_otp(INBOX, 30))
    assert got == OTP
    assert len(seen) == 2
    keys = {r.headers["Idempotency-Key"] for r in seen}
    assert len(keys) == 1
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen[0].url.params["timeout"] == "30"
    assert seen[0].url.path == f"/v1/inboxes/{INBOX}/otp"


def test_204_is_nothing_arrived_with_the_header_count() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["kind"] == "magic_link"
        return httpx.Response(204, headers={"Otpbridge-Mails-Arrived": "3"})

    got = _run(handler, lambda b: b.wait_for_link(INBOX, "magic_link", 5))
    assert got == NothingArrived(3)


def test_create_drops_the_inbox_token_and_webhook_secret() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            201,
            json={
                "id": INBOX,
                "email": "x@y",
                "expires_at": "t",
                "token": "s3",
                "webhook_secret": "w",
            },
        )

    got = _run(handler, lambda b: b.create_inbox(60, None, None))
    assert got == {"id": INBOX, "email": "x@y", "expires_at": "t"}


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "says"),
    [
        (
            404,
            {"error": "inbox_not_found", "detail": "no such inbox"},
            {},
            InboxNotFoundError,
            "does not exist",
        ),
        (401, {"error": "unauthorized", "detail": "x"}, {}, BackendError, "OTPBRIDGE_API_TOKEN"),
        (429, {"error": "rate_limited", "detail": "x"}, {"Retry-After": "7"}, BackendError, "7 s"),
        (503, {"error": "bridge_down", "detail": "no bridge"}, {}, WatcherDownError, "no bridge"),
        (
            502,
            {"error": "extraction_failed", "detail": "too big"},
            {},
            ExtractionFailedError,
            "too big",
        ),
        (503, {"error": "pipeline_error", "detail": "odd"}, {}, PipelineError, "odd"),
        (503, {"error": "shutting_down", "detail": "x"}, {}, BackendError, "call the tool again"),
        (
            422,
            {"error": "invalid_request", "detail": "ttl: too long"},
            {},
            BackendError,
            "ttl: too long",
        ),
    ],
)
def test_error_statuses_become_errors_the_tools_explain(
    status: int, body: dict[str, str], headers: dict[str, str], error: type[Exception], says: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    with pytest.raises(error) as info:
        _run(handler, lambda b: b.wait_for_otp(INBOX, 1))
    assert says in str(info.value)
    assert TOKEN not in str(info.value)
    if issubclass(error, PipelineError):
        assert not isinstance(info.value, BackendError)


def test_an_unreachable_serve_is_a_clear_error_without_the_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(BackendError, match="unreachable") as info:
        _run(handler, lambda b: b.list_emails(INBOX))
    assert TOKEN not in str(info.value)
    assert "OTPBRIDGE_SERVE_URL" in str(info.value)
