"""listmonk (AGPL-3.0; fetched, never committed): double opt-in, password reset, campaign
status and a campaign (newsletter) in its default template, with its i18n strings.

The newsletter bodies are written for this corpus (a campaign's content is the sender's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, lang_of, load_json
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt-BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "tr",
    "ja",
    "zh-CN",
    "ko",
    "cs",
    "sv",
    "fi",
    "el",
    "he",
    "ro",
    "vi",
    "id",
    "hu",
    "ca",
)
_E = "static/email-templates/"
_MAILS = {  # template -> (kind, class)
    "subscriber-optin": ("confirm_link", "confirm_subscription"),
    "forgot-password": ("reset_link", "reset_password"),
    "campaign-status": ("none", "notification"),
    "default": ("none", "newsletter"),
}
SOURCE = Source(
    project="listmonk",
    repo="knadh/listmonk",
    commit="911e0b774abad4fbf7b534be43a34a80fb6ace5b",
    licence="AGPL-3.0-only",
    files=tuple(f"i18n/{lc}.json" for lc in LOCALES)
    + tuple(
        f"{_E}{n}"
        for n in (
            "base.html",
            "subscriber-optin.html",
            "forgot-password.html",
            "campaign-status.html",
            "default.tpl",
        )
    ),
)
_NEWS = (
    (
        "Spring sale: 25% off everything",
        "<p>Our spring sale starts today. Use promo code "
        "<strong>SPRING25</strong> at checkout for 25% off, valid until Sunday.</p>"
        "<p>Order #{n} customers: your loyalty points have been added.</p>",
    ),
    (
        "Release notes 4.2",
        "<p>Version 4.2 is out with 38 fixes. Build {n} is the one to pick.</p>"
        "<p>Join the webinar: meeting ID 845 2231 9042, passcode 771203.</p>",
    ),
    (
        "This week in the community",
        "<p>Our meetup on the 14th has 120 seats left. Your ticket "
        "number will arrive separately. Gift cards with code GIFT-{n} can be redeemed in "
        "store.</p>",
    ),
)
_DEFINE = re.compile(
    r'\{\{\s*define "([\w-]+)"\s*\}\}(.*?)\{\{\s*end\s*\}\}(?=\s*(?:\{\{\s*define|$))', re.S
)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    en = load_json(root / "i18n/en.json")
    tr = {**en, **{k: x for k, x in load_json(root / f"i18n/{locale}.json").items() if x}}
    kind, cls = _MAILS[name]
    base = f"https://lists.{v.domain}"
    sub_uuid = v.uuid()
    optin = f"{base}/subscription/optin/{sub_uuid}?l={v.uuid()}"
    reset = f"{base}/admin/login/reset?token={v.token(32)}"
    link = optin if kind == "confirm_link" else reset if kind == "reset_link" else None
    n = v.digits(5)
    vals = {
        ".Subscriber.FirstName": v.first,
        ".OptinURL": optin,
        ".UnsubURL": f"{base}/subscription/{sub_uuid}",
        ".ResetURL": reset,
        "RootURL": base,
        "LogoURL": "",
        "UnsubscribeURL": f"{base}/subscription/{sub_uuid}",
        "MessageURL": f"{base}/campaign/{v.uuid()}/{sub_uuid}",
        "TrackView": "",
        '"ID"': str(v.rng.randrange(2, 90)),
        '"Name"': "Monthly digest",
        '"Status"': "finished",
        '"Sent"': "1204",
        '"ToSend"': "1204",
        '"Reason"': "",
    }
    news_subject, news_body = v.rng.choice(_NEWS)
    vals[".Campaign.Subject"] = news_subject

    def ts(key: str) -> str:
        return tr[key].split(" | ")[0]

    defs = dict(_DEFINE.findall((root / f"{_E}base.html").read_text()))
    if name == "default":
        src = (
            (root / f"{_E}default.tpl")
            .read_text()
            .replace('{{ template "content" . }}', news_body.replace("{n}", n))
        )
    else:
        src = dict(_DEFINE.findall((root / f"{_E}{name}.html").read_text()))[name]
        src = src.replace('{{ template "header" . }}', defs["header"]).replace(
            '{{ template "footer" }}', defs["footer"]
        )
    src = re.sub(
        r"\{\{ if ne (?:LogoURL|\(index \. \"Reason\"\)) \"\" \}\}.*?\{\{ end \}\}",
        "",
        src,
        flags=re.S,
    )
    src = re.sub(
        r"\{\{ range .*?\{\{ end \}\}\s*\{\{ end \}\}",
        f"<li>{esc(v.brand)} Weekly</li>",
        src,
        flags=re.S,
    )
    src = re.sub(r'\{\{ L\.Ts? "([\w.]+)" \}\}', lambda m: esc(ts(m.group(1))), src)
    src = re.sub(r'\{\{ index \. ("\w+") \}\}', lambda m: esc(vals[m.group(1)]), src)
    html = re.sub(r"\{\{ (\.?[\w.]+) \}\}", lambda m: esc(vals[m.group(1)]), src)
    subject = {
        "subscriber-optin": ts("subscribers.optinSubject"),
        "forgot-password": ts("email.forgotPassword.subject"),
        "campaign-status": f"{ts('email.status.campaignUpdateTitle')}: Monthly digest",
        "default": news_subject,
    }[name]
    if name == "default" and locale != "en":
        return None
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} <news@{v.host}>",
        html=html,
        link=link,
        notes="campaign body written for this corpus" if name == "default" else "",
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for i, locale in enumerate(LOCALES if name != "default" else ("en",) * 6):
            yield f"{name}-{locale}-{i}", locale, partial(_render, root, locale, name)
