"""Bagisto (MIT): shop customer and order mails, strings from ``Shop/src/Resources/lang/*/app.php``
laid out like its Blade mail views (greeting, text, button or order summary, contact line)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_php_tree, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "ar",
    "bn",
    "ca",
    "de",
    "es",
    "fa",
    "fr",
    "he",
    "hi_IN",
    "id",
    "it",
    "ja",
    "nl",
    "pl",
    "pt_BR",
    "ro",
    "ru",
    "tr",
    "uk",
    "zh_CN",
)
_L = "packages/Webkul/Shop/src/Resources/lang/"
SOURCE = Source(
    project="bagisto",
    repo="bagisto/bagisto",
    commit="889a7c6bd7200867d528f6ddc2668798e7db05d8",
    licence="MIT",
    files=tuple(f"{_L}{lc}/app.php" for lc in LOCALES),
)
_MAILS = {  # key under emails. -> (kind, class)
    "customers.verification": ("confirm_link", "confirm_email"),
    "customers.forgot-password": ("reset_link", "reset_password"),
    "customers.update-password": ("none", "password_changed"),
    "customers.subscribed": ("none", "newsletter"),
    "customers.reminder": ("none", "invoice_reminder"),
    "orders.created": ("none", "receipt"),
    "orders.invoiced": ("none", "receipt"),
    "orders.shipped": ("none", "shipping_tracking"),
    "orders.canceled": ("none", "order_cancelled"),
}


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = load_php_tree(root / f"{_L}en/app.php")
    tr = {**en, **{k: x for k, x in load_php_tree(root / f"{_L}{locale}/app.php").items() if x}}
    kind, cls = _MAILS[key]
    p = f"emails.{key}."
    base = f"https://shop.{v.domain}"
    order_id = f"#{v.digits(5)}"
    vals = {
        "customer_name": v.name,
        "order_id": order_id,
        "created_at": v.when("%Y-%m-%d %H:%M:%S"),
        "invoice_id": v.digits(4),
        "tracking_number": v.tracking(),
        "link": f"mailto:support@{v.host}",
        "style": "color:#0041ff",
        "email": f"support@{v.host}",
        "note": "",
    }

    def t(k: str) -> str:
        return fill(tr[k], vals, "colon")

    if locale != "en" and tr.get(p + "subject") == en.get(p + "subject"):
        return None
    link = None
    lay = Layout(f"{v.brand} Shop", "#0041ff")
    if key.startswith("orders."):
        lay.heading(esc(t(p + "title"))).p(esc(t("emails.dear"))).p(esc(t(p + "greeting")))
        rows = "".join(
            f"<tr><td>{v.alnum(8)}</td><td>{name}</td><td>{v.amount()}</td><td>{q}</td></tr>"
            for name, q in (("Wireless Mouse", 1), ("USB-C Cable 2m", 2))
        )
        head = "".join(
            f"<th>{esc(t('emails.orders.' + h))}</th>" for h in ("sku", "name", "price", "qty")
        )
        lay.p(f"<strong>{esc(t(p + 'summary'))}</strong>").raw(
            f"<table><tr>{head}</tr>{rows}</table>"
        )
        if key == "orders.shipped":
            lay.p(
                esc(t("emails.orders.carrier"))
                + ": DHL<br>"
                + esc(t("emails.orders.tracking-number"))
            )
        lay.p(f"{esc(t('emails.orders.grand-total'))}: ${v.amount()}")
    else:
        greet = p + "greeting"
        if greet in tr:
            lay.heading(esc(t(greet)))
        lay.p(esc(t("emails.dear")))
        lay.p(esc(t(p + ("invoice-overdue" if key.endswith("reminder") else "description"))))
        if kind == "confirm_link":
            link = f"{base}/customer/verify-account/{v.hex(32)}"
            lay.button(esc(t(p + "verify-email")), link)
        elif kind == "reset_link":
            link = f"{base}/customer/reset-password/{v.hex(64)}?email={v.email}"
            lay.button(esc(t(p + "reset-password")), link)
        elif key.endswith("subscribed"):
            lay.link(f"{base}/subscription/{v.hex(16)}")
        elif key.endswith("reminder"):
            lay.p(esc(t(p + "already-paid")))
    html = lay.html(t("emails.thanks"))
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=t(p + "subject"),
        sender=f"{v.brand} Shop <shop@{v.host}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 3 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
