"""SimpleLogin (AGPL-3.0; fetched, never committed): transactional mails from
``templates/emails/transactional/*.html`` (activation link and code, reset, e-mail change,
failed 2FA sign-in alert, alias test and alias-limit notices). Each template is a list of
``render_text(…)``/``render_button(…)``/``raw_url(…)`` calls whose arguments are string
literals joined with ``+`` and ``(var | safe)``; they are evaluated here and laid out with
``kit.Layout`` (SimpleLogin's own ``base.html`` and macros are not used). Subjects are the
literals before each ``render("transactional/…")`` call in ``app/email_utils.py`` and
``app/api/views/auth.py``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, text_of
from model import Mail, Source
from values import Values

_T = "templates/emails/transactional/"
# template -> (file with the send call, kind, class)
_MAILS = {
    "activation": ("app/email_utils.py", "confirm_link", "confirm_email"),
    "code-activation": ("app/api/views/auth.py", "otp", "confirm_email"),
    "reset-password": ("app/email_utils.py", "reset_link", "reset_password"),
    "change-email": ("app/email_utils.py", "confirm_link", "confirm_email_change"),
    "invalid-totp-login": ("app/email_utils.py", "none", "sign_in_alert"),
    "test-email": ("app/email_utils.py", "none", "smtp_test"),
}
SOURCE = Source(
    project="simplelogin",
    repo="simple-login/app",
    commit="dbc45fcce4e8e6b4fa615cc729ca95a67bf75266",
    licence="AGPL-3.0-only",
    files=(
        *(f"{_T}{name}.html" for name in _MAILS),
        *sorted({m[0] for m in _MAILS.values()}),
    ),
)
_CALL = re.compile(r"\{\{\s*(render_text|render_button|raw_url)\((.*?)\)\s*\}\}", re.S)
_LIT = re.compile(r"\"((?:\\.|[^\"\\])*)\"|'((?:\\.|[^'\\])*)'")


def _split(expr: str, sep: str) -> list[str]:
    out, cur, depth, i = [], [], 0, 0
    while i < len(expr):
        m = _LIT.match(expr, i)
        if m:
            cur.append(m.group(0))
            i = m.end()
            continue
        c = expr[i]
        depth += c == "("
        depth -= c == ")"
        if depth == 0 and c == sep:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur).strip())
    return out


def _eval(expr: str, env: dict[str, str]) -> str:
    parts = _split(expr, "+")
    if len(parts) > 1:
        return "".join(_eval(p, env) for p in parts)
    expr = parts[0]
    m = _LIT.fullmatch(expr)
    if m:
        return m.group(1) if m.group(1) is not None else m.group(2)
    name = expr.strip("() ").split("|")[0].strip()
    return env[name]


def _subject(src: str, template: str, env: dict[str, str]) -> str:
    at = src.index(f'"transactional/{template}.txt')
    before = re.findall(r'f?"([^"\n]+)",\s*\n\s*render\(\s*$', src[:at])
    literal = before[-1] if before else re.findall(r'f?"([^"\n]+)",\s*\n', src[:at])[-1]
    return re.sub(r"\{(\w+)\}", lambda m: env[m.group(1)], literal)


def _render(root: Path, template: str, v: Values) -> Mail:
    php, kind, cls = _MAILS[template]
    base = "https://app.simplelogin.io"
    code = link = None
    alias = f"{v.words(1)}.{v.words(1)}{v.rng.randrange(10, 99)}@aleeas.com"
    env = {
        "email": esc(v.email),
        "new_email": esc(f"{v.first.lower()}@{v.domain}"),
        "current_email": esc(v.email),
        "name": esc(v.first),
        "alias": esc(alias),
        "type": "TOTP",
        "URL": base,
        "activation_link": f"{base}/auth/activate?code={v.token(40)}",
        "reset_password_link": f"{base}/auth/reset_password?code={v.token(40)}",
        "link": f"{base}/auth/change_email?code={v.token(40)}",
        "code": v.digits(6),
    }
    if template == "code-activation":
        code = env["code"]
    elif kind != "none":
        key = {"activation": "activation_link", "reset-password": "reset_password_link"}
        link = env[key.get(template, "link")]
    lay = Layout("SimpleLogin", "#be185d")
    src = (root / f"{_T}{template}.html").read_text(encoding="utf-8")
    for m in _CALL.finditer(src):
        args = _split(m.group(2), ",")
        if m.group(1) == "render_text":
            lay.p(" ".join(_eval(args[0], env).split()))
        elif m.group(1) == "render_button":
            lay.button(esc(_eval(args[0], env)), _eval(args[1], env))
        else:
            url = _eval(args[0], env)
            lay.p(
                f'Button not working? Paste this into your browser: <a href="{esc(url)}">{url}</a>'
            )
    html = lay.html()
    subj_env = {"email": v.email, "alias": alias}
    subject = _subject((root / php).read_text(encoding="utf-8"), template, subj_env)
    return Mail(
        template=template,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender="SimpleLogin <hi@simplelogin.io>",
        html=html,
        text=text_of(html),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for template, (_, kind, _) in _MAILS.items():
        for i in range(5 if kind != "none" else 4):
            yield f"{template}-{i}", "en", partial(_render, root, template)
