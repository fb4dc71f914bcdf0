"""wger (AGPL-3.0; fetched, never committed): its plain-text mail templates (password reset,
routine-expiry and weight reminders, the gym's inactive-members list) rendered with a small
Django template subset (``trans``/``blocktranslate``, ``if``, ``url``, ``{{ var }}``) and
translated with ``locale/*/LC_MESSAGES/django.po``. Reminder subjects are the ``_('…')``
literals of its management commands; the reset mail's subject comes from Django's own
catalogue, which is not fetched, so wger's own "reset password" string stands in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import lang_of, load_po
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "ar_SA",
    "bg",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "es",
    "fa",
    "fi",
    "fr",
    "he",
    "hi",
    "hr",
    "hu",
    "it",
    "ja",
    "ko",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sr",
    "sv",
    "ta",
    "th",
    "tr",
    "uk",
    "vi",
    "zh_Hans",
)
_MAILS = {  # name -> (template, file with the subject, kind, class)
    "password_reset": (
        "wger/core/templates/registration/password_reset_email.html",
        "",
        "reset_link",
        "reset_password",
    ),
    "routine_reminder": (
        "wger/manager/templates/routines/email_reminder.tpl",
        "wger/manager/management/commands/email-reminders.py",
        "none",
        "reminder",
    ),
    "weight_reminder": (
        "wger/manager/templates/workout/email_weight_reminder.tpl",
        "wger/weight/management/commands/email-weight-reminder.py",
        "none",
        "reminder",
    ),
}
_PO = "wger/locale/{lc}/LC_MESSAGES/django.po"
SOURCE = Source(
    project="wger",
    repo="wger-project/wger",
    commit="aaba20184527b018e10f1be576202aa7e7cb4c21",
    licence="AGPL-3.0-or-later",
    files=(
        *sorted({p for m in _MAILS.values() for p in m[:2] if p}),
        *(_PO.format(lc=lc) for lc in LOCALES if lc != "en"),
    ),
)
_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
_TRANS = re.compile(r"\{%\s*trans(?:late)?\s+\"((?:\\.|[^\"\\])*)\"[^%]*%\}")
_IF = re.compile(r"\{%\s*if\s+(\w+)\s*%\}(.*?)(?:\{%\s*else\s*%\}(.*?))?\{%\s*endif\s*%\}", re.S)
_URL = re.compile(r"\{%\s*url\s+'([\w:]+)'[^%]*%\}")
_ECHO = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_TAG = re.compile(r"\{%[^%]*%\}")
_SUBJECT = re.compile(r"subject = _\('((?:\\.|[^'\\])*)'\)")


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    template, subj_file, kind, cls = _MAILS[name]
    po = load_po(root / _PO.format(lc=locale)) if locale != "en" else {}
    site = f"fit.{v.domain}"
    link = None
    routine = v.rng.choice(("Full body 3x", "Push Pull Legs", "5x5 Strength"))
    days = str(v.rng.randrange(2, 20))
    ctx = {
        "site": site,
        "site_name": site,
        "routine": routine,
        "days": days,
        "date": v.when("%B %d, %Y"),
        "expired": "1" if v.rng.random() < 0.5 else "",
        "user.username": v.username,
        "protocol": "https",
        "domain": site,
        "routine.get_absolute_url": f"/en/routine/{v.rng.randrange(10, 9999)}/view",
    }
    urls = {
        "manager:routine:overview": "/en/routine/overview",
        "core:user:preferences": "/en/user/preferences",
        "weight:overview": "/en/weight/overview",
    }
    if name == "password_reset":
        link = f"https://{site}/en/user/password/reset/check/{v.b58(3)}/{v.token(6)}-{v.hex(32)}"
        urls["core:user:password_reset_confirm"] = link.removeprefix(f"https://{site}")
    src = (root / template).read_text(encoding="utf-8")
    untranslated = []

    def tr(msgid: str) -> str:
        out = po.get(msgid)
        if out is None:
            untranslated.append(msgid)
            return msgid
        return out

    def block(m: re.Match[str]) -> str:
        body = m.group(2)
        if "trimmed" in m.group(1):
            body = " ".join(x.strip() for x in body.strip().splitlines())
        msgid = _ECHO.sub(lambda e: f"%({e.group(1)})s", body)
        return re.sub(r"%\((\w+)\)s", lambda e: ctx[e.group(1)], tr(msgid))

    src = _IF.sub(lambda m: m.group(2) if ctx.get(m.group(1)) else (m.group(3) or ""), src)
    src = _BLOCK.sub(block, src)
    src = _TRANS.sub(lambda m: tr(m.group(1).replace('\\"', '"')), src)
    src = _URL.sub(lambda m: urls[m.group(1)], src)
    src = _ECHO.sub(lambda m: ctx[m.group(1)], src)
    text = re.sub(r"\n{3,}", "\n\n", _TAG.sub("", src)).strip() + "\n"
    text = "\n".join(x.strip() for x in text.splitlines()) + "\n"
    if subj_file:
        subj_id = _SUBJECT.findall((root / subj_file).read_text(encoding="utf-8"))[0]
    else:
        subj_id = "Reset password"
    subject = tr(subj_id)
    if locale != "en" and untranslated:
        return None  # a partly translated mail would mix languages
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"wger Workout Manager <wger@{v.domain}>",
        text=text,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for locale in LOCALES:
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
