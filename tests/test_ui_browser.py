"""``/ui`` in headless Chromium: sign in with the admin token, read an inbox's timeline
(received → extracted, masked code, reasons, latency), see a new mail appear live over SSE, and
a hostile subject render as text. A screenshot is written (its path is printed).

Real servers: the session's redis-server, ``serve``'s app under uvicorn on a loopback port, the
bridge's own ingest step and the worker's jobs (tests/pipeline_helpers.py) for the mail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from pipeline_helpers import Ingest, code_mail, run_jobs
from playwright.sync_api import Browser, Page, expect
from webapp.chromium import launched
from webapp.serve import Serve, running_serve

from otpbridge import Client
from otpbridge.worker.keys import Keys

pytestmark = pytest.mark.slow

ADDRESS = "agents+{id}@corp.test"
KEYS = Keys()
HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def serve(redis_url: str) -> Iterator[Serve]:
    with running_serve(
        redis_url, OTPBRIDGE_ADDRESS=ADDRESS, OTPBRIDGE_HTTP_SSE_HEARTBEAT="1"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as running:
        yield running


def _sign_in(page: Page, serve: Serve) -> None:
    page.goto(f"{serve.url}/ui")
    page.wait_for_url("**/ui/login")
    page.fill('input[name="token"]', "not-the-admin-token-at-all")
    page.click('button[type="submit"]')
    expect(page.get_by_role("alert")).to_contain_text("not the admin token")
    page.fill('input[name="token"]', serve.admin_token)
    page.click('button[type="submit"]')
    page.wait_for_url("**/ui")


def _keep(shot: Path) -> Path:
    """A copy under the run's output directory (``OTPBRIDGE_TEST_OUTPUT``, default build/)."""
    out = Path(os.environ.get("OTPBRIDGE_TEST_OUTPUT") or ROOT / "build" / "test-output")
    out.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(shot, out / shot.name))


def test_timeline_page_in_chromium(
    serve: Serve, redis_url: str, browser: Browser, tmp_path: Path
) -> None:
    r = redis.Redis.from_url(redis_url)
    ingest = Ingest(r)  # writes the bridge's heartbeat time; a running bridge adds its status
    r.hset(KEYS.heartbeat("catchall", "INBOX"), "status", "ok")
    with Client.from_url(redis_url, address=ADDRESS) as client:
        inbox = client.inboxes.create(ttl=600, label="signup-bot")
        ingest.deliver(inbox.id, code_mail(inbox.email, "284913", subject=f"Code {HOSTILE}"))
        run_jobs(redis_url)
    # A mail for an expired inbox, as the bridge records it (ids and the reason only).
    r.xadd(
        KEYS.unrouted,
        {"mailbox": "catchall", "folder": "INBOX", "uid": "99", "reason": "inbox_not_found",
         "message_id": "<late-mail@accounts.example.com>", "seen_at": "0"},
    )  # fmt: skip

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _sign_in(page, serve)
        cookie = next(c for c in context.cookies() if c["name"] == "otpbridge_session")
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["secure"] is False  # plain http on loopback; https sets Secure
        assert page.evaluate("document.cookie") == ""  # HttpOnly: no script reads it

        row = page.locator(f'tr[data-inbox="{inbox.id}"]')
        expect(row).to_contain_text("signup-bot")
        expect(row).to_contain_text(inbox.email)
        expect(row).to_contain_text("extracted")  # its last event
        expect(page.locator(".bridges")).to_contain_text("catchall:INBOX ok")
        expect(page.locator("#unrouted")).to_contain_text("inbox_not_found")
        listing = tmp_path / "ui-inboxes.png"
        page.screenshot(path=str(listing), full_page=True)
        _keep(listing)
        row.get_by_role("link").click()
        page.wait_for_url(f"**/ui/inboxes/{inbox.id}")

        first = page.locator("tr.mail")
        expect(first).to_have_count(1)
        expect(first).to_have_attribute("data-outcome", "extracted")
        expect(first).to_contain_text("28••••")
        expect(first).to_contain_text("kind otp")
        expect(first).to_contain_text("no allowlist")
        expect(first.locator(".reasons li").first).to_contain_text("code 28•••• chosen")
        # The hostile subject is text: no element made from it, no script run.
        expect(first.locator(".subject")).to_contain_text("<script>window.__xss = 1</script>")
        assert page.locator("img").count() == 0
        assert page.evaluate("window.__xss") is None
        assert "284913" not in page.content()

        # Live: a second mail's events reach the open page over SSE.
        expect(page.locator("#live")).to_contain_text("connected")
        ingest.deliver(inbox.id, code_mail(inbox.email, "605118", subject="Your new code"))
        expect(page.locator("tr.mail")).to_have_count(2)
        newest = page.locator("tr.mail").first
        expect(newest).to_contain_text("Your new code")
        expect(newest).to_have_attribute("data-outcome", "pending")
        run_jobs(redis_url)
        expect(newest).to_have_attribute("data-outcome", "extracted")
        expect(newest).to_contain_text("60••••")
        assert "605118" not in page.content()
        assert dialogs == []

        # An agent takes the code: the page says who got it, and that the older one is stale.
        with Client.from_url(redis_url, address=ADDRESS, name="agent-7") as agent:
            taken = agent.messages.wait_for_otp(inbox.id, timeout=5)
        assert taken is not None
        assert taken.code == "605118"
        page.reload()
        expect(page.locator("tr.mail").first).to_contain_text("code → agent-7")
        expect(page.locator("tr.mail").nth(1)).to_contain_text("superseded")

        shot = tmp_path / "ui-timeline.png"
        page.screenshot(path=str(shot), full_page=True)
        kept = _keep(shot)
        print(f"screenshot: {shot} (kept: {kept})")

        # Signing out ends the session: /ui asks for the token again.
        page.click("text=Sign out")
        page.wait_for_url("**/ui/login")
        assert not [c for c in context.cookies() if c["name"] == "otpbridge_session"]
    finally:
        context.close()
        r.close()


def test_ui_answers_carry_csp_and_refuse_strangers(serve: Serve, redis_url: str) -> None:
    with httpx.Client(base_url=serve.url, timeout=10) as http:
        first = http.get("/ui")
        assert first.status_code == 303
        assert first.headers["location"] == "/ui/login"
        login = http.get("/ui/login")
        csp = login.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src 'nonce-" in csp
        assert "frame-ancestors 'none'" in csp
        assert login.headers["cache-control"] == "no-store"
        refused = http.post("/ui/login", data={"token": "wrong-token-wrong-token"})
        assert refused.status_code == 401
        assert "otpbridge_session" not in refused.headers.get("set-cookie", "")
        # Behind a TLS-terminating proxy the cookie is Secure.
        ok = http.post(
            "/ui/login",
            data={"token": serve.admin_token},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert ok.status_code == 303
        flags = ok.headers["set-cookie"].lower()
        assert "httponly" in flags
        assert "samesite=strict" in flags
        assert "secure" in flags
        assert http.get("/ui/inboxes/nosuchinbox000000000").status_code == 303
        # An inbox token is not the admin: the timeline pages stay closed to it.
        created = http.post(
            "/v1/inboxes",
            json={"ttl": 60},
            headers={"Authorization": f"Bearer {serve.admin_token}"},
        )
        assert created.status_code == 201, created.text
        inbox_token = created.json()["token"]
        assert (
            http.get("/ui", headers={"Authorization": f"Bearer {inbox_token}"}).status_code == 403
        )
