"""Kanidm (MPL-2.0; fetched, never committed): the credential-reset and test mails whose
English text sits in ``tools/mail_sender/src/main.rs`` (``format!`` raw strings read from the
pinned file at render time; plain text). The reset mail also carries a revoke link (the same
token) that is not the link to follow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import format_datetime
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_F = "tools/mail_sender/src/main.rs"
SOURCE = Source(
    project="kanidm",
    repo="kanidm/kanidm",
    commit="f72676f73006e83bd0819d75a3b1a57fe85beef6",
    licence="MPL-2.0",
    files=(_F,),
)
_PAIR = re.compile(
    r'format!\("([^"]+)", ctx\.instance_display_name\),\s*format!\(\s*r#"(.*?)"#', re.S
)


def _render(root: Path, which: int, v: Values) -> Mail:
    pairs = _PAIR.findall((root / _F).read_text(encoding="utf-8"))
    subject_fmt, body_fmt = pairs[which]
    site = f"{v.brand} IDM"
    token = v.token(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    base = f"https://idm.{v.domain}"
    vals = {
        "display_name": v.name,
        "message_id": v.uuid(),
        "reset_url": f"{base}/ui/reset?token={token}",
        "revoke_url": f"{base}/ui/revoke?token={token}",
        "pretty_expiry_time": format_datetime(v.base_time),
    }
    body = re.sub(r"\{(\w+)\}", lambda m: vals[m.group(1)], body_fmt).rstrip() + "\n"
    reset = "{reset_url}" in body_fmt
    return Mail(
        template="credential_reset" if reset else "test_message",
        language="en",
        kind="reset_link" if reset else "none",
        cls="reset_password" if reset else "smtp_test",
        subject=subject_fmt.replace("{0}", site),
        sender=f"{site} <idm@{v.domain}>",
        text=body,
        link=vals["reset_url"] if reset else None,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i in range(6):
        yield f"reset-{i}", "en", partial(_render, root, 1)
    for i in range(3):
        yield f"test-{i}", "en", partial(_render, root, 0)
