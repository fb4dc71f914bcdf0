"""A Playwright agent that signs up on a web app with a fresh otpbridge inbox, types the mailed
code, and later signs in through the mailed magic link — the code and link come from the SDK.

Install and run (Redis of your otpbridge deployment; the agent machine needs no IMAP access)::

    pip install otpbridge playwright
    playwright install chromium          # or pass --chromium /usr/bin/chromium
    export OTPBRIDGE_REDIS_URL=redis://otpbridge-redis:6379/0
    python examples/playwright_agent.py https://app.example --sender app.example

The selectors fit a plain sign-up form (``input[name=email]``, a code field, a submit button);
change :data:`SELECTORS` for your app. No ``sleep``: the SDK's waits return the moment the code
is extracted, and a broken pipeline (no bridge, failed extraction) raises instead of timing out.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from playwright.sync_api import Page, sync_playwright

from otpbridge import Client

__all__ = ["SELECTORS", "Selectors", "log_in", "main", "sign_up"]


@dataclass(frozen=True)
class Selectors:
    email: str = 'input[name="email"]'
    code: str = 'input[name="code"], [data-testid="otp-input"]'
    submit: str = 'button[type="submit"]'


SELECTORS = Selectors()


def sign_up(
    page: Page,
    client: Client,
    base_url: str,
    *,
    senders: list[str] | None = None,
    selectors: Selectors = SELECTORS,
) -> str:
    """Sign up with a new inbox and the mailed code; returns the inbox id (for :func:`log_in`)."""
    # Create the inbox BEFORE submitting the form: mail sent earlier is not routed to it.
    # allowed_senders: only the app's mail can satisfy the wait (not a phishing look-alike).
    inbox = client.inboxes.create(ttl=900, allowed_senders=senders, label="playwright-signup")
    page.goto(f"{base_url}/signup")
    page.fill(selectors.email, inbox.email)
    page.click(selectors.submit)
    otp = client.messages.wait_for_otp(inbox.id, timeout=60)
    if otp is None:
        raise RuntimeError(
            "no code within 60 s: did the form accept the address? (`otpbridge status`, /ui)"
        )
    page.fill(selectors.code, otp.code)  # .code: what to type; .display: as the mail shows it
    page.click(selectors.submit)
    return inbox.id


def log_in(
    page: Page, client: Client, base_url: str, inbox_id: str, *, selectors: Selectors = SELECTORS
) -> None:
    """Sign in through the magic link mailed to the inbox (handed out once, like codes)."""
    inbox = client.inboxes.get(inbox_id)
    page.goto(f"{base_url}/login")
    page.fill(selectors.email, inbox.email)
    page.click(selectors.submit)
    link = client.messages.wait_for_link(inbox_id, kind="magic_link", timeout=60)
    if link is None:
        raise RuntimeError("no magic link within 60 s")
    page.goto(link.url)  # open it once: many apps burn the token on first use


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the web app, e.g. https://app.example")
    parser.add_argument("--sender", action="append", help="the app's mail domain (repeatable)")
    parser.add_argument("--chromium", help="a Chromium binary instead of Playwright's download")
    parser.add_argument("--headed", action="store_true")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    # OTPBRIDGE_REDIS_URL (and optionally OTPBRIDGE_ADDRESS) from the environment.
    import os  # noqa: PLC0415 - only the entry point reads the environment

    with Client.from_url(os.environ["OTPBRIDGE_REDIS_URL"]) as client, sync_playwright() as pw:
        browser = pw.chromium.launch(headless=not args.headed, executable_path=args.chromium)
        try:
            page = browser.new_page()
            inbox_id = sign_up(page, client, base, senders=args.sender)
            print(f"signed up: {page.url}")
            log_in(browser.new_page(), client, base, inbox_id)
            print("signed in through the magic link")
            client.inboxes.delete(inbox_id)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
