"""Keila (AGPL-3.0; fetched, never committed): the account mails of ``lib/keila/auth/emails.ex``
(activation, e-mail change, password reset, login link, sender verification), whose English
heredocs and subjects are read from that file and translated through
``priv/gettext/<lang>/LC_MESSAGES/auth.po`` (plain text, as Keila sends them). URL shapes follow
``lib/keila_web/router.ex``; the login-link and e-mail-change paths are not routed there and
are made up here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill, lang_of, load_po
from model import Mail, Source
from values import Values

_F = "lib/keila/auth/emails.ex"
LOCALES = ("en", "bg", "de", "es", "fr", "hu", "it", "pt_BR")
# build clause -> (kind, class, URL path)
_MAILS = {
    "activate": ("confirm_link", "confirm_email", "/auth/activate/"),
    "update_email": ("confirm_link", "confirm_email_change", "/account/verify-email/"),
    "password_reset_link": ("reset_link", "reset_password", "/auth/reset/"),
    "login_link": ("magic_link", "magic_link", "/auth/login/"),
    "verify_sender_from_email": ("confirm_link", "confirm_email", "/verify-sender/"),
}
SOURCE = Source(
    project="keila",
    repo="pentacent/keila",
    commit="14f1a127b1f3cf4d20962f38a88a81f69791bd24",
    licence="AGPL-3.0-only",
    files=(_F, *(f"priv/gettext/{lc}/LC_MESSAGES/auth.po" for lc in LOCALES[1:])),
)
_CLAUSE = re.compile(
    r'def build\(:(\w+),.*?subject\(dgettext\("auth", "([^"]+)"\)\).*?"""\n(.*?)\n(\s*)"""',
    re.S,
)


def _heredoc(body: str, indent: str) -> str:
    """An Elixir heredoc: the closing delimiter's indentation is cut from every line."""
    return (
        "\n".join(
            x[len(indent) :] if x.startswith(indent) else x.lstrip() for x in body.split("\n")
        )
        + "\n"
    )


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, path = _MAILS[name]
    clauses = {m[0]: m[1:] for m in _CLAUSE.findall((root / _F).read_text(encoding="utf-8"))}
    subject, body, indent = clauses[name]
    msgid = _heredoc(body, indent)
    po = load_po(root / f"priv/gettext/{locale}/LC_MESSAGES/auth.po") if locale != "en" else {}
    if locale != "en" and msgid not in po:
        return None
    link = f"https://keila.{v.domain}{path}{v.token(43)}"
    text = fill(po.get(msgid, msgid), {"url": link}, "percent")
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=po.get(subject) or subject,
        sender=f"Keila <noreply@{v.domain}>",
        text=text,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
