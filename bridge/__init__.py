"""otpbridge: the IMAP IDLE bridge, the agent SDK and the command line.

>>> from bridge import Client, totp

The SDK's names load on first use (PEP 562), so that ``import bridge.cli`` (every
``otpbridge`` command) does not pay for its redis and asyncio imports. ``totp`` is imported
at once: its name is also the submodule's, which an import of ``bridge.totp`` would bind here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_ERRORS = ("BridgeError", "ConfigError", "ExtractionFailedError", "InboxNotFoundError")
_SDK = ("AsyncClient", "Client", "Email", "Inbox", "Link", "Message", "Otp")
#: Public name → the module that defines it.
_HOME: dict[str, str] = {
    **dict.fromkeys((*_ERRORS, "PipelineError", "WatcherDownError"), "bridge.errors"),
    **dict.fromkeys(_SDK, "bridge.sdk"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'bridge' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
