"""Gogs (MIT): account and notification mails from ``templates/mail`` (English bodies) with the
subjects of ``conf/locale`` (Gogs localises only the subject)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, load_ini
from model import Mail, Source
from values import Values

SUBJECT_LOCALES = ("en-US", "de-DE", "fr-FR", "es-ES", "ru-RU", "zh-CN", "ja-JP", "pt-BR")
SOURCE = Source(
    project="gogs",
    repo="gogs/gogs",
    commit="eb1054e5432fc8397678372f08613429be233d7c",
    licence="MIT",
    files=tuple(f"conf/locale/locale_{lc}.ini" for lc in SUBJECT_LOCALES)
    + tuple(
        f"templates/mail/{t}.tmpl"
        for t in (
            "auth/activate",
            "auth/activate_email",
            "auth/reset_passwd",
            "auth/register_notify",
            "issue/comment",
            "issue/mention",
            "notify/collaborator",
        )
    ),
)
# template -> (subject key or None, kind, class)
_MAILS = {
    "auth/activate": ("activate_account", "confirm_link", "confirm_email"),
    "auth/activate_email": ("activate_email", "confirm_link", "confirm_email"),
    "auth/reset_passwd": ("reset_password", "reset_link", "reset_password"),
    "auth/register_notify": ("register_notify", "none", "welcome"),
    "issue/comment": (None, "none", "notification"),
    "issue/mention": (None, "none", "notification"),
    "notify/collaborator": (None, "none", "share_invite"),
}
_COMMENTS = (
    "Reproduced on 0.13.0 with build 48213. The fix in 3f9a2c1 works for me.",
    "Could you run the migration again? Ticket #4410 has the logs; error code 500123.",
    "Merged. The release tag is v2.4.1 and the checksum ends in 9c41e2.",
    "Thanks! I used verification code 6614 in the test fixture, it is not a real one.",
)
_GO = re.compile(r"\{\{\s*(\.?[\w.]+)(?:\s*\|\s*\w+)?\s*\}\}")


def _render(root: Path, tpl: str, locale: str, v: Values) -> Mail:
    subj_key, kind, cls = _MAILS[tpl]
    app_url = f"https://{v.host}/"
    repo = f"{v.username.split('.')[0]}/{v.rng.choice(('api', 'infra', 'website', 'docs'))}"
    minutes = f"{v.rng.randrange(60, 240):06d}"
    code = v.when("%Y%m%d%H%M") + minutes + v.hex(40) + v.username.encode().hex()
    number = v.rng.randrange(2, 400)
    vals = {
        "AppURL": app_url,
        "AppName": v.brand,
        "Year": "2026",
        ".Username": v.username,
        ".ActiveCodeLives": "3",
        ".ResetPwdCodeLives": "3",
        ".Code": code,
        ".Email": v.email,
        ".RepoName": repo,
        ".Link": f"{app_url}{repo}/issues/{number}",
        ".Doer.DisplayName": v.other_name(),
        ".Body": esc(v.rng.choice(_COMMENTS)),
        ".Subject": "",
    }
    if subj_key:
        ini = load_ini(root / f"conf/locale/locale_{locale}.ini")
        subject = ini["mail"][subj_key]
    elif tpl == "notify/collaborator":
        subject = f"[{repo}] Added you as a collaborator"
    else:
        subject = f"[{repo}] {v.rng.choice(('Fix login redirect', 'Crash on upload'))} (#{number})"
    vals[".Subject"] = subject
    body = _GO.sub(lambda m: vals[m.group(1)], (root / f"templates/mail/{tpl}.tmpl").read_text())
    link = None
    if kind != "none":
        m = re.search(r'href="([^"]+)"', body)
        link = m.group(1) if m else None
    return Mail(
        template=tpl,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} <gogs@{v.host}>",
        html=body,
        link=link,
        notes="" if locale == "en-US" else f"subject in {locale}",
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for tpl, (subj_key, _, _) in _MAILS.items():
        for n, locale in enumerate(SUBJECT_LOCALES if subj_key else ("en-US",) * 4):
            yield f"{tpl}-{locale}-{n}", locale, partial(_render, root, tpl, locale)
