"""The seed's flow end to end in a real browser: an agent signs up on a web app with an inbox
address, types the e-mailed code, then signs in through the e-mailed magic link.

Everything is real: the web app mails over SMTP into the test Dovecot catch-all (LMTP behind an
SMTP front door), ``otpbridge bridge`` and ``otpbridge worker`` run as processes on a private
Redis, Chromium (Debian's, under Playwright) fills the forms. The agent gets the code and link
through the SDK here, and through ``otpbridge serve``'s HTTP API in the second test.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page
from webapp import SignupApp
from webapp.chromium import launched
from webapp.pipeline import Pipeline, running_pipeline
from webapp.serve import running_serve

from otpbridge import Client
from otpbridge.bridge.embedded import DovecotServer

pytestmark = pytest.mark.slow

SENDER_DOMAIN = "acme-cloud.test"


@pytest.fixture(scope="module")
def pipeline(
    tmp_path_factory: pytest.TempPathFactory, dovecot: DovecotServer
) -> Iterator[Pipeline]:
    with running_pipeline(tmp_path_factory.mktemp("browser-login"), dovecot) as running:
        yield running


@pytest.fixture(scope="module")
def webapp(pipeline: Pipeline) -> Iterator[SignupApp]:
    with SignupApp(pipeline.smtp_port) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as running:
        yield running


def signup_and_login(
    browser: Browser,
    app: SignupApp,
    email: str,
    get_code: Callable[[], str],
    get_magic_link: Callable[[], str],
    shots: Path,
) -> dict[str, float]:
    """What the agent does, step by step; returns the seconds each wait for mail took."""
    timings: dict[str, float] = {}
    context = browser.new_context()
    page: Page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{app.url}/signup")
        page.fill('input[name="email"]', email)
        page.click('button[type="submit"]')
        page.wait_for_selector('[data-testid="otp-input"]')
        started = time.monotonic()
        code = get_code()
        timings["code"] = time.monotonic() - started
        page.fill('[data-testid="otp-input"]', code)
        page.click('button[type="submit"]')
        page.wait_for_url("**/dashboard")
        assert email in page.inner_text('[data-testid="welcome"]')
    finally:
        context.close()

    # Signing in later, from a fresh browser profile: only the magic link gets it in.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{app.url}/dashboard")
        page.wait_for_url("**/login")
        page.fill('input[name="email"]', email)
        page.click('button[type="submit"]')
        page.wait_for_selector('[data-testid="link-sent"]')
        started = time.monotonic()
        url = get_magic_link()
        timings["magic_link"] = time.monotonic() - started
        assert url.startswith(f"{app.url}/magic?token=")
        page.goto(url)
        page.wait_for_url("**/dashboard")
        assert email in page.inner_text('[data-testid="welcome"]')
        page.screenshot(path=str(shots / "dashboard.png"))
    finally:
        context.close()
    return timings


def test_agent_signs_up_and_logs_in_with_the_sdk(
    pipeline: Pipeline, webapp: SignupApp, browser: Browser, tmp_path: Path
) -> None:
    with Client.from_url(pipeline.redis_url) as client:
        inbox = client.inboxes.create(ttl=600, allowed_senders=[SENDER_DOMAIN], label="signup")

        def get_code() -> str:
            otp = client.messages.wait_for_otp(inbox.id, timeout=30)
            assert otp is not None, pipeline.log("bridge") + pipeline.log("worker")
            assert otp.message.sender_allowed is True
            assert len(otp.code) == 6
            return otp.code

        def get_magic_link() -> str:
            link = client.messages.wait_for_link(inbox.id, kind="magic_link", timeout=30)
            assert link is not None, pipeline.log("bridge") + pipeline.log("worker")
            assert link.kind == "magic_link"
            return link.url

        timings = signup_and_login(browser, webapp, inbox.email, get_code, get_magic_link, tmp_path)
        # Both mails were sent over SMTP by the app, and nothing else was.
        assert [what for to, what in webapp.sent if to == inbox.email] == ["code", "magic_link"]
        # The code was handed out once: a second wait finds nothing new.
        assert client.messages.wait_for_otp(inbox.id, timeout=0.5) is None
    print(f"mail → agent: code {timings['code']:.2f} s, magic link {timings['magic_link']:.2f} s")


def test_agent_signs_up_and_logs_in_over_the_http_api(
    pipeline: Pipeline, webapp: SignupApp, browser: Browser, tmp_path: Path
) -> None:
    """The same agent holding only ``serve``'s URL and a per-inbox token (no Redis URL)."""
    with running_serve(pipeline.redis_url) as serve, httpx.Client(base_url=serve.url) as http:
        created = http.post(
            "/v1/inboxes",
            json={"ttl": 600, "allowed_senders": [SENDER_DOMAIN], "label": "signup-http"},
            headers={"Authorization": f"Bearer {serve.admin_token}"},
        )
        assert created.status_code == 201, created.text
        inbox = created.json()
        own = {"Authorization": f"Bearer {inbox['token']}"}

        def get_code() -> str:
            got = http.get(
                f"/v1/inboxes/{inbox['id']}/otp", params={"timeout": 30}, headers=own, timeout=40
            )
            assert got.status_code == 200, got.text + pipeline.log("bridge")
            body = got.json()
            assert body["message"]["from_address"].endswith("@mail.acme-cloud.test")
            return str(body["code"])

        def get_magic_link() -> str:
            got = http.get(
                f"/v1/inboxes/{inbox['id']}/link",
                params={"kind": "magic_link", "timeout": 30},
                headers=own,
                timeout=40,
            )
            assert got.status_code == 200, got.text + pipeline.log("bridge")
            assert got.json()["kind"] == "magic_link"
            return str(got.json()["url"])

        timings = signup_and_login(
            browser, webapp, inbox["email"], get_code, get_magic_link, tmp_path
        )
        again = http.get(f"/v1/inboxes/{inbox['id']}/otp", params={"timeout": 0.5}, headers=own)
        assert again.status_code == 204
    print(f"over HTTP: code {timings['code']:.2f} s, magic link {timings['magic_link']:.2f} s")
