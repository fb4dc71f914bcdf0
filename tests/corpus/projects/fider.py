"""Fider (AGPL-3.0; fetched, never committed): sign-in, sign-up, change-e-mail and comment
notification mails from ``views/email`` and ``locale/*/server.json``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, fill, lang_of, load_json
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "de",
    "fr",
    "es-ES",
    "it",
    "nl",
    "pl",
    "pt-BR",
    "ru",
    "tr",
    "ja",
    "ko",
    "zh-CN",
    "ar",
    "cs",
    "el",
    "sv-SE",
    "sk",
    "fa",
)
_MAILS = {  # template -> (kind, class)
    "signin_email": ("otp+link", "otp_login"),
    "signup_email": ("confirm_link", "confirm_email"),
    "change_emailaddress_email": ("confirm_link", "confirm_email_change"),
    "new_comment": ("none", "notification"),
}
SOURCE = Source(
    project="fider",
    repo="getfider/fider",
    commit="67c52826cca176724a59dd58b9795e1bc8d67bc8",
    licence="AGPL-3.0-only",
    files=tuple(f"locale/{lc}/server.json" for lc in LOCALES)
    + tuple(f"views/email/{t}.html" for t in (*_MAILS, "base_email")),
)
_DEFINE = re.compile(r'\{\{define "(\w+)"\}\}(.*?)\{\{end\}\}', re.S)
_TR_PIPE = re.compile(r'\{\{\s*"([\w.]+)"\s*\|\s*translate\s*\}\}')
_TR_DICT = re.compile(
    r'\{\{\s*translate\s+("[\w.]+"|\.\w+)\s+\(dict((?:[^()]|\([^()]*\))*)\)'
    r"\s*(?:\|\s*html\s*)?\}\}"
)
_ARG = re.compile(r'"(\w+)"\s+(?:\.(\w+)|\(\.(\w+)[^)]*\))')
_VAR = re.compile(r"\{\{\s*\.(\w+)(?:\s*\|\s*\w+)?\s*\}\}")
_IF = re.compile(r"\{\{\s*if \.(\w+)\s*\}\}(.*?)\{\{\s*end\s*\}\}", re.S)
_COMMENTS = (
    "We hit this too after upgrading to 4.2 - order #48213 failed to sync.",
    "+1, our team of 12 needs this. Ticket 7731 on our side tracks it.",
    "Fixed in build 20260311, please retest and report back.",
)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail:
    en = load_json(root / "locale/en/server.json")
    tr = {**en, **{k: x for k, x in load_json(root / f"locale/{locale}/server.json").items() if x}}
    kind, cls = _MAILS[name]
    base = f"https://{v.host.split('.')[0]}.fider.io"
    code = v.digits(6) if kind == "otp+link" else None
    path = {
        "signin_email": "/signin/verify?k=",
        "signup_email": "/signup/verify?k=",
        "change_emailaddress_email": "/change-email/verify?k=",
    }.get(name)
    link = f"{base}{path}{v.token(64, 'abcdefghijklmnopqrstuvwxyz0123456789')}" if path else None
    post = f"{base}/posts/{v.rng.randrange(10, 900)}/dark-mode-for-the-dashboard"
    vals = {
        "siteName": v.brand,
        "code": code or "",
        "name": v.first,
        "oldEmail": v.email,
        "newEmail": f"{v.first.lower()}@work.example.com",
        "userName": v.other_name(),
        "title": "Dark mode for the dashboard",
        "postLink": f"<a href='{post}'>#{post[-33:]}</a>",
        "messageLocaleString": "email.new_comment.text",
        "tenantName": v.brand,
        "content": f"<p>{esc(v.rng.choice(_COMMENTS))}</p>",
        "view": f"<a href='{post}'>{tr['email.subscription.view']}</a>",
        "unsubscribe": f"<a href='{post}/unsubscribe'>{tr['email.subscription.unsubscribe']}</a>",
        "change": f"<a href='{base}/settings'>{tr['email.subscription.change']}</a>",
        "link": f"<a href='{link}'>{link}</a>" if link else "",
        "noreply": "1",
        "logo": "",
    }

    def t_dict(m: re.Match[str]) -> str:
        key = m.group(1).strip('"') if m.group(1).startswith('"') else vals[m.group(1)[1:]]
        args = {a: vals[b or c] for a, b, c in _ARG.findall(m.group(2))}
        return fill(tr[key], args, "brace")

    def expand(s: str) -> str:
        s = _IF.sub(lambda m: m.group(2) if vals.get(m.group(1)) else "", s)
        s = _TR_PIPE.sub(lambda m: tr[m.group(1)], s)
        s = _TR_DICT.sub(t_dict, s)
        return _VAR.sub(lambda m: vals[m.group(1)], s)

    blocks = dict(_DEFINE.findall((root / f"views/email/{name}.html").read_text()))
    base_html = (root / "views/email/base_email.html").read_text().split("body:\n", 1)[1]
    html = expand(base_html.replace('{{block "body" .}}{{end}}', blocks["body"]))
    subject = expand(blocks["subject"]).strip()
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} <noreply@fider.io>",
        html=html,
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
