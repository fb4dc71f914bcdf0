"""An LLM agent (LangChain, or browser-use, or any MCP host) that signs up on a web app and gets
the mailed code and magic link from otpbridge's MCP tools.

The agent machine holds neither the Redis URL nor IMAP credentials: ``otpbridge mcp`` talks to
``otpbridge serve`` with a token. Install::

    pip install "otpbridge[mcp]"                      # the MCP server (`otpbridge mcp`)
    pip install langchain langchain-mcp-adapters langchain-anthropic \\
        langchain-community playwright                # only for run_llm_agent() below

Run (the LLM part needs a model key, so CI runs :func:`scripted_run` instead — the same tool
calls, in the order the prompt asks for, against the real ``otpbridge mcp``)::

    export OTPBRIDGE_SERVE_URL=https://otp.corp.example OTPBRIDGE_API_TOKEN=...
    export ANTHROPIC_API_KEY=...
    python examples/mcp_agent.py https://app.example

:data:`MCP_SERVERS` is the connection config that ``langchain_mcp_adapters``'
``MultiServerMCPClient`` takes, and the same ``command``/``args``/``env`` go into
``claude_desktop_config.json`` or browser-use's MCP client config.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MCP_SERVERS",
    "PLAN",
    "TOOLS_USED",
    "ToolCall",
    "mcp_servers",
    "run_llm_agent",
    "scripted_run",
    "task_prompt",
]


def mcp_servers(env: Mapping[str, str] = os.environ) -> dict[str, dict[str, Any]]:
    """The stdio MCP server config: ``otpbridge mcp`` with the serve URL and token (or, for a
    trusted local setup, the Redis URL) passed through from ``env``."""
    keys = ("OTPBRIDGE_SERVE_URL", "OTPBRIDGE_API_TOKEN", "OTPBRIDGE_REDIS_URL")
    return {
        "otpbridge": {
            "transport": "stdio",
            "command": "otpbridge",
            "args": ["mcp"],
            "env": {k: env[k] for k in keys if env.get(k)},
        }
    }


MCP_SERVERS = mcp_servers()


@dataclass(frozen=True)
class ToolCall:
    """One call the agent is told to make; ``{inbox_id}`` is filled from create_inbox."""

    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    why: str = ""

    def bound(self, inbox_id: str) -> dict[str, Any]:
        return {k: (inbox_id if v == "{inbox_id}" else v) for k, v in self.arguments.items()}


#: The agent's plan, in order. The prompt is written from it and tests check it against the
#: real server (every tool exists and takes these arguments).
PLAN: tuple[ToolCall, ...] = (
    ToolCall("create_inbox", {"ttl": 900, "label": "llm-signup"}, "before you open the form"),
    ToolCall("wait_for_otp", {"inbox_id": "{inbox_id}", "timeout": 55}, "after submitting"),
    ToolCall(
        "wait_for_link",
        {"inbox_id": "{inbox_id}", "kind": "magic_link", "timeout": 55},
        "after asking to log in by e-mail",
    ),
    ToolCall("delete_inbox", {"inbox_id": "{inbox_id}"}, "when you are done"),
)
TOOLS_USED = tuple(call.tool for call in PLAN)


def task_prompt(base_url: str) -> str:
    def call_text(call: ToolCall) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in call.arguments.items())
        return f"{call.why}: call {call.tool}({args})"

    steps = "\n".join(f"{n}. {call_text(call)}" for n, call in enumerate(PLAN, 1))
    return (
        f"Sign up at {base_url}/signup with a fresh e-mail address, confirm it with the code "
        f"that is mailed to it, then log in at {base_url}/login with the magic link that is "
        "mailed. Use the browser tools for the pages and the otpbridge tools for the mail:\n"
        f"{steps}\n"
        "Replace {inbox_id} with the id create_inbox returned; type its `email` into the forms. "
        "A wait result with status 'timeout' is not an error: follow its hint. A code or link "
        "is handed out once."
    )


CallTool = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


async def scripted_run(
    call_tool: CallTool,
    submit_signup: Callable[[str], Awaitable[None]],
    request_login: Callable[[str], Awaitable[None]],
) -> dict[str, Any]:
    """:data:`PLAN` without an LLM: the same calls with the same arguments, the browser steps
    given as callbacks (they get the inbox's e-mail address). Returns what each call gave."""
    results: dict[str, Any] = {}
    inbox = await call_tool(PLAN[0].tool, PLAN[0].arguments)
    results[PLAN[0].tool] = inbox
    browser_steps = {"wait_for_otp": submit_signup, "wait_for_link": request_login}
    for call in PLAN[1:]:
        step = browser_steps.get(call.tool)
        if step is not None:
            await step(inbox["email"])
        results[call.tool] = await call_tool(call.tool, call.bound(inbox["id"]))
    return results


async def run_llm_agent(base_url: str, model: str = "anthropic:claude-sonnet-4-5") -> str:
    """The real agent: LangChain with otpbridge's MCP tools and Playwright browser tools.
    (Needs the packages and a model key named in the module docstring.)"""
    # Optional packages (see the module docstring), imported only here.
    from langchain.agents import create_agent  # type: ignore[import-not-found]  # noqa: PLC0415
    from langchain_community.agent_toolkits import (  # type: ignore[import-not-found]  # noqa: PLC0415
        PlayWrightBrowserToolkit,
    )
    from langchain_community.tools.playwright.utils import (  # type: ignore[import-not-found]  # noqa: PLC0415
        create_async_playwright_browser,
    )
    from langchain_mcp_adapters.client import (  # type: ignore[import-not-found]  # noqa: PLC0415
        MultiServerMCPClient,
    )

    mail_tools = [
        t for t in await MultiServerMCPClient(MCP_SERVERS).get_tools() if t.name in TOOLS_USED
    ]
    browser = create_async_playwright_browser()
    browser_tools = PlayWrightBrowserToolkit.from_browser(async_browser=browser).get_tools()
    agent = create_agent(model, tools=[*mail_tools, *browser_tools])
    state = await agent.ainvoke({"messages": [{"role": "user", "content": task_prompt(base_url)}]})
    return str(state["messages"][-1].content)


if __name__ == "__main__":
    print(asyncio.run(run_llm_agent(sys.argv[1].rstrip("/"))))
