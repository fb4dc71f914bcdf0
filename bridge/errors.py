"""The one exception tree of the ``bridge`` package (watcher, SDK, CLI)."""

from __future__ import annotations

__all__ = [
    "BridgeError",
    "ConfigError",
    "ExtractionFailedError",
    "ImapAuthError",
    "ImapConnectionError",
    "ImapError",
    "InboxNotFoundError",
    "IngestPausedError",
    "LeaseLostError",
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


class ImapError(BridgeError):
    """The watcher's IMAP session failed; the subclass says whether retrying soon can help."""


class ImapConnectionError(ImapError):
    """Network, TLS handshake, BYE, dead socket or protocol trouble: reconnect with backoff."""


class ImapAuthError(ImapError):
    """The server rejected the credentials (or OAuth2 token): retry slowly, alert the operator."""


class LeaseLostError(BridgeError):
    """Another bridge instance holds the mailbox lease: this one must stop touching it."""


class IngestPausedError(BridgeError):
    """Redis is above its memory watermark: the bridge stops writing mail until it drops."""
