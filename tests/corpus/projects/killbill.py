"""Kill Bill's e-mail notifications plugin (Apache-2.0): invoice, payment, refund and
subscription-cancellation mails from its Mustache templates and
``translations/Translation_en.properties`` (subjects included). All hard negatives: invoice
numbers, amounts, dates and external keys, no code or link to hand over."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache, partial
from pathlib import Path

from kit import esc, text_of
from model import Mail, Source
from values import Values

_P = "src/main/resources/org/killbill/billing/plugin/notification/"
# template -> (class, subject key)
_MAILS = {
    "InvoiceCreation": ("receipt", "invoiceCreationSubject"),
    "UpcomingInvoice": ("invoice_reminder", "upcomingInvoiceSubject"),
    "SuccessfulPayment": ("receipt", "successfulPaymentSubject"),
    "FailedPayment": ("invoice_reminder", "failedPaymentSubject"),
    "PaymentRefund": ("receipt", "paymentRefundSubject"),
    "SubscriptionCancellationRequested": (
        "order_cancelled",
        "subscriptionCancellationRequestedSubject",
    ),
    "SubscriptionCancellationEffective": (
        "order_cancelled",
        "subscriptionCancellationEffectiveSubject",
    ),
}
SOURCE = Source(
    project="killbill",
    repo="killbill/killbill-email-notifications-plugin",
    commit="34c64036d67596de02c4354d3e6abb7714297ae6",
    licence="Apache-2.0",
    files=(
        f"{_P}translations/Translation_en.properties",
        *(f"{_P}templates/{t}.mustache" for t in _MAILS),
    ),
)
_SECTION = re.compile(r"\{\{#([\w.]+)\}\}(.*?)\{\{/\1\}\}", re.S)
_VAR = re.compile(r"\{\{([\w.]+)\}\}")
_PLANS = ("Pro Monthly", "Team Annual", "Starter Monthly", "Add-on: extra seats")


@lru_cache(maxsize=4)
def _properties(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            out[key.strip()] = value
    return out


def _fill(src: str, ctx: Mapping[str, str]) -> str:
    while _SECTION.search(src):  # outer sections first, then the ones they held
        src = _SECTION.sub(lambda m: m.group(2) if ctx.get(m.group(1)) else "", src)
    return _VAR.sub(lambda m: ctx[m.group(1)], src)


def _render(root: Path, name: str, v: Values) -> Mail:
    cls, subj_key = _MAILS[name]
    text = _properties(root / f"{_P}translations/Translation_en.properties")
    ctx = {f"text.{k}": esc(x) for k, x in text.items()}
    ctx |= {
        "account.name": esc(v.name),
        "account.companyName": esc(f"{v.brand} GmbH"),
        "account.address1": "Hauptstraße 12",
        "account.city": v.place()[0],
        "account.stateOrProvince": "",
        "account.postalCode": v.digits(5),
        "account.country": "DE",
        "invoice.invoiceNumber": str(v.rng.randrange(1000, 99999)),
        "invoice.formattedInvoiceDate": v.when("%b %d, %Y"),
        "invoice.formattedChargedAmount": f"${v.amount()}",
        "invoice.formattedPaidAmount": f"${v.amount()}",
        "invoice.formattedBalance": "$0.00",
        "payment.externalKey": v.uuid(),
        "payment.formattedEffectiveDate": v.when("%b %d, %Y"),
        "payment.formattedProcessedAmount": f"${v.amount()}",
        "subscription.externalKey": f"sub-{v.hex(12)}",
        "subscription.chargedThroughDate": v.when("%Y-%m-%d"),
        "subscription.lastActivePlan.name": v.rng.choice(_PLANS).lower().replace(" ", "-"),
    }
    src = (root / f"{_P}templates/{name}.mustache").read_text(encoding="utf-8")

    def items(m: re.Match[str]) -> str:
        rows = []
        for _ in range(v.rng.randrange(1, 4)):
            item = {
                **ctx,
                "formattedStartDate": v.when("%b %d, %Y"),
                "formattedEndDate": v.rng.choice(("", v.when("%b %d, %Y"))),
                "prettyPlanName": v.rng.choice(_PLANS),
                "formattedAmount": f"${v.amount()}",
            }
            rows.append(_fill(m.group(1), item))
        return "".join(rows)

    src = re.sub(
        r"\{\{#invoice\.invoiceItems\}\}(.*?)\{\{/invoice\.invoiceItems\}\}", items, src, flags=re.S
    )
    html = _fill(src, ctx)
    return Mail(
        template=name,
        language="en",
        kind="none",
        cls=cls,
        subject=text[subj_key],
        sender=f"{text['companyName']} Billing <billing@{v.domain}>",
        html=html,
        text=text_of(re.sub(r"<(style|title)>.*?</\1>", "", html, flags=re.S)),
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for n, name in enumerate(_MAILS):
        for i in range(4):
            yield f"{n}-{name}-{i}", "en", partial(_render, root, name)
