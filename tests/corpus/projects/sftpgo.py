"""SFTPGo (AGPL-3.0; fetched, never committed): its two e-mail templates
(``templates/email/*.html``): the password-reset verification code (a 22-character
``shortuuid``, mixed case) and the password-expiry notice, with the subjects of its Go code
(``internal/httpd/api_utils.go``, ``internal/common/eventmanager.go``) read at render time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import render_simple, text_of
from model import Mail, Source
from values import Values

SOURCE = Source(
    project="sftpgo",
    repo="drakkan/sftpgo",
    commit="42f7a4d415dc7a97da08880edb82e5b0db5fcfc8",
    licence="AGPL-3.0-only",
    files=(
        "templates/email/reset-password.html",
        "templates/email/password-expiration.html",
        "internal/httpd/api_utils.go",
        "internal/common/eventmanager.go",
    ),
)
_RESET_SUBJECT = re.compile(r'subject = fmt\.Sprintf\("((?:\\.|[^"\\])*)", username\)')
_EXPIRY_SUBJECT = re.compile(r'subject := "([^"]*password expiration[^"]*)"')
_IF_DAYS = re.compile(
    r"\{\{if le \.Days 0\}\}(.*?)\{\{else\}\}(.*?)\{\{if eq \.Days 1\}\}(.*?)\{\{else\}\}(.*?)"
    r"\{\{end\}\}\{\{end\}\}",
    re.S,
)
_B57 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _render(root: Path, name: str, v: Values) -> Mail:
    user = v.username.replace(".", "")
    code = None
    if name == "reset-password":
        src = (root / "internal/httpd/api_utils.go").read_text(encoding="utf-8")
        subjects = _RESET_SUBJECT.findall(src)
        subject = subjects[v.rng.randrange(len(subjects))].replace("%q", f'"{user}"')
        code = v.alnum(22, _B57)
        body = render_simple(
            (root / "templates/email/reset-password.html").read_text(encoding="utf-8"),
            {"Code": code},
        )
        kind, cls = "otp", "reset_code"
    else:
        src = (root / "internal/common/eventmanager.go").read_text(encoding="utf-8")
        subject = _EXPIRY_SUBJECT.findall(src)[0]
        days = v.rng.choice((0, 1, 3, 7))
        tpl = (root / "templates/email/password-expiration.html").read_text(encoding="utf-8")
        tpl = _IF_DAYS.sub(
            lambda m: (
                m.group(1) if days <= 0 else m.group(2) + (m.group(3) if days == 1 else m.group(4))
            ),
            tpl,
        )
        body = render_simple(tpl, {"Username": user, "Days": str(days)})
        kind, cls = "none", "password_expiry"
    html = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"SFTPGo <sftpgo@{v.domain}>",
        html=html,
        text=text_of(html),
        code=code,
        code_display=code,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, n in (("reset-password", 8), ("password-expiration", 5)):
        for i in range(n):
            yield f"{name}-{i}", "en", partial(_render, root, name)
