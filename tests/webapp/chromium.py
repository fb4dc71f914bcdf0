"""Debian's Chromium under Playwright: never a downloaded browser.

The flags keep a headless run quiet and offline apart from loopback: no QUIC, no background
fetches (component updates, sync), no GPU, no sandbox (CI containers run as root).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

__all__ = ["CHROMIUM", "launched"]

CHROMIUM = "/usr/bin/chromium"
_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def launched() -> Iterator[Browser]:
    """A headless Chromium; skips the test only when no Chromium is installed at all (the CI's
    tests/run.sh installs Debian's ``chromium``)."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (tests/run.sh installs it)")
    path = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()
