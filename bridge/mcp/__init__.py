"""``otpbridge mcp``: the MCP server that gives LLM agents inboxes, codes and links.

:mod:`bridge.mcp.server` has the six tools; :mod:`bridge.mcp.stdio` runs them for a local MCP
client (Claude Desktop, an agent framework) over the HTTP API of ``serve`` or Redis;
:mod:`bridge.mcp.http` mounts them on ``serve`` over streamable HTTP. Submodules are imported
where needed: this package's import pulls in neither the MCP SDK nor httpx.
"""

from __future__ import annotations

__all__: list[str] = []
