"""``otpbridge mcp``: the MCP server on stdio, for Claude Desktop and any MCP client.

Talks to ``otpbridge serve`` (``OTPBRIDGE_SERVE_URL`` + ``OTPBRIDGE_API_TOKEN``) by default, or
to Redis directly when only ``OTPBRIDGE_REDIS_URL`` is set. Needs the ``mcp`` extra only.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

# The MCP SDK is imported in ``run``: ``otpbridge mcp --help`` must start fast.


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="MCP server on stdio for LLM agents (tools: create_inbox, wait_for_otp, …)",
        description=(
            "Serve the otpbridge MCP tools on stdin/stdout. Backend: OTPBRIDGE_SERVE_URL and "
            "OTPBRIDGE_API_TOKEN (or _FILE) for the HTTP API of `otpbridge serve` (default), "
            "else OTPBRIDGE_REDIS_URL to talk to Redis directly (trusted local setups)."
        ),
    )
    p.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    from otpbridge.bridge.cli import version  # noqa: PLC0415
    from otpbridge.bridge.errors import ConfigError  # noqa: PLC0415
    from otpbridge.bridge.mcp.settings import load_mcp_settings  # noqa: PLC0415

    try:
        settings = load_mcp_settings()
    except ConfigError as exc:
        print(f"otpbridge mcp: {exc}", file=sys.stderr)
        return 2
    from otpbridge.bridge.mcp.stdio import serve_stdio  # noqa: PLC0415

    serve_stdio(settings, version())
    return 0
