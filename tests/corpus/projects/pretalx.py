"""pretalx (AGPL-3.0 with pretalx terms; fetched, never committed): the default mail texts of
``mail/template_phrases.py`` and their translations in ``locale/*/django.po`` (plain text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill, lang_of, load_po
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "de_DE",
    "fr_FR",
    "es",
    "it",
    "pt_BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "ja_JP",
    "ko",
    "zh_Hans",
    "ar",
    "cs",
    "el",
    "sv",
    "vi",
    "id",
    "bg",
    "ca",
    "sl",
)
_P = "src/pretalx/mail/template_phrases.py"
SOURCE = Source(
    project="pretalx",
    repo="pretalx/pretalx",
    commit="5a3c2f61ecafc83cfa85aa518cc5af3d564b16ef",
    licence="AGPL-3.0-only WITH LicenseRef-Pretalx-AGPL-3.0-Terms",
    files=(_P, *(f"src/pretalx/locale/{lc}/LC_MESSAGES/django.po" for lc in LOCALES if lc != "en")),
)
# text constant -> (subject constant, kind, class)
_MAILS = {
    "PASSWORD_RESET_TEXT": ("PASSWORD_RESET_SUBJECT", "reset_link", "reset_password"),
    "EMAIL_VERIFICATION_TEXT": ("EMAIL_VERIFICATION_SUBJECT", "confirm_link", "confirm_email"),
    "ACCEPT_TEXT": ("GENERIC_SUBJECT", "confirm_link", "confirm_attendance"),
    "NEW_SPEAKER_INVITE_TEXT": ("SPEAKER_INVITE_SUBJECT", "confirm_link", "invite_accept"),
    "ACK_TEXT": ("GENERIC_SUBJECT", "none", "notification"),
    "REJECT_TEXT": ("GENERIC_SUBJECT", "none", "notification"),
    "PASSWORD_CHANGED_TEXT": ("PASSWORD_CHANGED_SUBJECT", "none", "password_changed"),
    "EMAIL_CHANGED_TEXT": ("EMAIL_CHANGED_SUBJECT", "none", "email_changed"),
    "UPDATE_TEXT": ("UPDATE_SUBJECT", "none", "newsletter"),
    "DRAFT_REMINDER_TEXT": ("DRAFT_REMINDER_SUBJECT", "none", "notification"),
}
_CONST = re.compile(
    r'(\w+) = LazyI18nString\.from_gettext\(\s*_\(\s*(?:"""(.*?)"""|"(.*?)")\s*\)\s*\)', re.S
)


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    consts = {n: a or b for n, a, b in _CONST.findall((root / _P).read_text(encoding="utf-8"))}
    po = (
        {}
        if locale == "en"
        else load_po(root / f"src/pretalx/locale/{locale}/LC_MESSAGES/django.po")
    )
    subj_key, kind, cls = _MAILS[key]
    if locale != "en" and consts[key] not in po:
        return None  # untranslated (or fuzzy): pretalx would send English
    event = v.rng.choice(("pycon-2026", "fossconf26", "datasummit"))
    event_name = {
        "pycon-2026": "PyCon 2026",
        "fossconf26": "FOSSConf 2026",
        "datasummit": "Data Summit",
    }[event]
    base = f"https://pretalx.{v.domain}"
    sub = v.alnum(6, "ABCDEFGHJKLMNPQRSTUVWXYZ")
    link = {
        "PASSWORD_RESET_TEXT": f"{base}/{event}/reset/{v.token(32)}",
        "EMAIL_VERIFICATION_TEXT": f"{base}/orga/me/email/verify/{v.token(32)}",
        "ACCEPT_TEXT": f"{base}/{event}/me/submissions/{sub}/confirm",
        "NEW_SPEAKER_INVITE_TEXT": f"{base}/{event}/invitation/{sub}/{v.token(32)}",
    }.get(key)
    vals = {
        "name": v.first,
        "url": link or "",
        "confirmation_link": link or "",
        "invitation_link": link or "",
        "submission_title": "Typing the untypable",
        "proposal_title": "Typing the untypable",
        "event_name": event_name,
        "event": event_name,
        "submission_url": f"{base}/{event}/me/submissions/{sub}/",
        "proposal_url": f"{base}/{event}/me/submissions/{sub}/",
        "speaker_schedule_new": f"Typing the untypable: Room 2, {v.when('%A %H:%M')}",
        "old_email": v.email,
        "new_email": f"{v.first.lower()}@work.example.com",
        "pending_email": f"{v.first.lower()}@work.example.com",
    }

    def tr(const: str) -> str:
        return po.get(consts[const], consts[const])

    text = fill(tr(key), vals, "brace")
    subject = fill(tr(subj_key), vals, "brace")
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{event_name} <noreply@pretalx.{v.domain}>",
        text=text + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
