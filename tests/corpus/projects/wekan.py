"""Wekan (MIT): Meteor accounts mails in Wekan's i18n, sent as plain text."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill, lang_of, load_json
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
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
    "fa",
    "ca",
    "nb",
    "bg",
    "th",
)
SOURCE = Source(
    project="wekan",
    repo="wekan/wekan",
    commit="f5cc8e37319469dd6a4752e160540213a2094aa4",
    licence="MIT",
    files=tuple(f"imports/i18n/data/{lc}.i18n.json" for lc in LOCALES),
)
# i18n stem -> (kind, class, Meteor route)
_MAILS = {
    "verifyEmail": ("confirm_link", "confirm_email", "/verify-email/"),
    "resetPassword": ("reset_link", "reset_password", "/reset-password/"),
    "smtp-test": ("none", "smtp_test", ""),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = load_json(root / "imports/i18n/data/en.i18n.json")
    tr = load_json(root / f"imports/i18n/data/{locale}.i18n.json")
    subj_k, text_k = f"email-{key}-subject", f"email-{key}-text"
    if locale != "en" and (tr.get(text_k, "") in ("", en[text_k])):
        return None
    kind, cls, route = _MAILS[key]
    link = v.url(route + v.token(43)) if route else None
    vals = {"siteName": v.brand, "user": v.first, "url": link or ""}
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=fill(tr.get(subj_k) or en[subj_k], vals, "underscore"),
        sender=f"Wekan <wekan@{v.host}>",
        text=fill(tr[text_k] if locale != "en" else en[text_k], vals, "underscore"),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key in _MAILS:
        for locale in LOCALES:
            if key != "smtp-test" or locale in ("en", "de", "fr", "es", "ja", "ru"):
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
