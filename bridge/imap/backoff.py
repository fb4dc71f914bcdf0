"""Reconnect delays: exponential with full jitter, capped, so a fleet never retries in step."""

from __future__ import annotations

import random

__all__ = ["Backoff"]


class Backoff:
    def __init__(self, base_s: float, cap_s: float) -> None:
        self._base = base_s
        self._cap = cap_s
        self._attempt = 0

    def next(self) -> float:
        """Delay before the next attempt: uniform in [ceiling/2, ceiling], ceiling doubling."""
        ceiling = min(self._cap, self._base * 2**self._attempt)
        self._attempt = min(self._attempt + 1, 32)
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0
