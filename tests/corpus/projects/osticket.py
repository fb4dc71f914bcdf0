"""osTicket (GPL-2.0; fetched, never committed): its default mail templates
(``include/i18n/en_US/templates/{email,page}/*.yaml``: subject or name, HTML body with
``%{var}`` placeholders), filled the way its variable replacer fills them. Ticket and task
numbers are six random digits (``Misc::randNumber``), the same shape as the e-mail 2FA code:
ticket mails are hard negatives beside the staff sign-in code, access, reset and
registration links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import yaml
from kit import text_of
from model import Mail, Source
from values import Values

_D = "include/i18n/en_US/templates/"
# template -> (kind, class, truth variable)
_MAILS = {
    "page/email2fa-staff": ("otp", "sign_in_code", "otp"),
    "page/access-link": ("magic_link", "access_link", "recipient.ticket_link"),
    "page/pwreset-client": ("reset_link", "reset_password", "link"),
    "page/pwreset-staff": ("reset_link", "reset_password", "link"),
    "page/registration-client": ("confirm_link", "confirm_email", "link"),
    "page/registration-staff": ("confirm_link", "invite_accept", "link"),
    "email/ticket.autoresp": ("none", "ticket_number", ""),
    "email/ticket.autoreply": ("none", "ticket_number", ""),
    "email/ticket.notice": ("none", "ticket_number", ""),
    "email/ticket.reply": ("none", "ticket_number", ""),
    "email/message.autoresp": ("none", "ticket_number", ""),
    "email/ticket.overlimit": ("none", "ticket_number", ""),
    "email/ticket.activity.notice": ("none", "ticket_number", ""),
    "email/ticket.alert": ("none", "ticket_number", ""),
    "email/message.alert": ("none", "ticket_number", ""),
    "email/assigned.alert": ("none", "ticket_number", ""),
    "email/transfer.alert": ("none", "ticket_number", ""),
    "email/ticket.overdue": ("none", "ticket_number", ""),
    "email/note.alert": ("none", "ticket_number", ""),
    "email/task.alert": ("none", "ticket_number", ""),
    "email/task.assignment.alert": ("none", "ticket_number", ""),
}
SOURCE = Source(
    project="osticket",
    repo="osTicket/osTicket",
    commit="4689926b2d3d25754f0ddcf8d4e181a2817f6d56",
    licence="GPL-2.0-only",
    files=tuple(f"{_D}{t}.yaml" for t in _MAILS),
)
_VAR = re.compile(r"%\{([\w.]+)\}")
_SUBJECTS = ("Cannot print invoices", "VPN drops every hour", "Refund for order", "Login issue")
_MESSAGES = (
    "<p>Since this morning the invoice export fails with a timeout. Can you check?</p>",
    "<p>Please find the log file attached; the error starts after the update.</p>",
)


def _render(root: Path, template: str, v: Values) -> Mail:
    kind, cls, truth = _MAILS[template]
    doc = yaml.safe_load((root / f"{_D}{template}.yaml").read_text(encoding="utf-8"))
    helpdesk = f"https://support.{v.domain}"
    number = v.digits(6)
    staff_first, staff_last = v.other_name().split()
    vals = {
        "company.name": f"{v.brand} Inc.",
        "url": helpdesk,
        "otp": v.digits(6),
        "link": f"{helpdesk}/pwreset.php?token={v.token(32)}"
        if "pwreset" in template or "registration" in template
        else "",
        "ticket.number": number,
        "task.number": v.digits(6),
        "ticket.subject": v.rng.choice(_SUBJECTS),
        "ticket.name": v.name,
        "ticket.name.first": v.first,
        "ticket.email": v.email,
        "ticket.dept.name": "Support",
        "ticket.dept.manager.name": v.other_name(),
        "ticket.topic.name": "General Inquiry",
        "ticket.create_date": v.when("%m/%d/%Y %I:%M %p"),
        "ticket.staff_link": f"{helpdesk}/scp/tickets.php?id={v.rng.randrange(10, 9999)}",
        "task.staff_link": f"{helpdesk}/scp/tasks.php?id={v.rng.randrange(10, 9999)}",
        "task.title": "Call the customer back",
        "task.description": "<p>Ask for the order reference and the invoice address.</p>",
        "task.dept.name": "Billing",
        "task.dept.manager.name": v.other_name(),
        "recipient.name": v.name,
        "recipient.name.first": v.first,
        "recipient.ticket_link": f"{helpdesk}/view.php?auth={v.token(40)}",
        "user.name.first": v.first,
        "staff.name.first": staff_first,
        "staff.name.short": f"{staff_first} {staff_last[0]}.",
        "assignee.name.first": staff_first,
        "assigner": v.other_name(),
        "assigner.name.short": v.other_name(),
        "poster.name": v.name,
        "message": v.rng.choice(_MESSAGES),
        "response": "<p>We have reset the export job; please try again and let us know.</p>",
        "comments": "Please take over while I am away.",
        "signature": f"{staff_first} {staff_last}<br>{v.brand} Support",
        "note.title": "Customer called",
        "note.poster": v.other_name(),
        "note.message": "<p>Customer confirmed the issue is on two machines.</p>",
        "activity.title": "New reply",
        "activity.description": "<p>The customer replied to the ticket.</p>",
    }
    if template == "page/email2fa-staff":
        vals["staff.name.first"] = v.first
    body = _VAR.sub(lambda m: vals[m.group(1)], doc["body"])
    subject = _VAR.sub(lambda m: vals[m.group(1)], (doc.get("subject") or doc["name"]).strip())
    html = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    value = vals[truth] if truth else None
    return Mail(
        template=template,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{v.brand} Support <support@{v.domain}>",
        html=html,
        text=text_of(html),
        code=value if kind == "otp" else None,
        code_display=value if kind == "otp" else None,
        link=value if kind != "otp" else None,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for template, (kind, _, _) in _MAILS.items():
        for i in range(5 if kind != "none" else 3):
            yield f"{template.replace('/', '-')}-{i}", "en", partial(_render, root, template)
