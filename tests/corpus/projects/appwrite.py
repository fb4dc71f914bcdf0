"""Appwrite (BSD-3-Clause): account mails rendered from its own template files and locale JSON."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill, lang_of, load_json
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
    "hi",
    "sv",
    "cs",
    "id",
    "vi",
    "el",
    "fi",
    "hu",
    "ro",
    "da",
)
_T = "app/config/locale/templates/"
SOURCE = Source(
    project="appwrite",
    repo="appwrite/appwrite",
    commit="0cefd0615350e1914a29caeef3342fd620a60045",
    licence="BSD-3-Clause",
    files=tuple(f"app/config/locale/translations/{lc}.json" for lc in LOCALES)
    + tuple(
        f"{_T}email-{t}.tpl"
        for t in ("inner-base", "magic-url", "otp", "mfa-challenge", "session-alert")
    ),
)

# template key -> (template file, kind, class)
_MAILS = {
    "otpSession": ("otp", "otp", "otp_login"),
    "mfaChallenge": ("mfa-challenge", "otp", "otp_2fa"),
    "magicSession": ("magic-url", "magic_link", "magic_link"),
    "verification": ("inner-base", "confirm_link", "confirm_email"),
    "recovery": ("inner-base", "reset_link", "reset_password"),
    "sessionAlert": ("session-alert", "none", "sign_in_alert"),
    "invitation": ("inner-base", "confirm_link", "invite_accept"),  # DESIGN: invites confirm
    "dataExport.success": ("inner-base", "none", "download_notice"),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = load_json(root / "app/config/locale/translations/en.json")
    tr = load_json(root / f"app/config/locale/translations/{locale}.json")
    tpl_name, kind, cls = _MAILS[key]
    prefix = f"emails.{key}."
    strings = {k[len(prefix) :]: tr.get(k) or en[k] for k in en if k.startswith(prefix)}
    main = (
        "description"
        if "description" in strings
        else ("optionButton" if "optionButton" in strings else "body")
    )
    if locale != "en" and tr.get(prefix + main, en[prefix + main]) == en[prefix + main]:
        return None  # untranslated: the mail would be English under a foreign label
    user_id = v.hex(20)
    agent, device, os_name = v.device()
    team = v.rng.choice(("Design", "Growth", "Platform", "Support"))
    values = {
        "project": v.brand,
        "user": v.first,
        "team": team,
        "owner": v.other_name(),
        "agentClient": agent,
        "agentDevice": device,
        "agentOs": os_name,
        "phrase": v.words(2).title(),
        "device": f"{agent} on {os_name}",
        "ipAddress": v.ip(),
        "country": v.place()[1],
        "date": v.when("%B %d"),
        "year": v.when("%Y"),
        "time": v.when("%H:%M:%S"),
        "type": "CSV",
        "size": "120",
        "direction": "ltr",
        "b": "<strong>",
        "/b": "</strong>",
    }
    code = link = None
    if kind == "otp":
        code = values["otp"] = v.digits(6)
    elif key == "invitation":
        link = values["redirect"] = v.url(
            "/join-team", membershipId=v.hex(20), userId=user_id, secret=v.hex(64), teamId=v.hex(20)
        )
    elif key == "dataExport.success":
        values["redirect"] = v.url(
            f"/v1/storage/buckets/exports/files/{v.hex(20)}/download",
            project=v.hex(20),
            token=v.hex(64),
        )
    elif kind != "none":
        path = {
            "magic_link": "/auth/magic",
            "confirm_link": "/verify",
            "reset_link": "/reset-password",
        }[kind]
        link = values["redirect"] = v.url(
            path, userId=user_id, secret=v.hex(64), expire=v.when("%Y-%m-%d %H:%M:%S.000")
        )
    parts = {
        k: fill(s.replace("{{b}}", "<strong>").replace("{{/b}}", "</strong>"), values)
        for k, s in strings.items()
        if isinstance(s, str)
    }
    parts["body"] = parts.get("body", "").replace("\n", "<br>")
    if cls not in {"otp_login", "magic_link"} or v.rng.random() < 0.4:
        parts["securityPhrase"] = ""
    tpl = (root / f"{_T}email-{tpl_name}.tpl").read_text(encoding="utf-8")
    inner = fill(tpl, {**values, **parts})
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>a.button{background:#19191d;'
        "color:#fff;padding:9px 14px;border-radius:8px;text-decoration:none}</style></head>"
        f'<body style="font-family:Inter,sans-serif"><div style="max-width:650px;margin:auto">'
        f"{inner}</div></body></html>"
    )
    sender = fill(tr.get("emails.sender") or en["emails.sender"], values)
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=parts["subject"],
        sender=f"{sender} <noreply@{v.host}>",
        html=html,
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key in _MAILS:
        for i, locale in enumerate(LOCALES):
            # every class in a rotating half of the languages keeps the count proportionate
            if locale == "en" or (i + len(key)) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
