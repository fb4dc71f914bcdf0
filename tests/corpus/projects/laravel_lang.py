"""Laravel's notification mails (VerifyEmail, ResetPassword, Jetstream's team invitation; MIT)
in the translations of Laravel-Lang/lang (MIT), in Laravel's markdown-mail shape."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "de",
    "fr",
    "es",
    "it",
    "pt_BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "tr",
    "ja",
    "zh_CN",
    "ko",
    "ar",
    "he",
    "sv",
    "cs",
    "fi",
    "da",
    "el",
    "hu",
    "ro",
    "vi",
    "id",
    "fa",
    "nb",
    "bg",
    "th",
    "sk",
    "hr",
    "sr_Latn",
    "lt",
    "ka",
    "az",
    "ms",
    "bn",
)
SOURCE = Source(
    project="laravel-lang",
    repo="Laravel-Lang/lang",
    commit="bd286f095bdfa2ec4607994af45f1a9f037de112",
    licence="MIT",
    files=tuple(f"locales/{lc}/json.json" for lc in LOCALES),
)
_TROUBLE = (
    'If you\'re having trouble clicking the ":actionText" button, copy and paste the URL'
    " below\ninto your web browser:"
)
_MAILS = {
    "verify": (
        "Verify Email Address",
        ["Please click the button below to verify your email address."],
        "Verify Email Address",
        ["If you did not create an account, no further action is required."],
        "confirm_link",
        "confirm_email",
    ),
    "reset": (
        "Reset Password Notification",
        [
            "You are receiving this email because we received a password reset request for your"
            " account."
        ],
        "Reset Password",
        [
            "This password reset link will expire in :count minutes.",
            "If you did not request a password reset, no further action is required.",
        ],
        "reset_link",
        "reset_password",
    ),
    "team": (
        "Team Invitation",
        ["You have been invited to join the :team team!"],
        "Accept Invitation",
        [],
        "confirm_link",
        "invite_accept",
    ),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    tr = load_json(root / f"locales/{locale}/json.json")
    subject, intro, action, outro, kind, cls = _MAILS[key]
    if key == "team":
        subject = "Team Invitation"  # Jetstream's subject key
    t = {
        s: tr[s]
        for s in [
            subject,
            action,
            *intro,
            *outro,
            "Hello!",
            "Regards,",
            _TROUBLE,
            "All rights reserved.",
        ]
    }
    team = v.rng.choice(("Marketing", "Ops", "Research"))
    vals = {"count": "60", "team": team, "actionText": t[action]}
    if key == "verify":
        link = v.url(
            f"/email/verify/{v.rng.randrange(1, 9999)}/{v.hex(40)}",
            expires=str(v.rng.randrange(1_770_000_000, 1_790_000_000)),
            signature=v.hex(64),
        )
    elif key == "reset":
        link = v.url(f"/reset-password/{v.hex(64)}", email=v.email)
    else:
        link = v.url(f"/team-invitations/{v.rng.randrange(1, 999)}", signature=v.hex(64))
    lay = Layout(v.brand, "#2d3748").heading(esc(t["Hello!"]))
    for line in intro:
        lay.p(esc(fill(t[line], vals, "colon")))
    lay.button(esc(t[action]), link)
    for line in outro:
        lay.p(esc(fill(t[line], vals, "colon")))
    lay.p(f"{esc(t['Regards,'])}<br>{esc(v.brand)}")
    lay.raw(
        '<table class="subcopy"><tr><td><p style="font-size:12px">'
        f'{esc(fill(t[_TROUBLE], vals, "colon"))} <span class="break-all">'
        f'<a href="{esc(link)}">{esc(link)}</a></span></p></td></tr></table>'
    )
    html = lay.html(f"© 2026 {esc(v.brand)}. {esc(t['All rights reserved.'])}")
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=t[subject],
        sender=f"{v.brand} <hello@{v.host}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key in _MAILS:
        for locale in LOCALES:
            yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
