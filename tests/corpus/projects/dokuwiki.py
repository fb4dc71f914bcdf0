"""DokuWiki (GPL-2.0; fetched, never committed): the password-reset confirmation and the
page/upload/registration notices, from the per-language plain-text mails in ``inc/lang/*/``
and the subjects of ``inc/lang/*/lang.php`` (DokuWiki sends these mails as plain text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from kit import lang_of
from model import Mail, Source
from values import Values

_L = "inc/lang/"
LOCALES = [
    "en",
    "ar",
    "az",
    "be",
    "bg",
    "ca-valencia",
    "ca",
    "ckb",
    "cs",
    "cy",
    "da",
    "de-informal",
    "de",
    "el",
    "eo",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fr",
    "gl",
    "he",
    "hr",
    "hu-formal",
    "hu",
    "ia",
    "id",
    "it",
    "ja",
    "km",
    "ko",
    "la",
    "lb",
    "lv",
    "mr",
    "ne",
    "nl",
    "no",
    "pl",
    "pt-br",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "th",
    "tr",
    "uk",
    "vi",
    "zh-tw",
    "zh",
]
# mail file -> locales (of LOCALES) that lack it at the pinned commit
_LACKS = {
    "pwconfirm": (),
    "mailtext": ("km", "ne"),
    "subscr_single": ("az", "ca-valencia", "id", "km", "lb", "mr", "ne", "th", "tr"),
    "uploadmail": ("km",),
    "registermail": ("km", "ne"),
}
SOURCE = Source(
    project="dokuwiki",
    repo="dokuwiki/dokuwiki",
    commit="24c6a7e084c6d268bbf844edb54f6ff84bce2935",
    licence="GPL-2.0-only",
    files=tuple(f"{_L}{lc}/lang.php" for lc in LOCALES)
    + tuple(
        f"{_L}{lc}/{name}.txt"
        for name, lacks in _LACKS.items()
        for lc in LOCALES
        if lc not in lacks
    ),
)
# mail file -> (kind, class, subject key in lang.php)
_MAILS = {
    "pwconfirm": ("reset_link", "reset_password", "regpwmail"),
    "mailtext": ("none", "notification", "mail_changed"),
    "subscr_single": ("none", "notification", "mail_changed"),
    "uploadmail": ("none", "notification", "mail_upload"),
    "registermail": ("none", "notification", "mail_new_user"),
}
_STR = re.compile(r"""\$lang\['(\w+)'\]\s*=\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")""", re.S)
_DIFFS = (  # written for this corpus: the page edits the notices show
    "@@ -3,4 +3,5 @@\n Backups run nightly at 02:00.\n-Retention is 14 days.\n"
    "+Retention is 30 days.\n"
    "+Ticket 48213 tracks the move to the new storage.",
    "@@ -1,2 +1,3 @@\n ====== Onboarding ======\n+Ask IT for a laptop (asset tag 700412).\n"
    " Read the handbook first.",
    "@@ -8,3 +8,3 @@\n-Room 2.14, phone ext. 4471\n+Room 3.02, phone ext. 5520\n",
)


@lru_cache(maxsize=128)
def _strings(path: Path) -> dict[str, str]:
    out = {}
    for key, single, double in _STR.findall(path.read_text(encoding="utf-8")):
        out[key] = (single or double).replace("\\'", "'").replace('\\"', '"')
    return out


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    kind, cls, subj_key = _MAILS[name]
    en = _strings(root / f"{_L}en/lang.php")
    tr = {**en, **_strings(root / f"{_L}{locale}/lang.php")}
    base = f"https://wiki.{v.domain}/"
    title = f"{v.brand} Wiki"
    page = v.rng.choice(("ops:backups", "team:onboarding", "start", "howto:vpn"))
    rev = str(int(v.base_time.timestamp()))
    browser, _, system = v.device()
    link = f"{base}doku.php?do=resendpwd&pwauth={v.hex(32)}" if kind != "none" else None
    vals = {
        "FULLNAME": v.name,
        "LOGIN": v.username,
        "CONFIRM": link or "",
        "TITLE": title,
        "DOKUWIKIURL": base,
        "PAGE": page,
        "DIFF": v.rng.choice(_DIFFS),
        "USER": v.other_name().split()[0].lower(),
        "SUMMARY": v.rng.choice(("typo", "updated retention", "new room numbers", "")),
        "OLDPAGE": f"{base}doku.php?id={page}&rev={int(rev) - 86400}",
        "NEWPAGE": f"{base}doku.php?id={page}&rev={rev}",
        "DATE": v.when("%Y/%m/%d %H:%M"),
        "BROWSER": f"Mozilla/5.0 ({system}) {browser}",
        "IPADDRESS": v.ip(),
        "HOSTNAME": f"host-{v.digits(3)}.isp.example.net",
        "SUBSCRIBE": f"{base}doku.php?id={page}&do=subscribe",
        "MEDIA": f"{base}lib/exe/fetch.php?media=team:photo_{v.digits(4)}.jpg",
        "OLD": "",
        "SIZE": f"{v.rng.randrange(20, 900)} KB",
        "MIME": "image/jpeg",
        "NEWUSER": v.username,
        "NEWNAME": v.name,
        "NEWEMAIL": v.email,
        "USERNAME": v.username,
    }
    body = (root / f"{_L}{locale}/{name}.txt").read_text(encoding="utf-8")
    body = re.sub(r"@([A-Z]+)@", lambda m: vals[m.group(1)], body)
    sig = re.sub(r"@([A-Z]+)@", lambda m: vals[m.group(1)], tr["email_signature_text"])
    subject = f"[{title}] {tr[subj_key]}"
    if kind == "none":
        subject += f" {page}" if name != "registermail" else f" {v.username}"
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{title} <noreply@{v.domain}>",
        text=f"{body.rstrip()}\n\n-- \n{sig}\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, (name, lacks) in enumerate(_LACKS.items()):
        for j, locale in enumerate(LOCALES):
            if locale in lacks or (name != "pwconfirm" and (i + j) % 3 != 0 and locale != "en"):
                continue
            yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
