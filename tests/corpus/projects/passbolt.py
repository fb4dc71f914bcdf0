"""Passbolt (AGPL-3.0; fetched, never committed): account setup, recovery, share, comment,
group and security mails. The strings are the ``__('…')`` calls of its CakePHP mail templates
(``templates/email/html/**``) and of the subject lines in ``src/Notification/Email/Redactor``,
read in order at render time and translated with ``resources/locales/*/default.po``; the
layout follows its email elements (avatar line, text block, one button)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from kit import Layout, esc, lang_of, load_po, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "cs_CZ",
    "de_DE",
    "es_ES",
    "fr_FR",
    "it_IT",
    "ja_JP",
    "ko_KR",
    "lt_LT",
    "nl_NL",
    "pl_PL",
    "pt_BR",
    "ro_RO",
    "ru_RU",
    "sl_SI",
    "sv_SE",
    "uk_UA",
)
_T = "templates/email/html/"
_R = "src/Notification/Email/Redactor/"
_MFA = "plugins/PassboltCe/MultiFactorAuthentication/templates/email/html/"
# name -> (template, redactor file, index of the subject call in it, kind, class)
_MAILS = {
    "register_self": (
        f"{_T}AN/user_register_self.php",
        f"{_R}User/UserRegisterEmailRedactor.php",
        0,
        "confirm_link",
        "account_setup",
    ),
    "register_admin": (
        f"{_T}AN/user_register_admin.php",
        f"{_R}User/UserRegisterEmailRedactor.php",
        0,
        "confirm_link",
        "invite_accept",
    ),
    "recover": (
        f"{_T}AN/user_recover.php",
        f"{_R}Recovery/AccountRecoveryEmailRedactor.php",
        0,
        "reset_link",
        "account_recovery",
    ),
    "recover_complete": (
        f"{_T}AN/user_recover_complete.php",
        f"{_R}Recovery/AccountRecoveryCompleteUserEmailRedactor.php",
        0,
        "none",
        "security_notice",
    ),
    "resource_share": (
        f"{_T}LU/resource_share.php",
        f"{_R}Share/ShareEmailRedactor.php",
        0,
        "none",
        "share_invite",
    ),
    "comment_add": (
        f"{_T}LU/comment_add.php",
        f"{_R}Comment/CommentAddEmailRedactor.php",
        0,
        "none",
        "notification",
    ),
    "resource_create": (
        f"{_T}LU/resource_create.php",
        f"{_R}Resource/ResourceCreateEmailRedactor.php",
        0,
        "none",
        "notification",
    ),
    "group_user_add": (
        f"{_T}LU/group_user_add.php",
        f"{_R}Group/GroupUserAddEmailRedactor.php",
        0,
        "none",
        "share_invite",
    ),
    "admin_disable": (
        f"{_T}AD/admin_disable.php",
        f"{_R}User/AdminDisableEmailRedactor.php",
        0,
        "none",
        "account_notice",
    ),
    "mfa_reset_self": (
        f"{_MFA}LU/mfa_user_settings_reset_self.php",
        "",
        0,
        "none",
        "security_notice",
    ),
}
SOURCE = Source(
    project="passbolt",
    repo="passbolt/passbolt_api",
    commit="e3aa15fea3f88661d7a732ccb7fbb40d7ae685d3",
    licence="AGPL-3.0-or-later",
    files=(
        *sorted({p for m in _MAILS.values() for p in m[:2] if p}),
        *(f"resources/locales/{lc}/default.po" for lc in LOCALES if lc != "en"),
    ),
)
_CALL = re.compile(r"__\(\s*'((?:\\.|[^'\\])*)'([^;]*)")
_ARG = re.compile(
    r"first_name|full_name|resource\W+name|group\W+name|Router::url|\['username'\]"
    r"|\['uri'\]|\['description'\]|\$passboltBaseUrl"
)
_BUTTON = re.compile(r"'Email/module/button'.*?__\(\s*'((?:\\.|[^'\\])*)'", re.S)


@lru_cache(maxsize=64)
def _calls(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(msgid, argument kinds) of every ``__()`` call in the file, in order."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return tuple(
        (m.group(1).replace("\\'", "'"), tuple(_ARG.findall(m.group(2))))
        for m in _CALL.finditer(text)
    )


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    template, redactor, subj_i, kind, cls = _MAILS[name]
    po = load_po(root / f"resources/locales/{locale}/default.po") if locale != "en" else {}
    base = f"https://vault.{v.domain}/"
    actor = v.other_name().split()[0]
    resource, group = v.rng.choice(
        (("Staging database", "DevOps"), ("Bank portal", "Finance"), ("Office Wi-Fi", "Team"))
    )
    values = {
        "first_name": actor,
        "full_name": v.other_name(),
        "Router::url": f'<a href="{base}">{base}</a>',
        "$passboltBaseUrl": f'<a href="{base}">{base}</a>',
        "['username']": v.username,
        "['uri']": f"https://{resource.split()[0].lower()}.example.com",
        "['description']": "Shared for the quarterly audit.",
    }

    def arg(k: str) -> str:
        if k.startswith("resource"):
            return esc(resource)
        if k.startswith("group"):
            return esc(group)
        return values[k] if k in ("Router::url", "$passboltBaseUrl") else esc(values[k])

    def tr(msgid: str, kinds: tuple[str, ...], escape: bool = True) -> str:
        s = po.get(msgid, msgid)
        for i, k in enumerate(kinds):
            s = s.replace(f"{{{i}}}", arg(k) if escape else values.get(k, resource))
        return s

    if redactor:
        subj_id, subj_args = _calls(root / redactor)[subj_i]
        if locale != "en" and subj_id not in po:
            return None
        subject = tr(subj_id, subj_args, escape=False).replace("{0}", v.first)
    else:
        subj_id, _ = _calls(root / template)[0]
        if locale != "en" and subj_id not in po:
            return None
        subject = po.get(subj_id, subj_id)
    tpl_text = (root / template).read_text(encoding="utf-8")
    button = _BUTTON.search(tpl_text)
    label_id = button.group(1).replace("\\'", "'") if button else None
    link = None
    if name in ("register_self", "register_admin"):
        link = f"{base}setup/start/{v.uuid()}/{v.uuid()}"
    elif name == "recover":
        link = f"{base}setup/recover/start/{v.uuid()}/{v.uuid()}?case=default"
    lay = Layout("passbolt", "#2a9ceb")
    calls = _calls(root / template)
    for i, (msgid, kinds) in enumerate(calls):
        if msgid == label_id:
            continue
        line = tr(msgid, kinds).replace("{0}", esc(v.first))
        if i == 0:
            lay.p(f'<span style="color:#666">{line}</span><br><small>{v.when()}</small>')
        else:
            lay.p(line)
    if label_id:
        url = link or (f"{base}app/passwords/view/{v.uuid()}" if "resource" in name else base)
        lay.button(esc(po.get(label_id, label_id)), url)
    html = lay.html()
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Passbolt <no-reply@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or _MAILS[name][3] != "none" or (i + j) % 2 == 0:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
