"""Formbricks (AGPL-3.0; fetched, never committed): account mails with the ``emails.*`` strings
of ``apps/web/locales``, in the order of its react-email templates (heading, text, button,
link, notes, footer)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import quote

from kit import Layout, esc, fill, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en-US",
    "de-DE",
    "es-ES",
    "fr-FR",
    "hu-HU",
    "ja-JP",
    "nl-NL",
    "pt-BR",
    "pt-PT",
    "ro-RO",
    "ru-RU",
    "sv-SE",
    "tr-TR",
    "zh-Hans-CN",
    "zh-Hant-TW",
)
SOURCE = Source(
    project="formbricks",
    repo="formbricks/formbricks",
    commit="b66c1dd978af618a0e402bd3343b456bed68594c",
    licence="AGPL-3.0-only",
    files=tuple(f"apps/web/locales/{lc}.json" for lc in LOCALES),
)
# name -> (kind, class, subject key, parts); parts: key, "BUTTON:key", "LINK"
_MAILS = {
    "verification": (
        "confirm_link",
        "confirm_email",
        "verification_email_subject",
        (
            "H:verification_email_heading",
            "verification_email_text",
            "BUTTON:verification_email_verify_email",
            "verification_email_click_on_this_link",
            "LINK",
            "verification_email_link_valid_for_24_hours",
        ),
    ),
    "forgot": (
        "reset_link",
        "reset_password",
        "forgot_password_email_subject",
        (
            "H:forgot_password_email_heading",
            "forgot_password_email_text",
            "BUTTON:forgot_password_email_change_password",
            "forgot_password_email_did_not_request",
        ),
    ),
    "delete": (
        "confirm_link",
        "confirm_account_deletion",
        "delete_account_email_subject",
        (
            "H:delete_account_email_heading",
            "delete_account_email_text",
            "delete_account_email_warning",
            "BUTTON:delete_account_email_confirm_deletion",
            "delete_account_email_link_valid_for_minutes",
            "delete_account_email_did_not_request",
        ),
    ),
    "new_email": (
        "confirm_link",
        "confirm_email_change",
        "verification_new_email_subject",
        (
            "H:verification_email_heading",
            "new_email_verification_text",
            "verification_security_notice",
            "BUTTON:verification_email_verify_email",
            "verification_email_click_on_this_link",
            "LINK",
        ),
    ),
    "invite": (
        "confirm_link",
        "invite_accept",
        "invite_member_email_subject",
        ("H:invite_email_heading", "invite_email_text", "BUTTON:invite_email_button_label"),
    ),
    "password_changed": (
        "none",
        "password_changed",
        "password_reset_notify_email_subject",
        ("H:password_changed_email_heading", "password_changed_email_text"),
    ),
    "invite_accepted": (
        "none",
        "notification",
        "invite_accepted_email_subject",
        ("H:invite_accepted_email_heading", "invite_accepted_email_text"),
    ),
}


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    en = load_json(root / "apps/web/locales/en-US.json")["emails"]
    tr = {
        **en,
        **{
            k: x
            for k, x in load_json(root / f"apps/web/locales/{locale}.json")
            .get("emails", {})
            .items()
            if x
        },
    }
    kind, cls, subj_key, parts = _MAILS[name]
    if locale != "en-US" and tr[subj_key] == en[subj_key]:
        return None
    base = "https://app.formbricks.com"
    jwt = f"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{v.token(120)}.{v.token(43)}"
    tok = v.token(32)
    back = quote(f"{base}/auth/forgot-password/reset", safe="")
    link = {  # Better Auth's callback routes, as Formbricks builds them
        "verification": f"{base}/api/auth/verify-email?token={jwt}&callbackURL=%2F",
        "forgot": f"{base}/api/auth/reset-password/{tok}?callbackURL={back}",
        "delete": f"{base}/api/auth/delete-user/callback?token={tok}&callbackURL=%2Fauth%2Flogin",
        "new_email": f"{base}/verify-email-change?token={quote(jwt)}",
        "invite": f"{base}/invite?token={quote(jwt)}",
    }.get(name)
    vals = {
        "minutes": "30",
        "inviterName": v.other_name().split()[0],
        "inviteeName": v.first,
        "surveyName": "Customer onboarding",
    }
    lay = Layout("Formbricks", "#0f172a")
    for part in parts:
        if part.startswith("H:"):
            lay.heading(esc(fill(tr[part[2:]], vals, "brace")))
        elif part.startswith("BUTTON:"):
            lay.button(esc(tr[part[7:]]), link or base)
        elif part == "LINK":
            lay.link(link or base)
        else:
            lay.p(esc(fill(tr[part], vals, "brace")))
    lay.p(f"{esc(tr['email_footer_text_1'])}<br>{esc(tr['email_footer_text_2'])}")
    html = lay.html(esc(tr["email_template_text_1"]))
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=fill(tr[subj_key], vals, "brace"),
        sender="Formbricks <noreply@formbricks.com>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en-US" or (i + j) % 2 == 0:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
