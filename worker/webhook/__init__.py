"""Signed webhooks (Standard Webhooks): ``extracted``/``failed`` events POSTed to an inbox's
``webhook_url`` by RQ jobs on their own queue. Importing this package loads nothing heavy: the
SDK uses :mod:`.target` (pure) at inbox creation; the HTTP client and signing live in
:mod:`.deliver`, which only a worker that runs delivery jobs imports."""

from __future__ import annotations

__all__: list[str] = []
