"""Test helpers for the MCP server: run ``otpbridge mcp`` as a real subprocess on stdio and talk
to it with the official MCP client SDK (``stdio_client`` + ``ClientSession``)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, TextContent

CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


def mcp_env(**extra: str) -> dict[str, str]:
    """The environment of an ``otpbridge mcp`` child: this one's minus every OTPBRIDGE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env.update(extra)
    return env


def server_params(
    env: Mapping[str, str], argv: tuple[str, ...] = ("mcp",)
) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-c", CLI, *argv], env=dict(env))


@asynccontextmanager
async def mcp_session(env: Mapping[str, str], log: Path) -> AsyncIterator[ClientSession]:
    """An initialized session with a fresh ``otpbridge mcp`` process (stderr into ``log``)."""
    with log.open("a", encoding="utf-8") as errlog:
        async with (
            stdio_client(server_params(env), errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


def structured(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a successful call, checked against its JSON text twin."""
    assert not result.is_error, text(result)
    assert isinstance(result.structured_content, dict), result
    assert json.loads(text(result)) == result.structured_content
    return result.structured_content


def text(result: CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))
