"""Vaultwarden (AGPL-3.0; fetched, never committed): its Handlebars mail templates, each a
subject line, a separator, then the body (``.hbs`` text and ``.html.hbs`` HTML)."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import quote

from model import Mail, Source
from values import Values

_E = "src/static/templates/email/"
_MAILS = {  # template -> (kind, class)
    "twofactor_email": ("otp", "otp_2fa"),
    "protected_action": ("otp", "otp_step_up"),
    "change_email": ("otp", "otp_confirm_email"),
    "verify_email": ("confirm_link", "confirm_email"),
    "welcome_must_verify": ("confirm_link", "confirm_email"),
    "register_verify_email": ("confirm_link", "confirm_email"),
    "delete_account": ("confirm_link", "confirm_account_deletion"),
    "send_org_invite": ("confirm_link", "invite_accept"),
    "new_device_logged_in": ("none", "sign_in_alert"),
    "incomplete_2fa_login": ("none", "sign_in_alert"),
    "pw_hint_some": ("none", "security_notice"),
    "invite_accepted": ("none", "notification"),
    "emergency_access_recovery_initiated": ("none", "security_notice"),
    "welcome": ("none", "welcome"),
}
SOURCE = Source(
    project="vaultwarden",
    repo="dani-garcia/vaultwarden",
    commit="46d71107f5094460dd5ecbe1dbac6e6c71e5189a",
    licence="AGPL-3.0-only",
    files=tuple(f"{_E}{t}.{e}" for t in _MAILS for e in ("hbs", "html.hbs"))
    + tuple(f"{_E}{p}.hbs" for p in ("email_header", "email_footer", "email_footer_text")),
)
_PARTIAL = re.compile(r"\{\{>\s*email/(\w+)\s*\}\}")
_IF = re.compile(r"\{\{#if (\w+)\}\}(.*?)(?:\{\{else\}\}(.*?))?\{\{/if\}\}", re.S)
_VAR = re.compile(r"\{\{\{\s*(\w+)\s*\}\}\}|\{\{\s*(\w+)\s*\}\}")


def _hbs(root: Path, name: str, vals: dict[str, str], escape: bool) -> str:
    s = (root / f"{_E}{name}").read_text(encoding="utf-8")
    s = _PARTIAL.sub(lambda m: (root / f"{_E}{m.group(1)}.hbs").read_text(encoding="utf-8"), s)
    s = _IF.sub(lambda m: m.group(2) if vals.get(m.group(1)) else (m.group(3) or ""), s)

    def var(m: re.Match[str]) -> str:
        raw = vals[m.group(1) or m.group(2)]
        return htmllib.escape(raw) if escape and m.group(2) else raw

    return _VAR.sub(var, s)


def _render(root: Path, name: str, v: Values) -> Mail:
    kind, cls = _MAILS[name]
    url = f"https://vault.{v.domain}"
    user_id = v.uuid()
    jwt = f"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{v.token(180)}.{v.token(342)}"
    code = v.digits(6) if kind == "otp" else None
    agent, _, os_name = v.device()
    vals = {
        "url": url,
        "user_id": user_id,
        "token": code or jwt,
        "email": v.email,
        "org_name": f"{v.brand} Ops",
        "org_id": v.uuid(),
        "org_user_id": v.uuid(),
        "datetime": v.when("%A, %B %d, %Y %H:%M UTC"),
        "ip": v.ip(),
        "device_name": f"{agent}",
        "device_type": os_name,
        "time_limit": "3",
        "hint": v.rng.choice(("first dog + street", "the usual, with 1987", "blue door")),
        "grantee_name": v.other_name(),
        "atype": "view",
        "wait_time_days": "7",
        "img_src": f"{url}/vw_static/",
        "org_name_encoded": v.brand,
        "name": v.first,
    }
    link = None
    if name in ("verify_email", "welcome_must_verify"):
        link = f"{url}/#/verify-email/?userId={user_id}&token={jwt}"
    elif name == "delete_account":
        link = f"{url}/#/verify-recover-delete?userId={user_id}&token={jwt}&email={v.email}"
    elif name in ("register_verify_email", "send_org_invite"):
        link = vals["url"] = (
            f"{url}/#/finish-signup/?email={v.email}&token={jwt}"
            if name == "register_verify_email"
            else f"{url}/#/accept-organization/?organizationId={vals['org_id']}"
            f"&organizationUserId={vals['org_user_id']}&email={v.email}"
            f"&organizationName={quote(v.brand)}%20Ops&token={jwt}"
        )
    text = _hbs(root, f"{name}.hbs", vals, escape=False)
    html = _hbs(root, f"{name}.html.hbs", vals, escape=True)
    subject, _, text = text.partition("<!---------------->\n")
    html = html.partition("<!---------------->\n")[2]
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject.strip(),
        sender=f"Vaultwarden <vaultwarden@{v.host}>",
        text=text,
        html=html,
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (kind, _) in _MAILS.items():
        for i in range(4 if kind != "none" else 3):
            yield f"{name}-{i}", "en", partial(_render, root, name)
