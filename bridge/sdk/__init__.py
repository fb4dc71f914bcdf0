"""The agent SDK (DESIGN.md §4): inboxes on the shared mailbox, and waits for codes and links."""

from __future__ import annotations

from bridge.sdk.aio import AsyncClient
from bridge.sdk.client import Client
from bridge.sdk.models import Email, Inbox, Link, LinkKindFilter, Message, Otp

__all__ = ["AsyncClient", "Client", "Email", "Inbox", "Link", "LinkKindFilter", "Message", "Otp"]
