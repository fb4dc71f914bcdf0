"""Hanko (AGPL-3.0 backend; fetched, never committed): passcode and security-notification mails
rendered from its Go templates and go-i18n YAML locales."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, fill, lang_of, load_yaml
from model import Mail, Source
from values import Values

LOCALES = ("en", "de", "fr", "it", "nl", "pl", "pt-BR", "zh-CN", "bn")
_M = "backend/mail/"
# template -> (kind, class, subject key)
_MAILS = {
    "login": ("otp", "otp_login", "subject_login"),
    "email_verification": ("otp", "otp_confirm_email", "subject_email_verification"),
    "recovery": ("otp", "otp_reset", "subject_recovery"),
    "password_update": ("none", "password_changed", "subject_password_update"),
    "primary_email_update": ("none", "email_changed", "subject_primary_email_update"),
    "email_create": ("none", "security_notice", "subject_email_create"),
    "passkey_create": ("none", "security_notice", "subject_passkey_create"),
    "email_login_attempted": ("none", "unknown_account_notice", "subject_email_login_attempted"),
}
SOURCE = Source(
    project="hanko",
    repo="teamhanko/hanko",
    commit="f742d49643b2c3c7f13c7e13a49225771e4d793f",
    licence="AGPL-3.0-only",
    files=tuple(
        f"{_M}locales/{k}.{lc}.yaml"
        for k in ("passcode", "security-notifications")
        for lc in LOCALES
    )
    + tuple(f"{_M}templates/{t}.{e}.tmpl" for t in _MAILS for e in ("html", "txt"))
    + (f"{_M}templates/layout.html.tmpl",),
)
_DEFINE = re.compile(r'\{\{define "(\w+)"\}\}(.*?)\{\{end\}\}', re.S)
_T = re.compile(r'\{\{t "(\w+)" \.\}\}')
_TPL = re.compile(r'\{\{template "(\w+)" \.?(\w*)\}\}')


def _strings(root: Path, locale: str) -> dict[str, str]:
    out = {}
    for kind in ("passcode", "security-notifications"):
        for key, val in (load_yaml(root / f"{_M}locales/{kind}.{locale}.yaml") or {}).items():
            if isinstance(val, dict) and val.get("other"):
                out[key] = val["other"]
    return out


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, subj_key = _MAILS[name]
    tr = _strings(root, locale)
    code = v.digits(6) if kind == "otp" else None
    vals = {
        "Code": code or "",
        "ServiceName": v.brand,
        "TTL": "5",
        "OldEmailAddress": v.email,
        "NewEmailAddress": f"{v.first.lower()}@work.example.com",
        "DeletedEmailAddress": f"{v.first.lower()}@old.example.org",
        "Subject": "",
    }

    def t(key: str) -> str:
        return fill(tr[key], vals)

    vals["Subject"] = t(subj_key)
    defines = dict(_DEFINE.findall((root / f"{_M}templates/layout.html.tmpl").read_text()))
    content = dict(_DEFINE.findall((root / f"{_M}templates/{name}.html.tmpl").read_text()))[
        "content"
    ]

    def expand(s: str) -> str:
        s = _T.sub(lambda m: esc(t(m.group(1))), s)
        s = _TPL.sub(
            lambda m: expand(defines[m.group(1)].replace("{{.}}", esc(vals.get(m.group(2), "")))), s
        )
        return fill(s, {k: esc(x) for k, x in vals.items()})

    html = expand(defines["layout"].replace('{{template "content" .}}', content))
    text = _T.sub(lambda m: t(m.group(1)), (root / f"{_M}templates/{name}.txt.tmpl").read_text())
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=vals["Subject"],
        sender=f"{v.brand} <passcode@{v.host}>",
        text=fill(text, vals),
        html=html,
        code=code,
        code_display=code,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
