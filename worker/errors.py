"""The one exception tree of the ``worker`` package."""

from __future__ import annotations

__all__ = ["ExtractionError", "WorkerConfigError", "WorkerError"]


class WorkerError(Exception):
    """Root of every error the worker package raises on purpose."""


class WorkerConfigError(WorkerError):
    """A worker setting is missing or malformed; the message says which and how to fix it."""


class ExtractionError(WorkerError):
    """The extractor raised; the message names the exception type only, never mail content."""
