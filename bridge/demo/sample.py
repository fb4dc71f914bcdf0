"""The demo's sample mail: what a SaaS sign-up sends, with a fresh random code each run."""

from __future__ import annotations

import secrets
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

__all__ = ["SAMPLE_SENDER", "new_code", "otp_mail"]

SAMPLE_SENDER = "no-reply@accounts.nimbus-notes.test"


def new_code() -> str:
    """Six digits, never starting with 0 so nobody wonders whether a leading zero was lost."""
    return str(100000 + secrets.randbelow(900000))


def otp_mail(to: str, code: str) -> bytes:
    """A multipart/alternative verification mail to ``to`` carrying ``code``."""
    display = f"{code[:3]} {code[3:]}"
    msg = EmailMessage()
    msg["From"] = f"Nimbus Notes <{SAMPLE_SENDER}>"
    msg["To"] = to
    msg["Subject"] = "Your Nimbus Notes verification code"
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="accounts.nimbus-notes.test")
    msg.set_content(
        "Hi there,\n\n"
        "Use the following code to finish signing in to Nimbus Notes:\n\n"
        f"    {display}\n\n"
        "This code expires in 10 minutes. If you didn't try to sign in, you can ignore this "
        "email.\n\n"
        "Need help? Visit https://help.nimbus-notes.test\n"
        "Nimbus Notes, 1 Example Street, Springfield\n"
    )
    msg.add_alternative(
        "\n".join(
            (
                '<html><body style="font-family:sans-serif">',
                "<p>Hi there,</p>",
                "<p>Use the following code to finish signing in to Nimbus Notes:</p>",
                f'<p style="font-size:28px;letter-spacing:4px"><strong>{display}</strong></p>',
                "<p>This code expires in 10 minutes. If you didn't try to sign in, you can "
                "ignore this email.</p>",
                '<p style="color:#888;font-size:12px">Need help?',
                '<a href="https://help.nimbus-notes.test">Help center</a><br>',
                "Nimbus Notes, 1 Example Street, Springfield</p>",
                "</body></html>",
            )
        ),
        subtype="html",
    )
    # SMTP policy: CRLF line ends, which smtplib does not add to bytes.
    return msg.as_bytes(policy=SMTP)
