"""Snipe-IT (AGPL-3.0; fetched, never committed): password reset and asset notifications in
Laravel's markdown-mail shape, with the strings of ``resources/lang/*/mail.php``."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_php_array, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en-US",
    "de-DE",
    "fr-FR",
    "es-ES",
    "it-IT",
    "pt-BR",
    "nl-NL",
    "pl-PL",
    "ru-RU",
    "uk-UA",
    "tr-TR",
    "ja-JP",
    "zh-CN",
    "ko-KR",
    "ar-SA",
    "he-IL",
    "sv-SE",
    "cs-CZ",
    "fi-FI",
    "da-DK",
    "hu-HU",
    "ro-RO",
    "vi-VN",
    "id-ID",
    "el-GR",
    "nb-NO",
)
SOURCE = Source(
    project="snipe-it",
    repo="snipe/snipe-it",
    commit="5aa5c48018f25ae5eb8671bc278469e85d0ac054",
    licence="AGPL-3.0-only",
    files=tuple(f"resources/lang/{lc}/mail.php" for lc in LOCALES),
)
_MAILS = {
    "reset": ("reset_link", "reset_password"),
    "checkout": ("none", "notification"),
    "expected_checkin": ("none", "notification"),
    "test": ("none", "smtp_test"),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = load_php_array(root / "resources/lang/en-US/mail.php")
    tr = {
        **en,
        **{
            k: x for k, x in load_php_array(root / f"resources/lang/{locale}/mail.php").items() if x
        },
    }
    kind, cls = _MAILS[key]
    web = f"{v.brand} Assets"
    base = f"https://assets.{v.domain}"
    tag = f"{v.rng.choice(('LAP', 'MON', 'PH'))}-{v.digits(5)}"
    vals = {
        "web": web,
        "name": f"MacBook Pro 14 ({tag})",
        "date": v.when("%Y-%m-%d"),
        "count": "3",
        "threshold": "30",
    }

    def t(k: str) -> str:
        return esc(fill(tr[k], vals, "colon"))

    lay = Layout(web, "#3c8dbc").heading(f"{t('hi')} {esc(v.first)},")
    link = None
    if key == "reset":
        if locale != "en-US" and tr["link_to_update_password"] == en["link_to_update_password"]:
            return None
        link = f"{base}/password/reset/{v.hex(64)}?email={v.email}"
        subject = tr["password_reset"]
        lay.p(t("link_to_update_password")).button(t("reset_link"), link)
    elif key == "checkout":
        subject = tr["Asset_Checkout_Notification"]
        lay.p(t("new_item_checked"))
        lay.raw(
            "<table>"
            + "".join(
                f"<tr><td><strong>{t(k)}</strong></td><td>{esc(x)}</td></tr>"
                for k, x in (
                    ("asset_tag", tag),
                    ("asset_name", "MacBook Pro 14"),
                    ("serial", "C02" + v.alnum(9)),
                    ("checkout_date", v.when("%Y-%m-%d %H:%M")),
                    ("expecting_checkin_date", vals["date"]),
                )
            )
            + "</table>"
        )
        lay.button(t("your_assets"), f"{base}/account/view-assets")
    elif key == "expected_checkin":
        subject = fill(tr["Expected_Checkin_Notification"], vals, "colon")
        lay.p(t("Expected_Checkin_Date"))
        lay.p(
            f"<strong>{t('asset_tag')}</strong>: {tag}<br>"
            f"<strong>{t('serial')}</strong>: {v.alnum(10)}"
        )
    else:
        subject = tr["test_email"]
        lay.p(t("test_mail_text"))
    subject = fill(subject, vals, "colon")  # some locales put :web in the subject
    lay.p(f"{t('best_regards')}<br>{esc(web)}")
    html = lay.html(f"© 2026 {esc(web)}. {t('rights_reserved')}")
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{web} <assets@{v.host}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if key == "reset" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
