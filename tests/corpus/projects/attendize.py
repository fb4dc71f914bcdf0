"""Attendize (Attribution Assurance License; fetched, never committed): the per-language Blade
mail views of ``resources/views/<lang>/Emails`` (password reminder, e-mail confirmation, ticket
cancelled and refunded notices) with the subjects of ``resources/lang/*/Email.php``; the reset
notification's subject is Laravel's default for its class. The outer layout is a simple one
written here. Views that would not render in the project either (a stale route name, full-width
parentheses inside a Blade echo) are skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_php_array, text_of
from model import Mail, Source
from values import Values

LOCALES = ("en", "de", "es", "fr", "it", "ja", "pl", "ru")
# view -> (kind, class, subject key in Email.php or a fixed subject)
_MAILS = {
    "Auth/Reminder": ("reset_link", "reset_password", "=User Reset Password"),
    "ConfirmEmail": ("confirm_link", "confirm_email", "attendize_register"),
    "notifyCancelledAttendee": ("none", "order_cancelled", "your_ticket_cancelled"),
    "notifyRefundedAttendee": ("none", "receipt", "refund_from_name"),
}
SOURCE = Source(
    project="attendize",
    repo="Attendize/Attendize",
    commit="9289acbab1583898fd85aeee66c7b613d8971deb",
    licence="AAL",
    files=tuple(f"resources/views/{lc}/Emails/{m}.blade.php" for lc in LOCALES for m in _MAILS)
    + tuple(f"resources/lang/{lc}/Email.php" for lc in LOCALES),
)
_SECTION = re.compile(r"@section\('message_content'\)(.*?)@stop", re.S)
_ECHO = re.compile(r"\{\{\{?\s*(.*?)\s*\}?\}\}", re.S)
_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
_EVENTS = ("Harbour Jazz Night", "Open Data Day 2026", "Spring Makers Fair")


def _render(root: Path, locale: str, view: str, v: Values) -> Mail | None:
    kind, cls, subj = _MAILS[view]
    base = f"https://events.{v.domain}"
    link = {
        "Auth/Reminder": f"{base}/login/reset-password/{v.hex(64)}",
        "ConfirmEmail": f"{base}/signup/confirm_email/{v.token(30, _LOWER)}",
    }.get(view)
    organiser = f"{v.brand} Events"
    vals = {
        "route('password.reset', ['token' => $token])": link or "",
        "route('confirmEmail', ['confirmation_code' => $confirmation_code])": link or "",
        "$first_name": esc(v.first),
        "config('attendize.app_name')": "Attendize",
        "$attendee->event->title": esc(v.rng.choice(_EVENTS)),
        "$attendee->event->organiser->name": esc(organiser),
        "$attendee->event->organiser->email": f"events@{v.domain}",
        "$refund_amount": f"€{v.amount()}",
    }
    src = (root / f"resources/views/{locale}/Emails/{view}.blade.php").read_text("utf-8")
    m = _SECTION.search(src)
    if not m:
        raise KeyError("message_content")
    body = _ECHO.sub(lambda e: vals[e.group(1)], m.group(1))
    strings = load_php_array(root / f"resources/lang/{locale}/Email.php")
    subject = subj[1:] if subj.startswith("=") else strings[subj]
    subject = fill(subject, {"name": organiser}, "colon")
    html = Layout(organiser if kind == "none" else "Attendize", "#0b4f6c").raw(body).html()
    return Mail(
        template=view,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{organiser if kind == 'none' else 'Attendize'} <noreply@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for view in _MAILS:
        for locale in LOCALES:
            for n in range(2):
                yield f"{view}-{locale}-{n}", locale, partial(_render, root, locale, view)
