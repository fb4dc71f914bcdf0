"""QloApps (OSL-3.0; fetched, never committed): the hotel shop's own mail templates
(``mails/en/*.html``/``.txt`` and the newsletter module's), filled the way its ``Mail::Send``
fills ``{placeholders}``; subjects are the ``Mail::l('…')`` literals next to each send call,
read from the PHP source at render time. Mostly hard negatives: order and voucher codes,
credit slips, parcel tracking, newsletter vouchers; one reset and one opt-in link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc
from model import Mail, Source
from values import Values

_M = "mails/en/"
_N = "modules/blocknewsletter/mails/en/"
# template -> (dir, PHP file with the send call, kind, class)
_MAILS = {
    "password_query": (
        _M,
        "controllers/front/PasswordController.php",
        "reset_link",
        "reset_password",
    ),
    "newsletter_verif": (
        _N,
        "modules/blocknewsletter/blocknewsletter.php",
        "confirm_link",
        "newsletter_optin",
    ),
    "account": (_M, "controllers/front/AuthController.php", "none", "welcome"),
    "voucher": (_M, "classes/PaymentModule.php", "none", "gift_code"),
    "credit_slip_voucher": (_M, "classes/order/OrderSlip.php", "none", "gift_code"),
    "newsletter_voucher": (_N, "modules/blocknewsletter/blocknewsletter.php", "none", "promo_code"),
    "newsletter_conf": (_N, "modules/blocknewsletter/blocknewsletter.php", "none", "newsletter"),
    "in_transit": (_M, "controllers/admin/AdminOrdersController.php", "none", "shipping_tracking"),
    "order_conf": (_M, "classes/PaymentModule.php", "none", "receipt"),
}
SOURCE = Source(
    project="qloapps",
    repo="Qloapps/QloApps",
    commit="950b37ed1c044f2252149aa09ca7f9adeb97991e",
    licence="OSL-3.0",
    files=(
        *(f"{d}{t}.{ext}" for t, (d, _, _, _) in _MAILS.items() for ext in ("html", "txt")),
        *sorted({m[1] for m in _MAILS.values()}),
    ),
)
_VAR = re.compile(r"\{(\w+)\}")


def _subject(php: str, template: str) -> str:
    after = re.search(
        rf"'{template}',\s*(?:sprintf\()?Mail::l\('((?:\\.|[^'\\])*)'", php
    )  # Mail::Send(lang, 'tpl', Mail::l('…'), …)
    if after:
        return after.group(1)
    before = re.findall(rf"Mail::l\('((?:\\.|[^'\\])*)'[^;]*;\s*\$template = '{template}'", php)
    return before[0]


def _render(root: Path, template: str, v: Values) -> Mail:
    folder, php, kind, cls = _MAILS[template]
    base = f"https://www.{v.domain}/"
    ref = v.alnum(9, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    code = v.alnum(8)
    link = None
    if template == "password_query":
        link = f"{base}password-recovery?token={v.hex(32)}&id_customer={v.rng.randrange(2, 9000)}"
    elif template == "newsletter_verif":
        link = f"{base}module/blocknewsletter/verification?token={v.hex(32)}"
    rows = (
        f"<table><tr><td>Deluxe Room – {v.rng.randrange(1, 4)} nights</td>"
        f"<td>{v.amount()} €</td></tr><tr><td>Breakfast</td><td>{v.amount()} €</td></tr></table>"
    )
    vals = {
        "shop_name": f"{v.brand} Hotels",
        "shop_url": base,
        "shop_logo": f"{base}img/logo.jpg",
        "firstname": v.first,
        "lastname": v.last,
        "email": v.email,
        "url": link or "",
        "verif_url": link or "",
        "unsub_url": f"{base}module/blocknewsletter/unsubscribe?token={v.hex(32)}",
        "order_name": ref,
        "voucher_num": code,
        "voucher_code": code,
        "discount": code,
        "voucher_amount": f"{v.amount()} €",
        "credit_slip_id": str(v.rng.randrange(10, 900)),
        "followup": f"https://www.dhl.com/track?tracking-id={v.tracking()}",
        "history_url": f"{base}order-history",
        "my_account_url": f"{base}my-account",
        "guest_tracking_url": f"{base}guest-tracking",
        "date": v.when("%Y-%m-%d %H:%M:%S"),
        "hotel_name": f"{v.brand} Riverside",
        "payment": "Bank wire",
        "cart_booking_data_html": rows,
        "extra_demands_details_html": "",
        "room_price_tax_excl": f"{v.amount()} €",
        "additional_service_price_tax_excl": "0.00 €",
        "total_convenience_fee_te": "0.00 €",
        "total_discounts": "0.00 €",
        "total_order_tax": f"{v.rng.randrange(5, 60)}.00 €",
        "total_paid": f"{v.amount()} €",
        "cart_booking_data_text": f"Deluxe Room, {v.rng.randrange(1, 4)} nights, {v.amount()} €",
        "extra_demands_details_text": "",
        "extra_demands_tax": "0.00 €",
        "total_extra_demands_te": "0.00 €",
        "discounts": "",
        "total_products": f"{v.amount()} €",
        "total_tax_paid": f"{v.rng.randrange(5, 60)}.00 €",
    }
    html = _VAR.sub(
        lambda m: vals[m.group(1)] if m.group(1).endswith("_html") else esc(vals[m.group(1)]),
        (root / f"{folder}{template}.html").read_text(encoding="utf-8"),
    )
    text = _VAR.sub(
        lambda m: re.sub(r"<[^>]+>", " ", vals[m.group(1)]),
        (root / f"{folder}{template}.txt").read_text(encoding="utf-8"),
    )
    subject = _subject((root / php).read_text(encoding="utf-8"), template)
    subject = re.sub(r"%s|%1\$s", ref if "order" in subject else vals["credit_slip_id"], subject)
    return Mail(
        template=template,
        language="en",
        kind=kind,
        cls=cls,
        subject=f"[{vals['shop_name']}] {subject}",
        sender=f"{vals['shop_name']} <noreply@{v.domain}>",
        html=html,
        text=text,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for template in _MAILS:
        for i in range(6):
            yield f"{template}-{i}", "en", partial(_render, root, template)
