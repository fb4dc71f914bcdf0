"""The agent examples under examples/: the MCP example's server config starts the real
``otpbridge mcp``, every tool its plan calls exists and takes the arguments it passes, and the
plan run without an LLM signs up and logs in against a real ``serve`` (the LLM part cannot run
in CI). The Playwright example's functions run in a real browser against the test web app."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import jsonschema
import pytest
import redis
from http_support import ADMIN, ServerThread, running, serve_settings
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_support import structured
from pipeline_helpers import Ingest, WorkerProcess
from webapp import SignupApp
from webapp.chromium import launched
from webapp.mails import code_mail, magic_link_mail
from webapp.pipeline import running_pipeline

from otpbridge import Client
from otpbridge.bridge.embedded import DovecotServer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APP = "https://app.example"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return _load("mcp_agent")


@pytest.fixture
def serve(redis_url: str) -> Iterator[ServerThread]:
    client = redis.Redis.from_url(redis_url)
    Ingest(client)  # a fresh bridge heartbeat
    client.close()
    with running(serve_settings(redis_url)) as server:
        yield server


def _params(example: ModuleType, serve: ServerThread) -> StdioServerParameters:
    """The example's own server entry, with its command resolved in this test's venv."""
    config = example.mcp_servers(
        {"OTPBRIDGE_SERVE_URL": serve.url, "OTPBRIDGE_API_TOKEN": ADMIN, "HOME": "/nonexistent"}
    )["otpbridge"]
    assert config["transport"] == "stdio"
    assert config["command"] == "otpbridge"
    assert set(config["env"]) == {"OTPBRIDGE_SERVE_URL", "OTPBRIDGE_API_TOKEN"}
    command = shutil.which(config["command"], path=str(Path(sys.executable).parent))
    assert command is not None, "the otpbridge entry point is installed next to python"
    return StdioServerParameters(command=command, args=config["args"], env=config["env"])


def test_every_tool_the_example_calls_exists_with_its_arguments(
    example: ModuleType, serve: ServerThread, tmp_path: Path
) -> None:
    async def main() -> dict[str, Any]:
        with (tmp_path / "mcp.log").open("w") as errlog:
            async with (
                stdio_client(_params(example, serve), errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return {t.name: t for t in (await session.list_tools()).tools}

    tools = anyio.run(main)
    assert set(example.TOOLS_USED) <= set(tools)
    for call in example.PLAN:
        schema = tools[call.tool].input_schema
        # Every argument is one the tool declares, and the values pass its schema.
        assert set(call.arguments) <= set(schema["properties"]), call.tool
        jsonschema.validate(call.bound("a" * 20), schema)
    prompt = example.task_prompt(APP)
    for name in example.TOOLS_USED:
        assert name in prompt


def test_the_plan_without_an_llm_signs_up_and_logs_in(
    example: ModuleType,
    serve: ServerThread,
    redis_url: str,
    worker_proc: WorkerProcess,
    tmp_path: Path,
) -> None:
    """The browser steps are stand-ins that make the app's two mails arrive, as the test web
    app would after the form is submitted."""
    inbox_ids: list[str] = []
    client = redis.Redis.from_url(redis_url)
    ingest = Ingest(client)  # one ingest: its UIDs go on counting, as the bridge's do

    def mail_later(raw: bytes) -> None:
        def send() -> None:
            time.sleep(0.3)
            ingest.deliver(inbox_ids[0], raw)

        threading.Thread(target=send, daemon=True).start()

    async def main() -> dict[str, Any]:
        with (tmp_path / "mcp.log").open("w") as errlog:
            async with (
                stdio_client(_params(example, serve), errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()

                async def call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
                    out = structured(await session.call_tool(name, arguments))
                    if name == "create_inbox":
                        inbox_ids.append(out["id"])
                    return out

                async def submit_signup(email: str) -> None:
                    mail_later(code_mail(email, "583920", APP))

                async def request_login(email: str) -> None:
                    mail_later(magic_link_mail(email, f"{APP}/magic?token=t0k3n-abc", APP))

                results: dict[str, Any] = await example.scripted_run(
                    call_tool, submit_signup, request_login
                )
                return results

    try:
        results = anyio.run(main)
    finally:
        client.close()
    assert results["wait_for_otp"]["status"] == "ok"
    assert results["wait_for_otp"]["code"] == "583920"
    assert results["wait_for_link"]["status"] == "ok"
    assert results["wait_for_link"]["kind"] == "magic_link"
    assert results["wait_for_link"]["url"] == f"{APP}/magic?token=t0k3n-abc"
    assert results["delete_inbox"]["deleted"] is True


@pytest.mark.slow
def test_the_playwright_example_signs_up_and_logs_in(
    tmp_path_factory: pytest.TempPathFactory, dovecot: DovecotServer
) -> None:
    """examples/playwright_agent.py's own functions, in Debian's Chromium, against the test web
    app, with mail over SMTP → Dovecot → bridge → worker (the flow of test_browser_login.py)."""
    module = _load("playwright_agent")
    with (
        running_pipeline(tmp_path_factory.mktemp("example-playwright"), dovecot) as pipeline,
        SignupApp(pipeline.smtp_port) as app,
        launched() as browser,
        Client.from_url(pipeline.redis_url) as client,
    ):
        page = browser.new_page()
        page.set_default_timeout(15_000)
        inbox_id = module.sign_up(page, client, app.url, senders=["acme-cloud.test"])
        page.wait_for_url("**/dashboard")
        later = browser.new_page()  # a fresh profile: only the magic link gets it in
        later.set_default_timeout(15_000)
        module.log_in(later, client, app.url, inbox_id)
        later.wait_for_url("**/dashboard")
        email = client.inboxes.get(inbox_id).email
        assert email in later.inner_text('[data-testid="welcome"]')
        assert [what for to, what in app.sent if to == email] == ["code", "magic_link"]
