"""OpenCart (GPL-3.0; fetched, never committed): the storefront's mail views
(``catalog/view/template/mail/*.twig``) with the strings of ``catalog/language/{en-gb,fr-fr}/
mail/*.php``, filled like its ``controller/mail/*.php`` fill them: the account security code
(``oc_token(6)``, mixed case), security-reset, password-reset and GDPR confirmation links,
and negatives (GDPR done, welcome, affiliate sign-up, commission, review alert)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from kit import esc, lang_of, text_of
from model import Mail, Source
from values import Values

LOCALES = ("en-gb", "fr-fr")
_T = "upload/catalog/view/template/mail/"
_L = "upload/catalog/language/{lc}/mail/"
# mail -> (view and language file, kind, class)
_MAILS = {
    "authorize": ("authorize", "otp", "step_up_code"),
    "authorize_reset": ("authorize_reset", "reset_link", "security_reset"),
    "forgotten": ("forgotten", "reset_link", "reset_password"),
    "gdpr_export": ("gdpr", "confirm_link", "confirm_data_export"),
    "gdpr_remove": ("gdpr", "confirm_link", "confirm_account_deletion"),
    "gdpr_delete": ("gdpr_delete", "none", "account_notice"),
    "register": ("register", "none", "welcome"),
    "affiliate": ("affiliate", "none", "welcome"),
    "transaction": ("transaction", "none", "receipt"),
    "review": ("review", "none", "admin_notice"),
}
SOURCE = Source(
    project="opencart",
    repo="opencart/opencart",
    commit="01254c2138915763c3a86139e24b26c33b3aeb17",
    licence="GPL-3.0-only",
    files=(
        *sorted({f"{_T}{m[0]}.twig" for m in _MAILS.values()}),
        *sorted({f"{_L.format(lc=lc)}{m[0]}.php" for m in _MAILS.values() for lc in LOCALES}),
    ),
)
_LANG = re.compile(r"\$_\['(\w+)'\]\s*=\s*'((?:\\.|[^'\\])*)'")
_IF = re.compile(
    r"\{%\s*if\s+(not\s+)?(\w+)\s*%\}(.*?)(?:\{%\s*else\s*%\}(.*?))?\{%\s*endif\s*%\}", re.S
)
_ECHO = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_CODE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@lru_cache(maxsize=64)
def _strings(path: Path) -> dict[str, str]:
    return {k: x.replace("\\'", "'") for k, x in _LANG.findall(path.read_text(encoding="utf-8"))}


def _render(root: Path, locale: str, name: str, v: Values) -> Mail:
    view, kind, cls = _MAILS[name]
    lang = _strings(root / f"{_L.format(lc=locale)}{view}.php")
    store = f"{v.brand} Store"
    base = f"https://shop.{v.domain}/"
    code = link = None
    data: dict[str, str] = {
        k: x.replace("%s", esc(store if "hello" not in k else v.first)) for k, x in lang.items()
    }
    data.update(
        store=store,
        store_name=store,
        store_url=base,
        logo="",
        ip=v.ip(),
        login=f"{base}index.php?route=account/login&language={locale}",
        contact=f"{base}index.php?route=information/contact",
        amount=f"{v.amount()} €",
        total=f"{v.amount()} €",
        product="Wireless Mouse",
        reviewer=v.other_name(),
        rating=str(v.rng.randrange(1, 6)),
        text="Works fine, battery lasts weeks.",
        approval="1" if v.rng.random() < 0.3 else "",
    )
    if name == "authorize":
        code = v.alnum(6, _CODE)
        data["code"] = code
    elif name in ("authorize_reset", "forgotten"):
        route = (
            "account/authorize.reset" if name == "authorize_reset" else "account/forgotten.reset"
        )
        link = (
            f"{base}index.php?route={route}&language={locale}&email={v.email}"
            f"&code={v.token(32, _CODE)}"
        )
        data["reset"] = link
    elif name.startswith("gdpr_") and name != "gdpr_delete":
        action = name.split("_")[1]
        link = (
            f"{base}index.php?route=information/gdpr.success&language={locale}"
            f"&code={v.token(32, _CODE)}"
        )
        data["text_request"] = lang[f"text_{action}"]
        data["button_confirm"] = lang[f"button_{action}"]
        data["confirm"] = link
    src = (root / f"{_T}{view}.twig").read_text(encoding="utf-8")
    src = _IF.sub(
        lambda m: (
            (m.group(3) if bool(data.get(m.group(2))) != bool(m.group(1)) else m.group(4)) or ""
        ),
        src,
    )
    html = _ECHO.sub(lambda m: data[m.group(1)], src)
    html = html.replace('href="' + (link or "\x00"), 'href="' + esc(link or ""))
    subject = lang["text_subject"].replace("%s", store)
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{store} <noreply@{v.domain}>",
        html=html,
        text=text_of(html),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (_, kind, _) in _MAILS.items():
        for locale in LOCALES:
            for i in range(4 if kind != "none" else 3):
                yield f"{name}-{locale}-{i}", locale, partial(_render, root, locale, name)
