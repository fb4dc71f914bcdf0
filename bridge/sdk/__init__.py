"""The agent SDK (DESIGN.md §4): inboxes on the shared mailbox, and waits for codes and links."""

from __future__ import annotations

from otpbridge.bridge.sdk.aio import AsyncClient
from otpbridge.bridge.sdk.client import Client
from otpbridge.bridge.sdk.models import (
    Email,
    HandOut,
    Inbox,
    Link,
    LinkKindFilter,
    Message,
    Otp,
)
from otpbridge.bridge.sdk.verdicts import Verdict

__all__ = [
    "AsyncClient",
    "Client",
    "Email",
    "HandOut",
    "Inbox",
    "Link",
    "LinkKindFilter",
    "Message",
    "Otp",
    "Verdict",
]
