"""WriteFreely (AGPL-3.0; fetched, never committed): the three mails its Go code composes
(``account.go``: password reset, e-mail sign-in link; ``email.go``: subscription opt-in).
The text is read at render time from each function's ``footerPara``, ``plainMsg``,
``mailgun.NewMessage`` subject and ``SetHtml`` body: Go string literals joined with ``+`` or
filled by ``fmt.Sprintf``, evaluated here with our values for the variables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

SOURCE = Source(
    project="writefreely",
    repo="writefreely/writefreely",
    commit="6384f4667b5adb3a7c571c8da26b99f93db697ce",
    licence="AGPL-3.0-only",
    files=("account.go", "email.go"),
)
# name -> (file, function, kind, class)
_MAILS = {
    "password_reset": ("account.go", "emailPasswordReset", "reset_link", "reset_password"),
    "login_link": ("account.go", "loginViaEmail", "magic_link", "magic_link"),
    "subscription": ("email.go", "sendSubConfirmEmail", "confirm_link", "newsletter_optin"),
}
_LIT = re.compile(r'"((?:\\.|[^"\\])*)"|`([^`]*)`')


def _split(expr: str, sep: str) -> list[str]:
    """Split ``expr`` at top-level ``sep`` (outside strings and brackets)."""
    out, cur, depth, i = [], [], 0, 0
    while i < len(expr):
        c = expr[i]
        if c in '"`':
            m = _LIT.match(expr, i)
            if m is None:
                raise ValueError("unterminated string")
            cur.append(m.group(0))
            i = m.end()
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if depth == 0 and expr.startswith(sep, i):
            out.append("".join(cur).strip())
            cur = []
            i += len(sep)
            continue
        cur.append(c)
        i += 1
    out.append("".join(cur).strip())
    return out


def _eval(expr: str, env: dict[str, str]) -> str:
    expr = expr.strip()
    if expr.startswith("fmt.Sprintf(") and expr.endswith(")"):
        fmt, *args = _split(expr[len("fmt.Sprintf(") : -1], ",")
        values = iter(_eval(a, env) for a in args)
        return re.sub(
            r"%%|%s", lambda m: "%" if m.group(0) == "%%" else next(values), _eval(fmt, env)
        )
    parts = _split(expr, "+")
    if len(parts) > 1:
        return "".join(_eval(p, env) for p in parts)
    m = _LIT.fullmatch(expr)
    if m:
        if m.group(2) is not None:
            return m.group(2)
        return m.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    return env[expr]


def _statement(body: str, start: int) -> str:
    """The expression that starts at ``start`` and runs to the end of its statement."""
    depth, i = 0, start
    while i < len(body):
        c = body[i]
        if c in '"`':
            m = _LIT.match(body, i)
            i = m.end() if m else i + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return body[start:i]
            depth -= 1
        elif c == "\n" and depth == 0 and not body[start:i].rstrip().endswith("+"):
            return body[start:i]
        i += 1
    return body[start:]


def _render(root: Path, name: str, v: Values) -> Mail:
    file, func, kind, cls = _MAILS[name]
    src = (root / file).read_text(encoding="utf-8")
    body = src[src.index(f"func {func}(") :]
    body = body[: body.index("\n}\n")]
    host = f"https://write.{v.domain}"
    site = f"{v.brand} Writers"
    token = v.token(32)
    sub_id = v.token(24)
    alias = v.rng.choice(("field-notes", "weeknotes", "garden-log"))
    canonical = f"{host}/{alias}/"
    env = {
        "app.cfg.App.SiteName": site,
        "app.cfg.App.Host": host,
        "app.cfg.Email.Domain": f"mail.{v.domain}",
        "token": token,
        "t": token,
        "redirectTo": "/me/settings",
        "subID": sub_id,
        "c.CanonicalURL()": canonical,
        "c.DisplayTitle()": alias.replace("-", " ").title(),
        "c.Alias": alias,
        "toEmail": v.email,
        "email": v.email,
    }
    footer = re.search(r"footerPara := ", body)
    if footer:
        env["footerPara"] = _eval(_statement(body, footer.end()), env)
    plain = _eval(_statement(body, body.index("plainMsg := ") + len("plainMsg := ")), env)
    new_msg = body.index("mailgun.NewMessage(") + len("mailgun.NewMessage(")
    sender_expr, subject_expr, *_ = _split(_statement(body, new_msg), ",")
    html = _eval(_statement(body, body.index("m.SetHtml(") + len("m.SetHtml(")), env)
    if not html.lstrip().startswith("<html"):
        raise ValueError("unexpected SetHtml body")
    links = {
        "password_reset": f"{host}/reset?t={token}",
        "login_link": f"{host}/login?to=/me/settings&with={token}",
        "subscription": f"{canonical}email/confirm/{sub_id}?t={token}",
    }
    return Mail(
        template=func,
        language="en",
        kind=kind,
        cls=cls,
        subject=_eval(subject_expr, env),
        sender=_eval(sender_expr, env),
        text=plain + "\n",
        html=html.replace("%%", "%") if name == "subscription" else html,
        link=links[name],
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name in _MAILS:
        for i in range(5):
            yield f"{name}-{i}", "en", partial(_render, root, name)
