"""otpbridge: the IMAP IDLE bridge, the agent SDK and the command line.

>>> from bridge import Client, totp
"""

from __future__ import annotations

from bridge.errors import (
    BridgeError,
    ConfigError,
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
    WatcherDownError,
)
from bridge.sdk import AsyncClient, Client, Email, Inbox, Link, Message, Otp
from bridge.totp import totp

__all__ = [
    "AsyncClient",
    "BridgeError",
    "Client",
    "ConfigError",
    "Email",
    "ExtractionFailedError",
    "Inbox",
    "InboxNotFoundError",
    "Link",
    "Message",
    "Otp",
    "PipelineError",
    "WatcherDownError",
    "totp",
]
