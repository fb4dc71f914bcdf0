"""LLDAP (GPL-3.0; fetched, never committed): the password-reset and test mails whose English
text lives in ``server/src/mail.rs`` (plain text; read from the pinned file at render time)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_F = "server/src/mail.rs"
SOURCE = Source(
    project="lldap",
    repo="lldap/lldap",
    commit="9cc54ab03c5a044bfe574e30a6b6245d45c8e7b9",
    licence="GPL-3.0-only",
    files=(_F,),
)


def _reset_body(src: str) -> str:
    m = re.search(r'let body = format!\(\s*"(.*?)"\s*\);', src, re.S)
    if not m:
        raise KeyError("reset body")
    return m.group(1).replace('\\"', '"')


def _render(root: Path, name: str, v: Values) -> Mail:
    src = (root / _F).read_text(encoding="utf-8")
    sender = f"{v.brand} LDAP <lldap@{v.domain}>"
    if name == "test":
        m = re.search(r'send_test_email.*?"([^"]+)",\s*"([^"]+)"', src, re.S)
        if not m:
            raise KeyError("test mail")
        return Mail("test", "en", "none", "smtp_test", m.group(1), sender, text=m.group(2) + "\n")
    base = f"https://ldap.{v.domain}/"
    link = f"{base}reset-password/step2/{v.token(100)}"
    vals = {"display_name": v.name, "username": v.username, "reset_url": link}
    body = re.sub(r"\{(\w+)\}", lambda m: vals[m.group(1)], _reset_body(src))
    subject = re.search(r'"(\[LLDAP\] [^"]+)"', src)
    return Mail(
        template="password_reset",
        language="en",
        kind="reset_link",
        cls="reset_password",
        subject=subject.group(1) if subject else "",
        sender=sender,
        text=body + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i in range(6):
        yield f"reset-{i}", "en", partial(_render, root, "reset")
    for i in range(3):
        yield f"test-{i}", "en", partial(_render, root, "test")
