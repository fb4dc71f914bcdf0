"""Wrap a rendered ``Mail`` into RFC 5322 bytes the way a project's mailer sends it."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from model import Mail
from values import Values

__all__ = ["to_bytes"]


def to_bytes(mail: Mail, v: Values, ident: str) -> bytes:
    """Build the message: text and/or HTML parts (multipart/alternative when both)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = mail.sender
    msg["To"] = f"{v.name} <{v.email}>"
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(v.base_time)
    digest = hashlib.sha1(ident.encode()).hexdigest()[:16]
    msg["Message-ID"] = f"<{digest}@{v.host}>"
    for key, value in mail.headers.items():
        msg[key] = value
    if mail.text is not None:
        msg.set_content(mail.text, charset="utf-8")
        if mail.html is not None:
            msg.add_alternative(mail.html, subtype="html", charset="utf-8")
            msg.set_boundary(
                f"=_{digest}{hashlib.sha1(digest.encode()).hexdigest()[:12]}"
            )  # not random
    elif mail.html is not None:
        msg.set_content(mail.html, subtype="html", charset="utf-8")
    else:
        raise ValueError(f"{ident}: a mail needs a text or an HTML body")
    return msg.as_bytes()
