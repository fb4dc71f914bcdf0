"""Elgg (core: MIT OR GPL-2.0-only; fetched, never committed): the account notifications whose
subjects and bodies are core strings of ``languages/*.php`` (password-change request, e-mail
change confirmation, e-mail/password changed notices, new friend, account validated), wrapped
in Elgg's default salutation and sign-off strings; sent as plain text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

from kit import lang_of, load_php_array
from model import Mail, Source
from values import Values

LOCALES: tuple[str, ...] = ("en", "cmn", "cs", "de", "es", "fa", "fi", "fr", "gl", "it", "ja")
LOCALES += ("nl", "pl", "pt_br", "sv", "zh_hans")
# string stem -> (kind, class)
_MAILS = {
    "email:changereq": ("reset_link", "reset_password"),
    "email:request:email": ("confirm_link", "confirm_email_change"),
    "email:confirm:email:old": ("none", "email_changed"),
    "email:changepassword": ("none", "password_changed"),
    "friend:newfriend": ("none", "notification"),
    "user:notification:validate": ("none", "welcome"),
}
SOURCE = Source(
    project="elgg",
    repo="Elgg/Elgg",
    commit="d70d20a20ecf8d087a2f59053d29e989f40e4b48",
    licence="MIT OR GPL-2.0-only",
    files=tuple(f"languages/{lc}.php" for lc in LOCALES),
)


def _sprintf(fmt: str, args: Sequence[str]) -> str:
    for a in args:
        fmt = fmt.replace("%s", a, 1)
    return fmt


def _render(root: Path, locale: str, stem: str, v: Values) -> Mail | None:
    kind, cls = _MAILS[stem]
    en = load_php_array(root / "languages/en.php")
    mine = load_php_array(root / f"languages/{locale}.php")
    if locale != "en" and not (mine.get(f"{stem}:body") and mine.get(f"{stem}:subject")):
        return None
    tr = {**en, **mine}
    site = f"{v.brand} Network"
    base = f"https://network.{v.domain}"
    guid = str(v.rng.randrange(100, 99999))
    expires = str(int(v.base_time.timestamp()) + 86400)
    link = {
        "email:changereq": f"{base}/changepassword?u={guid}&c={v.hex(22)}"
        f"&__elgg_exp={expires}&__elgg_mac={v.hex(64)}",
        "email:request:email": f"{base}/account/email/confirm/{guid}?__elgg_exp={expires}"
        f"&__elgg_mac={v.hex(64)}",
    }.get(stem)
    friend = v.other_name()
    args = {
        "email:changereq": (v.ip(), link or ""),
        "email:request:email": (site, link or ""),
        "email:confirm:email:old": (site, v.email),
        "email:changepassword": (),
        "friend:newfriend": (friend, f"{base}/profile/{friend.split()[0].lower()}"),
        "user:notification:validate": (site, base),
    }[stem]
    body = _sprintf(tr[f"{stem}:body"], args)
    subject = _sprintf(tr[f"{stem}:subject"], args[:1] if stem != "email:changereq" else ())
    if stem == "user:notification:validate":
        subject = _sprintf(tr[f"{stem}:subject"], (site,))
    text = "\n\n".join(
        (
            _sprintf(tr["notification:default:salutation"], (v.name,)),
            body,
            _sprintf(tr["notification:default:sign-off"], (site,)),
        )
    )
    return Mail(
        template=stem,
        language=lang_of(locale.replace("cmn", "zh").replace("zh_hans", "zh")),
        kind=kind,
        cls=cls,
        subject=" ".join(subject.split()),
        sender=f"{site} <noreply@{v.domain}>",
        text=text + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for stem in _MAILS:
        for locale in LOCALES:
            yield f"{stem}-{locale}", locale, partial(_render, root, locale, stem)
