"""Ory Kratos (Apache-2.0): the courier's built-in e-mail templates (Go templates, English)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill
from model import Mail, Source
from values import Values

_T = "courier/template/courier/builtin/templates/"
# template dir -> (kind, class)
_MAILS = {
    "login_code/valid": ("otp", "otp_login"),
    "registration_code/valid": ("otp", "otp_signup"),
    "recovery_code/valid": ("otp", "otp_reset"),
    "verification_code/valid": ("otp+link", "otp_confirm_email"),
    "verification/valid": ("confirm_link", "confirm_email"),
    "recovery/valid": ("reset_link", "reset_password"),
    "recovery/invalid": ("none", "unknown_account_notice"),
    "recovery_code/invalid": ("none", "unknown_account_notice"),
    "verification_code/invalid": ("none", "unknown_account_notice"),
    "verifiable_address_changed": ("none", "email_changed"),
    "authenticator_key_added": ("none", "security_notice"),
}
SOURCE = Source(
    project="ory-kratos",
    repo="ory/kratos",
    commit="b86338da04a040247a07f46100a86dcfb3875909",
    licence="Apache-2.0",
    files=tuple(
        f"{_T}{d}/email.{p}.gotmpl" for d in _MAILS for p in ("subject", "body", "body.plaintext")
    ),
)
_INDEX = re.compile(r'\{\{\s*index\s+\.Identity\s+"(\w+)"\s*\}\}')


def _render(root: Path, key: str, v: Values) -> Mail:
    kind, cls = _MAILS[key]
    code = v.digits(6) if "code" in key and key.endswith("valid") and "invalid" not in key else None
    flow = v.uuid()
    link = None
    if kind in ("otp+link", "confirm_link"):
        link = (
            v.url("/self-service/verification", code=code, flow=flow)
            if code
            else v.url("/self-service/verification", flow=flow, token=v.token(32))
        )
    elif kind == "reset_link":
        link = v.url("/self-service/recovery", flow=flow, token=v.token(32))
    vals = {
        "LoginCode": code or "",
        "RegistrationCode": code or "",
        "RecoveryCode": code or "",
        "VerificationCode": code or "",
        "VerificationURL": link or "",
        "RecoveryURL": link or "",
        "ExpiresInMinutes": str(v.rng.choice((15, 60))),
        "To": v.email,
        "Identity": v.uuid(),
        "AddedAt": v.when("%Y-%m-%dT%H:%M:%SZ"),
        "ChangedAt": v.when("%Y-%m-%dT%H:%M:%SZ"),
    }

    def part(name: str) -> str:
        raw = (root / f"{_T}{key}/email.{name}.gotmpl").read_text(encoding="utf-8")
        return fill(_INDEX.sub(lambda m: vals["Identity"], raw), vals)

    return Mail(
        template=key,
        language="en",
        kind=kind,
        cls=cls,
        subject=part("subject").strip(),
        sender=f"{v.brand} <no-reply@{v.host}>",
        text=part("body.plaintext"),
        html=part("body"),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key in _MAILS:
        for i in range(3 if _MAILS[key][0] != "none" else 2):
            yield f"{key}-{i}", "en", partial(_render, root, key)
