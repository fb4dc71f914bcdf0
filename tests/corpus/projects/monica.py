"""Monica (AGPL-3.0; fetched, never committed): its four markdown mail views
(``resources/views/emails/**``: notification-address check, account invitation, reminder,
test mail) with the subjects of ``app/Mail``/``app/Notifications`` and the strings of
``lang/*.json``, laid out like Laravel's mail theme (see ``_blade.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

from projects._blade import render_blade

LOCALES = (
    "en",
    "ar",
    "bn",
    "ca",
    "da",
    "de",
    "el",
    "es",
    "fr",
    "he",
    "hi",
    "it",
    "ja",
    "ml",
    "nl",
    "nn",
    "pa",
    "pl",
    "pt",
    "pt_BR",
    "ro",
    "ru",
    "sv",
    "te",
    "tr",
    "ur",
    "vi",
    "zh_CN",
    "zh_TW",
)
_V = "resources/views/emails/"
# name -> (view, file with the subject, kind, class)
_MAILS = {
    "validate-email": (
        f"{_V}notifications/validate-email.blade.php",
        "app/Mail/UserNotificationChannelEmailCreated.php",
        "confirm_link",
        "confirm_email",
    ),
    "invitation": (
        f"{_V}user/invitation.blade.php",
        "app/Mail/UserInvited.php",
        "confirm_link",
        "invite_accept",
    ),
    "reminder": (
        f"{_V}notifications/reminder.blade.php",
        "app/Notifications/ReminderTriggered.php",
        "none",
        "reminder",
    ),
    "test-notification": (
        f"{_V}notifications/test-notification.blade.php",
        "app/Mail/TestEmailSent.php",
        "none",
        "smtp_test",
    ),
}
SOURCE = Source(
    project="monica",
    repo="monicahq/monica",
    commit="e08e91734170b6bbd582cb578532c3948196124e",
    licence="AGPL-3.0-only",
    files=(
        *sorted({p for m in _MAILS.values() for p in m[:2]}),
        *(f"lang/{lc}.json" for lc in LOCALES if lc != "en"),
    ),
)
_SUBJECT = re.compile(r"subject\(trans\('((?:\\.|[^'\\])*)'")
_REASONS = (
    "Call about the apartment viewing",
    "Send the birthday card",
    "Return the borrowed book",
)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    view, subj_file, kind, cls = _MAILS[name]
    words = load_json(root / f"lang/{locale}.json") if locale != "en" else {}
    subj_id = _SUBJECT.findall((root / subj_file).read_text(encoding="utf-8"))[0]
    if locale != "en" and not words.get(subj_id):
        return None
    contact = v.other_name()
    inviter = v.other_name()
    repl = {"name": contact, "UserName": inviter, "userName": inviter}

    def tr(s: str) -> str:
        out = words.get(s) or s
        for key in sorted(repl, key=len, reverse=True):
            out = out.replace(f":{key}", repl[key])
        return out

    link = None
    if name == "validate-email":
        link = (
            f"https://{v.host}/settings/notifications/{v.rng.randrange(1, 900)}/verify/{v.uuid()}"
        )
    elif name == "invitation":
        link = f"https://{v.host}/invitation/{v.uuid()}"
    echoes = {
        "$url": link or "",
        "config('app.name')": "Monica",
        "$name": v.first,
        "$reason": v.rng.choice(_REASONS),
        "$contactName": contact,
    }
    if name == "reminder":
        repl["name"] = v.first
    html = render_blade(
        (root / view).read_text(encoding="utf-8"), tr, echoes, Layout("Monica", "#2d3748")
    ).html()
    subject = tr(subj_id).replace(v.first, contact) if name == "reminder" else tr(subj_id)
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Monica <hello@{v.host}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or _MAILS[name][2] != "none" or (i + j) % 2 == 0:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
