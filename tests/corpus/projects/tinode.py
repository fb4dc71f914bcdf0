"""Tinode (GPL-3.0; fetched, never committed): its e-mail templates in nine languages
(``server/templ/email-{validation,password-reset}-*.templ``, Go ``text/template`` files with
``subject``/``body_html``/``body_plain`` blocks). Most hand over a numeric code that is also
in the confirmation or reset link (``otp+link``); some older reset translations link with a
token only (``reset_link``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import lang_of, render_simple
from model import Mail, Source
from values import Values

LOCALES = ("en", "es", "fr", "pt", "ru", "uk", "vi", "zh", "zh-TW")
_T = "server/templ/email-{name}-{lc}.templ"
_MAILS = {  # name -> class
    "validation": "confirm_email",
    "password-reset": "reset_password",
}
SOURCE = Source(
    project="tinode",
    repo="tinode/chat",
    commit="22a7c18e9cd695e9a061bf1b8c84175196ef5a15",
    licence="GPL-3.0-only",
    files=tuple(_T.format(name=n, lc=lc) for n in _MAILS for lc in LOCALES),
)
_DEFINE = re.compile(r"\{\{define \"(\w+)\"\s*-?\}\}(.*?)\{\{-?\s*end\s*\}\}", re.S)
_WITH = re.compile(r"\{\{-?\s*with \.(\w+)\s*-?\}\}(.*?)\{\{-?\s*end\s*-?\}\}", re.S)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail:
    src = (root / _T.format(name=name, lc=locale)).read_text(encoding="utf-8")
    src = re.sub(r"\{\{/\*.*?\*/\}\}", "", src, flags=re.S)
    host = f"https://chat.{v.domain}/"
    code = v.digits(6)
    vals = {
        "HostUrl": host,
        "Code": code,
        "Token": v.token(44),
        "Scheme": "basic",
        "Cred": v.email,
        "Login": v.username,
    }
    src = _WITH.sub(lambda m: m.group(2).replace("{{.}}", vals[m.group(1)]), src)
    parts = {k: render_simple(body, vals).strip() for k, body in _DEFINE.findall(src)}
    plain = parts["body_plain"]
    # older translations link with the token only and state no code: take what the mail has
    found = re.search(r"https://\S+#(?:cred\?method=email&|reset\?)\S+", plain)
    link = found.group(0) if found else None
    has_code = code in plain.replace(link or "", "")
    kind = "otp+link" if has_code and link else "otp" if has_code else "reset_link"
    if not has_code:
        code = None
    return Mail(
        template=f"email-{name}",
        language=lang_of(locale),
        kind=kind,
        cls=_MAILS[name],
        subject=parts["subject"],
        sender=f"Tinode <noreply@{v.domain}>",
        html=parts.get("body_html"),
        text=plain + "\n",
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            for i in range(3):
                yield f"{name}-{locale}-{i}", locale, partial(_render, root, locale, name)
