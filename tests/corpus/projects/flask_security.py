"""Flask-Security (MIT): its Jinja mail templates (``templates/security/email/*.html|txt``)
rendered with the project's gettext catalogues (``translations/*/flask_security.po``) for the
body strings and the default subjects of ``core.py``; a string a catalogue lacks stays English,
as Babel does."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from kit import esc, lang_of, load_po
from model import Mail, Source
from values import Values

_T = "flask_security/templates/security/email/"
LOCALES = [
    "en",
    "ar",
    "ar_SA",
    "ca_ES",
    "da_DK",
    "de_DE",
    "es_ES",
    "eu_ES",
    "fr_FR",
    "hu_HU",
    "hy_AM",
    "is_IS",
    "it_IT",
    "ja_JP",
    "nl_NL",
    "pl_PL",
    "pt_BR",
    "pt_PT",
    "ru_RU",
    "tr_TR",
    "zh_Hans_CN",
]
# template -> (kind, class, subject msgid from core.py's defaults)
_MAILS = {
    "us_instructions": ("otp+link", "otp_login", "Verification Code"),
    "two_factor_instructions": ("otp", "otp_2fa", "Two-Factor Login"),
    "login_instructions": ("magic_link", "magic_link", "Login instructions"),
    "confirmation_instructions": ("confirm_link", "confirm_email", "Please confirm your email"),
    "change_email_instructions": (
        "confirm_link",
        "confirm_email_change",
        "Confirm your new email address",
    ),
    "reset_instructions": ("reset_link", "reset_password", "Password reset instructions"),
    "change_notice": ("none", "password_changed", "Your password has been changed"),
    "reset_notice": ("none", "password_changed", "Your password has been reset"),
    "welcome": ("none", "welcome", "Welcome"),
    "username_recovery": ("none", "security_notice", "Your requested username"),
}
SOURCE = Source(
    project="flask-security",
    repo="pallets-eco/flask-security",
    commit="3a0bc27c5eb542bb1e900a804665222e3291572f",
    licence="MIT",
    files=tuple(f"{_T}{t}.{ext}" for t in _MAILS for ext in ("html", "txt"))
    + tuple(
        f"flask_security/translations/{lc}/LC_MESSAGES/flask_security.po" for lc in LOCALES[1:]
    ),
)
_IF = re.compile(
    r"\{%-?\s*if\s+([\w.]+)\s*-?%\}(.*?)(?:\{%-?\s*else\s*-?%\}(.*?))?\{%-?\s*endif\s*-?%\}", re.S
)
_CALL = re.compile(r"\{\{-?\s*_fsdomain\((.*?)\)\s*(\|\s*safe)?\s*-?\}\}", re.S)
_EXPR = re.compile(r"\{\{-?\s*([\w.]+|url_for_security\([^)]*\))\s*-?\}\}")


def _args(src: str) -> tuple[str, dict[str, str]]:
    """The msgid and keyword expressions of one ``_fsdomain(...)`` call."""
    call = ast.parse(f"f({src})", mode="eval").body
    assert isinstance(call, ast.Call)
    first = call.args[0]
    assert isinstance(first, ast.Constant)
    assert isinstance(first.value, str)
    return first.value, {k.arg or "": ast.unparse(k.value) for k in call.keywords}


def _render_tpl(src: str, ctx: Mapping[str, str], po: Mapping[str, str], html: bool) -> str:
    src = re.sub(r"\{#.*?#\}", "", src, flags=re.S)
    src = _IF.sub(lambda m: m.group(2) if ctx.get(m.group(1)) else (m.group(3) or ""), src)

    def call(m: re.Match[str]) -> str:
        msgid, kw = _args(m.group(1))
        vals = {k: ctx[e] for k, e in kw.items()}
        if html and not m.group(2):
            vals = {k: esc(x) for k, x in vals.items()}
        return (po.get(msgid) or msgid) % vals

    src = _CALL.sub(call, src)
    return _EXPR.sub(lambda m: ctx[m.group(1)], src)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, subj = _MAILS[name]
    po = (
        load_po(root / f"flask_security/translations/{locale}/LC_MESSAGES/flask_security.po")
        if locale != "en"
        else {}
    )
    base = f"https://{v.host}"
    code = v.digits(6)
    token = v.token(88, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
    uniq = v.hex(32)
    links = {
        "us_instructions": f"{base}/us-verify-link?id={uniq}&code={code}",
        "login_instructions": f"{base}/login/{token}",
        "confirmation_instructions": f"{base}/confirm/{token}",
        "change_email_instructions": f"{base}/change-email/{token}",
        "reset_instructions": f"{base}/reset/{token}",
    }
    link = links.get(name)
    ctx = {
        "user.email": v.email,
        "user.username": v.username,
        "username": v.username,
        "email": v.email,
        "token": code,
        "login_token": code,
        "login_link": link or "",
        "confirmation_link": link or "",
        "reset_link": link or "",
        "link": link or "",
        "within": v.rng.choice(("5 minutes", "1 hour", "1 day", "30 minutes")),
        "security.recoverable": "1",
        "security.confirmable": "",
        "url_for_security('forgot_password', _external=True)": f"{base}/reset",
    }
    html = _render_tpl((root / f"{_T}{name}.html").read_text(encoding="utf-8"), ctx, po, True)
    text = _render_tpl((root / f"{_T}{name}.txt").read_text(encoding="utf-8"), ctx, po, False)
    has_code = kind in ("otp", "otp+link")
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=po.get(subj) or subj,
        sender=f"{v.brand} <no-reply@{v.domain}>",
        html=html,
        text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
        code=code if has_code else None,
        code_display=code if has_code else None,
        link=link if kind not in ("otp", "none") else None,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
