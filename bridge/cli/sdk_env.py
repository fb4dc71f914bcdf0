"""The SDK client that the agent-facing commands (inbox, wait) build from the environment."""

from __future__ import annotations

import os
import sys

from otpbridge.bridge.sdk import Client
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import read_redis_url

__all__ = ["client_from_env"]


def client_from_env(prog: str) -> Client | None:
    """``OTPBRIDGE_REDIS_URL`` (or ``_FILE``), ``OTPBRIDGE_PREFIX``, ``OTPBRIDGE_ADDRESS``.

    Prints the problem and returns ``None`` when Redis is not configured.
    """
    try:
        url = read_redis_url(os.environ)
    except WorkerConfigError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None
    return Client.from_url(url)
