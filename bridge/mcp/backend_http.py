"""The MCP tools on the HTTP API of ``otpbridge serve`` (the default: an agent machine holds a
bearer token, never the Redis URL).

Long-poll waits map onto ``GET /v1/inboxes/{id}/otp|link?timeout=S``: ``200`` is the result,
``204`` is "nothing arrived" with the ``Otpbridge-Mails-Arrived`` count. Each wait sends an
``Idempotency-Key``, and a wait whose answer is lost on the way (a reset connection) is asked
again once with the same key, so the lost answer does not burn the code.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import quote

import httpx

from otpbridge.bridge.errors import (
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
    WatcherDownError,
)
from otpbridge.bridge.mcp.backend import BackendError, NothingArrived
from otpbridge.bridge.sdk.models import LinkKindFilter
from otpbridge.bridge.settings import Secret

__all__ = ["MAILS_ARRIVED_HEADER", "HttpBackend"]

MAILS_ARRIVED_HEADER: Final = "Otpbridge-Mails-Arrived"
#: Added to a wait's own timeout for the HTTP read: the server answers 204 at its deadline.
_READ_MARGIN_S: Final = 30.0
#: Fields of ``POST /v1/inboxes``'s answer that an LLM must not see (bearer and HMAC secrets;
#: the MCP server already holds a token that reaches the inbox).
_SECRET_FIELDS: Final = ("token", "webhook_secret")


def _error(response: httpx.Response) -> tuple[str, str]:
    """``(error, detail)`` of serve's JSON error body (``detail`` cut short)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return "", response.reason_phrase
    return str(body.get("error") or ""), str(body.get("detail") or response.reason_phrase)[:500]


class HttpBackend:
    """Implements :class:`~bridge.mcp.backend.Backend` over httpx. ``transport`` is for tests
    that run serve's ASGI app in process."""

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token.reveal()}"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"HttpBackend({self.base_url!r})"

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        wait_s: float = 0.0,
    ) -> httpx.Response:
        headers = {}
        timeout = httpx.Timeout(wait_s + _READ_MARGIN_S, connect=10.0)
        if wait_s:
            headers["Idempotency-Key"] = secrets.token_hex(16)
        for attempt in (1, 2):
            try:
                response = await self._http.request(
                    method, path, params=params, json=body, headers=headers, timeout=timeout
                )
            except httpx.TransportError as exc:
                # Only a wait (which carries an idempotency key) is safe to ask again.
                if attempt == 1 and wait_s and not isinstance(exc, httpx.TimeoutException):
                    continue
                raise BackendError(
                    f"otpbridge serve at {self.base_url} is unreachable ({type(exc).__name__}): "
                    "check OTPBRIDGE_SERVE_URL and that serve runs"
                ) from None
            break
        self._raise_for(response, path)
        return response

    def _raise_for(self, response: httpx.Response, path: str) -> None:
        status = response.status_code
        if status < 400:
            return
        error, detail = _error(response)
        if status == 404 and path.startswith("/v1/inboxes/"):
            inbox_id = path.split("/")[3]
            raise InboxNotFoundError(
                f"inbox {inbox_id} does not exist (deleted or expired, or not reachable with "
                "this token)"
            )
        if status == 401:
            raise BackendError("otpbridge serve refused the token (401): check OTPBRIDGE_API_TOKEN")
        if status == 429:
            retry = response.headers.get("Retry-After", "a few")
            raise BackendError(f"rate limited by otpbridge serve: try again in {retry} s")
        if error == "shutting_down":
            raise BackendError("otpbridge serve is restarting: call the tool again")
        if error == "extraction_failed":
            raise ExtractionFailedError(detail)
        if error == "bridge_down":
            raise WatcherDownError(detail)
        if status in (502, 503):  # another pipeline error, or no address template
            raise PipelineError(f"otpbridge serve answered {status} ({error}): {detail}")
        raise BackendError(f"otpbridge serve answered {status}: {detail}")

    @staticmethod
    def _object(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BackendError(f"otpbridge serve answered {response.status_code} without JSON")
        return body

    async def create_inbox(
        self, ttl: float, allowed_senders: Sequence[str] | None, label: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"ttl": ttl}
        if allowed_senders:
            body["allowed_senders"] = list(allowed_senders)
        if label is not None:
            body["label"] = label
        inbox = self._object(await self._send("POST", "/v1/inboxes", body=body))
        return {k: v for k, v in inbox.items() if k not in _SECRET_FIELDS}

    async def _wait(
        self, inbox_id: str, what: str, params: dict[str, str], timeout: float
    ) -> dict[str, Any] | NothingArrived:
        params = {**params, "timeout": f"{timeout:g}"}
        path = f"/v1/inboxes/{quote(inbox_id, safe='')}/{what}"
        response = await self._send("GET", path, params=params, wait_s=timeout)
        if response.status_code == 204:
            try:
                arrived = int(response.headers.get(MAILS_ARRIVED_HEADER, "0"))
            except ValueError:
                arrived = 0
            return NothingArrived(arrived)
        return self._object(response)

    async def wait_for_otp(self, inbox_id: str, timeout: float) -> dict[str, Any] | NothingArrived:
        return await self._wait(inbox_id, "otp", {}, timeout)

    async def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter, timeout: float
    ) -> dict[str, Any] | NothingArrived:
        return await self._wait(inbox_id, "link", {"kind": kind}, timeout)

    async def list_emails(self, inbox_id: str) -> list[dict[str, Any]]:
        response = await self._send("GET", f"/v1/inboxes/{quote(inbox_id, safe='')}/messages")
        body = response.json()
        if isinstance(body, dict):
            body = body.get("messages", body.get("items"))
        if not isinstance(body, list):
            raise BackendError("otpbridge serve answered the message list in an unknown shape")
        return [m for m in body if isinstance(m, dict)]

    async def delete_inbox(self, inbox_id: str) -> None:
        await self._send("DELETE", f"/v1/inboxes/{quote(inbox_id, safe='')}")

    async def aclose(self) -> None:
        await self._http.aclose()
