"""Simple Machines Forum (BSD-3-Clause; fetched at the pinned commit, not committed): the
plain-text mails of ``Languages/en_US/EmailTemplates.php`` (``$txt['X_subject']`` and
``$txt['X_body']`` with ``{VAR}`` placeholders), filled as its ``Actions/*.php`` fill them.
Activation mails hand over a ten-character hex code that is also in the activation link
(``otp+link``); mails that send a password in clear are left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

from model import Mail, Source
from values import Values

_F = "Languages/en_US/EmailTemplates.php"
SOURCE = Source(
    project="smf",
    repo="SimpleMachines/SMF",
    commit="12d051ed6c63db30a6f0146f9eecad039827e8b1",
    licence="BSD-3-Clause",
    files=(_F,),
)
_ACTIVATE = {
    "resend_activate_message",
    "admin_approve_activation",
    "admin_approve_remind",
    "activate_reactivate",
    "register_activate",
}
_SKIP = {"send_email"}  # the body is whatever an admin writes
_PAIR = re.compile(r"\$txt\['(\w+)_(subject|body)'\]\s*=\s*'((?:\\.|[^'\\])*)'", re.S)
_VAR = re.compile(r"\{(\w+)\}")
_TOPICS = ("Upgrade to 3.0 broke my theme", "Spring meetup", "Bug: avatars not shown")


@lru_cache(maxsize=4)
def _templates(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, part, text in _PAIR.findall(path.read_text(encoding="utf-8")):
        out.setdefault(name, {})[part] = text.replace("\\'", "'")
    return {k: x for k, x in out.items() if "subject" in x and "body" in x}


def _names(root: Path) -> list[str]:
    return [
        n
        for n, t in _templates(root / _F).items()
        if n not in _SKIP and "{PASSWORD}" not in t["body"]
    ]


def _render(root: Path, name: str, v: Values) -> Mail:
    t = _templates(root / _F)[name]
    forum = f"{v.brand} Community"
    script = f"https://forum.{v.domain}/index.php"
    member = str(v.rng.randrange(2, 20000))
    code = v.hex(10)
    topic = str(v.rng.randrange(10, 9999))
    vals = {
        "FORUMNAME": forum,
        "SCRIPTURL": script,
        "REGARDS": f"Regards,\nThe {forum} Team.",
        "USERNAME": v.username,
        "REALNAME": v.name,
        "NAME": v.name,
        "MEMBERNAME": v.username,
        "ACTIVATIONCODE": code,
        "ACTIVATIONLINK": f"{script}?action=activate;u={member};code={code}",
        "ACTIVATIONLINKWITHOUTCODE": f"{script}?action=activate;u={member}",
        "FORGOTPASSWORDLINK": f"{script}?action=reminder",
        "REMINDLINK": f"{script}?action=reminder;sa=setpassword;u={member};code={v.hex(10)}",
        "IP": v.ip(),
        "GROUPNAME": "Beta testers",
        "REASON": "Please introduce yourself in the welcome board first.",
        "TOPICSUBJECT": v.rng.choice(_TOPICS),
        "TOPICLINK": f"{script}?topic={topic}.new;topicseen#new",
        "UNSUBSCRIBELINK": f"{script}?action=notifytopic;topic={topic};u={member}"
        f";token={v.hex(40)}",
        "MESSAGE": "Thanks, that fixed it for me as well.",
        "POSTERNAME": v.other_name(),
        "SUBJECT": "Re: " + v.rng.choice(_TOPICS),
        "LINK": f"{script}?action=moderate;area=postmod",
        "APPLYNAME": v.other_name(),
        "RECPNAME": v.first,
        "MODLINK": f"{script}?action=moderate;area=groups;sa=requests",
        "END_DATE": v.when("%B %d, %Y"),
        "DATE": v.when("%B %d, %Y"),
        "PROFILE_LINK": f"{script}?action=profile;area=subscriptions;u={member}",
        "PROFILELINK": f"{script}?action=profile;u={member}",
        "SUBSCRIPTION": "Supporter (1 year)",
        "COMMENT": "Spam link in the signature.",
        "REPORTERNAME": v.other_name(),
        "COMMENTERNAME": v.other_name(),
        "REPORTLINK": f"{script}?action=moderate;area=reportedposts;sa=details;rid={topic}",
        "COPPALINK": f"{script}?action=coppa;member={member}",
        "APPROVALLINK": f"{script}?action=admin;area=viewmembers;sa=browse;type=approve",
        "REFUNDNAME": "Supporter (1 year)",
        "REFUNDUSER": v.username,
        "PRICE": f"{v.amount()} €",
        "SUBEMAIL": v.email,
        "SUBNAME": "Supporter (1 year)",
        "SUBUSER": v.username,
        "ERROR": "Payment gateway returned an invalid signature.",
        "SENDER": v.other_name(),
        "READLINK": f"{script}?action=pm;pmsg={topic}",
        "REPLYLINK": f"{script}?action=pm;sa=send;f=inbox;pmsg={topic};quote;u={member}",
        "TOLIST": f"{v.first}, {v.other_name()}",
        "CONTENTLINK": f"{script}?msg={topic}",
        "CONTENTSUBJECT": v.rng.choice(_TOPICS),
        "QUOTENAME": v.other_name(),
        "MENTIONNAME": v.other_name(),
    }
    subject = _VAR.sub(lambda m: vals[m.group(1)], t["subject"])
    body = _VAR.sub(lambda m: vals[m.group(1)], t["body"])
    if name in _ACTIVATE:
        kind, cls, c, link = "otp+link", "confirm_email", code, vals["ACTIVATIONLINK"]
    elif name == "forgot_password":
        kind, cls, c, link = "reset_link", "reset_password", None, vals["REMINDLINK"]
    else:
        kind, cls, c, link = "none", "notification", None, None
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{forum} <noreply@{v.domain}>",
        text=body.strip() + "\n",
        code=c,
        code_display=c,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _names(root):
        positive = name in _ACTIVATE or name == "forgot_password"
        for i in range(3 if positive else 1):
            yield f"{name}-{i}", "en", partial(_render, root, name)
