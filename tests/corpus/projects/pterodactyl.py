"""Pterodactyl Panel (MIT; fetched, never committed): its six notifications
(``app/Notifications/*.php``), read at render time from each ``toMail()`` chain of Laravel
``MailMessage`` calls (``subject``, ``greeting``, ``line``, ``action``) and laid out like
Laravel's mail theme; a mailable without a subject gets Laravel's default (the class name,
words split)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import quote

from kit import Layout, esc, text_of
from model import Mail, Source
from values import Values

_N = "app/Notifications/"
_MAILS = {  # class -> (kind, class)
    "SendPasswordReset": ("reset_link", "reset_password"),
    "AccountCreated": ("confirm_link", "invite_accept"),
    "AddedToServer": ("none", "share_invite"),
    "RemovedFromServer": ("none", "notification"),
    "ServerInstalled": ("none", "notification"),
    "MailTested": ("none", "smtp_test"),
}
SOURCE = Source(
    project="pterodactyl",
    repo="pterodactyl/panel",
    commit="706db62c64d180f224f56c62953172c27daa5826",
    licence="MIT",
    files=tuple(f"{_N}{name}.php" for name in _MAILS),
)
_CALL = re.compile(r"->(subject|greeting|line|action)\(")
_STR = re.compile(r"'((?:\\.|[^'\\])*)'")


def _args(src: str, start: int) -> tuple[list[str], int]:
    """Top-level comma-separated arguments of the call whose "(" is just before ``start``."""
    depth, quote_on, cur, out = 0, False, [], []
    i = start
    while i < len(src):
        c = src[i]
        if quote_on:
            cur.append(c)
            if c == "\\":
                cur.append(src[i + 1])
                i += 1
            elif c == "'":
                quote_on = False
        elif c == "'":
            quote_on = True
            cur.append(c)
        elif c in "([":
            depth += 1
            cur.append(c)
        elif c in ")]":
            if depth == 0:
                out.append("".join(cur).strip())
                return out, i
            depth -= 1
            cur.append(c)
        elif c == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    raise ValueError("unbalanced call")


def _concat(expr: str, env: dict[str, str]) -> str:
    """Evaluate ``'a' . $x->y . 'b'``: literals as written, other operands from ``env``."""
    parts, depth, quote_on, cur = [], 0, False, []
    for i, c in enumerate(expr):
        if quote_on:
            cur.append(c)
            if c == "'" and expr[i - 1] != "\\":
                quote_on = False
            continue
        if c == "'":
            quote_on = True
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "." and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur).strip())
    out = []
    for part in parts:
        lit = _STR.fullmatch(part)
        out.append(lit.group(1).replace("\\'", "'") if lit else env[part])
    return "".join(out)


def _render(root: Path, name: str, v: Values) -> Mail:
    kind, cls = _MAILS[name]
    src = (root / f"{_N}{name}.php").read_text(encoding="utf-8")
    body = src[src.index("function toMail") :]
    base = f"https://panel.{v.domain}"
    token = v.hex(64)
    server = v.rng.choice(("Minecraft SMP", "Valheim EU", "CS2 Practice", "Terraria"))
    env = {
        "$this->user->name": v.name,
        "$this->user->username": v.username,
        "$this->user->email": v.email,
        "$this->server->user": v.first,
        "$this->server->name": server,
        "config('app.name')": "Pterodactyl",
        "$this->token": token,
        "$this->server->uuidShort": v.hex(8),
        "urlencode($this->user->email)": quote(v.email),
        "urlencode($notifiable->email)": quote(v.email),
    }
    lay = Layout("Pterodactyl", "#2d3748")
    subject = re.sub(r"(?<!^)(?=[A-Z])", " ", name)
    greeting = "Hello!"
    lines: list[tuple[str, str]] = []
    link = None
    for m in _CALL.finditer(body):
        args, _ = _args(body, m.end())
        if m.group(1) == "subject":
            subject = _concat(args[0], env)
        elif m.group(1) == "greeting":
            greeting = _concat(args[0], env)
        elif m.group(1) == "line":
            lines.append(("line", _concat(args[0], env)))
        else:
            expr = args[1]
            url = base + (_concat(expr[4:-1], env) if expr.startswith("url(") else "/")
            lines.append(("action", f"{_concat(args[0], env)}\x00{url}"))
            if kind != "none":
                link = url
    lay.heading(esc(greeting))
    for what, value in lines:
        if what == "line":
            lay.p(esc(value))
        else:
            label, url = value.split("\x00")
            lay.button(esc(label), url)
    lay.p("Regards,<br>Pterodactyl")
    html = lay.html()
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Pterodactyl Panel <no-reply@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (kind, _) in _MAILS.items():
        for i in range(5 if kind != "none" else 3):
            yield f"{name}-{i}", "en", partial(_render, root, name)
