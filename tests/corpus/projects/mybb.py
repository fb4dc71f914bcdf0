"""MyBB (LGPL-3.0; fetched, never committed): the plain-text mails of
``inc/languages/english/messages.lang.php`` (``$l['email_X']`` bodies and
``$l['emailsubject_X']`` subjects with positional ``{1}…{n}`` arguments), filled in the
argument order of ``member.php``/``usercp.php``. Account activation, e-mail change and
password reset hand over an activation code (``random_str()``: 8 mixed-case characters,
30 for a reset) that is also in the link (``otp+link``); thread, PM and change notices are
negatives. Mails that send a password in clear are left out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from pathlib import Path

from model import Mail, Source
from values import Values

_F = "inc/languages/english/messages.lang.php"
SOURCE = Source(
    project="mybb",
    repo="mybb/mybb",
    commit="9a701b248308c499641d40ca09b5eb3bda76f9c6",
    licence="LGPL-3.0-only",
    files=(_F,),
)
_PAIR = re.compile(r"\$l\['(\w+)'\]\s*=\s*\"((?:\\.|[^\"\\])*)\";", re.S)
_ARG = re.compile(r"\{(\d)\}")
_MIXED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_THREADS = ("Best budget NAS in 2026?", "Show your desk setup", "Ferry times to the island")


@lru_cache(maxsize=4)
def _strings(path: Path) -> dict[str, str]:
    return {k: x.replace('\\"', '"') for k, x in _PAIR.findall(path.read_text(encoding="utf-8"))}


# body key -> (subject key, kind, class, args(v, ctx) -> body args, subject args)
Args = Callable[[Values, dict[str, str]], tuple[list[str], list[str]]]


def _activation(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [v.username, c["board"], c["url"], c["uid"], c["code8"]], [c["board"]]


def _lostpw(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [v.username, c["board"], c["url"], c["uid"], c["code30"]], [c["board"]]


def _changeemail(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    new = f"{v.first.lower()}@{v.domain}"
    return [
        v.username,
        c["board"],
        v.email,
        new,
        c["url"],
        c["code8"],
        v.username,
        c["uid"],
    ], [c["board"]]


def _changeemail_done(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [v.username, c["board"], v.email, f"{v.first.lower()}@{v.domain}", c["url"]], [
        c["board"]
    ]


def _changepassword(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [v.username, v.email, c["board"], c["url"]], [c["board"]]


def _subscription(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    thread = v.rng.choice(_THREADS)
    return [
        v.username,
        v.other_name(),
        c["board"],
        thread,
        "I ended up with the four-bay one, no regrets so far.",
        c["url"],
        f"showthread.php?tid={c['uid']}&action=newpost",
        c["uid"],
    ], [thread]


def _forumsubscription(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [
        v.username,
        v.other_name(),
        "Hardware",
        c["board"],
        v.rng.choice(_THREADS),
        "First post of the new thread.",
        c["url"],
        f"showthread.php?tid={c['uid']}",
        str(v.rng.randrange(2, 40)),
    ], ["Hardware"]


def _newpm(v: Values, c: dict[str, str]) -> tuple[list[str], list[str]]:
    return [v.username, v.other_name(), c["board"], c["url"], "Are you coming on Saturday?"], [
        c["board"],
        "Saturday",
    ]


_MAILS: dict[str, tuple[str, str, str, Args]] = {
    "email_activateaccount": (
        "emailsubject_activateaccount",
        "otp+link",
        "confirm_email",
        _activation,
    ),
    "email_activateaccount1": (
        "emailsubject_activateaccount",
        "otp+link",
        "confirm_email",
        _activation,
    ),
    "email_activateaccount2": (
        "emailsubject_activateaccount",
        "otp+link",
        "confirm_email",
        _activation,
    ),
    "email_lostpw": ("emailsubject_lostpw", "otp+link", "reset_password", _lostpw),
    "email_lostpw1": ("emailsubject_lostpw", "otp+link", "reset_password", _lostpw),
    "email_lostpw2": ("emailsubject_lostpw", "otp+link", "reset_password", _lostpw),
    "email_changeemail": (
        "emailsubject_changeemail",
        "otp+link",
        "confirm_email_change",
        _changeemail,
    ),
    "email_changeemail_noactivation": (
        "emailsubject_changeemail",
        "none",
        "email_changed",
        _changeemail_done,
    ),
    "email_changepassword": (
        "emailsubject_changepassword",
        "none",
        "password_changed",
        _changepassword,
    ),
    "email_subscription": ("emailsubject_subscription", "none", "notification", _subscription),
    "email_forumsubscription": (
        "emailsubject_forumsubscription",
        "none",
        "notification",
        _forumsubscription,
    ),
    "email_newpm": ("emailsubject_newpm", "none", "notification", _newpm),
}


def _render(root: Path, name: str, v: Values) -> Mail:
    subj_key, kind, cls, args = _MAILS[name]
    strings = _strings(root / _F)
    ctx = {
        "board": f"{v.brand} Forums",
        "url": f"https://community.{v.domain}",
        "uid": str(v.rng.randrange(2, 20000)),
        "code8": v.alnum(8, _MIXED),
        "code30": v.alnum(30, _MIXED),
    }
    body_args, subj_args = args(v, ctx)
    body = _ARG.sub(lambda m: body_args[int(m.group(1)) - 1], strings[name])
    subject = _ARG.sub(lambda m: subj_args[int(m.group(1)) - 1], strings[subj_key])
    code = link = None
    if kind == "otp+link":
        code = ctx["code30"] if "lostpw" in name else ctx["code8"]
        link = next(x for x in body.split() if "&code=" in x)
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"{ctx['board']} <noreply@{v.domain}>",
        text=body.strip() + "\n",
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (_, kind, _, _) in _MAILS.items():
        for i in range(3 if kind != "none" else 2):
            yield f"{name}-{i}", "en", partial(_render, root, name)
