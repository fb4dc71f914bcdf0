"""``otpbridge serve``: the HTTP API (long-poll waits, per-inbox bearer tokens, SSE), the
``/ui`` page and MCP over streamable HTTP, on top of :class:`~otpbridge.AsyncClient`.

The contract is DESIGN.md's "HTTP API" section and the OpenAPI document at ``/openapi.json``
(:mod:`otpbridge.bridge.http.openapi`). Start with :func:`otpbridge.bridge.http.app.create_app`.
This package imports nothing on purpose: the MCP and UI modules import its parts (auth, state)
without pulling in the whole app.
"""

from __future__ import annotations

__all__: list[str] = []
