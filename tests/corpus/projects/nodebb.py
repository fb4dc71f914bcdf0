"""NodeBB (GPL-3.0; fetched, never committed): its Benchpress mail views (``src/views/emails``)
with the ``email.json`` strings of ``public/language``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, lang_of, load_json
from model import Mail, Source
from values import Values

LOCALES = (
    "en-GB",
    "de",
    "fr",
    "es",
    "it",
    "pt-BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "tr",
    "ja",
    "zh-CN",
    "ko",
    "ar",
    "he",
    "sv",
    "cs",
    "fi",
    "da",
    "el",
    "hu",
    "ro",
    "vi",
    "id",
    "fa-IR",
    "bg",
    "sk",
    "lt",
    "nb",
    "th",
    "hr",
    "sr",
    "et",
)
_V = "src/views/emails/"
_MAILS = {  # view -> (kind, class, subject key)
    "reset": ("reset_link", "reset_password", "password-reset-requested"),
    "verify-email": ("confirm_link", "confirm_email", "email.verify-your-email.subject"),
    "welcome": ("confirm_link", "confirm_email", "welcome-to"),
    "invitation": ("confirm_link", "invite_accept", "invite"),
    "reset_notify": ("none", "password_changed", "reset.notify.subject"),
    "banned": ("none", "notification", "banned.subject"),
}
SOURCE = Source(
    project="nodebb",
    repo="NodeBB/NodeBB",
    commit="ab329b3b4c4d4cc9717b2938908649382cca2b39",
    licence="GPL-3.0-only",
    files=tuple(f"public/language/{lc}/email.json" for lc in LOCALES)
    + tuple(f"{_V}{n}.tpl" for n in _MAILS)
    + (f"{_V}partials/header.tpl", f"{_V}partials/footer.tpl"),
)
_IMPORT = re.compile(r"<!-- IMPORT emails/(partials/[\w-]+)\.tpl -->")
_IF = re.compile(
    r"\{\{\{ if ([^}]*?) \}\}\}((?:(?!\{\{\{ if ).)*?)"
    r"(?:\{\{\{ else \}\}\}((?:(?!\{\{\{ if ).)*?))?\{\{\{ end \}\}\}",
    re.S,
)
_TX = re.compile(r'\{\{tx\("email:([\w.-]+)"((?:,\s*[^)]*\)?)*)\)\}\}')
_ARG = re.compile(r"(?:txEscape\()?(\w+)\)?")


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    en = load_json(root / "public/language/en-GB/email.json")
    tr = {
        **en,
        **{k: x for k, x in load_json(root / f"public/language/{locale}/email.json").items() if x},
    }
    kind, cls, subj_key = _MAILS[name]
    base = f"https://forum.{v.domain}"
    code = v.uuid()
    link = {
        "reset": f"{base}/reset/{code}",
        "verify-email": f"{base}/confirm/{code}",
        "welcome": f"{base}/confirm/{code}",
        "invitation": f"{base}/register?token={code}",
    }.get(name)
    vals = {
        "username": v.username,
        "site_title": f"{v.brand} Forum",
        "email": v.email,
        "expireDays": "7",
        "date": v.when("%d.%m.%Y %H:%M"),
        "url": base,
        "uid": "17",
        "reset_link": link or "",
        "confirm_link": link or "",
        "registerLink": link or "",
        "reason": "Spam",
        "until": v.when("%Y-%m-%d"),
        "unsubUrl": f"{base}/email/unsubscribe/{v.token(40)}",
        "site_title_": "",
        "logo.src": "",
        "rtl": "",
        "showUnsubscribe": "1" if kind == "none" else "",
    }

    def tx(m: re.Match[str]) -> str:
        s = tr[m.group(1)]
        for i, arg in enumerate(_ARG.findall(m.group(2) or ""), 1):
            s = s.replace(f"%{i}", esc(vals[arg]))
        return s

    src = (root / f"{_V}{name}.tpl").read_text(encoding="utf-8")
    src = _IMPORT.sub(lambda m: (root / f"{_V}{m.group(1)}.tpl").read_text(encoding="utf-8"), src)
    while _IF.search(src):
        src = _IF.sub(
            lambda m: m.group(2) if vals.get(m.group(1).strip()) else (m.group(3) or ""), src
        )
    src = _TX.sub(tx, src)
    html = re.sub(r"\{([a-zA-Z_.]+)\}", lambda m: esc(vals.get(m.group(1), m.group(0))), src)
    subject = tr[subj_key].replace("%1", vals["site_title"])
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{vals['site_title']} <no-reply@{v.host}>",
        html=html,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if (i + j) % 2 == 0:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
