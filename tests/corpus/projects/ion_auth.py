"""CodeIgniter Ion Auth (MIT): the activation and forgotten-password mails of
``Views/auth/email/*.tpl.php`` with the strings of ``Language/*/IonAuth.php`` (the subject is
the site title, " - ", and the language's subject string, as ``Libraries/IonAuth.php`` sets it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, lang_of, load_php_array
from model import Mail, Source
from values import Values

LOCALES = [
    "en",
    "ar",
    "bg",
    "bn",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "es",
    "et",
    "fa",
    "fi",
    "fil",
    "fr",
    "hr",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "lt",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sv",
    "th",
    "tr",
    "uk",
    "vi",
    "zh_cn",
    "zh_tw",
]
# template -> (kind, class, subject key, key prefix)
_MAILS = {
    "activate": ("confirm_link", "confirm_email", "emailActivation_subject", "emailActivate_"),
    "forgot_password": (
        "reset_link",
        "reset_password",
        "email_forgotten_password_subject",
        "emailForgotPassword_",
    ),
}
SOURCE = Source(
    project="ion-auth",
    repo="benedmunds/CodeIgniter-Ion-Auth",
    commit="e1e89f8fd4063fe1043979684979fb152e6e6838",
    licence="MIT",
    files=tuple(f"Views/auth/email/{t}.tpl.php" for t in _MAILS)
    + tuple(f"Language/{lc}/IonAuth.php" for lc in LOCALES),
)
_PHP = re.compile(r"<\?(?:php|=)(.*?)\?>", re.S)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, subj_key, prefix = _MAILS[name]
    en = load_php_array(root / "Language/en/IonAuth.php")
    tr = {**en, **load_php_array(root / f"Language/{locale}/IonAuth.php")}
    if locale != "en" and tr[subj_key] == en[subj_key]:
        return None
    base = f"https://{v.host}/index.php/"
    token = f"{v.hex(20)}.{v.hex(40)}"
    link = (
        f"{base}auth/activate/{v.rng.randrange(2, 9000)}/{token}"
        if name == "activate"
        else f"{base}auth/reset_password/{token}"
    )
    anchor = f'<a href="{esc(link)}">{esc(tr[prefix + "link"])}</a>'

    def php(m: re.Match[str]) -> str:
        if "_subheading" in m.group(1):
            return tr[prefix + "subheading"].replace("%s", anchor, 1)
        if "_heading" in m.group(1):
            return esc(tr[prefix + "heading"].replace("%s", v.email, 1))
        raise KeyError(m.group(1).strip())

    html = _PHP.sub(php, (root / f"Views/auth/email/{name}.tpl.php").read_text(encoding="utf-8"))
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=f"{v.brand} - {tr[subj_key]}",
        sender=f"{v.brand} <admin@{v.domain}>",
        html=html,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
