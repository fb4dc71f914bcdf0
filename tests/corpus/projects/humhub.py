"""HumHub (AGPL-3.0; fetched, never committed): the user module's account mails, rendered from
their plain-text PHP views (``modules/user/views/mails/plaintext``) with the Yii message files
``modules/user/messages/<lang>/<category>.php`` (an empty translation stays English, as Yii
does) and the subjects set in the module's models and services."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from kit import lang_of, load_php_array
from model import Mail, Source
from values import Values

_M = "protected/humhub/modules/user/"
LOCALES = [
    "en",
    "ar",
    "bg",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "es",
    "fa-IR",
    "fi",
    "fr",
    "he",
    "hr",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "lt",
    "lv",
    "nb-NO",
    "nl",
    "pl",
    "pt",
    "pt-BR",
    "ro",
    "ru",
    "sk",
    "sl",
    "sr",
    "sv",
    "th",
    "tr",
    "uk",
    "vi",
    "zh-CN",
    "zh-TW",
]
_CATS = ("auth", "account", "base", "invite")
# view -> (kind, class, subject category, subject msgid)
_MAILS = {
    "RecoverPassword": ("reset_link", "reset_password", "account", "Password Recovery"),
    "ChangeEmail": ("confirm_link", "confirm_email_change", "account", "E-Mail change"),
    "UserInviteSelf": ("confirm_link", "confirm_email", "base", "Welcome to %appName%"),
    "UserAlreadyRegistered": ("none", "unknown_account_notice", "base", "Welcome to %appName%"),
    "ChangeUsername": ("none", "security_notice", "account", "Username has been changed"),
}
SOURCE = Source(
    project="humhub",
    repo="humhub/humhub",
    commit="13dc14723e7bd227dd6bf78c12771842fb7acb28",
    licence="AGPL-3.0-only",
    files=tuple(f"{_M}views/mails/plaintext/{m}.php" for m in _MAILS)
    + tuple(f"{_M}messages/{lc}/{c}.php" for lc in LOCALES[1:] for c in _CATS),
)
_T = re.compile(
    r"""Yii::t\(\s*'UserModule\.(\w+)',\s*(['"])((?:\\.|(?!\2).)*)\2\s*(?:,\s*\[(.*?)\]\s*)?\)""",
    re.S,
)
_PARAM = re.compile(r"""'([^']+)'\s*=>\s*([^,\]]+)""")


def _render(root: Path, locale: str, view: str, v: Values) -> Mail | None:
    kind, cls, subj_cat, subj_id = _MAILS[view]

    def t(cat: str, msgid: str, params: Mapping[str, str]) -> str:
        tr = load_php_array(root / f"{_M}messages/{locale}/{cat}.php") if locale != "en" else {}
        text = tr.get(msgid) or msgid
        for k, x in params.items():
            text = text.replace(k, x)
        return text

    base = f"https://community.{v.domain}"
    app = f"{v.brand} Community"
    link = {
        "RecoverPassword": f"{base}/user/password-recovery/reset?token={v.token(32)}"
        f"&guid={v.uuid()}",
        "ChangeEmail": f"{base}/user/account/change-email-validate?token={v.token(32)}"
        f"&email={v.first.lower()}@new-mail.example.org",
        "UserInviteSelf": f"{base}/user/registration?token={v.token(12)}",
    }.get(view)
    exprs = {
        "$user->displayName": v.name,
        "Yii::$app->name": app,
        "$newEmail": f"{v.first.lower()}@new-mail.example.org",
        "$newUsername": v.username.replace(".", "_"),
        "(string) $linkPasswordReset": link or "",
        "(string) $approveUrl": link or "",
        "$registrationUrl": link or "",
        "$passwordRecoveryUrl": f"{base}/user/password-recovery",
    }

    def call(m: re.Match[str]) -> str:
        quote = m.group(2)
        msgid = m.group(3).replace("\\" + quote, quote)
        params = {k: exprs[e.strip()] for k, e in _PARAM.findall(m.group(4) or "")}
        return t(m.group(1), msgid, params)

    def value(expr: str) -> str:
        expr = expr.strip().rstrip(";").strip()
        for fn, op in (
            ("strip_tags(", lambda s: re.sub(r"<[^>]+>", "", s)),
            ("mb_strtoupper(", str.upper),
            ("urldecode(", lambda s: s),
        ):
            if expr.startswith(fn):
                return op(value(expr[len(fn) : -1]))
        whole = _T.fullmatch(expr)
        return call(whole) if whole else exprs.get(expr) or local[expr]

    src = (root / f"{_M}views/mails/plaintext/{view}.php").read_text(encoding="utf-8")
    head, _, body = src.partition("?>")
    local: dict[str, str] = {}
    assign = re.search(r"\$text = (Yii::t\(.*?\));", head, re.S)
    if assign:
        local["$text"] = value(assign.group(1)).replace("<br>", "\n")
    text = re.sub(r"<\?=(.*?)\?>", lambda m: value(m.group(1)), body, flags=re.S)
    subject = t(subj_cat, subj_id, {"%appName%": app})
    return Mail(
        template=view,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{app} <social@{v.domain}>",
        text=text.strip() + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, view in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{view}-{locale}", locale, partial(_render, root, locale, view)
