"""Akaunting (BUSL-1.1 at the pinned commit; fetched, never committed): the invoice, bill and
payment mails of ``resources/lang/*/email_templates.php`` (hard negatives: invoice numbers,
totals, signed guest links) and the password-reset and invitation notifications built from
``auth.php`` strings (``app/Notifications/Auth``), with ``notifications.php`` greeting and
salutation. The Laravel mail layout is a simple one written here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_php_tree, text_of
from model import Mail, Source
from values import Values

_L = "resources/lang/"
LOCALES = [
    "en-GB",
    "ar-SA",
    "az-AZ",
    "bg-BG",
    "bn-BD",
    "bs-BA",
    "ca-ES",
    "cs-CZ",
    "da-DK",
    "de-DE",
    "el-GR",
    "es-AR",
    "es-ES",
    "es-MX",
    "et-EE",
    "fa-IR",
    "fi-FI",
    "fr-FR",
    "hi-IN",
    "hr-HR",
    "hu-HU",
    "id-ID",
    "is-IS",
    "it-IT",
    "ja-JP",
    "ka-GE",
    "lt-LT",
    "lv-LV",
    "mk-MK",
    "ms-MY",
    "nb-NO",
    "ne-NP",
    "nl-NL",
    "pl-PL",
    "pt-BR",
    "pt-PT",
    "ro-RO",
    "ru-RU",
    "sl-SI",
    "sq-AL",
    "sv-SE",
    "tr-TR",
    "uk-UA",
    "uz-UZ",
    "zh-CN",
    "zh-TW",
]
_TEMPLATES = (
    "invoice_new_customer",
    "invoice_remind_customer",
    "invoice_remind_admin",
    "invoice_recur_customer",
    "invoice_payment_customer",
    "invoice_payment_admin",
    "bill_remind_admin",
    "payment_received_customer",
    "payment_made_vendor",
)
_CLASSES = {"invoice_payment_customer": "receipt", "payment_received_customer": "receipt"}
SOURCE = Source(
    project="akaunting",
    repo="akaunting/akaunting",
    commit="dfc1171cf1e3749b2763cb0ade9f997c434e8f0e",
    licence="BUSL-1.1",
    files=tuple(
        f"{_L}{lc}/{f}.php" for lc in LOCALES for f in ("email_templates", "auth", "notifications")
    ),
)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail | None:
    def tree(f: str) -> dict[str, str]:
        en = load_php_tree(root / f"{_L}en-GB/{f}.php")
        return {
            **en,
            **{k: x for k, x in load_php_tree(root / f"{_L}{locale}/{f}.php").items() if x},
        }

    mails, auth, notes = tree("email_templates"), tree("auth"), tree("notifications")
    base = f"https://books.{v.domain}"
    company = f"{v.brand} Ltd"
    lay = Layout(company, "#55588b")
    link = None
    if name in ("reset", "invitation"):
        key = "notification" if name == "reset" else "invitation"
        if (
            locale != "en-GB"
            and auth[f"{key}.message_1"]
            == load_php_tree(root / f"{_L}en-GB/auth.php")[f"{key}.message_1"]
        ):
            return None
        link = (
            f"{base}/auth/reset/{v.hex(64)}?email={v.email.replace('@', '%40')}"
            if name == "reset"
            else f"{base}/auth/register/{v.token(40)}"
        )
        button = auth[f"{key}.button"]
        lay.heading(esc(notes["hello"])).p(esc(auth[f"{key}.message_1"]))
        lay.button(esc(button), link).p(esc(auth[f"{key}.message_2"]))
        lay.p(fill(notes["salutation"], {"company_name": esc(company)}, "colon"))
        sub = fill(notes["subcopy"], {"text": esc(button), "url": link}, "colon")
        lay.p(re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', sub))
        subject = "Reset" if name == "reset" else "Invitation"
        kind, cls = (
            ("reset_link", "reset_password")
            if name == "reset"
            else (
                "confirm_link",
                "invite_accept",
            )
        )
    else:
        number = f"INV-{v.digits(5)}"
        vals = {
            "customer_name": esc(v.name),
            "contact_name": esc(v.name),
            "vendor_name": esc(v.other_name()),
            "company_name": esc(company),
            "invoice_number": number,
            "bill_number": f"BILL-{v.digits(5)}",
            "invoice_total": f"€{v.amount()}",
            "bill_total": f"€{v.amount()}",
            "transaction_total": f"€{v.amount()}",
            "invoice_due_date": v.when("%d %b %Y"),
            "bill_due_date": v.when("%d %b %Y"),
            "transaction_paid_date": v.when("%d %b %Y"),
            "payment_date": v.when("%d %b %Y"),
            "invoice_guest_link": esc(
                f"{base}/1/portal/invoices/{v.digits(3)}/signed?expires={v.digits(10)}"
                f"&signature={v.hex(64)}"
            ),
            "invoice_admin_link": f"{base}/1/sales/invoices/{v.digits(3)}",
            "bill_admin_link": f"{base}/1/purchases/bills/{v.digits(3)}",
            "payment_guest_link": esc(
                f"{base}/1/portal/payments/{v.digits(3)}/signed?signature={v.hex(64)}"
            ),
        }
        if (
            locale != "en-GB"
            and mails[f"{name}.body"]
            == load_php_tree(root / f"{_L}en-GB/email_templates.php")[f"{name}.body"]
        ):
            return None
        lay.raw(f"<p>{fill(mails[f'{name}.body'], vals, 'brace')}</p>")
        subject = fill(mails[f"{name}.subject"], {k: x for k, x in vals.items()}, "brace")
        kind, cls = "none", _CLASSES.get(name, "invoice_reminder")
    html = lay.html(f"© 2026 {esc(company)}")
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=" ".join(subject.replace("&amp;", "&").split()),
        sender=f"{company} <billing@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    names = ("reset", "invitation", *_TEMPLATES)
    for i, name in enumerate(names):
        for j, locale in enumerate(LOCALES):
            if locale == "en-GB" or (i + j) % 4 == 0 or (name == "reset" and j % 2 == 0):
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
