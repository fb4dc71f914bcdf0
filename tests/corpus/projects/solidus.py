"""Solidus (BSD-3-Clause): order, shipment and cancellation mails (the text views of
``core/app/views/spree``) in solidus_i18n's translations (BSD-3-Clause), plus the storefront's
account mails (English). Line items, prices and tracking numbers are made up here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import lang_of, load_yaml
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
    "sv",
    "cs",
    "fi",
    "da",
    "nb",
    "ro",
    "vi",
    "id",
    "th",
    "bg",
    "sk",
    "et",
    "ca",
    "fa",
)
SOURCE = Source(
    project="solidus",
    repo="solidusio/solidus_i18n",
    commit="a262c6174aa6b913c4502e758cae46dd1f1df8ba",
    licence="BSD-3-Clause",
    files=tuple(f"config/locales/{lc}.yml" for lc in LOCALES if lc != "en"),
)
_SF = "storefront/templates/app/views/user_mailer/"
EXTRA_SOURCES = (
    Source(
        project="solidus",
        repo="solidusio/solidus",
        commit="1f5bf5c638f5fe9fbda4d480bdb7ebcfa39a9a5e",
        licence="BSD-3-Clause",
        files=(
            f"{_SF}confirmation_instructions.text.erb",
            f"{_SF}reset_password_instructions.text.erb",
            "core/config/locales/en.yml",
        ),
    ),
)
_RULE = "=" * 60


def _with(label: str, value: str) -> str:
    """``label value``, or the label with its own ``%{…}`` slot filled (some locales have one)."""

    if "%{" in label:
        return re.sub(r"%\{\w+\}", value, label)
    return f"{label} {value}"


_PRODUCTS = (
    ("ROR-00012", "Ruby on Rails Tote", "Size: M"),
    ("SOL-00481", "Solidus Mug", ""),
    ("APC-20931", "Hoodie", "Colour: Navy, Size: L"),
    ("STK-00007", "Sticker Pack", ""),
)


def _merge(base: dict, over: dict) -> dict:  # type: ignore[type-arg]
    """Rails' i18n fallback: a locale's missing or empty string falls back to English."""
    out = dict(base)
    for k, x in over.items():
        if isinstance(x, dict) and isinstance(base.get(k), dict):
            out[k] = _merge(base[k], x)
        elif x:
            out[k] = x
    return out


def _t(root: Path, extra: Path, locale: str) -> dict:  # type: ignore[type-arg]
    en = load_yaml(extra / "core/config/locales/en.yml")["en"]["spree"]
    if locale == "en":
        return en  # type: ignore[no-any-return]
    return _merge(
        en, next(iter(load_yaml(root / f"config/locales/{locale}.yml").values()))["spree"]
    )


def _receipt(root: Path, extra: Path, locale: str, key: str, v: Values) -> Mail | None:
    sp = _t(root, extra, locale)
    number, store = v.order_number(), f"{v.brand} Store"
    cur = v.rng.choice(("$", "€"))
    lines, total = [], 0.0
    for sku, name, opts in v.rng.sample(_PRODUCTS, 2):
        qty, price = v.rng.randrange(1, 4), float(v.amount())
        total += qty * price
        lines.append(f"  {sku} {name} {opts} ({qty}) @ {cur}{price:.2f} = {cur}{qty * price:.2f}")
    if key == "shipped_email":
        t = sp["shipment_mailer"]["shipped_email"]
        tracking = v.tracking()
        body = [
            t["dear_customer"],
            "",
            t["instructions"],
            "",
            _RULE,
            t["shipment_summary"],
            _RULE,
            *[ln.split(" (")[0] for ln in lines],
            _RULE,
            "",
            t["track_information"].replace("%{tracking}", tracking),
            t["track_link"].replace("%{url}", f"https://www.ups.com/track?tracknum={tracking}"),
            "",
            t.get("thanks", ""),
        ]
        cls = "shipping_tracking"
    else:
        t = sp["order_mailer"][key]
        summary = t["order_summary"] if key == "confirm_email" else t["order_summary_canceled"]
        body = [
            t["dear_customer"],
            "",
            t["instructions"],
            "",
            _RULE,
            summary,
            _RULE,
            *lines,
            _RULE,
            _with(t["subtotal"], f"{cur}{total:.2f}"),
            "",
            f"{sp.get('shipping', 'Shipping')}: UPS Ground {cur}5.00",
            _RULE,
            _with(t["total"], f"{cur}{total + 5:.2f}"),
            "",
            t.get("thanks", ""),
        ]
        cls = "receipt" if key == "confirm_email" else "order_cancelled"
    return Mail(
        template=key,
        language=lang_of(locale),
        kind="none",
        cls=cls,
        subject=f"{store} {t['subject']} #{number}",
        sender=f"{store} <orders@{v.host}>",
        text="\n".join(body).rstrip() + "\n",
    )


def _account(extra: Path, key: str, v: Values) -> Mail:
    src = (extra / f"{_SF}{key}.text.erb").read_text(encoding="utf-8")
    token = v.token(20)
    if key == "confirmation_instructions":
        link = v.url("/user/confirmation", confirmation_token=token)
        text = src.replace("<%= @email %>", v.email).replace(
            "<%= link_to 'Confirm my account', @confirmation_url %>",
            f'<a href="{link}">Confirm my account</a>',
        )
        kind, cls, subject = "confirm_link", "confirm_email", "Confirmation instructions"
    else:
        link = v.url("/user/spree_user/password/edit", reset_password_token=token)
        text = src.replace("<%= @edit_password_reset_url %>", link)
        kind, cls, subject = "reset_link", "reset_password", "Reset password instructions"
    return Mail(
        template=key,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} Store <store@{v.host}>",
        text=text,
        link=link,
    )


def jobs(root: Path, extra: Path) -> Iterator[tuple[str, str, object]]:
    for key in ("confirm_email", "shipped_email", "cancel_email"):
        for i, locale in enumerate(LOCALES):
            if key == "confirm_email" or i % 2 == (key == "cancel_email"):
                yield f"{key}-{locale}", locale, partial(_receipt, root, extra, locale, key)
    for key in ("confirmation_instructions", "reset_password_instructions"):
        for i in range(3):
            yield f"{key}-{i}", "en", partial(_account, extra, key)
