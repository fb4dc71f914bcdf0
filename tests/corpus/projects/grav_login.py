"""Grav's login plugin (MIT): the activation, reset, magic-link, invitation, welcome and
new-user notification mails of ``templates/emails/login/*.twig``, whose bodies are the
translated HTML strings of ``languages/*.yaml`` (filled with PHP ``sprintf`` positions). The
HTML part is those strings in a simple layout written here (Grav's ``email/base.html.twig``
lives in its e-mail plugin); the text part follows the templates' ``from_html`` macro."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

from kit import Layout, esc, lang_of, load_yaml
from model import Mail, Source
from values import Values

# pt-BR.yaml is left out: a tab after a value makes it invalid YAML at the pinned commit
LOCALES = ("en", "de", "es", "fr", "hr", "hu", "lt", "no", "ro", "ru", "uk", "zh")
# template -> (kind, class, string stem, host warning first)
_MAILS = {
    "activate": ("confirm_link", "confirm_email", "ACTIVATION_EMAIL", True),
    "reset-password": ("reset_link", "reset_password", "FORGOT_EMAIL", True),
    "magic-login": ("magic_link", "magic_link", "MAGIC_LOGIN_EMAIL", False),
    "invite": ("confirm_link", "invite_accept", "INVITATION_EMAIL", False),
    "welcome": ("none", "welcome", "WELCOME_EMAIL", False),
    "notification": ("none", "notification", "NOTIFICATION_EMAIL", False),
}
SOURCE = Source(
    project="grav-login",
    repo="getgrav/grav-plugin-login",
    commit="70e319e8365421151e2bc1150aae3a547602af3f",
    licence="MIT",
    files=tuple(f"languages/{lc}.yaml" for lc in LOCALES)
    + tuple(f"templates/emails/login/{t}.txt.twig" for t in _MAILS),
)
_POS = re.compile(r"%(?:(\d+)\$)?s")


def _sprintf(fmt: str, args: Sequence[str]) -> str:
    it = iter(args)
    return _POS.sub(lambda m: args[int(m.group(1)) - 1] if m.group(1) else next(it), fmt)


def _from_html(s: str) -> str:
    """The ``from_html`` macro of ``_text-utils.txt.twig``: tags to line breaks, then strip."""
    for a, b in (("<br>", "\n"), ("<br/>", "\n"), ("<br />", "\n"), ("</p>", "\n\n")):
        s = s.replace(a, b)
    s = re.sub(r"</(h\d|div)>", "\n\n", s).replace("<li>", " * ").replace("</li>", "\n")
    return html_lib.unescape(re.sub(r"<[^>]+>", "", s)).strip()


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, stem, warn = _MAILS[name]
    en = load_yaml(root / "languages/en.yaml")["PLUGIN_LOGIN"]
    mine = load_yaml(root / f"languages/{locale}.yaml").get("PLUGIN_LOGIN", {})
    if f"{stem}_BODY" not in mine or f"{stem}_SUBJECT" not in mine:
        return None
    tr = {**en, **mine}
    site, host = f"{v.brand} Site", f"www.{v.domain}"
    base = f"https://{host}"
    author = f"{v.brand} Team"
    link = {
        "activate": f"{base}/activate_user/token:{v.hex(32)}/username:{v.username}",
        "reset-password": f"{base}/reset_password/user:{v.username}/token:{v.hex(32)}",
        "magic-login": f"{base}/login/magic/token:{v.token(43)}",
        "invite": f"{base}/user_register/invite:{v.token(22)}",
    }.get(name)
    message = tr.get(f"{stem}_MESSAGE", "")
    args = {
        "activate": (v.name, link, site, author),
        "reset-password": (v.name, link, author, site),
        "magic-login": (site, message, link, author),
        "invite": (site, message, link, v.other_name()),
        "welcome": (v.name, base, site, author),
        "notification": (site, v.username, v.email, base),
    }[name]
    body = _sprintf(tr[f"{stem}_BODY"], [esc(a or "") for a in args])
    lay = Layout(site, "#3085ee")
    if warn:
        lay.raw(_sprintf(tr["HOST_WARNING"], [host]))
    lay.raw(body)
    parts = [_from_html(_sprintf(tr["HOST_WARNING"], [host]))] if warn else []
    parts += [_from_html(body), link or base]
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=_sprintf(tr[f"{stem}_SUBJECT"], [site]),
        sender=f"{site} <noreply@{v.domain}>",
        html=lay.html(esc(tr.get("EMAIL_FOOTER", ""))),
        text="\n\n".join(parts) + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
