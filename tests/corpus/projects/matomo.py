"""Matomo (GPL-3.0; fetched, never committed): password-reset, invitation, account-change and
security-notification mails with the strings of ``lang/*.json`` and the plugins' ``lang/*.json``,
in the order of its Twig mail views and ``Emails/*.php`` classes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, lang_of, load_json, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt-br",
    "nl",
    "pl",
    "ru",
    "uk",
    "tr",
    "ja",
    "zh-cn",
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
    "id",
    "fa",
    "nb",
    "sk",
    "ca",
    "bg",
    "sq",
)
_PLUGINS = ("Login", "UsersManager", "CoreAdminHome")
SOURCE = Source(
    project="matomo",
    repo="matomo-org/matomo",
    commit="f09912cb702a76d06ab1a129a8e0a4e2a61818a8",
    licence="GPL-3.0-or-later",
    files=tuple(
        f
        for lc in LOCALES
        for f in (f"lang/{lc}.json", *(f"plugins/{p}/lang/{lc}.json" for p in _PLUGINS))
    ),
)
_MAILS = {
    "reset": ("reset_link", "reset_password"),
    "invite": ("confirm_link", "invite_accept"),
    "email_changed": ("none", "email_changed"),
    "password_changed": ("none", "password_changed"),
    "token_created": ("none", "security_notice"),
    "2fa_enabled": ("none", "security_notice"),
    "recovery_codes": ("none", "security_notice"),
    "suspicious_logins": ("none", "sign_in_alert"),
}
_FMT = re.compile(r"%(?:(\d)\$)?s")


def _table(root: Path, locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in (f"lang/{locale}.json", *(f"plugins/{p}/lang/{locale}.json" for p in _PLUGINS)):
        file = root / path
        if not file.exists():
            continue
        for plugin, strings in load_json(file).items():
            out.update({f"{plugin}_{k}": x for k, x in strings.items() if isinstance(x, str)})
    return out


def _printf(s: str, *args: str) -> str:
    """PHP ``sprintf`` with ``%s`` and ``%1$s`` (Matomo's ``Piwik::translate`` arguments)."""
    it = iter(range(len(args)))

    def sub(m: re.Match[str]) -> str:
        return args[int(m.group(1)) - 1 if m.group(1) else next(it)]

    return _FMT.sub(sub, s)


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = _table(root, "en")
    own = _table(root, locale)
    tr = {**en, **own}
    kind, cls = _MAILS[key]
    base = f"https://analytics.{v.domain}/"
    login = v.username
    browser, _, os_name = v.device()
    device = f"{browser} {os_name}"
    ip = v.ip()
    lay = Layout("Matomo", "#3450a3")
    hello = esc(_printf(tr["General_HelloUser"], login))
    link = None
    if key == "reset":
        subj_key = "Login_MailTopicPasswordChange"
        link = (
            f"{base}index.php?module=Login&action=confirmResetPassword&login={login}"
            f"&resetToken={v.hex(32)}"
        )
        anchor = f'<p style="word-break: break-all"><a href="{esc(link)}">{esc(link)}</a></p>'
        body = _printf(tr["Login_MailPasswordChangeBody2"], esc(login), esc(ip), anchor)
        lay.raw("<p>" + body.replace("\n\n", "</p><p>") + "</p>")
    elif key == "invite":
        subj_key = "CoreAdminHome_UserInviteSubject"
        inviter, site = v.other_name(), f"{v.brand} Website"
        token = v.token(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        link = f"{base}?module=Login&action=acceptInvitation&token={token}"
        decline = f"{base}?module=Login&action=declineInvitation&token={token}"
        styled = _printf(tr[subj_key], f"<strong>{inviter}</strong>", f"<strong>{site}</strong>")
        lay.p(hello).p(styled)
        lay.raw(
            f'<a target="_blank" href="{esc(link)}">{esc(tr["CoreAdminHome_AcceptInvite"])}</a> | '
            f'<a target="_blank" href="{esc(decline)}">{esc(tr["CoreAdminHome_DeclineInvite"])}</a>'
        )
        lay.p(esc(_printf(tr["CoreAdminHome_UserInviteNotes"], inviter, "7")))
        subject = _printf(tr[subj_key], inviter, site)
    elif key in ("email_changed", "password_changed"):
        lay.p(_printf(tr["General_HelloUser"], f"<strong>{esc(login)}</strong>"))
        if key == "email_changed":
            subj_key = "UsersManager_EmailChangeNotificationSubject"
            lay.p(
                _printf(tr["UsersManager_EmailChangedEmail1"], f"<strong>{esc(v.email)}</strong>")
                + "."
            )
            lay.p(
                esc(_printf(tr["UsersManager_EmailChangedEmail2"], device, ip))
                + " "
                + esc(tr["UsersManager_IfThisWasYouIgnoreIfNot"])
            )
        else:
            subj_key = "UsersManager_PasswordChangeNotificationSubject"
            lay.p(esc(_printf(tr["UsersManager_PasswordChangedEmail"], device, ip)))
            lay.p(esc(tr["UsersManager_IfThisWasYouPasswordChange"]))
        lay.p(
            f"{esc(tr['General_ThankYouForUsingMatomo'])}!<br/>{esc(tr['General_TheMatomoTeam'])}"
        )
    elif key == "suspicious_logins":
        subj_key = "Login_SuspiciousLoginAttemptsInLastHourEmailSubject"
        lay.p(hello).p(
            _printf(
                tr["Login_SuspiciousLoginAttemptsInLastHourEmail1"],
                f"<strong>{v.rng.randrange(20, 400)}</strong>",
                f"<strong>{v.rng.randrange(2, 40)}</strong>",
            )
        )
        lay.p(esc(tr["Login_SuspiciousLoginAttemptsInLastHourEmail2"]))
        lay.raw(
            "<ul><li>"
            + esc(tr["Login_SuspiciousLoginAttemptsInLastHourEmail3"])
            + "</li><li>"
            + esc(tr["Login_SuspiciousLoginAttemptsInLastHourEmail4"])
            + "</li></ul>"
        )
        lay.p(
            _printf(
                tr["Login_SuspiciousLoginAttemptsInLastHourEmail5"],
                '<a href="https://matomo.org/faq/how-to/faq_25543/">',
                "</a>",
            )
        )
    else:
        subj_key = "CoreAdminHome_SecurityNotificationEmailSubject"
        body_key = {
            "token_created": "CoreAdminHome_SecurityNotificationTokenAuthCreatedBody",
            "2fa_enabled": "CoreAdminHome_SecurityNotificationTwoFactorAuthEnabledBody",
            "recovery_codes": "CoreAdminHome_SecurityNotificationRecoveryCodesShowedBody",
        }[key]
        body = _printf(tr[body_key], f"{v.brand} reporting export")
        lay.p(hello).p(esc(body + " " + tr["UsersManager_IfThisWasYouPasswordChange"]))
    if key != "invite":
        subject = tr[subj_key]
    if locale != "en" and own.get(subj_key, en[subj_key]) == en[subj_key]:
        return None  # not translated: the English mail is already in the corpus
    html = lay.html()
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Matomo <noreply@{v.host}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 3 != 2:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
