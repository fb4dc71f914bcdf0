"""Flarum (MIT): account mails of ``core/locale/core.yml`` and the subscription/mention
notifications of its bundled extensions (plain-text bodies, as Flarum's plain part)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import fill, load_yaml
from model import Mail, Source
from values import Values

_CORE = "framework/core/locale/core.yml"
_SUBS = "extensions/subscriptions/locale/en.yml"
_MENT = "extensions/mentions/locale/en.yml"
SOURCE = Source(
    project="flarum",
    repo="flarum/framework",
    commit="3b7b4055f1a76c45d15477bb7ae71adf136f3257",
    licence="MIT",
    files=(_CORE, _SUBS, _MENT),
)
_MAILS = {  # (file, key) -> (kind, class, url path)
    (_CORE, "activate_account"): ("confirm_link", "confirm_email", "/confirm/"),
    (_CORE, "confirm_email"): ("confirm_link", "confirm_email_change", "/confirm/"),
    (_CORE, "reset_password"): ("reset_link", "reset_password", "/reset/"),
    (_CORE, "send_test"): ("none", "smtp_test", ""),
    (_SUBS, "new_post"): ("none", "notification", ""),
    (_MENT, "post_mentioned"): ("none", "notification", ""),
}
_POSTS = (
    "Thanks, that fixed it. For the record my order number was 4471203.",
    "Try port 5432 and restart; the error 0x80070005 means permissions.",
    "Meeting moved: dial-in 0800 123 4567, PIN 440921#.",
)


def _render(root: Path, file: str, key: str, v: Values) -> Mail:
    tree = load_yaml(root / file)
    ns = "core" if file == _CORE else next(iter(tree))
    email = tree[ns]["email"][key]
    kind, cls, path = _MAILS[(file, key)]
    forum = f"https://forum.{v.domain}"
    link = f"{forum}{path}{v.token(40, 'abcdefghijklmnopqrstuvwxyz0123456789')}" if path else None
    subject = email["subject"]
    if subject.startswith("=> "):
        node = tree
        for part in subject[3:].split("."):
            node = node[part]
        subject = node  # type: ignore[assignment]
    body = email["body"] if "body" in email else email["plain"]["body"]
    title = "Upgrading to 2.0 broke my login"
    vals = {
        "forum": f"{v.brand} Community",
        "url": link or f"{forum}/d/{v.rng.randrange(10, 999)}-upgrading/12",
        "title": title,
        "poster_display_name": v.other_name(),
        "replier_display_name": v.other_name(),
        "content": v.rng.choice(_POSTS),
        "post_number": str(v.rng.randrange(2, 40)),
    }
    core = load_yaml(root / _CORE)["core"]
    greeting = fill(core["email"]["greeting"], {"displayName": v.first}, "brace")
    signoff = (
        fill(core["email"]["signoff"], {"forumTitle": vals["forum"]}, "brace")
        if file == _CORE
        else ""
    )
    text = f"{greeting}\n\n{fill(body, vals, 'brace')}\n{signoff}\n"
    return Mail(
        template=key,
        language="en",
        kind=kind,
        cls=cls,
        subject=fill(subject, vals, "brace"),
        sender=f"{vals['forum']} <noreply@{v.host}>",
        text=text,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for (file, key), (kind, _, _) in _MAILS.items():
        for i in range(4 if kind != "none" else 3):
            yield f"{key}-{i}", "en", partial(_render, root, file, key)
