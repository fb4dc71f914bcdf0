"""Kimai (AGPL-3.0; fetched, never committed): sign-in link, account activation and approval
mails with the strings of ``translations/email.*.xlf``, in the order of its Twig views."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from kit import Layout, esc, lang_of, text_of
from model import Mail, Source
from values import Values

LOCALES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt_BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "tr",
    "ja",
    "zh_CN",
    "ko",
    "ar",
    "he",
    "sv",
    "cs",
    "fi",
    "da",
    "el",
    "hu",
    "ro",
    "vi",
    "id",
    "fa",
    "nb_NO",
    "sk",
    "hr",
    "ca",
)
SOURCE = Source(
    project="kimai",
    repo="kimai/kimai",
    commit="1f421c276badbf9eeff40852de305a1e4c1e829f",
    licence="AGPL-3.0-only",
    files=tuple(f"translations/email.{lc}.xlf" for lc in LOCALES),
)
_MAILS = {
    "reset": ("magic_link", "magic_link"),
    "registration": ("confirm_link", "confirm_email"),
    "approval_requested": ("none", "notification"),
    "approval_approved": ("none", "notification"),
}
_NS = "{urn:oasis:names:tc:xliff:document:1.2}"


@lru_cache(maxsize=64)
def _xlf(path: Path) -> dict[str, str]:
    out = {}
    for unit in ET.parse(path).getroot().iter(f"{_NS}trans-unit"):
        target = unit.find(f"{_NS}target")
        if target is not None and target.text:
            out[unit.get("resname", "")] = target.text
    return out


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    en = _xlf(root / "translations/email.en.xlf")
    tr = {**en, **_xlf(root / f"translations/email.{locale}.xlf")}
    kind, cls = _MAILS[key]
    base = f"https://time.{v.domain}"
    vals = {
        "%username%": v.first,
        "%email%": v.email,
        "%user%": v.name,
        "%created_by%": v.other_name(),
        "%url%": f"{base}/en/wizard/approval/{v.rng.randrange(2, 500)}",
        "%type%": "Holiday",
        "%list%": f"{v.when('%Y-%m-%d')} – {v.when('%Y-%m-%d')}",
    }

    def t(k: str) -> str:
        s = tr[k]
        for a, b in vals.items():
            s = s.replace(a, b)
        return s

    subj_k = (
        f"{key}.subject"
        if "." not in key and key in ("reset", "registration")
        else f"{key}_subject"
    )
    if locale != "en" and tr[subj_k] == en[subj_k]:
        return None
    link = None
    lay = Layout("Kimai", "#206bc4")
    if key in ("reset", "registration"):
        link = (
            f"{base}/auth/login-link/{v.token(43)}"
            f"?expires={v.rng.randrange(1_770_000_000, 1_790_000_000)}"
            f"&hash={v.token(43)}"
            if key == "reset"
            else f"{base}/en/register/confirm/{v.token(43)}"
        )
        lay.heading(esc(t(f"{key}.title"))).p(esc(t(f"{key}.intro"))).button(
            esc(t(f"{key}.button")), link
        )
    else:
        lay.p(esc(t(f"{key}_message")).replace("\n", "<br>"))
    html = lay.html(esc(t("automated_email_dont_answer")))
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=t(subj_k),
        sender=f"Kimai <kimai@{v.host}>",
        html=re.sub(r"\n{2,}", "\n", html),
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, key in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or (i + j) % 2 == 0:
                yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
