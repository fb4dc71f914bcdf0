"""PocketBase (MIT): the default auth mail templates of ``core/collection_model_auth_templates.go``
(Go string concatenations of literals and ``{PLACEHOLDER}`` constants), read from the fetched
file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_FILE = "core/collection_model_auth_templates.go"
SOURCE = Source(
    project="pocketbase",
    repo="pocketbase/pocketbase",
    commit="5d217ddb50cb144d80a5d0b0bdf11b52b2c3e457",
    licence="MIT",
    files=(_FILE,),
)
_MAILS = {  # Go var stem -> (kind, class)
    "Verification": ("confirm_link", "confirm_email"),
    "ResetPassword": ("reset_link", "reset_password"),
    "ConfirmEmailChange": ("confirm_link", "confirm_email_change"),
    "OTP": ("otp", "otp_login"),
    "AuthAlert": ("none", "sign_in_alert"),
}
_VAR = re.compile(
    r"var default(\w+)Template = EmailTemplate\{\s*Subject:(.*?),\s*Body:(.*?),\s*\}", re.S
)
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\w+)')


def _go_concat(expr: str, consts: dict[str, str]) -> str:
    return "".join(a or b or consts.get(c, "") for a, b, c in _PART.findall(expr))


def _render(root: Path, stem: str, v: Values) -> Mail:
    src = (root / _FILE).read_text(encoding="utf-8")
    consts = dict(re.findall(r'(EmailPlaceholder\w+)\s+string = "([^"]+)"', src))
    subject_e, body_e = next((s, b) for n, s, b in _VAR.findall(src) if n == stem)
    kind, cls = _MAILS[stem]
    jwt = f"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{v.token(140)}.{v.token(43)}"
    # the OTP length is a collection setting (default 8); sites also pick 6 or 10
    otp = v.digits(v.rng.choice((8, 8, 6, 10))) if kind == "otp" else None
    agent, _, os_name = v.device()
    city, country = v.place()
    vals = {
        "{APP_NAME}": v.brand,
        "{APP_URL}": f"https://{v.host}",
        "{TOKEN}": jwt,
        "{OTP}": otp or "",
        "{OTP_ID}": v.token(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
        "{ALERT_INFO}": f"{agent} on {os_name}, {v.ip()} ({city}, {country})",
    }

    def fill(s: str) -> str:
        for k, x in vals.items():
            s = s.replace(k, x)
        return s

    body = fill(_go_concat(body_e, consts))
    m = re.search(r'href="([^"]+)"', body)
    link = m.group(1) if m and kind not in ("otp", "none") else None
    return Mail(
        template=stem,
        language="en",
        kind=kind,
        cls=cls,
        subject=fill(_go_concat(subject_e, consts)),
        sender=f"{v.brand} <noreply@{v.host}>",
        html=f"<!DOCTYPE html><html><body>{body}</body></html>",
        code=otp,
        code_display=otp,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for stem in _MAILS:
        for i in range(4):
            yield f"{stem}-{i}", "en", partial(_render, root, stem)
