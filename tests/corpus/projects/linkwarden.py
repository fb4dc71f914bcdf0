"""Linkwarden (AGPL-3.0; fetched, never committed): verify and change-e-mail mails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from model import Source
from values import Values

from projects._simple import Spec, simple_jobs

_T = "apps/web/templates/"


def _verify(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    base = f"https://links.{v.domain}"
    link = f"{base}/auth/verify?token={v.hex(64)}&email={quote(v.email)}"
    return {"url": link}, None, link


def _change(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    base = f"https://links.{v.domain}"
    link = f"{base}/auth/verify-email?token={v.hex(64)}"
    return (
        {
            "url": link,
            "baseUrl": base,
            "user": v.first,
            "oldEmail": v.email,
            "newEmail": f"{v.first.lower()}@work.example.com",
        },
        None,
        link,
    )


SPECS = (
    Spec(
        f"{_T}verifyEmail.html",
        "Please verify your email address",
        "confirm_link",
        "confirm_email",
        _verify,
        repeat=4,
    ),
    Spec(
        f"{_T}verifyEmailChange.html",
        "Verify your new Linkwarden email address",
        "confirm_link",
        "confirm_email_change",
        _change,
        repeat=4,
    ),
)
SOURCE = Source(
    project="linkwarden",
    repo="linkwarden/linkwarden",
    commit="7550ebb8907e0cd22e8b3e0785bf3da03ab96e3a",
    licence="AGPL-3.0-only",
    files=tuple(s.path for s in SPECS),
)


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    return simple_jobs(root, SPECS, lambda v: f"Linkwarden <no-reply@{v.host}>")
