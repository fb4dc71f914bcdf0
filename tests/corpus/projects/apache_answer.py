"""Apache Answer (Apache-2.0): the ``backend.email_tpl`` mails of its i18n YAML (HTML bodies)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, fill, lang_of, load_yaml
from model import Mail, Source
from values import Values

LOCALES = (
    "en_US",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "pt_BR",
    "nl_NL",
    "pl_PL",
    "ru_RU",
    "uk_UA",
    "tr_TR",
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "ar_SA",
    "he_IL",
    "sv_SE",
    "cs_CZ",
    "fi_FI",
    "vi_VN",
    "id_ID",
    "fa_IR",
    "ro_RO",
    "hu_HU",
    "da_DK",
    "el_GR",
    "sk_SK",
)
_MAILS = {  # key -> (kind, class)
    "register": ("confirm_link", "confirm_email"),
    "pass_reset": ("reset_link", "reset_password"),
    "change_email": ("confirm_link", "confirm_email_change"),
    "new_answer": ("none", "notification"),
    "new_comment": ("none", "notification"),
    "invited_you_to_answer": ("none", "share_invite"),
    "test": ("none", "smtp_test"),
}
SOURCE = Source(
    project="apache-answer",
    repo="apache/answer",
    commit="3b9f1370612e690a0b7f230f05e688930db4c6d3",
    licence="Apache-2.0",
    files=tuple(f"i18n/{lc}.yaml" for lc in LOCALES),
)
_SUMMARIES = (
    "Run the migration with --step 3, then restart; error 40213 goes away.",
    "Set the port to 8443 and the pool size to 16. Worked on build 20260214.",
)


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    def tpl(loc: str) -> dict[str, str]:
        tree = load_yaml(root / f"i18n/{loc}.yaml")
        node = tree["backend"]["email_tpl"][key]
        return {"title": node["title"]["other"], "body": node["body"]["other"]}

    en, t = tpl("en_US"), tpl(locale)
    if locale != "en_US" and t["body"] == en["body"]:
        return None
    kind, cls = _MAILS[key]
    site = f"https://{v.host}"
    token = v.token(32, "abcdefghijklmnopqrstuvwxyz0123456789")
    link = {
        "register": f"{site}/users/account-activation?code={token}",
        "pass_reset": f"{site}/users/password-reset?code={token}",
        "change_email": f"{site}/users/confirm-new-email?code={token}",
    }.get(key)
    q = f"{site}/questions/{v.rng.randrange(10**17, 10**18)}"
    vals = {
        "SiteName": v.brand,
        "DisplayName": v.other_name(),
        "RegisterUrl": link or "",
        "PassResetUrl": link or "",
        "ChangeEmailUrl": link or "",
        "QuestionTitle": "How do I rotate the API key?",
        "AnswerUrl": f"{q}/{v.rng.randrange(10**17, 10**18)}",
        "CommentUrl": f"{q}?commentId={v.rng.randrange(10**17, 10**18)}",
        "InviteUrl": q,
        "QuestionUrl": q,
        "UnsubscribeUrl": f"{site}/users/unsubscribe?code={v.token(32)}",
        "AnswerSummary": esc(v.rng.choice(_SUMMARIES)),
        "CommentSummary": esc(v.rng.choice(_SUMMARIES)),
        "Tags": "security, api",
    }
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=fill(t["title"], vals),
        sender=f"{v.brand} <no-reply@{v.host}>",
        html=fill(t["body"], vals),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en_US" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
