"""Kutt (MIT): verify, change-e-mail and reset mails (``server/mail/template-*.html``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from model import Source
from values import Values

from projects._simple import Spec, simple_jobs

_M = "server/mail/"


def _vals(path: str, key: str) -> object:
    def build(v: Values) -> tuple[dict[str, str], str | None, str | None]:
        token = v.uuid()
        domain = f"kutt.{v.domain}"
        vals = {
            "domain": domain,
            "site_name": v.brand,
            "verification": token,
            "resetpassword": token,
        }
        return vals, None, f"https://{domain}/{path}/{token}"

    return build


SPECS = (
    Spec(
        f"{_M}template-verify.html",
        "Verify your account",
        "confirm_link",
        "confirm_email",
        _vals("verify", "verification"),
    ),  # type: ignore[arg-type]
    Spec(
        f"{_M}template-change-email.html",
        "Verify your new email address",
        "confirm_link",
        "confirm_email_change",
        _vals("verify-email", "verification"),
    ),  # type: ignore[arg-type]
    Spec(
        f"{_M}template-reset.html",
        "Reset your password",
        "reset_link",
        "reset_password",
        _vals("reset-password", "resetpassword"),
    ),  # type: ignore[arg-type]
)
SOURCE = Source(
    project="kutt",
    repo="thedevs-network/kutt",
    commit="fc832d7e7243d5472714e17abfe84b908901e1a7",
    licence="MIT",
    files=tuple(s.path for s in SPECS),
)


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    return simple_jobs(root, SPECS, lambda v: f"{v.brand} <support@{v.host}>")
