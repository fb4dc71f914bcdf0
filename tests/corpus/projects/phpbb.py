"""phpBB (GPL-2.0; fetched, never committed): every plain-text mail of
``phpBB/language/en/email/*.txt`` (activation, reset, welcome, topic/PM/mention notifications,
reports, moderation, "email a friend", the SMTP test) filled the way its messenger fills them:
a ``Subject:`` line (and other header lines) on top, ``{VAR}`` or ``{{ VAR }}`` placeholders,
``<!-- IF X -->`` blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_DIR = "phpBB/language/en/email/"
# template -> (kind, class, truth variable)
_MAILS = {
    "user_forgot_password": ("reset_link", "reset_password", "U_RESET_PASSWORD"),
    "user_welcome_inactive": ("confirm_link", "confirm_email", "U_ACTIVATE"),
    "user_resend_inactive": ("confirm_link", "confirm_email", "U_ACTIVATE"),
    "user_activate": ("confirm_link", "confirm_email", "U_ACTIVATE"),
    "user_reactivate_account": ("confirm_link", "confirm_email", "U_ACTIVATE"),
    "user_remind_inactive": ("confirm_link", "confirm_email", "U_ACTIVATE"),
    "coppa_welcome_inactive": ("none", "welcome", ""),
    "coppa_resend_inactive": ("none", "welcome", ""),
    "user_welcome": ("none", "welcome", ""),
    "admin_welcome_inactive": ("none", "welcome", ""),
    "admin_welcome_activated": ("none", "welcome", ""),
    "user_activate_inactive": ("none", "account_notice", ""),
    # an admin's own action link with the activation key: the mail hands it over to act on
    "admin_activate": ("confirm_link", "admin_approval", "U_ACTIVATE"),
    "admin_send_email": ("none", "newsletter", ""),
    "topic_notify": ("none", "notification", ""),
    "forum_notify": ("none", "notification", ""),
    "newtopic_notify": ("none", "notification", ""),
    "bookmark": ("none", "notification", ""),
    "quote": ("none", "notification", ""),
    "mention": ("none", "notification", ""),
    "privmsg_notify": ("none", "notification", ""),
    "post_approved": ("none", "notification", ""),
    "post_disapproved": ("none", "notification", ""),
    "post_in_queue": ("none", "notification", ""),
    "topic_approved": ("none", "notification", ""),
    "topic_disapproved": ("none", "notification", ""),
    "topic_in_queue": ("none", "notification", ""),
    "group_added": ("none", "notification", ""),
    "group_request": ("none", "notification", ""),
    "report_post": ("none", "notification", ""),
    "report_pm": ("none", "notification", ""),
    "report_closed": ("none", "notification", ""),
    "report_deleted": ("none", "notification", ""),
    "pm_report_closed": ("none", "notification", ""),
    "pm_report_deleted": ("none", "notification", ""),
    "email_notify": ("none", "share_invite", ""),
    "profile_send_email": ("none", "contact_message", ""),
    "profile_send_im": ("none", "contact_message", ""),
    "contact_admin": ("none", "contact_message", ""),
    "installed": ("none", "notification", ""),
    "test": ("none", "smtp_test", ""),
}
SOURCE = Source(
    project="phpbb",
    repo="phpbb/phpbb",
    commit="7ca0ec3cca427ae3c2c4c2d5715339bcba302822",
    licence="GPL-2.0-only",
    files=(*(f"{_DIR}{name}.txt" for name in _MAILS), "phpBB/language/en/common.php"),
)
_IF = re.compile(r"<!-- IF (!?)\s*(\w+)[^>]*-->(.*?)(?:<!-- ELSE -->(.*?))?<!-- ENDIF -->", re.S)
_VAR = re.compile(r"\{\{\s*([A-Z_]+)\s*\}\}|\{([A-Z_]+)\}")
_TOPICS = (
    "Upgrade to 3.3 broke my avatars",
    "Weekly photo challenge #42",
    "Which keyboard switches for coding?",
    "Meetup in Porto next month",
)
_MESSAGES = (
    "Hi, could you have a look at my last post? The attachment did not upload.",
    "Reminder: the board will be read-only on Sunday from 02:00 to 04:00 for maintenance.",
    "Thanks for the tip about the cache settings, it works now.",
)


def _values(v: Values) -> dict[str, str]:
    board = f"https://forum.{v.domain}"
    topic_id, post_id, forum_id = (str(v.rng.randrange(10, 99999)) for _ in range(3))
    site = f"{v.brand} Forum"
    key = v.alnum(10, "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789")
    return {
        "SITENAME": site,
        "EMAIL_SIG": f"-- \nThanks, The {v.brand} Team",
        "USERNAME": v.username,
        "TO_USERNAME": v.username,
        "FROM_USERNAME": v.other_name(),
        "REQUEST_USERNAME": v.other_name(),
        "AUTHOR_NAME": v.other_name(),
        "CLOSER_NAME": v.other_name(),
        "TOPIC_TITLE": v.rng.choice(_TOPICS),
        "TOPIC_NAME": v.rng.choice(_TOPICS),
        "POST_SUBJECT": "Re: " + v.rng.choice(_TOPICS),
        "PM_SUBJECT": "Question about the meetup",
        "SUBJECT": "Question about the meetup",
        "FORUM_NAME": "General discussion",
        "GROUP_NAME": "Moderators",
        "WELCOME_MSG": f"Welcome to {site} forums",
        "MESSAGE": v.rng.choice(_MESSAGES),
        "REASON": "The post duplicates an existing topic.",
        "MAIL_INFO": "",
        "FAX_INFO": "",
        "BOARD_CONTACT": f"admin@{v.host}",
        "CONTACT_EMAIL": f"admin@{v.host}",
        "EMAIL_ADDRESS": v.email,
        "FROM_EMAIL_ADDRESS": v.email,
        "FROM_IP_ADDRESS": v.ip(),
        "REGISTER_DATE": v.when("%a %b %d, %Y %I:%M %p"),
        "U_BOARD": board,
        "U_ACTIVATE": f"{board}/ucp.php?mode=activate&u={v.rng.randrange(2, 9000)}&k={key}",
        "U_RESET_PASSWORD": f"{board}/app.php/user/reset_password?u={v.rng.randrange(2, 9000)}"
        f"&token={v.hex(32)}",
        "U_TOPIC": f"{board}/viewtopic.php?t={topic_id}",
        "U_VIEW_TOPIC": f"{board}/viewtopic.php?t={topic_id}",
        "U_NEWEST_POST": f"{board}/viewtopic.php?t={topic_id}&view=unread#unread",
        "U_VIEW_POST": f"{board}/viewtopic.php?p={post_id}#p{post_id}",
        "U_FORUM": f"{board}/viewforum.php?f={forum_id}",
        "U_STOP_WATCHING_TOPIC": f"{board}/viewtopic.php?uid=2&t={topic_id}&unwatch=topic",
        "U_STOP_WATCHING_FORUM": f"{board}/viewforum.php?uid=2&f={forum_id}&unwatch=forum",
        "U_NOTIFICATION_SETTINGS": f"{board}/ucp.php?i=ucp_notifications&mode=notification_options",
        "U_VIEW_MESSAGE": f"{board}/ucp.php?i=pm&mode=view&p={post_id}",
        "U_VIEW_REPORT": f"{board}/mcp.php?i=reports&mode=report_details&r={post_id}",
        "U_USER_DETAILS": f"{board}/memberlist.php?mode=viewprofile&u={post_id}",
        "U_PENDING": f"{board}/ucp.php?i=groups&mode=manage&action=list&g=4",
        "U_GROUP": f"{board}/memberlist.php?mode=group&g=4",
        "U_FROM_PROFILE": f"{board}/memberlist.php?mode=viewprofile&u={topic_id}",
    }


def _render(root: Path, name: str, v: Values) -> Mail:
    kind, cls, truth = _MAILS[name]
    vals = _values(v)
    raw = (root / f"{_DIR}{name}.txt").read_text(encoding="utf-8")
    raw = _IF.sub(
        lambda m: (
            (m.group(3) if bool(vals.get(m.group(2))) != bool(m.group(1)) else m.group(4)) or ""
        ),
        raw,
    )
    body = _VAR.sub(lambda m: vals[m.group(1) or m.group(2)], raw)
    head, _, text = body.partition("\n\n")
    headers = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    subject = headers.pop("Subject", "")
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{vals['SITENAME']} <noreply@{v.host}>",
        text=text.strip() + "\n",
        link=vals[truth] if truth else None,
        headers=headers,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (kind, _, _) in _MAILS.items():
        for i in range(3 if kind != "none" else 2):
            yield f"{name}-{i}", "en", partial(_render, root, name)
