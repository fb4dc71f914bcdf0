"""What the MCP tools need from otpbridge, whichever way they reach it.

Two implementations: :class:`~bridge.mcp.backend_http.HttpBackend` (the HTTP API of
``otpbridge serve`` with a bearer token — what an agent machine uses) and
:class:`~bridge.mcp.backend_redis.RedisBackend` (the SDK's ``AsyncClient`` in process — trusted
local setups, and ``serve``'s own ``/mcp`` mount). Both hand back the same JSON shapes, those of
:mod:`bridge.sdk.results`, so a tool never knows which one it talks to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from otpbridge.bridge.errors import BridgeError
from otpbridge.bridge.sdk.models import LinkKindFilter

__all__ = ["Backend", "BackendError", "NothingArrived"]


class BackendError(BridgeError):
    """The service behind the tools refused or failed a call. The message is meant for the
    agent (and its LLM): it says what went wrong and what to do, and never carries a secret."""


@dataclass(frozen=True, slots=True)
class NothingArrived:
    """A wait ended without a code or link. ``mails_arrived``: mails that reached the inbox
    while it waited (0 means none came at all; more means they carried nothing to return)."""

    mails_arrived: int


class Backend(Protocol):
    """Unknown inboxes raise :class:`~bridge.errors.InboxNotFoundError`; a broken mail pipeline
    raises :class:`~bridge.errors.PipelineError`; anything else the service refuses raises
    :class:`BackendError`. Results are the dicts of :mod:`bridge.sdk.results`."""

    async def create_inbox(
        self, ttl: float, allowed_senders: Sequence[str] | None, label: str | None
    ) -> dict[str, Any]: ...

    async def wait_for_otp(self, inbox_id: str, timeout: float) -> dict[str, Any] | NothingArrived:
        """The newest code not yet handed out (consuming it), or what came instead."""
        ...

    async def wait_for_link(
        self, inbox_id: str, kind: LinkKindFilter, timeout: float
    ) -> dict[str, Any] | NothingArrived: ...

    async def list_emails(self, inbox_id: str) -> list[dict[str, Any]]:
        """Stored mails, newest first, without consuming anything."""
        ...

    async def delete_inbox(self, inbox_id: str) -> None: ...

    async def aclose(self) -> None: ...
