"""The one exception tree of the ``bridge`` package (watcher, SDK, CLI)."""

from __future__ import annotations

__all__ = [
    "BridgeError",
    "ConfigError",
    "ExtractionFailedError",
    "InboxNotFoundError",
    "PipelineError",
    "WatcherDownError",
]


class BridgeError(Exception):
    """Root of every error otpbridge's bridge package raises on purpose."""


class ConfigError(BridgeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


class InboxNotFoundError(BridgeError):
    """The inbox id does not exist (never created, deleted or expired)."""


class PipelineError(BridgeError):
    """The mail pipeline cannot deliver: a wait would be silent, so it raises instead."""


class WatcherDownError(PipelineError):
    """No bridge heartbeat within its limit: no mail can arrive."""


class ExtractionFailedError(PipelineError):
    """A mail reached the inbox but its extraction job failed for good."""
