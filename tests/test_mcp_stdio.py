"""``otpbridge mcp`` as an MCP client sees it: a real subprocess on stdio, the official client
SDK, a real Redis, and mail ingested and extracted by the bridge's and worker's own code."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
import redis
from mcp_support import CLI, mcp_env, mcp_session, structured, text
from pipeline_helpers import Ingest, WorkerProcess, code_mail, link_mail

from otpbridge.bridge.mcp.server import MAX_TIMEOUT_S, TOOL_NAMES, bound_timeout
from otpbridge.extract import extract_message

ADDRESS = "agents+{id}@corp.example"
EXTRACTS_CODES = extract_message(code_mail("a@b.example", "482913")).code == "482913"


def _deliver(redis_url: str, inbox_id: str, raw: bytes, delay: float = 0.0) -> None:
    """Mail into the inbox as the bridge stores it (the worker process extracts it)."""
    if delay:
        time.sleep(delay)
    client = redis.Redis.from_url(redis_url)
    try:
        Ingest(client).deliver(inbox_id, raw)
    finally:
        client.close()


@pytest.fixture
def env(redis_url: str, worker_proc: WorkerProcess) -> dict[str, str]:
    ingest_client = redis.Redis.from_url(redis_url)
    Ingest(ingest_client)  # a fresh bridge heartbeat: waits refuse to run without one
    ingest_client.close()
    return mcp_env(OTPBRIDGE_REDIS_URL=redis_url, OTPBRIDGE_ADDRESS=ADDRESS)


def test_lists_the_six_tools_with_schemas_and_descriptions(
    env: dict[str, str], tmp_path: Path
) -> None:
    async def main() -> dict[str, Any]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            return {t.name: t for t in (await session.list_tools()).tools}

    tools = anyio.run(main)
    assert sorted(tools) == sorted(TOOL_NAMES)
    for tool in tools.values():
        assert len(tool.description or "") > 80, tool.name
        assert (tool.output_schema or {}).get("type") == "object", tool.name
        assert tool.input_schema["type"] == "object"
    assert tools["wait_for_otp"].input_schema["required"] == ["inbox_id"]
    assert set(tools["wait_for_otp"].input_schema["properties"]) == {"inbox_id", "timeout"}
    assert set(tools["wait_for_link"].input_schema["properties"]) == {"inbox_id", "kind", "timeout"}
    assert set(tools["create_inbox"].input_schema["properties"]) == {
        "ttl",
        "allowed_senders",
        "label",
    }
    assert tools["totp"].input_schema["required"] == ["secret"]
    assert "once" in tools["wait_for_otp"].description.lower()
    out = tools["wait_for_otp"].output_schema["properties"]
    assert {"status", "code", "code_display", "expires_in_s", "mails_arrived", "hint"} <= set(out)


def test_create_inbox_then_wait_for_otp_returns_the_code_once(
    env: dict[str, str], redis_url: str, tmp_path: Path
) -> None:
    async def main() -> tuple[dict[str, Any], ...]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            inbox = structured(await session.call_tool("create_inbox", {"ttl": 300}))
            # The wait is already blocked when the mail comes (the reader's wake-up path).
            sender = threading.Thread(
                target=_deliver,
                args=(redis_url, inbox["id"], code_mail(inbox["email"], "482913"), 0.7),
            )
            sender.start()
            got = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 20})
            )
            sender.join()
            again = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 1})
            )
            emails = structured(await session.call_tool("list_emails", {"inbox_id": inbox["id"]}))
            return inbox, got, again, emails

    inbox, got, again, emails = anyio.run(main)
    assert inbox["email"] == ADDRESS.replace("{id}", inbox["id"])
    assert set(inbox) >= {"id", "email", "expires_at"}
    assert got["status"] == "ok"
    if EXTRACTS_CODES:
        assert got["code"] == "482913"
    assert got["message"]["subject"] == "Your verification code"
    assert "accounts.example.com" in got["message"]["from"]
    assert got["expires_in_s"] is None or 0 < got["expires_in_s"] <= 600
    # Handed out once: the next wait finds nothing, and says that no mail came meanwhile.
    assert again["status"] == "timeout"
    assert again["mails_arrived"] == 0
    assert "No mail reached this inbox" in again["hint"]
    assert emails["count"] == 1
    assert emails["emails"][0]["handed_out"][0]["state"] == "consumed"
    assert "html" not in emails["emails"][0]


def test_a_link_mail_is_not_a_code_and_the_timeout_says_so(
    env: dict[str, str], redis_url: str, tmp_path: Path
) -> None:
    async def main() -> tuple[dict[str, Any], dict[str, Any]]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            inbox = structured(await session.call_tool("create_inbox", {}))
            url = "https://app.example/confirm?token=abc123def456"
            sender = threading.Thread(
                target=_deliver, args=(redis_url, inbox["id"], link_mail(inbox["email"], url), 0.3)
            )
            sender.start()
            nothing = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 2.5})
            )
            sender.join()
            link = structured(
                await session.call_tool(
                    "wait_for_link", {"inbox_id": inbox["id"], "kind": "any", "timeout": 10}
                )
            )
            return nothing, link

    nothing, link = anyio.run(main)
    assert nothing["status"] == "timeout"
    assert nothing["mails_arrived"] == 1
    assert "wait_for_otp again" in nothing["hint"]
    assert "list_emails" in nothing["hint"]
    assert link["status"] == "ok"
    assert link["url"] == "https://app.example/confirm?token=abc123def456"
    assert link["kind"] == "confirm_link"


def test_bad_arguments_and_unknown_inboxes_are_tool_errors(
    env: dict[str, str], tmp_path: Path
) -> None:
    async def main() -> dict[str, Any]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            calls = {
                "unknown": ("wait_for_otp", {"inbox_id": "a" * 20, "timeout": 1}),
                "malformed": ("list_emails", {"inbox_id": "../../etc"}),
                "negative": ("wait_for_otp", {"inbox_id": "a" * 20, "timeout": -1}),
                "kind": ("wait_for_link", {"inbox_id": "a" * 20, "kind": "sms"}),
                "ttl": ("create_inbox", {"ttl": 10**9}),
                "delete": ("delete_inbox", {"inbox_id": "b" * 20}),
                "totp": ("totp", {"secret": "not base32!"}),
            }
            out = {}
            for name, (tool, args) in calls.items():
                out[name] = await session.call_tool(tool, args)
            # The server is still up after all that.
            out["ok"] = await session.call_tool("totp", {"secret": "JBSWY3DPEHPK3PXP"})
            return out

    out = anyio.run(main)
    for name in ("unknown", "malformed", "negative", "kind", "ttl", "delete", "totp"):
        assert out[name].is_error, name
    assert "does not exist" in text(out["unknown"])
    assert "create_inbox" in text(out["unknown"])
    assert "not an inbox id" in text(out["malformed"])
    assert "ttl" in text(out["ttl"])
    assert "TOTP secret" in text(out["totp"])
    assert "not base32" not in text(out["totp"])
    assert structured(out["ok"])["code"].isdigit()


def test_timeouts_above_the_limit_are_cut_and_the_result_says_so() -> None:
    # Waiting out the limit itself (120 s) is too long for a test: the cut is checked here.
    assert bound_timeout(30) == (30, None)
    wait_s, note = bound_timeout(600)
    assert wait_s == MAX_TIMEOUT_S
    assert note
    assert "120" in note
    assert "600" in note


def test_delete_inbox_then_the_inbox_is_gone(env: dict[str, str], tmp_path: Path) -> None:
    async def main() -> tuple[dict[str, Any], bool, str]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            inbox = structured(await session.call_tool("create_inbox", {"label": "signup"}))
            gone = structured(await session.call_tool("delete_inbox", {"inbox_id": inbox["id"]}))
            after = await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"]})
            return gone, after.is_error, text(after)

    gone, is_error, message = anyio.run(main)
    assert gone["deleted"] is True
    assert is_error
    assert "does not exist" in message


def test_without_a_backend_it_exits_with_a_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI, "mcp"],
        env=mcp_env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "OTPBRIDGE_SERVE_URL" in done.stderr
    assert "OTPBRIDGE_REDIS_URL" in done.stderr
    assert done.stdout == ""


_PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr))\n"
    "from otpbridge.bridge.cli import main\n"
    "sys.exit(main(['mcp']))\n"
)


@pytest.mark.parametrize(
    ("backend", "settings"),
    [
        ("http", {"OTPBRIDGE_SERVE_URL": "http://127.0.0.1:9", "OTPBRIDGE_API_TOKEN": "t" * 32}),
        ("redis", {"OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:9/0"}),
    ],
)
def test_the_stdio_server_needs_no_server_extra(backend: str, settings: dict[str, str]) -> None:
    """Neither the bridge's nor the worker's packages load: ``otpbridge mcp`` runs with the
    ``mcp`` extra alone. (starlette and uvicorn do load: the MCP SDK 2.x imports them itself
    in ``mcp/__init__``, so they come with the ``mcp`` extra anyway.)"""
    env = mcp_env(**settings)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    modules = set(done.stderr.split("MODULES", 1)[1].split())
    assert f"otpbridge.bridge.mcp.backend_{backend}" in modules
    for heavy in ("rq", "imapclient", "structlog", "html2text", "prometheus_client"):
        assert heavy not in modules, heavy
    assert not any(m.startswith("otpbridge.bridge.http") for m in modules)
    assert not any(m.startswith("otpbridge.bridge.imap") for m in modules)


def test_a_broken_pipeline_is_a_tool_error_that_says_so(redis_url: str, tmp_path: Path) -> None:
    """No bridge heartbeat: waiting would be silent forever, so the tool says who must act."""
    env = mcp_env(OTPBRIDGE_REDIS_URL=redis_url, OTPBRIDGE_ADDRESS=ADDRESS)

    async def main() -> Any:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            inbox = structured(await session.call_tool("create_inbox", {}))
            return await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 5})

    result = anyio.run(main)
    assert result.is_error
    assert "no bridge has ever run" in text(result)
    assert "otpbridge doctor" in text(result)
