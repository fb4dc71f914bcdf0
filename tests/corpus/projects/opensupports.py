"""OpenSupports (GPL-3.0; fetched, never committed): its mail templates
(``server/data/mail-templates/*.html``) with the texts of ``server/data/MailTexts.php`` in 15
languages, filled as ``MailTemplate::getBody`` fills them (``{{TEMPLATE_MATCH_n}}`` from the
texts, then ``{{var}}``). The sign-up and recovery mails show their 40-hex token both as
"this code" and in the button's link; the token is only ever used inside that link, so the
truth is the link. Ticket mails (six-digit ticket numbers) are negatives; the mail that
sends a password in clear is left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from kit import lang_of
from model import Mail, Source
from values import Values

LOCALES = ("en", "es", "de", "fr", "pt", "br", "it", "nl", "pl", "ru", "tr", "jp", "cn", "in", "gr")
_LANG = {"br": "pt-BR", "jp": "ja", "cn": "zh", "in": "hi", "gr": "el"}
_D = "server/data/mail-templates/"
_MAILS = {  # template -> (file, kind, class, truth)
    "USER_SIGNUP": ("user-signup.html", "confirm_link", "confirm_email", "verify"),
    "PASSWORD_FORGOT": ("user-password-forgot.html", "reset_link", "reset_password", "recover"),
    "USER_INVITE": ("user-invite.html", "confirm_link", "invite_accept", "invite"),
    "USER_PASSWORD": ("user-edit-password.html", "none", "password_changed", ""),
    "USER_EMAIL": ("user-edit-email.html", "none", "email_changed", ""),
    "TICKET_CREATED": ("ticket-created.html", "none", "ticket_number", ""),
    "TICKET_RESPONDED": ("ticket-responded.html", "none", "ticket_number", ""),
    "TICKET_CLOSED": ("ticket-closed.html", "none", "ticket_number", ""),
    "USER_SYSTEM_DISABLED": ("user-system-disabled.html", "none", "account_notice", ""),
}
SOURCE = Source(
    project="opensupports",
    repo="opensupports/opensupports",
    commit="20720ca4f9175373ee8075fc18ce823707350534",
    licence="GPL-3.0-only",
    files=("server/data/MailTexts.php", *(f"{_D}{m[0]}" for m in _MAILS.values())),
)
_TOKEN = re.compile(r"'((?:\\.|[^'\\])*)'|(=>)|(\[)|(\])")


@lru_cache(maxsize=2)
def _texts(path: Path) -> dict[str, dict[str, list[str]]]:
    """lang -> template -> [subject, text1, text2, …] from the nested PHP arrays."""
    out: dict[str, dict[str, list[str]]] = {}
    keys: list[str | None] = []
    last: str | None = None
    arrow = False
    for m in _TOKEN.finditer(path.read_text(encoding="utf-8")):
        text, is_arrow, opening, closing = m.groups()
        if text is not None:
            text = text.replace("\\'", "'")
            if len(keys) == 3 and not arrow:
                out.setdefault(keys[1] or "", {}).setdefault(keys[2] or "", []).append(text)
            last, arrow = text, False
        elif is_arrow:
            arrow = True
        elif opening:
            keys.append(last if arrow else None)
            last, arrow = None, False
        elif closing and keys:
            keys.pop()
    return out


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    texts = _texts(root / "server/data/MailTexts.php").get(locale, {}).get(name)
    if not texts:
        return None
    file, kind, cls, truth = _MAILS[name]
    url = f"https://help.{v.domain}"
    token = v.hex(40)
    config = {
        "to": v.email,
        "name": v.name,
        "url": url,
        "verificationToken": token,
        "token": token,
        "newemail": f"{v.first.lower()}@{v.domain}",
        "ticketNumber": v.digits(6),
        "title": v.rng.choice(("Cannot log in", "Invoice address wrong", "App crashes on start")),
        "content": "<p>We fixed the address on your invoice; a corrected copy is attached.</p>",
        "tickets": f"#{v.digits(6)}, #{v.digits(6)}",
    }
    body = (root / f"{_D}{file}").read_text(encoding="utf-8")
    for i, text in enumerate(texts[1:], 1):
        body = body.replace("{{" + f"{name}_MATCH_{i}" + "}}", text)
    body = body.replace("{{IMAGE_HEADER_URL}}", f"{url}/images/logo.png")
    for key, value in config.items():
        body = body.replace("{{" + key + "}}", value)
    subject = texts[0]
    for key, value in config.items():
        subject = subject.replace("{{" + key + "}}", value)
    links = {
        "verify": f"{url}/verify-token/{v.email}/{token}",
        "recover": f"{url}/recover-password?email={v.email}&token={token}",
        "invite": f"{url}/recover-password?email={v.email}&token={token}&invited=true",
    }
    link = links[truth] if truth else None
    if link and link not in body:
        return None
    return Mail(
        template=name,
        language=lang_of(_LANG.get(locale, locale)),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} Support <support@{v.domain}>",
        html=body,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or _MAILS[name][1] != "none" or (i + j) % 3 == 0:
                yield (
                    f"{name}-{locale}",
                    _LANG.get(locale, locale),
                    partial(_render, root, locale, name),
                )
