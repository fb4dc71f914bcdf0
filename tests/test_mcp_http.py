"""The MCP tools against a real ``serve`` (uvicorn in a thread, real Redis, real worker):
``otpbridge mcp`` on stdio with its default HTTP backend, and the streamable-HTTP mount at
``/mcp/`` with admin and inbox bearer tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
import redis
from http_support import ADDRESS, ADMIN, ServerThread, admin, running, serve_settings
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_support import mcp_env, mcp_session, structured, text
from pipeline_helpers import Ingest, WorkerProcess, code_mail

from otpbridge.bridge.http.session import SESSION_COOKIE
from otpbridge.bridge.mcp.server import TOOL_NAMES
from otpbridge.extract import extract_message

EXTRACTS_CODES = extract_message(code_mail("a@b.example", "482913")).code == "482913"


@pytest.fixture
def serve(redis_url: str) -> Iterator[ServerThread]:
    client = redis.Redis.from_url(redis_url)
    Ingest(client)  # a fresh bridge heartbeat: serve's waits refuse to run without one
    client.close()
    with running(serve_settings(redis_url)) as server:
        yield server


def _deliver(redis_url: str, inbox_id: str, raw: bytes, delay: float = 0.0) -> None:
    if delay:
        time.sleep(delay)
    client = redis.Redis.from_url(redis_url)
    try:
        Ingest(client).deliver(inbox_id, raw)
    finally:
        client.close()


def _new_inbox(server: ServerThread) -> dict[str, Any]:
    """An inbox made over the HTTP API (its answer carries the inbox token)."""
    response = httpx.post(f"{server.url}/v1/inboxes", json={"ttl": 300}, headers=admin())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_stdio_server_talks_to_serve_with_the_admin_token(
    serve: ServerThread, redis_url: str, tmp_path: Path, worker_proc: WorkerProcess
) -> None:
    env = mcp_env(OTPBRIDGE_SERVE_URL=serve.url, OTPBRIDGE_API_TOKEN=ADMIN)

    async def main() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            inbox = structured(await session.call_tool("create_inbox", {"label": "signup"}))
            out["inbox"] = inbox
            sender = threading.Thread(
                target=_deliver,
                args=(redis_url, inbox["id"], code_mail(inbox["email"], "482913"), 0.5),
            )
            sender.start()
            out["got"] = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 20})
            )
            sender.join()
            out["again"] = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 1})
            )
            out["emails"] = structured(
                await session.call_tool("list_emails", {"inbox_id": inbox["id"]})
            )
            out["deleted"] = structured(
                await session.call_tool("delete_inbox", {"inbox_id": inbox["id"]})
            )
            out["gone"] = await session.call_tool("list_emails", {"inbox_id": inbox["id"]})
        return out

    out = anyio.run(main)
    inbox = out["inbox"]
    assert inbox["email"] == ADDRESS.replace("{id}", inbox["id"])
    assert "token" not in inbox  # the per-inbox bearer is not the LLM's business
    assert inbox["label"] == "signup"
    assert out["got"]["status"] == "ok"
    if EXTRACTS_CODES:
        assert out["got"]["code"] == "482913"
    assert out["got"]["message"]["subject"] == "Your verification code"
    assert out["again"]["status"] == "timeout"
    assert out["again"]["mails_arrived"] == 0
    assert out["emails"]["count"] == 1
    assert out["deleted"] == {"id": inbox["id"], "deleted": True}
    assert out["gone"].is_error
    assert "does not exist" in text(out["gone"])


def test_stdio_server_with_a_wrong_token_answers_tool_errors(
    serve: ServerThread, tmp_path: Path
) -> None:
    env = mcp_env(OTPBRIDGE_SERVE_URL=serve.url, OTPBRIDGE_API_TOKEN="wrong-token-0123456789")

    async def main() -> tuple[Any, Any]:
        async with mcp_session(env, tmp_path / "mcp.log") as session:
            made = await session.call_tool("create_inbox", {})
            code = await session.call_tool("totp", {"secret": "JBSWY3DPEHPK3PXP"})
            return made, code

    made, code = anyio.run(main)
    assert made.is_error
    assert "401" in text(made)
    assert "OTPBRIDGE_API_TOKEN" in text(made)
    assert ADMIN not in (tmp_path / "mcp.log").read_text()
    assert not code.is_error  # computed locally: the secret never leaves the agent's machine


@asynccontextmanager
async def _remote(url: str, token: str) -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=300)) as http,
        streamable_http_client(f"{url}/mcp/", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def test_streamable_http_mount_with_the_admin_token(serve: ServerThread, redis_url: str) -> None:
    async def main() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with _remote(serve.url, ADMIN) as session:
            out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
            inbox = structured(await session.call_tool("create_inbox", {"ttl": 300}))
            out["inbox"] = inbox
            sender = threading.Thread(
                target=_deliver,
                args=(redis_url, inbox["id"], code_mail(inbox["email"], "731904"), 0.5),
            )
            sender.start()
            out["got"] = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": inbox["id"], "timeout": 20})
            )
            sender.join()
        return out

    out = anyio.run(main)
    assert out["tools"] == sorted(TOOL_NAMES)
    assert out["got"]["status"] == "ok"
    if EXTRACTS_CODES:
        assert out["got"]["code"] == "731904"


def test_an_inbox_token_reaches_its_own_inbox_and_no_other(
    serve: ServerThread, redis_url: str, worker_proc: WorkerProcess
) -> None:
    mine, other = _new_inbox(serve), _new_inbox(serve)

    async def main() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with _remote(serve.url, mine["token"]) as session:
            out["create"] = await session.call_tool("create_inbox", {})
            out["other_wait"] = await session.call_tool(
                "wait_for_otp", {"inbox_id": other["id"], "timeout": 1}
            )
            out["other_list"] = await session.call_tool("list_emails", {"inbox_id": other["id"]})
            out["other_delete"] = await session.call_tool("delete_inbox", {"inbox_id": other["id"]})
            sender = threading.Thread(
                target=_deliver,
                args=(redis_url, mine["id"], code_mail(mine["email"], "268451"), 0.5),
            )
            sender.start()
            out["mine"] = structured(
                await session.call_tool("wait_for_otp", {"inbox_id": mine["id"], "timeout": 20})
            )
            sender.join()
        return out

    out = anyio.run(main)
    assert out["create"].is_error
    assert "admin token" in text(out["create"])
    for name in ("other_wait", "other_list", "other_delete"):
        assert out[name].is_error, name
        # Exactly what an inbox that does not exist says: the token reveals nothing.
        assert text(out[name]).endswith(
            f"inbox {other['id']} does not exist (deleted or expired). Check the inbox_id, "
            "or make a new inbox with create_inbox."
        ), text(out[name])
    assert out["mine"]["status"] == "ok"
    if EXTRACTS_CODES:
        assert out["mine"]["code"] == "268451"
    # The other inbox is untouched.
    response = httpx.get(f"{serve.url}/v1/inboxes/{other['id']}", headers=admin())
    assert response.status_code == 200


def test_the_mount_takes_a_bearer_token_only(serve: ServerThread) -> None:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream"}
    url = f"{serve.url}/mcp/"
    none = httpx.post(url, json=body, headers=headers)
    wrong = httpx.post(url, json=body, headers={**headers, "Authorization": "Bearer nope-nope"})
    # The /ui session cookie is admin on the page, but not here (a page could send it).
    login = httpx.post(f"{serve.url}/ui/login", data={"token": ADMIN}, follow_redirects=False)
    cookies = dict(login.cookies)
    with_cookie = httpx.post(url, json=body, headers=headers, cookies=cookies)
    ok = httpx.post(url, json=body, headers={**headers, **admin()})
    assert none.status_code == 401
    assert none.json()["error"] == "unauthorized"
    assert wrong.status_code == 401
    assert SESSION_COOKIE in cookies  # the cookie is good: the API itself takes it
    assert httpx.get(f"{serve.url}/v1/inboxes", cookies=cookies).status_code == 200
    assert with_cookie.status_code == 401
    assert ok.status_code == 200, ok.text


def test_a_wait_on_the_mount_ends_when_serve_begins_to_stop(serve: ServerThread) -> None:
    inbox = _new_inbox(serve)
    state = serve.app.state.otpb

    async def main() -> tuple[Any, float]:
        async with _remote(serve.url, ADMIN) as session:
            threading.Timer(0.5, state.begin_shutdown).start()
            started = time.monotonic()
            result = await session.call_tool(
                "wait_for_otp", {"inbox_id": inbox["id"], "timeout": 30}
            )
            return result, time.monotonic() - started

    result, took = anyio.run(main)
    assert result.is_error
    assert "call the tool again" in text(result)
    assert took < 5
