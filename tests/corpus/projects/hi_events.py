"""Hi.Events (AGPL-3.0; fetched, never committed): account, order and waitlist mails from its
Blade markdown views (``backend/resources/views/emails``) with the strings of
``backend/lang/*.json`` (a key a language lacks stays English, as Laravel's ``__()`` does) and
the subjects of its ``app/Mail`` classes. The markdown mail layout is a simple one written here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from kit import Layout, esc, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

_V = "backend/resources/views/emails/"
LOCALES: tuple[str, ...] = ("en", "de", "es", "fr", "hu", "it", "nl", "pl", "pt-br", "pt", "ru")
LOCALES += ("tr", "vi", "zh-cn", "zh-hk")
# view -> (kind, class, subject msgid, subject placeholders)
_MAILS = {
    "user/email-confirmation-code": (
        "otp",
        "otp_confirm_email",
        "Your confirmation code for :app_name is :code",
    ),
    "user/confirm-email-address": (
        "confirm_link",
        "confirm_email",
        "Welcome to :app_name! Please confirm your email address",
    ),
    "user/confirm-email-change": ("confirm_link", "confirm_email_change", "Confirm email change"),
    "auth/forgot-password": ("reset_link", "reset_password", "Password reset"),
    "user/user-invited": ("confirm_link", "invite_accept", "You've been invited to join :appName"),
    "auth/reset-password-success": ("none", "password_changed", "Your password has been reset"),
    "orders/order-cancelled": ("none", "order_cancelled", "Your order has been cancelled"),
    "orders/order-refunded": ("none", "receipt", "You've received a refund"),
    "orders/order-failed": ("none", "receipt", "Your order wasn't successful"),
    "waitlist/confirmation": ("none", "booking", "You're on the waitlist!"),
}
SOURCE = Source(
    project="hi-events",
    repo="HiEventsDev/Hi.Events",
    commit="944433c77947dc55278622cb8ceb5d208be89b07",
    licence="AGPL-3.0-only",
    files=tuple(f"{_V}{m}.blade.php" for m in _MAILS)
    + tuple(f"backend/lang/{lc}.json" for lc in LOCALES[1:]),
)
_TRANS = re.compile(
    r"""__\((['"])((?:\\.|(?!\1).)*)\1\s*(?:,\s*\[(.*?)\])?\s*\)""",
    re.S,
)
_PAIR = re.compile(r"""'(\w+)'\s*=>\s*([^,\]]+(?:\(\))?)""")
_ECHO = re.compile(r"\{\{(.*?)\}\}|\{!!(.*?)!!\}", re.S)
_IF = re.compile(r"@if\((.*?)\)\n(.*?)(?:@else\n(.*?))?@endif\n", re.S)
_BUTTON = re.compile(r'<x-mail::button :url="(\$\w+)">\s*(.*?)\s*</x-mail::button>', re.S)
_EVENTS = ("Open Source Summit 2026", "Harbour Jazz Night", "Winter Tech Meetup #14")


def _trans(m: re.Match[str], tr: Mapping[str, str], ctx: Mapping[str, str]) -> str:
    quote, key, args = m.group(1), m.group(2), m.group(3) or ""
    key = key.replace("\\" + quote, quote)
    text = tr.get(key) or key
    pairs = {k: ctx[e.strip()] for k, e in _PAIR.findall(args)}
    for k in sorted(pairs, key=len, reverse=True):
        text = text.replace(f":{k}", pairs[k])
    return text


def _markdown(src: str) -> str:
    out = []
    for raw in re.split(r"\n\s*\n", src.strip()):
        block = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", raw.strip())
        if block.startswith("# "):
            out.append(f"<h1>{block[2:]}</h1>")
        elif block.startswith("<table") or block.startswith("<div"):
            out.append(block)
        elif block:
            out.append(f"<p>{block}</p>")
    return "\n".join(out)


def _render(root: Path, locale: str, view: str, v: Values) -> Mail | None:
    kind, cls, subj = _MAILS[view]
    tr: dict[str, str] = load_json(root / f"backend/lang/{locale}.json") if locale != "en" else {}
    base = f"https://tickets.{v.domain}"
    code = v.digits(5)
    link = {
        "user/confirm-email-address": f"{base}/register/confirm-email/{v.token(64)}",
        "user/confirm-email-change": f"{base}/manage/profile/confirm-email-change/{v.token(64)}",
        "auth/forgot-password": f"{base}/auth/reset-password/{v.token(64)}",
        "user/user-invited": f"{base}/auth/accept-invitation/{v.token(64)}",
    }.get(view)
    event = v.rng.choice(_EVENTS)
    organizer = f"{v.brand} Events"
    ctx = {
        "$user->getFirstName()": esc(v.first),
        "$invitedUser->getFirstName()": esc(v.first),
        "$user->getPendingEmail()": esc(f"{v.first.lower()}@new-mail.example.org"),
        "config('app.name')": esc(v.brand),
        "$appName": esc(v.brand),
        "$code": code,
        "$link": esc(link or ""),
        "$inviteLink": esc(link or ""),
        "$event->getTitle()": esc(event),
        "$order->getPublicId()": f"O-{v.alnum(7)}",
        "$organizer->getName() ?: config('app.name')": esc(organizer),
        "$eventSettings->getGetEmailFooterHtml()": "",
        "$refundAmount": f"€{v.amount()}",
        "$supportEmail ?? 'hello@hi.events'": f"support@{v.domain}",
        "$productName": "",
        "$eventUrl": f"{base}/event/{v.digits(3)}/{event.lower().replace(' ', '-')}",
    }
    src = (root / f"{_V}{view}.blade.php").read_text(encoding="utf-8")
    src = re.sub(r"@php.*?@endphp\n?", "", src, flags=re.S)
    src = _IF.sub(lambda m: m.group(2) if ctx.get(m.group(1)) else (m.group(3) or ""), src)
    src = re.sub(r"</?x-mail::message>", "", src)

    def echo(m: re.Match[str]) -> str:
        inner = (m.group(1) or m.group(2)).strip()
        call = _TRANS.fullmatch(inner)
        return _trans(call, tr, ctx) if call else ctx[inner]

    src = _ECHO.sub(echo, src)
    lay = Layout(organizer if view.startswith(("orders", "waitlist")) else v.brand, "#7c3aed")
    body = _BUTTON.sub(lambda m: Layout("").button(m.group(2), ctx[m.group(1)]).parts[0], src)
    html = lay.raw(_markdown(body)).html(esc(f"© 2026 {v.brand}. Powered by Hi.Events"))
    subject = tr.get(subj) or subj
    for k, val in (("app_name", v.brand), ("appName", v.brand), ("code", code)):
        subject = subject.replace(f":{k}", val)
    return Mail(
        template=view,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} <noreply@{v.domain}>",
        html=html,
        text=text_of(html),
        code=code if kind == "otp" else None,
        code_display=code if kind == "otp" else None,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, view in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{view}-{locale}", locale, partial(_render, root, locale, view)
