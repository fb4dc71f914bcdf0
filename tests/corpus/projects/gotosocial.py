"""GoToSocial (AGPL-3.0; fetched, never committed): plain-text mails of ``web/template/email_*``,
subjects from ``internal/email``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from model import Source
from values import Values

from projects._simple import Spec, simple_jobs

_T = "web/template/"


def _base(v: Values) -> dict[str, str]:
    return {
        "Username": v.username.split(".")[0],
        "InstanceURL": f"https://social.{v.domain}",
        "InstanceName": f"{v.brand} Social",
        "NewSignup": "1" if v.rng.random() < 0.5 else "",
    }


def _confirm(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    b = _base(v)
    link = f"{b['InstanceURL']}/confirm_email?token={v.uuid()}"
    return {**b, "ConfirmLink": link}, None, link


def _reset(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    b = _base(v)
    link = f"{b['InstanceURL']}/reset_email?token={v.uuid()}"
    return {**b, "ResetLink": link}, None, link


def _approved(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    return _base(v), None, None


def _signup(v: Values) -> tuple[dict[str, str], str | None, str | None]:
    b = _base(v)
    return (
        {
            **b,
            "SignupEmail": v.email,
            "SignupUsername": v.username.split(".")[0],
            "SignupReason": "I run the local hackerspace, invite code HS-2291 from the meetup.",
            "SignupURL": f"{b['InstanceURL']}/settings/admin/accounts/{v.b58(26).upper()}",
        },
        None,
        None,
    )


SPECS = (
    Spec(
        f"{_T}email_confirm.tmpl",
        "GoToSocial Email Confirmation",
        "confirm_link",
        "confirm_email",
        _confirm,
        html=False,
    ),
    Spec(
        f"{_T}email_reset.tmpl",
        "GoToSocial Password Reset",
        "reset_link",
        "reset_password",
        _reset,
        html=False,
    ),
    Spec(
        f"{_T}email_signup_approved.tmpl",
        "GoToSocial Sign-Up Approved",
        "none",
        "welcome",
        _approved,
        html=False,
        repeat=2,
    ),
    Spec(
        f"{_T}email_new_signup.tmpl",
        "GoToSocial New Sign-Up",
        "none",
        "notification",
        _signup,
        html=False,
        repeat=2,
    ),
)
SOURCE = Source(
    project="gotosocial",
    repo="superseriousbusiness/gotosocial",
    commit="57cb4fe7482962aa8e5a05874a343474d5a453e7",
    licence="AGPL-3.0-or-later",
    files=tuple(s.path for s in SPECS),
)


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    return simple_jobs(root, SPECS, lambda v: f"{v.brand} Social <noreply@{v.host}>")
