"""Authelia (Apache-2.0): its three notification templates (HTML + text, Go templates).

Titles and event phrases are the kind Authelia passes in (subject ``[Authelia] {title}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill
from model import Mail, Source
from values import Values

_T = "internal/templates/embed/notification/"
SOURCE = Source(
    project="authelia",
    repo="authelia/authelia",
    commit="23572030b4048922a377ca40d59e804e0ed25fd7",
    licence="Apache-2.0",
    files=tuple(
        f"{_T}{n}.{e}"
        for n in ("Event", "IdentityVerificationJWT", "IdentityVerificationOTC")
        for e in ("html", "txt")
    ),
)
_RANGE = re.compile(r"\{\{-?\s*\$keys.*?\{\{-?\s*end\s*-?\}\}", re.S)
_EVENTS = (
    ("Password Reset", "your", "password", "has been successfully reset."),
    (
        "Second Factor Method Added",
        "a",
        "Time-based One-Time Password",
        "was added to your account.",
    ),
    ("Password Changed", "your", "password", "has been successfully changed."),
)


def _render(root: Path, name: str, variant: int, v: Values) -> Mail:
    domain = v.host
    vals = {
        "DisplayName": v.name,
        "Domain": domain,
        "RemoteIP": v.ip(),
        "LinkText": "Validate",
        "RevocationLinkText": "Revoke",
        "OneTimeCode": "",
        "LinkURL": "",
    }
    code = link = None
    rev_id = v.uuid()
    vals["RevocationLinkURL"] = f"https://{domain}/revoke/one-time-code?id={rev_id}"
    if name == "IdentityVerificationOTC":
        code = vals["OneTimeCode"] = v.alnum(8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        vals["Title"] = "Confirm your identity"
        kind, cls = "otp", "otp_step_up"
    elif name == "IdentityVerificationJWT":
        token = f"{v.token(36)}.{v.token(120)}.{v.token(43)}"
        link = vals["LinkURL"] = f"https://{domain}/reset-password/step2?token={token}"
        vals["RevocationLinkURL"] = f"https://{domain}/revoke/reset-password?token={token}"
        vals["Title"] = "Reset your password"
        kind, cls = "reset_link", "reset_password"
    else:
        title, prefix, event, suffix = _EVENTS[variant % len(_EVENTS)]
        vals.update(Title=title, BodyPrefix=prefix, BodyEvent=event, BodySuffix=suffix)
        kind, cls = "none", "password_changed" if "Password" in title else "security_notice"
    details = {
        "Action": vals["Title"],
        "Date": v.when("%Y-%m-%d %H:%M:%S UTC"),
        "IP Address": vals["RemoteIP"],
    }

    def part(ext: str) -> str:
        raw = (root / f"{_T}{name}.{ext}").read_text(encoding="utf-8")
        sep = "\n\n" if ext == "txt" else "<br>"
        raw = _RANGE.sub(lambda m: sep.join(f"{k}: {d}" for k, d in details.items()), raw)
        return fill(raw, vals)

    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=f"[Authelia] {vals['Title']}",
        sender=f"Authelia <authelia@{domain}>",
        text=part("txt"),
        html=part("html"),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in ("IdentityVerificationOTC", "IdentityVerificationJWT", "Event"):
        for i in range(4):
            yield f"{name}-{i}", "en", partial(_render, root, name, i)
