"""The SDK client that the agent-facing commands (inbox, wait) build from the environment."""

from __future__ import annotations

import os
import sys

from bridge.sdk import Client

__all__ = ["client_from_env"]


def client_from_env(prog: str) -> Client | None:
    """``OTPBRIDGE_REDIS_URL`` (or ``_FILE``), ``OTPBRIDGE_PREFIX``, ``OTPBRIDGE_ADDRESS``.

    Prints the problem and returns ``None`` when Redis is not configured.
    """
    url = os.environ.get("OTPBRIDGE_REDIS_URL", "").strip()
    url_file = os.environ.get("OTPBRIDGE_REDIS_URL_FILE", "").strip()
    if not url and url_file:
        try:
            with open(url_file, encoding="utf-8") as fh:
                url = fh.read().strip()
        except OSError as exc:
            print(f"{prog}: OTPBRIDGE_REDIS_URL_FILE: {exc.strerror}", file=sys.stderr)
            return None
    if not url:
        print(f"{prog}: set OTPBRIDGE_REDIS_URL (e.g. redis://127.0.0.1:6380/0)", file=sys.stderr)
        return None
    return Client.from_url(url)
