"""Plane (AGPL-3.0; fetched, never committed): sign-in code, password reset, invitation and
e-mail-updated mails (Django templates), subjects from its background tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from model import Source
from values import Values

from projects._simple import Spec, simple_jobs

_T = "apps/api/templates/emails/"


def _base(v: Values) -> str:
    return f"https://plane.{v.domain}"


def _code(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    code = str(v.rng.randrange(100000, 1000000))
    return {"code": code, "email": v.email}, code, None


def _reset(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    link = (
        f"{_base(v)}/accounts/reset-password/?uidb64={v.token(3)}&token={v.token(6)}-"
        f"{v.hex(32)}&email={v.email}"
    )
    return {"forgot_password_url": link, "email": v.email}, None, link


def _invite(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    slug = v.brand.lower().split()[0]
    link = f"{_base(v)}/workspace-invitations/?invitation_id={v.uuid()}&email={v.email}&slug={slug}"
    return (
        {
            "abs_url": link,
            "email": v.email,
            "first_name": v.other_name().split()[0],
            "workspace_name": v.brand,
        },
        None,
        link,
    )


def _updated(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    return {"email": v.email}, None, None


SPECS = (
    Spec(
        f"{_T}auth/magic_signin.html",
        "Your unique Plane login code is {{code}}",
        "otp",
        "otp_login",
        _code,
        repeat=4,
    ),
    Spec(
        f"{_T}auth/forgot_password.html",
        "A new password to your Plane account has been requested",
        "reset_link",
        "reset_password",
        _reset,
    ),
    Spec(
        f"{_T}invitations/workspace_invitation.html",
        "{{first_name}} invited you to join {{workspace_name}} on Plane",
        "confirm_link",
        "invite_accept",
        _invite,
    ),
    Spec(
        f"{_T}user/email_updated.html",
        "Plane email address successfully updated",
        "none",
        "email_changed",
        _updated,
        repeat=2,
    ),
)
SOURCE = Source(
    project="plane",
    repo="makeplane/plane",
    commit="4ca6d6c7b807ad09bb571af2c43e85bf47c3ec6b",
    licence="AGPL-3.0-only",
    files=tuple(s.path for s in SPECS),
)


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    return simple_jobs(root, SPECS, lambda v: f"Plane <no-reply@{v.host}>")
