"""Mealie (AGPL-3.0; fetched, never committed): password reset, invitation and test mails from
its Jinja template ``services/email/templates/default.html`` and ``lang/messages/*.json``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, lang_of, load_json
from model import Mail, Source
from values import Values

LOCALES = (
    "en-US",
    "de-DE",
    "fr-FR",
    "es-ES",
    "it-IT",
    "pt-BR",
    "nl-NL",
    "pl-PL",
    "ru-RU",
    "uk-UA",
    "tr-TR",
    "ja-JP",
    "zh-CN",
    "ko-KR",
    "ar-SA",
    "he-IL",
    "sv-SE",
    "cs-CZ",
    "fi-FI",
    "da-DK",
    "el-GR",
    "hu-HU",
    "ro-RO",
    "vi-VN",
    "no-NO",
    "sk-SK",
    "hr-HR",
    "lt-LT",
    "ca-ES",
    "sl-SI",
)
_T = "mealie/services/email/templates/default.html"
SOURCE = Source(
    project="mealie",
    repo="mealie-recipes/mealie",
    commit="b5643a9399465d8b4ea339e7a6639df2d697741b",
    licence="AGPL-3.0-only",
    files=(_T, *(f"mealie/lang/messages/{lc}.json" for lc in LOCALES)),
)
_MAILS = {
    "password": ("reset_link", "reset_password"),
    "invitation": ("confirm_link", "invite_accept"),
    "test": ("none", "smtp_test"),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = load_json(root / "mealie/lang/messages/en-US.json")["emails"][key]
    tr = {
        **en,
        **{
            k: x
            for k, x in load_json(root / f"mealie/lang/messages/{locale}.json")
            .get("emails", {})
            .get(key, {})
            .items()
            if x
        },
    }
    if locale != "en-US" and tr["message_top"] == en["message_top"]:
        return None
    kind, cls = _MAILS[key]
    base = f"https://mealie.{v.domain}"
    link = {
        "password": f"{base}/reset-password/?token={v.token(43)}",
        "invitation": f"{base}/register?token={v.token(43)}",
    }.get(key)
    data = {
        "data.header_text": tr["header_text"],
        "data.message_top": tr["message_top"],
        "data.message_bottom": tr["message_bottom"],
        "data.button_text": tr["button_text"],
        "data.button_link": link or base,
    }
    src = (root / _T).read_text(encoding="utf-8")
    html = re.sub(r"\{\{\s*([\w.]+)\s*\}\}", lambda m: esc(data[m.group(1)]), src)
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=tr["subject"],
        sender=f"Mealie <mealie@{v.host}>",
        html=html,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en-US" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
