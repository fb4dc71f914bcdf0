"""Devise's mailer views (MIT) in the translations of devise-i18n (MIT).

Devise sends HTML only: greeting, instruction, a ``link_to`` with the token URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, fill, lang_of, load_yaml
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
    "ar",
    "he",
    "sv",
    "cs",
    "fi",
    "da",
    "nb",
    "el",
    "hu",
    "ro",
    "vi",
    "id",
    "th",
    "bg",
    "hr",
    "sk",
    "lt",
    "fa",
    "ca",
    "et",
)
SOURCE = Source(
    project="devise-i18n",
    repo="tigrish/devise-i18n",
    commit="6bc267898c3873b82a7463925160d5dbf85ee04d",
    licence="MIT",
    files=tuple(f"rails/locales/{lc}.yml" for lc in LOCALES),
)
_MAILS = (
    "confirmation_instructions",
    "reset_password_instructions",
    "password_change",
    "email_changed",
)


def _render(root: Path, locale: str, key: str, v: Values) -> Mail | None:
    tree = load_yaml(root / f"rails/locales/{locale}.yml")
    t = next(iter(tree.values()))["devise"]["mailer"][key]
    vals = {"recipient": v.email, "email": v.email}
    token = v.token(20)
    parts = [f"<p>{esc(fill(t['greeting'], vals, 'percent'))}</p>"]
    link = None
    if key == "confirmation_instructions":
        link = v.url("/users/confirmation", confirmation_token=token)
        parts += [
            f"<p>{esc(t['instruction'])}</p>",
            f'<p><a href="{esc(link)}">{esc(t["action"])}</a></p>',
        ]
        kind, cls = "confirm_link", "confirm_email"
    elif key == "reset_password_instructions":
        link = v.url("/users/password/edit", reset_password_token=token)
        parts += [
            f"<p>{esc(t['instruction'])}</p>",
            f'<p><a href="{esc(link)}">{esc(t["action"])}</a></p>',
            f"<p>{esc(t['instruction_2'])}</p>",
            f"<p>{esc(t['instruction_3'])}</p>",
        ]
        kind, cls = "reset_link", "reset_password"
    elif key == "password_change":
        parts.append(f"<p>{esc(t['message'])}</p>")
        kind, cls = "none", "password_changed"
    else:
        parts.append(f"<p>{esc(fill(t['message'], vals, 'percent'))}</p>")
        kind, cls = "none", "email_changed"
    return Mail(
        template=key,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=t["subject"],
        sender=f"{v.brand} <no-reply@{v.host}>",
        html="\n\n".join(parts) + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key in _MAILS:
        for locale in LOCALES:
            yield f"{key}-{locale}", locale, partial(_render, root, locale, key)
