"""Rallly (AGPL-3.0; fetched, never committed): its e-mail strings (``packages/emails/locales``)
laid out the way its react-email templates arrange them (preview, heading, text, code/button,
footnote)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, fill, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "cs",
    "da",
    "de",
    "es",
    "fi",
    "fr",
    "hu",
    "it",
    "nl",
    "no",
    "pl",
    "pt-BR",
    "ru",
    "sv",
    "zh",
)
SOURCE = Source(
    project="rallly",
    repo="lukevella/rallly",
    commit="c629b3148024e40a115a731d3660d725c9329b0e",
    licence="AGPL-3.0-only",
    files=tuple(f"packages/emails/locales/{lc}/emails.json" for lc in LOCALES),
)
# prefix -> (kind, class, ordered body keys)
_MAILS = {
    "register": ("otp", "otp_confirm_email", ("heading", "text", "CODE", "codeValid")),
    "changeEmail": (
        "otp",
        "otp_confirm_email",
        ("heading", "text", "CODE", "codeValid", "content2"),
    ),
    "resetPassword": ("reset_link", "reset_password", ("heading", "content", "BUTTON", "content2")),
    "spaceInvite": ("confirm_link", "invite_accept", ("heading", "content", "BUTTON")),
    "newComment": ("none", "notification", ("heading", "content", "BUTTON", "replyGuidance")),
    "newPoll": ("none", "share_invite", ("heading", "content", "URL", "BUTTON")),
    "finalizeParticipant": (
        "none",
        "booking",
        ("heading", "content", "DATE", "content2", "BUTTON"),
    ),
    "license_key": (
        "none",
        "receipt",
        ("heading", "content", "LICENSE", "activationSteps", "support"),
    ),
    "passwordAdded": ("none", "password_changed", ("heading", "text", "content2")),
}
_SEP = {"license_key": "_"}


def _key(prefix: str, part: str) -> str:
    return f"{prefix}_{part}" if not prefix.startswith(("event",)) else prefix + part


def _render(root: Path, locale: str, prefix: str, v: Values) -> Mail | None:
    en = load_json(root / "packages/emails/locales/en/emails.json")
    tr = {
        **en,
        **{
            k: x
            for k, x in load_json(root / f"packages/emails/locales/{locale}/emails.json").items()
            if x
        },
    }
    kind, cls, parts = _MAILS[prefix]
    if locale != "en" and tr.get(_key(prefix, "subject")) == en.get(_key(prefix, "subject")):
        return None
    domain = "app.rallly.co"
    code = v.digits(6) if kind == "otp" else None
    poll = f"https://{domain}/invite/{v.token(12, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
    link = None
    if kind == "reset_link":
        link = f"https://{domain}/auth/reset-password?token={v.token(48)}"
    elif kind == "confirm_link":
        link = f"https://{domain}/invite/space/{v.token(24)}?token={v.hex(32)}"
    vals = {
        "code": code or "",
        "appName": "Rallly",
        "supportEmail": "support@rallly.co",
        "title": "Quarterly planning",
        "authorName": v.other_name(),
        "name": v.other_name(),
        "hostName": v.other_name(),
        "inviterName": v.other_name(),
        "spaceName": v.brand,
        "role": "member",
        "domain": domain,
        "date": v.when("%d %B %Y"),
        "tier": "Plus",
    }

    def t(part: str) -> str:
        s = fill(tr[_key(prefix, part)], vals, "brace")
        s = s.replace("<domain />", f"<a href='https://{domain}'>{domain}</a>")
        return re.sub(r"<a>(.*?)</a>", rf"<a href='https://{domain}/settings'>\1</a>", s)

    lay = Layout("Rallly", "#4f46e5")
    lay.raw(
        f'<div style="display:none">{t("preview")}</div>' if _key(prefix, "preview") in tr else ""
    )
    for part in parts:
        if part == "heading":
            lay.heading(t("heading"))
        elif part == "CODE":
            lay.code(code or "")
        elif part == "BUTTON":
            btn = tr.get(_key(prefix, "button"), tr.get("common_viewOn", "View")).replace(
                "{domain}", domain
            )
            lay.button(btn, link or poll)
        elif part == "URL":
            lay.link(poll)
        elif part == "DATE":
            lay.p(f"<b>{v.when('%A, %d %B %Y')}</b><br>{v.when('%H:%M')} UTC")
        elif part == "LICENSE":
            lic = f"RLYV4-{v.alnum(4)}-{v.alnum(4)}-{v.alnum(4)}-{v.alnum(4)}-{v.alnum(4)}"
            lay.p(
                f"<b>{tr['license_key_licenseKey']}</b>: <code>{lic}</code><br>"
                f"{tr['license_key_plan']}: Plus<br>{tr['license_key_seats']}: 5"
            )
        else:
            lay.p(t(part))
    html = lay.html(
        fill(tr["common_poweredBy"], vals, "brace").replace("<a>", "").replace("</a>", "")
    )
    return Mail(
        template=prefix,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=t("subject"),
        sender=f"Rallly <no-reply@{domain}>",
        html=html,
        text=text_of(html),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, prefix in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{prefix}-{locale}", locale, partial(_render, root, locale, prefix)
