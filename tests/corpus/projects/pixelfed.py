"""Pixelfed (AGPL-3.0; fetched, never committed): its markdown mail views
(``resources/views/emails/**``: e-mail confirmation, app registration, curated sign-up steps,
parental invite, username reminder, password and e-mail change notices, admin message), with
the subjects of ``app/Mail/*.php`` (Laravel's default subject from the class name where a
mailable sets none), laid out like Laravel's mail theme (see ``_blade.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, text_of
from model import Mail, Source
from values import Values

from projects._blade import render_blade

_V = "resources/views/emails/"
# view -> (mailable, kind, class)
_MAILS = {
    "confirm_email": ("ConfirmEmail", "confirm_link", "confirm_email"),
    "confirm_app_email": ("ConfirmAppEmail", "confirm_link", "confirm_email"),
    "curated-register/confirm_email": (
        "CuratedRegisterConfirmEmail",
        "confirm_link",
        "confirm_email",
    ),
    "parental-controls/invite": ("ParentChildInvite", "confirm_link", "invite_accept"),
    "curated-register/request-accepted": ("CuratedRegisterAcceptUser", "none", "account_notice"),
    "curated-register/request-rejected": ("CuratedRegisterRejectUser", "none", "account_notice"),
    "curated-register/request-details-from-user": (
        "CuratedRegisterRequestDetailsFromUser",
        "none",
        "notification",
    ),
    "curated-register/message-from-admin": ("CuratedRegisterSendMessage", "none", "notification"),
    "forgot-email/message": ("UserEmailForgotReminder", "none", "account_notice"),
    "notification/password_change": ("PasswordChange", "none", "password_changed"),
    "notification/email_change": ("EmailChange", "none", "email_changed"),
    "notification/admin_message": ("AdminMessage", "none", "notification"),
}
SOURCE = Source(
    project="pixelfed",
    repo="pixelfed/pixelfed",
    commit="8aae92d75b4881e5cd6a4e2c83ca52046e5b3d66",
    licence="AGPL-3.0-only",
    files=(
        *(f"{_V}{view}.blade.php" for view in _MAILS),
        *(f"app/Mail/{m[0]}.php" for m in _MAILS.values()),
    ),
)
_SUBJECT = re.compile(r"subject(?:\(|:)\s*(.*?)(?:\)\s*(?:->|;)|,\s*$)", re.M)
_NOTES = (
    "Please add a short note about what you plan to post on this server.",
    "Scheduled maintenance tonight from 23:00 UTC; uploads are paused for about 30 minutes.",
)


def _subject(src: str, mailable: str, app: str, admin: str) -> str:
    m = _SUBJECT.search(src)
    if not m:  # Laravel: the class name, words split ("PasswordChange" -> "Password Change")
        return re.sub(r"(?<!^)(?=[A-Z])", " ", mailable)
    expr = m.group(1).strip()
    expr = expr.replace("config('pixelfed.domain.app')", f"'{app}'").replace(
        "$admins", f"'{admin}'"
    )
    expr = re.sub(r"\$[\w>\-\[\]']+", "'7'", expr)
    parts = re.findall(r"'((?:\\.|[^'\\])*)'", expr)
    return "".join(p.replace("\\'", "'") for p in parts)


def _render(root: Path, view: str, v: Values) -> Mail:
    mailable, kind, cls = _MAILS[view]
    app = f"pixel.{v.domain}"
    base = f"https://{app}"
    user = v.username.replace(".", "_")
    link = None
    if view == "confirm_email":
        link = f"{base}/i/confirm-email/{v.token(64, 'abcdef0123456789')}/{v.token(64)}"
    elif view == "confirm_app_email":
        link = f"pixelfed://confirm-account/{v.token(32)}?rt={v.token(40)}"
    elif view == "curated-register/confirm_email":
        link = f"{base}/auth/sign_up/confirm?sid={v.rng.randrange(10, 9999)}&code={v.token(40)}"
    elif view == "parental-controls/invite":
        link = f"{base}/auth/pci/{v.rng.randrange(10, 9999)}/{v.token(32)}"
    email = v.email
    echoes = {
        "$verify->url()": link or "",
        "$appUrl": link or "",
        "$verify->emailConfirmUrl()": link or "",
        "$verify->inviteUrl()": link or "",
        "config('app.url')": base,
        "config('pixelfed.domain.app')": app,
        "'@'.$verify->user->username": "@" + user,
        "'@'.$verify->username": "@" + user,
        "'@' . $user->username": "@" + user,
        "$verify->username": user,
        "$user->username": user,
        "$user->email": email,
        "$user->url()": f"{base}/{user}",
        "$verify->parent->username": v.other_name().split()[0].lower(),
        "$verify->message": v.rng.choice(_NOTES),
        "$msg": v.rng.choice(_NOTES),
        "url('/login?email=' . $verify->email)": f"{base}/login?email={email}",
        "url('/login?email=' . urlencode($user->email))": f"{base}/login?email="
        + email.replace("@", "%40"),
        "$activity->emailReplyUrl()": f"{base}/auth/sign_up/concierge/response-sent?id="
        f"{v.rng.randrange(10, 999)}&code={v.token(40)}",
        "route('password.request')": f"{base}/password/reset",
        "route('site.contact')": f"{base}/site/contact",
        "route('help.community-guidelines')": f"{base}/site/kb/community-guidelines",
        "route('help.curated-onboarding')": f"{base}/site/kb/curated-onboarding",
        "url('/site/contact')": f"{base}/site/contact",
        "url('site/help')": f"{base}/site/help",
        "url('site/kb/community-guidelines')": f"{base}/site/kb/community-guidelines",
    }
    src = (root / f"{_V}{view}.blade.php").read_text(encoding="utf-8")
    html = render_blade(src, lambda s: s, echoes, Layout(app, "#2d3748")).html()
    subject = _subject(
        (root / f"app/Mail/{mailable}.php").read_text(encoding="utf-8"),
        mailable,
        app,
        "admin",
    )
    return Mail(
        template=view,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{app} <no-reply@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for view, (_, kind, _) in _MAILS.items():
        for i in range(4 if kind != "none" else 3):
            yield f"{view}-{i}", "en", partial(_render, root, view)
