"""Logto (MPL-2.0, treated as measurement only; fetched, never committed): the default
verification-code templates of its AWS SES e-mail connector, one per usage type. The connector
ships placeholder subjects (``<sign-in-template-subject>``); sites set their own, so the subject
here is one a site would set (written for this corpus)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_C = "packages/connectors/connector-aws-ses/src/constant.ts"
SOURCE = Source(
    project="logto",
    repo="logto-io/logto",
    commit="1fbc55441fd28d9e3e7d69c1522e7654dccfe99c",
    licence="MPL-2.0",
    files=(_C,),
)
_PAIR = re.compile(r"usageType: '(\w+)',\s*subject: '[^']*',\s*content:\s*'([^']*)'", re.S)
_SUBJECTS = {
    "SignIn": "Your sign-in code",
    "Register": "Verify your email",
    "ForgotPassword": "Reset your password",
    "Generic": "Your verification code",
    "MfaVerification": "Your 2-step verification code",
    "BindNewIdentifier": "Confirm your new email address",
    "BindMfa": "Set up 2-step verification",
    "UserPermissionValidation": "Confirm it's you",
    "OrganizationInvitation": "You're invited to join an organization",
}
_CLASS = {
    "SignIn": "otp_login",
    "Register": "otp_signup",
    "ForgotPassword": "otp_reset",
    "Generic": "otp_generic",
    "MfaVerification": "otp_2fa",
    "BindMfa": "otp_2fa",
    "BindNewIdentifier": "otp_confirm_email",
    "UserPermissionValidation": "otp_step_up",
    "OrganizationInvitation": "invite_code",
}


def _render(root: Path, usage: str, v: Values) -> Mail:
    content = dict(_PAIR.findall((root / _C).read_text(encoding="utf-8")))[usage]
    code = v.digits(6)
    text = content.replace("{{code}}", code).replace("Logto", v.brand)
    # the goldens treat an invitation code as not handed over (r9-none-invite-code-*)
    invite = usage == "OrganizationInvitation"
    return Mail(
        template=usage,
        language="en",
        kind="none" if invite else "otp",
        cls=_CLASS[usage],
        subject=f"{v.brand}: {_SUBJECTS[usage]}",
        sender=f"{v.brand} <no-reply@{v.host}>",
        text=text + "\n",
        code=None if invite else code,
        code_display=None if invite else code,
        notes="brand name replaces Logto as a site's template would",
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for usage in _SUBJECTS:
        for i in range(3):
            yield f"{usage}-{i}", "en", partial(_render, root, usage)
