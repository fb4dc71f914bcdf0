"""otpbridge: self-hosted email 2FA for AI agents — the agent SDK's public names.

>>> from otpbridge import Client, AsyncClient, totp

Everything otpbridge installs lives under this one package: ``otpbridge.bridge`` (IMAP watcher,
SDK, command line), ``otpbridge.worker`` (RQ jobs, Redis layout) and ``otpbridge.extract`` (the
pure extractor); in the repository they are the top-level folders ``bridge/``, ``worker/`` and
``extract/``. The SDK's names load on first use (PEP 562), so that ``otpbridge --help`` does not
pay for redis and asyncio; a plain ``pip install otpbridge`` (redis and pyotp only) is enough
for them and for ``otpbridge inbox``/``wait``/``totp``.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otpbridge.bridge.errors import (
        BridgeError,
        ConfigError,
        ExtractionFailedError,
        InboxNotFoundError,
        PipelineError,
        WatcherDownError,
    )
    from otpbridge.bridge.sdk import (
        AsyncClient,
        Client,
        Email,
        HandOut,
        Inbox,
        Link,
        Message,
        Otp,
        Verdict,
    )
    from otpbridge.bridge.totp import totp

__all__ = [
    "AsyncClient",
    "BridgeError",
    "Client",
    "ConfigError",
    "Email",
    "ExtractionFailedError",
    "HandOut",
    "Inbox",
    "InboxNotFoundError",
    "Link",
    "Message",
    "Otp",
    "PipelineError",
    "Verdict",
    "WatcherDownError",
    "__version__",
    "totp",
]

try:
    __version__ = version("otpbridge")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_ERRORS = (
    "BridgeError",
    "ConfigError",
    "ExtractionFailedError",
    "InboxNotFoundError",
    "PipelineError",
    "WatcherDownError",
)
_SDK = (
    "AsyncClient",
    "Client",
    "Email",
    "HandOut",
    "Inbox",
    "Link",
    "Message",
    "Otp",
    "Verdict",
)
#: Public name → the module that defines it.
_HOME: dict[str, str] = {
    **dict.fromkeys(_ERRORS, "otpbridge.bridge.errors"),
    **dict.fromkeys(_SDK, "otpbridge.bridge.sdk"),
    "totp": "otpbridge.bridge.totp",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'otpbridge' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
