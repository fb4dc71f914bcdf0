"""Leantime (AGPL-3.0; fetched, never committed): password reset, invitation and project
notification mails with the ``email_notifications.*`` strings of ``app/Language/*.ini``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, lang_of, load_ini, text_of
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
    "da-DK",
    "el-GR",
    "hu-HU",
    "ro-RO",
    "vi-VN",
    "fa-IR",
    "no-NO",
    "sk-SK",
    "hr-HR",
)
SOURCE = Source(
    project="leantime",
    repo="Leantime/leantime",
    commit="9a9f49f1008f4782b30f6723c54228f4f992e636",
    licence="AGPL-3.0-only",
    files=tuple(f"app/Language/{lc}.ini" for lc in LOCALES),
)
_MAILS = {
    "password_reset": ("reset_link", "reset_password"),
    "user_invite": ("confirm_link", "invite_accept"),
    "new_comment_todo": ("none", "notification"),
    "todo_update": ("none", "notification"),
}
_COMMENTS = (
    "Blocked until ticket #4471 is merged; staging build 20260311 has the fix.",
    "Client approved quote Q-2026-118, total 4,350 EUR.",
)


def _strings(root: Path, locale: str) -> dict[str, str]:
    return load_ini(root / f"app/Language/{locale}.ini")["_top"]


def _sprintf(fmt: str, *args: str) -> str:
    return re.sub(r"%(\d)\$s", lambda m: args[int(m.group(1)) - 1], fmt)


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en, tr = _strings(root, "en-US"), _strings(root, locale)
    p = f"email_notifications.{key}"
    if locale != "en-US" and tr.get(p + "_message", en[p + "_message"]) == en[p + "_message"]:
        return None
    t = {**en, **{k: x for k, x in tr.items() if x}}
    kind, cls = _MAILS[key]
    base = f"https://pm.{v.domain}"
    ticket = f"{base}/#/tickets/showTicket/{v.rng.randrange(10, 900)}"
    link = {
        "password_reset": f"{base}/auth/resetPw/{v.hex(32)}",
        "user_invite": f"{base}/auth/userInvite/{v.hex(32)}",
    }.get(key)
    todo = "Prepare Q3 roadmap"
    if key == "password_reset":
        msg = _sprintf(t[p + "_message"], link or "")
    elif key == "user_invite":
        msg = _sprintf(t[p + "_message"], v.other_name(), link or "")
    elif key == "new_comment_todo":
        msg = _sprintf(t[p + "_message"], v.other_name(), todo, esc(v.rng.choice(_COMMENTS)))
    else:
        msg = _sprintf(t[p + "_message"], v.other_name(), todo)
    subject = _sprintf(t[p + "_subject"], str(v.rng.randrange(10, 900)), todo)
    lay = Layout("Leantime", "#006d9f").p(esc(t["email_notifications.hi"]) + esc(v.first)).p(msg)
    if kind == "none":
        lay.button(esc(t.get(p + "_cta", "Open")), ticket)
        lay.p(_sprintf(t["email_notifications.unsubscribe"], f"{base}/users/editOwn"))
    html = lay.html()
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Leantime <notifications@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en-US" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
