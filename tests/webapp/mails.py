"""The two mails the test web app sends, shaped like a real SaaS's: multipart/alternative with
a plain-text part and a table-laid-out HTML part (inline styles, preheader, footer), both
quoted-printable (SMTP refuses lines over 998 octets; real mailers encode HTML so).

The code sits in a styled box and the magic link behind a button, as transactional mail
templates do, so the extractor is tested on what a browser agent really meets.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

__all__ = ["BRAND", "SENDER", "code_mail", "magic_link_mail"]

BRAND = "Acme Cloud"
SENDER = Address(BRAND, "no-reply", "mail.acme-cloud.test")

_FRAME = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif">
<div style="display:none;max-height:0;overflow:hidden">{preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7">
<tr><td align="center" style="padding:32px 12px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0"
  style="background:#ffffff;border-radius:8px;border:1px solid #e1e4e8">
<tr><td style="padding:24px 32px;border-bottom:1px solid #e1e4e8">
  <span style="font-size:20px;font-weight:bold;color:#24292f">&#9729; {brand}</span></td></tr>
<tr><td style="padding:32px;color:#24292f;font-size:15px;line-height:1.5">{content}</td></tr>
<tr><td style="padding:16px 32px;background:#f6f8fa;color:#6a737d;font-size:12px;
  border-radius:0 0 8px 8px">You are receiving this mail because someone entered
  {email} on {brand}. {brand} Inc., 1 Example Way, Springfield.
  <a href="{base}/help" style="color:#6a737d">Help</a> &middot;
  <a href="{base}/privacy" style="color:#6a737d">Privacy</a></td></tr>
</table></td></tr></table></body></html>
"""


def _message(to: str, subject: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)  # CRLF line ends: what goes on the wire
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="mail.acme-cloud.test")
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def _html(*, title: str, preheader: str, content: str, email: str, base: str) -> str:
    return _FRAME.format(
        title=html.escape(title),
        preheader=html.escape(preheader),
        brand=html.escape(BRAND),
        content=content,
        email=html.escape(email),
        base=html.escape(base, quote=True),
    )


def code_mail(to: str, code: str, base_url: str) -> bytes:
    """The sign-up verification mail: the 6-digit code in a box, valid 10 minutes."""
    msg = _message(to, f"{code} is your {BRAND} verification code")
    msg.set_content(
        f"Welcome to {BRAND}!\n\n"
        f"Enter this verification code to finish creating your account:\n\n"
        f"    {code}\n\n"
        "The code expires in 10 minutes. If you did not sign up, ignore this mail.\n\n"
        f"-- The {BRAND} team\n{base_url}/help\n",
        cte="quoted-printable",
    )
    content = (
        '<h1 style="font-size:22px;margin:0 0 16px">Verify your email address</h1>'
        f"<p>Welcome to {html.escape(BRAND)}! Enter this verification code to finish "
        "creating your account:</p>"
        '<div style="margin:24px 0;padding:16px 0;text-align:center;background:#f6f8fa;'
        "border:1px solid #d0d7de;border-radius:6px;font-size:32px;font-weight:bold;"
        f'letter-spacing:8px;font-family:Menlo,Consolas,monospace">{html.escape(code)}</div>'
        "<p>The code expires in 10 minutes.</p>"
        '<p style="color:#6a737d">If you did not sign up, you can safely ignore this mail.</p>'
    )
    msg.add_alternative(
        _html(
            title="Verify your email address",
            preheader=f"Your verification code is {code}",
            content=content,
            email=to,
            base=base_url,
        ),
        subtype="html",
        cte="quoted-printable",
    )
    return msg.as_bytes()


def magic_link_mail(to: str, url: str, base_url: str) -> bytes:
    """The passwordless login mail: one "Sign in" button, the URL repeated as text."""
    msg = _message(to, f"Sign in to {BRAND}")
    msg.set_content(
        f"Hi,\n\nClick the link below to sign in to {BRAND}. "
        "The link works once and expires in 15 minutes.\n\n"
        f"Sign in: {url}\n\n"
        "If you did not try to sign in, ignore this mail; your account is safe.\n\n"
        f"-- The {BRAND} team\n",
        cte="quoted-printable",
    )
    href = html.escape(url, quote=True)
    content = (
        f'<h1 style="font-size:22px;margin:0 0 16px">Sign in to {html.escape(BRAND)}</h1>'
        "<p>Click the button below to sign in. The link works once and expires in "
        "15 minutes.</p>"
        '<table role="presentation" cellpadding="0" cellspacing="0" style="margin:24px 0">'
        '<tr><td style="background:#2da44e;border-radius:6px">'
        f'<a href="{href}" style="display:inline-block;padding:12px 28px;color:#ffffff;'
        f'font-weight:bold;text-decoration:none">Sign in to {html.escape(BRAND)}</a>'
        "</td></tr></table>"
        '<p style="color:#6a737d;font-size:13px">Button not working? Paste this link into '
        f'your browser:<br><a href="{href}" style="color:#0969da">{html.escape(url)}</a></p>'
        '<p style="color:#6a737d">If you did not try to sign in, ignore this mail.</p>'
    )
    msg.add_alternative(
        _html(
            title=f"Sign in to {BRAND}",
            preheader="Your sign-in link",
            content=content,
            email=to,
            base=base_url,
        ),
        subtype="html",
        cte="quoted-printable",
    )
    return msg.as_bytes()
