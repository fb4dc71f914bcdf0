"""The MCP tools on the SDK's ``AsyncClient``: Redis in process.

For trusted local setups (``otpbridge mcp`` with ``OTPBRIDGE_REDIS_URL`` and no serve address)
and for ``serve``'s ``/mcp`` mount, which wraps it in the caller's principal (see
:mod:`bridge.mcp.http`). The SDK's own rules hold unchanged: a code is handed out once, a broken
pipeline raises instead of waiting silently.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from otpbridge.bridge.mcp.backend import NothingArrived
from otpbridge.bridge.sdk.aio import AsyncClient
from otpbridge.bridge.sdk.models import LinkKindFilter
from otpbridge.bridge.sdk.records import missing_inbox
from otpbridge.bridge.sdk.results import email_result, inbox_result, link_result, otp_result

__all__ = ["RedisBackend"]


class RedisBackend:
    """Implements :class:`~bridge.mcp.backend.Backend`. ``owned``: close the client with the
    backend (``serve`` passes its shared client and closes it itself)."""

    def __init__(self, client: AsyncClient, *, owned: bool = True) -> None:
        self.client = client
        self._owned = owned

    @classmethod
    def from_url(cls, url: str) -> RedisBackend:
        """A client named after this process (``host:pid``, what ``handed_out.by`` shows)."""
        return cls(AsyncClient.from_url(url))

    async def create_inbox(
        self, ttl: float, allowed_senders: Sequence[str] | None, label: str | None
    ) -> dict[str, Any]:
        senders = list(allowed_senders) if allowed_senders else None
        return inbox_result(await self.client.inboxes.create(ttl, senders, label))

    async def _arrived_since(self, inbox_id: str, start_ms: int) -> int:
        """Mails routed to the inbox since ``start_ms`` (the stored-mail index, by routed_at)."""
        key = self.client.keys.messages(inbox_id)
        count = await self.client.redis.zcount(key, start_ms, "+inf")
        return int(count)

    async def wait_for_otp(self, inbox_id: str, timeout: float) -> dict[str, Any] | NothingArrived:
        start_ms = int(time.time() * 1000)
        otp = await self.client.messages.wait_for_otp(inbox_id, timeout=timeout)
        if otp is None:
            return NothingArrived(await self._arrived_since(inbox_id, start_ms))
        return otp_result(otp)

    async def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter, timeout: float
    ) -> dict[str, Any] | NothingArrived:
        start_ms = int(time.time() * 1000)
        link = await self.client.messages.wait_for_link(inbox_id, kind=kind, timeout=timeout)
        if link is None:
            return NothingArrived(await self._arrived_since(inbox_id, start_ms))
        return link_result(link)

    async def list_emails(self, inbox_id: str) -> list[dict[str, Any]]:
        return [email_result(e) for e in await self.client.inboxes.list_emails(inbox_id)]

    async def delete_inbox(self, inbox_id: str) -> None:
        if not await self.client.inboxes.delete(inbox_id):
            raise missing_inbox(inbox_id)

    async def aclose(self) -> None:
        if self._owned:
            await self.client.close()
